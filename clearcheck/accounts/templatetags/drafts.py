"""``{{ user|draft_key }}``: the key under which a browser keeps this user's unsent form drafts (issue 19).

Forms marked ``data-draft`` keep what is typed in the browser's local storage (``static/clearcheck/js/site.js``),
so that an expired session loses nothing: the login returns to the form and the script fills it in again. The
drafts are filed under this key, not the username: it is stable for the user across sessions (the draft
survives a new login) yet cannot be guessed or read back to an account, and another user signing in on a
shared phone never sees them (the script drops other keys' drafts, and all drafts at logout).
"""

from django import template
from django.utils.crypto import salted_hmac

register = template.Library()

SALT = "clearcheck.accounts.drafts"


@register.filter
def draft_key(user) -> str:
    """A 24-hex-digit key for a signed-in user's drafts; "" for anyone else (who gets no drafts)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac(SALT, f"draft:{user.pk}").hexdigest()[:24]
