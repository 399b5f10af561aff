"""People recorded by username on planning rows (who filed, graded, merged …) shown by name with role
(issue 19): one label per distinct username of a page, looked up once, never the login name.
"""

from collections.abc import Iterable

from clearcheck.accounts.templatetags.people import person


def people_labelled(rows: Iterable, *fields: str) -> list:
    """``rows`` as a list, each given ``<field>_label`` (姓名(角色)) for each of ``fields``; every distinct
    username is looked up once for the whole list.
    """
    rows = list(rows)
    names = {getattr(row, name) for row in rows for name in fields} - {"", None}
    labels = {username: person(username) for username in sorted(names)}  # the words of ``|person``
    for row in rows:
        for name in fields:
            username = getattr(row, name)
            setattr(row, f"{name}_label", labels.get(username, "—"))
    return rows
