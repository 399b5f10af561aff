"""Issue 19: every page of the role × route crawl reads on a 390×844 phone in zh-CN, and passes axe-core.

For each role (and anonymously), the pages that answer that role 200 with HTML (``tests.crawl_pages``: not
the API, ``/admin/`` or ``/api/docs``) are opened in chromium at 390×844 with the language zh-CN:

- **sideways**: neither the page nor any element inside ``<main>`` scrolls sideways (an inner
  ``overflow-x`` area wider than its box is how a cut-off table looks);
- **Content-Security-Policy** (issue 20): chromium reports no violation of the page's policy;
- **axe-core** (vendored, ``vendor/axe-core``), WCAG 2 A and AA: no violation of impact serious or
  critical. Run once per route name and role group (anonymous, enterprise, officer, agency manager,
  county; ``tests.crawl_pages.ROLE_GROUPS``), not for every role × route.

The session is forced (``Client.force_login``'s cookie copied into the browser) rather than typed.
"""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.test_phone_tables import INNER_OVERFLOW
from tests.crawl_pages import CRAWL_ROLES, axe_roles, is_document, page_paths, zh_client

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8") + "\n;void 0"
PAGE_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa'], resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
    `${v.impact} ${v.id} (${v.help}): ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')
      + ' «' + (n.html || '').slice(0, 90) + '»').join(' | ') + (v.nodes.length > 3 ? ` … ${v.nodes.length} nodes` : ''));
}"""


def _sign_in(page, client, live_server) -> None:
    """Give the browser the session of the crawl's signed-in client (anonymous: nothing to give)."""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                                   "url": live_server.url}])


def _open(page, path: str):
    """The page's response, or None when ``path`` is a file the browser downloads (a PDF)."""
    from playwright.sync_api import Error

    try:
        return page.goto(path, wait_until="load")
    except Error as exc:
        if "Download is starting" in str(exc):
            return None
        raise


@pytest.mark.parametrize("role", CRAWL_ROLES)
def test_issue19_crawled_pages_fit_the_phone_and_pass_axe(phone, live_server, world, role):
    page = phone
    _sign_in(page, zh_client(role, world), live_server)
    axe_here = axe_roles()[role]
    failures, pages = [], 0
    for key, path in page_paths(role, world):
        page.csp_violations.clear()
        response = _open(page, path)
        # What chromium's own viewer of a file does (an image shown under the evidence file's sandbox policy,
        # whose default-src 'none' refuses the viewer's inline style) is not the platform's page: only an HTML
        # document's violations count (issue 20).
        violations = list(page.csp_violations)
        page.csp_violations.clear()
        if response is None:
            continue
        if response.status != 200:
            failures.append(f"{key} ({path}) as {role}: the browser got {response.status}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html") or not is_document(response.body()):
            continue  # a file (PNG, JSON, …) or an htmx fragment (checked inside the page that swaps it in)
        pages += 1
        overflow = page.evaluate(PAGE_OVERFLOW)
        if overflow > 1:
            failures.append(f"{key} ({path}) as {role}: the page is {overflow}px wider than the phone")
        inner = page.evaluate(INNER_OVERFLOW)
        if inner:
            failures.append(f"{key} ({path}) as {role}: scrolls sideways inside: {', '.join(inner[:5])}")
        violations += page.csp_violations
        page.csp_violations.clear()
        failures += [f"{key} ({path}) as {role}: {v}" for v in violations]  # issue 20: none under the policy
        if key in axe_here:
            # Run in the page by the browser's own protocol: a <script> tag would be an inline script, which
            # the page's Content-Security-Policy rightly refuses.
            page.evaluate(AXE_SOURCE)
            for violation in page.evaluate(AXE_RUN):
                failures.append(f"{key} ({path}) as {role} [axe, {axe_here[key]}]: {violation}")
    assert pages, f"no HTML page answered {role}"
    assert not failures, f"\n{len(failures)} failures at 390×844 zh-CN:\n" + "\n".join(failures)
