"""Bearer tokens for tests that call the API as a signed-in client (schemathesis, the write-route fuzzing)."""

from clearcheck.catalog.tests.factories import PASSWORD


def token_issue(user):
    """``(token, record)`` of ``user`` as a client gets it: password, and a fresh one-time code for a role that
    needs a second factor (a known secret enrolled anew each time, so a code is never "already used").
    """
    import pyotp

    from clearcheck.accounts import second_factor
    from clearcheck.accounts.services import api_token_issue

    extra = {}
    if second_factor.needs_second_step(user):
        secret = pyotp.random_base32()
        second_factor.second_factor_enrol_known(actor=user, user=user, secret=secret)
        extra["otp"] = pyotp.TOTP(secret).now()
    return api_token_issue(username=user.username, password=PASSWORD, **extra)


def bearer_of(user):
    """A function giving a live bearer token of ``user``, issued again when a generated call revoked it or
    deactivated the account (the account is made active again: the calls test the API, not that state).
    """
    from clearcheck.accounts.models import ApiToken

    state: dict = {}

    def token() -> str:
        record = state.get("record")
        if record is None or ApiToken.objects.filter(pk=record.pk, revoked_at__isnull=False).exists():
            user.refresh_from_db()
            if not user.is_active:
                user.is_active = True
                user.save(update_fields=["is_active"])
            state["token"], state["record"] = token_issue(user)
        return state["token"]

    return token
