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
    """Sign in as ``username`` (with the test password) in a fresh session; a role that needs a second
    factor (issue 20) is enrolled with ``SECOND_FACTOR_SECRET`` first and passes the second step.
    """
    otp = _second_factor_code(username)
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if otp:
        expect(page).to_have_url(re.compile(r"/accounts/login/verify/"))
        page.locator("input[name=code]").fill(otp)
        page.get_by_role("button", name="验证并登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


SECOND_FACTOR_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _second_factor_code(username: str) -> str:
    """The code of the user's second factor ("" when none is needed), enrolling a required role that has
    none. A journey signs in more often than every 30 s, so the code's one use is forgotten first.
    """
    import pyotp

    from clearcheck.accounts.models import SecondFactor, User
    from clearcheck.accounts.second_factor import (
        factor_of,
        needs_second_step,
        second_factor_enrol_known,
        secret_open,
    )

    user = User.objects.get(username=username)
    if not needs_second_step(user):
        return ""
    factor = factor_of(user) or second_factor_enrol_known(actor=None, user=user, secret=SECOND_FACTOR_SECRET)
    SecondFactor.objects.filter(pk=factor.pk).update(last_step=0)
    return pyotp.TOTP(secret_open(factor.secret_sealed)).now()
