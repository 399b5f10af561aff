"""Writes of the supervision app (special supervision: matters, directives, interviews, notices, referrals);
every one audited (R30). Alerts are raised and handled through ``clearcheck.alerts.services``; the engine's
runs are ``supervision.engine``.
"""

from .matters import (  # noqa: F401
    directive_issue,
    directive_reply,
    interview_record,
    matter_conclude,
    matter_open,
    notice_draft,
    notice_publish,
    notice_update,
    referral_create,
    referral_receive,
)
