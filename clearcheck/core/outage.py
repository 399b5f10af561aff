"""What a request meets when the database is down: 503 with ``Retry-After``, never a traceback (issue 20).

Django calls ``handler500`` inside the ``except`` block of any uncaught exception, so the handler can tell
an outage (the database refused or dropped the connection: ``OperationalError``/``InterfaceError``) from
a bug. An outage answers 503 with ``Retry-After`` — a problem document under ``/api/``, the site's
Chinese page elsewhere; a bug keeps its 500. Neither page needs the database, the session or the user.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from .problems import problem_body, problem_for_status, problem_response

RETRY_AFTER_SECONDS = 30


def is_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` means the database cannot be reached (rather than a fault in the code)."""
    return isinstance(exc, (OperationalError, InterfaceError))


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    """``handler500``: 503 + ``Retry-After`` for a database outage, 500 for anything else."""
    outage = is_outage(sys.exc_info()[1])
    api = request.path.startswith("/api/")
    if outage and api:
        response = problem_response(problem_body(
            status=503, title="服务暂时不可用", detail="数据库暂时无法连接,请稍后重试", type_slug="unavailable",
            instance=request.path))
    elif outage:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    elif api:
        return problem_response(problem_for_status(500, "服务器内部错误,已记录", request.path))
    else:
        return HttpResponseServerError(loader.get_template(template_name).render())
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
