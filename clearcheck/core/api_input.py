"""The API's one gate for bodies (issue 20, Deliver 1): what is not JSON where JSON is documented answers 415,
and text that cannot be stored or shown honestly answers 422 with the field's path, before any route runs.

Ninja would parse ``text/plain``, XML or a UTF-16 body as JSON when it happens to decode, and turns any
parser error into a bare 400; this middleware reads the operation's documented request content types from
the OpenAPI document of the API that ``core.api.api_create`` made, so each route keeps what it documents
(upload routes keep ``multipart/form-data``). What text is refused is ``core.inputs.text_problem``, the
rule that forms and imports share.
"""

import json
import re
from functools import lru_cache

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import get_resolver

from .api import registered_apis
from .inputs import text_invisible_strip, text_problem
from .problems import problem_body, problem_for_status, problem_response

_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_JSON = re.compile(r"^application/([\w.+-]+\+)?json$")


@lru_cache(maxsize=1)
def _operations() -> list[tuple[re.Pattern, str, frozenset]]:
    """(path regex, method, documented request content types) of every operation that takes a body."""
    get_resolver().url_patterns  # noqa: B018 — imports the URLconf, which builds the APIs, before the first route
    out = []
    for api in registered_apis():
        schema = api.get_openapi_schema()
        for template, operations in schema["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "/?$")
            for method, operation in operations.items():
                types = frozenset((operation.get("requestBody") or {}).get("content", {}))
                if types:
                    out.append((pattern, method.upper(), types))
    return out


def documented_body_types(method: str, path: str) -> frozenset | None:
    """The request content types the API documents for ``method path`` (None: no such operation or no body)."""
    for pattern, op_method, types in _operations():
        if op_method == method and pattern.match(path):
            return types
    return None


def _strings(value, path: str):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}" if path else str(key), str(key)  # keys are text too
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


class ApiInputMiddleware:
    """415 for a body that is not what the operation documents; 422 for text that ``text_problem`` refuses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and request.method in _WRITE_METHODS:
            refusal = self._refusal(request)
            if refusal is not None:
                return problem_response(refusal)
        return self.get_response(request)

    def _refusal(self, request) -> dict | None:
        documented = documented_body_types(request.method, request.path)
        if documented is None:
            return None  # no such operation (the route answers 404/405)
        if not any(_JSON.match(t) for t in documented):
            # An upload route (multipart): its text fields follow the same rule as JSON's. No view sets its
            # own upload handlers, so parsing the form here costs nothing the route would not spend.
            if (request.content_type or "").lower() != "multipart/form-data":
                return None
            posted = _form_or_none(request)
            if posted is None:
                return None
            return _text_refusal(((key, value) for key, values in posted.lists() for value in [key, *values]),
                                 request.path)
        if not request.META.get("CONTENT_LENGTH", "").strip("0") and not request.headers.get("Transfer-Encoding"):
            return None  # no body: the route says what is missing
        content_type = (request.content_type or "").lower()
        charset = (request.content_params or {}).get("charset", "utf-8").lower()
        if not _JSON.match(content_type) or charset not in ("utf-8", "utf8"):
            return problem_for_status(415, "请以 application/json (UTF-8) 提交", request.path)
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # malformed JSON: Ninja answers 400
        except RecursionError:
            # Thousands of nested brackets exhaust the parser's stack (here and in the route's own parser):
            # a bad body, not a server error (issue 20, found by tests/test_fuzz_writes.py).
            return problem_for_status(400, "JSON 嵌套层数过多", request.path)
        return _text_refusal(_strings(data, ""), request.path)


def _form_or_none(request):
    """``request.POST``, or None when the form cannot be parsed (the route then answers for the bad body)."""
    try:
        return request.POST
    except (MultiPartParserError, UnreadablePostError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return None


def _text_refusal(strings, instance: str) -> dict | None:
    """The 422 problem for the ``(path, text)`` pairs that ``text_problem`` refuses, or None."""
    errors = [{"field": path or "body", "message": problem}
              for path, text in strings if (problem := text_problem(text))]
    if not errors:
        return None
    return problem_body(status=422, title="输入校验未通过", detail="提交的文字含有无法保存或显示的字符",
                        type_slug="validation", errors=errors[:20], instance=instance)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class FormTextMiddleware:
    """Web forms (urlencoded and multipart): remove what ``text_problem`` refuses from every posted value,
    since a person cannot have typed it on purpose and the form would otherwise come back refused. A
    multipart form's text fields are cleaned alike (its files are untouched); no view sets its own upload
    handlers, and the CSRF check reads the same parsed form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method == "POST" and not request.path.startswith("/api/")
                and request.content_type in _FORM_TYPES):
            posted = _form_or_none(request)
            if posted is not None and any(text_problem(value) for values in posted.lists() for value in values[1]):
                cleaned = posted.copy()
                for key, values in posted.lists():
                    cleaned.setlist(key, [text_invisible_strip(value) for value in values])
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)
