"""Issue 20, Deliver 4: under the Content-Security-Policy the pages still work in chromium, and nothing they do
is refused.

The ``phone`` fixture fails any journey during which chromium reports a violation (``tests.support.csp``), so
every journey under ``tests/browser`` is also a policy check (the code page and the officer's visit page
polling in ``test_codes.py``/``test_officer_day.py``, the record, evidence and signature pages, the crawl of
every page in ``test_crawl.py``). These tests cover what no journey did: the language switch that was an
``onchange=`` handler, ``/api/docs`` (Swagger UI), the dashboards' region filter loaded by htmx one level at a
time, the code poster's print button, and that the watcher sees a violation at all.
"""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.browser.helpers import expect

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user, live_server) -> None:
    """The browser gets a session of ``user`` (forced: the login form and its second step have their own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie.value,
                               "url": live_server.url}])


def test_issue20_the_watcher_sees_a_refused_inline_script(phone):
    """The check the journeys rely on is not blind: an inline script added to a page is refused and reported."""
    page = phone
    page.goto("/public/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__inlineRan = true'; document.body.appendChild(s); }""")
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__inlineRan === undefined")
    assert any("Content Security Policy" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # expected here; the fixture fails on any left


def test_issue20_the_language_switch_works_without_an_inline_handler(phone):
    page = phone
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.locator("select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("select[name=language]").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert not page.js_errors, page.js_errors


def test_issue20_api_docs_render_under_the_policy(phone, live_server):
    """Swagger UI (vendored by Ninja) runs, loads the OpenAPI document and fetches nothing from outside."""
    page = phone
    outside = []
    page.on("request", lambda request: None if request.url.startswith((live_server.url, "data:"))
            else outside.append(request.url))
    page.goto("/api/docs")
    # The OpenAPI document (600 KB, built on the first request) takes seconds on a busy machine.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ClearCheck", timeout=60_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert not page.js_errors, page.js_errors
    assert not outside, outside


def test_issue20_the_dashboard_region_filter_loads_by_htmx(phone, live_server, settings, reference_codes):
    """A province deployment: choosing a city swaps in the filter with its counties (htmx, no eval)."""
    from clearcheck.registry.tests.factories import bureau_make

    settings.CLEARCHECK = {**settings.CLEARCHECK, "REGION_CODE": "370000"}  # 山东省
    page = phone
    _sign_in(page, bureau_make(), live_server)
    page.goto("/work/dashboards/")
    filter_ = page.locator("#region-filter")
    expect(filter_.locator("select")).to_have_count(1)
    filter_.locator("select").first.select_option("371500")  # 聊城市
    expect(filter_.locator("select")).to_have_count(2)
    expect(filter_.locator("select").nth(1)).to_contain_text("东阿县")
    assert not page.js_errors, page.js_errors


def test_issue20_the_code_poster_prints_from_a_button_without_a_handler(phone, live_server, make_enterprise):
    from clearcheck.registry import codes
    from clearcheck.registry.tests.factories import bureau_make

    bureau = bureau_make()
    enterprise = make_enterprise("东阿阿胶股份有限公司")
    code = codes.enterprise_code_issue(actor=bureau, enterprise_id=enterprise.pk)
    page = phone
    _sign_in(page, bureau, live_server)
    page.goto(f"/work/registry/enterprises/{enterprise.pk}/code/v{code.version}/poster/")
    expect(page.locator(".poster .qr svg")).to_be_visible()
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.locator("button[data-print]").click()
    assert page.evaluate("() => window.__printed") == 1
    assert page.evaluate("() => getComputedStyle(document.querySelector('.poster')).textAlign") == "center"
