"""Sign-in pages: the password step (throttled), the second step for the roles that need it (issue 20), the
second factor's own page, and the unified identity's skeleton (``accounts.federation``).

The second step keeps ``next`` and never signs the browser in before it is passed: until then the page has no
user, so ``site.js`` keeps every saved draft (it drops another user's drafts only on a signed-in page).
"""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from clearcheck.core import clock

from .devices import device_remember
from .federation import authorization_redirect, federation_configured
from .forms import ThrottledAuthenticationForm
from .login import attempt_keys, login_succeeded
from .models import User
from .second_factor import (
    SecondFactorRequired,
    demo_code,
    factor_of,
    factor_required,
    needs_second_step,
    qr_svg,
    second_factor_enrol_confirm,
    second_factor_enrol_start,
    second_step_verify,
)
from .throttle import LoginThrottled, client_address

PENDING = "cc_second_step"
PENDING_SECONDS = 300  # the password step is good for five minutes


class LoginView(auth_views.LoginView):
    """The login form. A locked account or address answers 429 with ``Retry-After`` and says, in Chinese,
    when to try again. A correct password of a user with a second factor leads to the second step.
    """

    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "federation": federation_configured()}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.retry_after)
        return response

    def form_valid(self, form):
        user = form.get_user()
        if needs_second_step(user):
            self.request.session[PENDING] = {"user": user.pk, "backend": user.backend,
                                             "at": clock.now().timestamp(), "next": self.get_redirect_url()}
            return HttpResponseRedirect(reverse("accounts:second_step"))
        login_succeeded(form.keys)
        response = super().form_valid(form)
        device_remember(self.request, response, user)
        return response


def _next_of(request, pending: dict) -> str:
    url = pending.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or clock.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None, pending or {}
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


@require_http_methods(["GET", "POST"])
def second_step(request):
    """The second step: a code from the authenticator app, or a recovery code; a required role without a
    factor enrols here first (QR code and secret), then signs in and sees its recovery codes once.
    """
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        return redirect_to_login(pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL))
    keys = attempt_keys(username=user.get_username(), address=client_address(request), request=request)
    enrolling = factor_of(user) is None
    context = {"enrolling": enrolling, "next": pending.get("next") or "", "required": factor_required(user),
               "demo_code": None if enrolling else demo_code(user)}
    status = 200
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()[:64]
        try:
            if enrolling:
                codes = second_factor_enrol_confirm(actor=user, code=code, keys=keys)
            else:
                second_step_verify(user=user, keys=keys, code=code)
                codes = None
        except LoginThrottled as exc:
            context["throttled"] = exc
            status = 429
        except SecondFactorRequired as exc:
            context["error"] = exc.detail
            status = 422
        else:
            login_succeeded(keys)
            request.session.pop(PENDING, None)
            user.backend = pending["backend"]
            login(request, user, backend=pending["backend"])
            if codes:
                response = render(request, "accounts/recovery_codes.html",
                                  {"codes": codes, "next": _next_of(request, pending)})
            else:
                response = HttpResponseRedirect(_next_of(request, pending))
            device_remember(request, response, user)
            return response
    if enrolling:
        secret, uri = second_factor_enrol_start(actor=user)
        context.update(secret=secret, qr=qr_svg(uri))
    response = render(request, "accounts/second_step.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(context["throttled"].retry_after)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_page(request):
    """The signed-in user's second factor: whether one is bound, and (for an officer or an enterprise, for
    whom it is optional) binding one.
    """
    user = request.user
    context = {"factor": factor_of(user), "required": factor_required(user)}
    status = 200
    if context["factor"] is None:
        if request.method == "POST":
            keys = attempt_keys(username=user.get_username(), address=client_address(request), request=request)
            try:
                codes = second_factor_enrol_confirm(actor=user, code=(request.POST.get("code") or "")[:64],
                                                    keys=keys)
            except LoginThrottled as exc:
                context["throttled"], status = exc, 429
            except SecondFactorRequired as exc:
                context["error"], status = exc.detail, 422
            else:
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": resolve_url(settings.LOGIN_REDIRECT_URL)})
        secret, uri = second_factor_enrol_start(actor=user)
        context.update(secret=secret, qr=qr_svg(uri))
    response = render(request, "accounts/second_factor.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(context["throttled"].retry_after)
    return response


def oidc_start(request):
    """Go to the province's unified identity (only when configured; else 404)."""
    if not federation_configured():
        raise Http404
    return HttpResponseRedirect(authorization_redirect(request, request.GET.get("next", "")))


def oidc_callback(request):
    """Where the unified identity returns. Not built against a real provider (``accounts.federation``)."""
    if not federation_configured():
        raise Http404
    return render(request, "accounts/federation_pending.html", status=501)


