"""The minimal JSON view: the baseline the check-in benchmark measures in the same run (bench/checkin.py).

It goes through the whole middleware stack of the platform like every other request, but does no work
of its own and never touches the database, so its requests per second are what the server itself
(gunicorn, Django's request cycle, the middleware) can do on the machine.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def ping(request):
    """``{"ok": true}``: no database, no session, no template."""
    return JsonResponse({"ok": True})
