"""``{{ username|person }}``: an account recorded by its username (who approved, filed, closed …) shown as a
person reads it — the name with the role, never the login name (issue 19).
"""

from django import template

from clearcheck.accounts.models import User
from clearcheck.accounts.selectors import person_label, person_words

register = template.Library()


@register.filter
def person(username) -> str:
    """The person behind a recorded username: 姓名(角色); the system and the public by those words."""
    if not username:
        return "—"
    if isinstance(username, User):
        return person_words(username)  # the signed-in user: already loaded, no lookup by name
    return person_label(str(username))
