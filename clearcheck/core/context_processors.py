"""Template context shared by every page."""

from django.conf import settings


def platform(request):
    """Platform name and the actor's role for the navigation."""
    user = getattr(request, "user", None)
    return {
        "platform_name": settings.CLEARCHECK["PLATFORM_NAME"],
        "actor_role": getattr(user, "role", "") if user and user.is_authenticated else "public",
    }
