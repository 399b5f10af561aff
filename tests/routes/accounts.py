"""Route expectations of sign-in (issue 20): the second step, the second factor's page, the unified identity."""

from tests.access import EVERYONE, NOBODY, SIGNED_IN, Access, ok

EXPECTATIONS = {
    # Without a password step just passed, the second step sends everyone to the login page.
    "accounts:second_step": Access(NOBODY, {r: 302 for r in EVERYONE}),
    "accounts:second_factor": ok(SIGNED_IN),
    # The unified identity exists only where configured (not in the tests' settings).
    "accounts:oidc_start": Access(NOBODY, {r: 404 for r in EVERYONE}),
    "accounts:oidc_callback": Access(NOBODY, {r: 404 for r in EVERYONE}),
    # The admin's own login form would skip the throttle and the second factor: it sends to the platform's.
    "admin:login": Access(NOBODY, {r: 302 for r in EVERYONE}),
}
