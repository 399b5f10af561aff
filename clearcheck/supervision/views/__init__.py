"""Pages of the supervision app: the alert inboxes, special supervision (matters, notices, referrals) and the
public notice pages. Views parse, call a selector or service, and render.
"""
