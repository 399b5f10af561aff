"""What every phone journey uses: the test password, Playwright's ``expect``, a log-in step and the check
that a page fits the phone's width."""

import re

PASSWORD = "Qingjian-2025!"


def expect(target):
    """Playwright's ``expect`` (imported late: the package is optional outside the browser journeys)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def assert_fits_phone(page) -> None:
    """The page scrolls no wider than the phone's screen."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the phone screen"


def login(page, username: str) -> None:
    """Sign in as ``username`` (with the test password) in a fresh session."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
