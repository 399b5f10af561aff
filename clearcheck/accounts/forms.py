"""The sign-in forms: the password (throttled, ``accounts.login``) and the second step."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from clearcheck.core.errors import PermissionDenied

from .login import password_check
from .throttle import LoginThrottled, client_address


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, checked through ``accounts.login.password_check`` like the token API, so both
    paths share one throttle. ``throttled`` holds the refusal when the account or the address is locked.
    """

    throttled: LoginThrottled | None = None
    keys = None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if username and password:
            try:
                self.user_cache, self.keys = password_check(
                    username=username, password=password, address=client_address(self.request),
                    request=self.request,
                )
            except LoginThrottled as exc:
                self.throttled = exc
                raise forms.ValidationError(exc.detail, code="throttled") from None
            except PermissionDenied:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
