"""The HTML pages of the role × route crawl (issue 19): what a person reads in a browser.

Shared by the text scan (``tests/test_page_text.py``) and the phone and accessibility checks
(``tests/browser/test_crawl.py``). The routes, their expectations, the ids they are filled with and the
signed-in clients come from the crawl itself (``tests/test_route_access.py``); this module only picks the
pages among them: not the API, not the Django admin, not the API's own documents (``/api/docs``).
"""

from django.test import Client

from tests.access import ANON, ROLES
from tests.test_route_access import client_for, crawl_targets, expectation, expected_status, fill

ZH_CN = "zh-CN"  # Accept-Language of a Chinese phone; the site answers in zh-hans

# The crawl's roles grouped by the pages they are shown: axe runs once per (route, group), since a role
# group shares a template's variant (the workspace of a county role, of an agency manager, …).
ROLE_GROUPS = {
    ANON: "anonymous",
    "enterprise": "enterprise",
    "officer": "officer",
    "agency_admin": "agency manager",
    "agency_head": "agency manager",
    "department_head": "agency manager",
    "bureau": "county",
    "government": "county",
    "discipline": "county",
}
CRAWL_ROLES = (ANON, *ROLES)


def page_targets() -> list[tuple[str, str]]:
    """(route key, path template) of every crawled route that is not API, admin or API document."""
    return [
        (key, template) for key, template, is_api in crawl_targets()
        if not is_api and not key.startswith(("admin:", "admin route ")) and not template.startswith("/api/")
    ]


def zh_client(role: str, world: dict) -> Client:
    """The crawl's client of ``role`` (signed in unless anonymous), asking for Chinese."""
    client = client_for(role, world)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = ZH_CN
    return client


def page_paths(role: str, world: dict) -> list[tuple[str, str]]:
    """(key, path) of each page route the crawl expects to answer ``role`` 200 (HTML or a file).

    A route the crawl expects to turn ``role`` away is left out (the crawl itself checks that).
    """
    paths = []
    for key, template in page_targets():
        access = expectation(key)
        if access is not None and expected_status(access, role, is_api=False) == {200}:
            paths.append((key, fill(template, key, world)))
    return paths


def html_pages(role: str, world: dict):
    """Yield (key, path, response) for each page that answers ``role`` 200 with HTML (zh-CN)."""
    client = zh_client(role, world)
    for key, path in page_paths(role, world):
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield key, path, response


def is_document(body: bytes) -> bool:
    """A whole page, not an htmx fragment that a page swaps in (the text scan reads both; the browser the page)."""
    return b"<html" in body[:600].lower()


def axe_roles() -> dict[str, dict[str, str]]:
    """For each role group, the role that runs axe on each route: the first of the group (in ``CRAWL_ROLES``
    order) that the crawl lets in. ``{role: {route key: group}}``."""
    chosen: dict[str, dict[str, str]] = {role: {} for role in CRAWL_ROLES}
    for key, _template in page_targets():
        access = expectation(key)
        if access is None:
            continue
        taken: set[str] = set()
        for role in CRAWL_ROLES:
            group = ROLE_GROUPS[role]
            if group not in taken and expected_status(access, role, is_api=False) == {200}:
                chosen[role][key] = group
                taken.add(group)
    return chosen
