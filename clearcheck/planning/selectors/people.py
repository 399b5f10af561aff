"""People recorded by username on planning rows (who filed, graded, merged …) shown by name with role
(issue 19): the labels of a page's usernames in one query, never the login name.
"""

from collections.abc import Iterable

from clearcheck.accounts.selectors import person_labels


def people_labelled(rows: Iterable, *fields: str) -> list:
    """``rows`` as a list, each given ``<field>_label`` (姓名(角色)) for each of ``fields``; the page's
    usernames are looked up in one query.
    """
    rows = list(rows)
    names = {getattr(row, name) for row in rows for name in fields} - {"", None}
    labels = person_labels(names)  # one query; the words of ``|person``
    for row in rows:
        for name in fields:
            username = getattr(row, name)
            setattr(row, f"{name}_label", labels.get(username, "—"))
    return rows
