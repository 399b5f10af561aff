"""Sign-in pages: the password step (throttled) and, for the roles that need it, the second step."""

from django.contrib.auth import views as auth_views

from .forms import ThrottledAuthenticationForm
from .login import login_succeeded


class LoginView(auth_views.LoginView):
    """The login form. A locked account or address answers 429 with ``Retry-After`` and says, in Chinese,
    when to try again (issue 20).
    """

    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.retry_after)
        return response

    def form_valid(self, form):
        login_succeeded(form.keys)
        return super().form_valid(form)
