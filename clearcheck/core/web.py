"""Helpers for thin Django views: role gates and turning domain errors into form messages."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .errors import DomainError, RuleViolation


def role_required(*roles: str):
    """Allow only signed-in users with one of ``roles``; others get the login page (anonymous) or 404."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles and user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def permission_required(permission: str):
    """Like ``role_required``, for apps below accounts, which know no role: allow only signed-in users that
    hold ``permission`` (``user.has_perm``; the accounts app grants it by role); others get the login page
    (anonymous) or 404.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_perm(permission):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def error_message(request, exc: DomainError) -> None:
    """Show a domain error on the next page, with its rule ID and clause when a rule refused."""
    if isinstance(exc, RuleViolation):
        messages.error(request, f"{exc.rule.id}({exc.rule.clause}):{exc.plain}")
    else:
        messages.error(request, exc.detail)
