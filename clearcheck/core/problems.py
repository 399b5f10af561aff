"""RFC 9457 problem documents for every API error (``application/problem+json``)."""

import json

from django.http import HttpResponse

from .errors import DomainError, RuleViolation, ValidationFailed

PROBLEM_BASE = "https://clearcheck.invalid/problems/"
CONTENT_TYPE = "application/problem+json"


def problem_body(
    *, status: int, title: str, detail: str, type_slug: str, rule: str | None = None, clause: str | None = None,
    errors: list[dict] | None = None, instance: str | None = None,
) -> dict:
    """Build a problem document; ``rule``/``clause`` and ``errors`` only when present."""
    body: dict = {"type": PROBLEM_BASE + type_slug, "title": title, "status": status, "detail": detail}
    if rule:
        body["rule"] = rule
        body["clause"] = clause
    if errors:
        body["errors"] = errors
    if instance:
        body["instance"] = instance
    return body


def problem_response(body: dict) -> HttpResponse:
    """Serialise a problem document."""
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A refused field's path can hold the lone surrogate it was refused for (a JSON key): escaped, the
        # answer stays a 422 instead of failing to encode (issue 20).
        text = json.dumps(body, ensure_ascii=True)
    return HttpResponse(text, status=body["status"], content_type=CONTENT_TYPE)


def problem_from_domain_error(exc: DomainError, instance: str | None = None) -> dict:
    """The problem document of a domain error (rule ID and clause for a RuleViolation)."""
    rule = clause = None
    errors = None
    if isinstance(exc, RuleViolation):
        rule, clause = exc.rule.id, exc.rule.clause
        errors = [e.as_dict() for e in exc.errors] or None
    elif isinstance(exc, ValidationFailed):
        errors = [e.as_dict() for e in exc.errors]
    return problem_body(
        status=exc.status, title=exc.title, detail=exc.detail, type_slug=exc.type_slug, rule=rule, clause=clause,
        errors=errors, instance=instance,
    )


_HTTP_TITLES = {
    400: ("bad-request", "请求有误"),
    401: ("unauthenticated", "未登录或令牌无效"),
    403: ("forbidden", "无权访问"),
    404: ("not-found", "未找到"),
    405: ("method-not-allowed", "不支持该请求方法"),
    409: ("conflict", "状态冲突"),
    413: ("too-large", "请求过大"),
    415: ("unsupported-media-type", "不支持的内容类型"),
    422: ("validation", "输入校验未通过"),
    429: ("too-many-requests", "请求过于频繁"),
    500: ("server-error", "服务器内部错误"),
    503: ("unavailable", "服务暂时不可用"),
}


def problem_for_status(status: int, detail: str = "", instance: str | None = None) -> dict:
    """A generic problem document for an HTTP status."""
    slug, title = _HTTP_TITLES.get(status, ("error", "错误"))
    return problem_body(status=status, title=title, detail=detail or title, type_slug=slug, instance=instance)


class ApiProblemMiddleware:
    """Turn any non-problem error response under ``/api/`` (Django's 404/405, CSRF 403) into a problem document."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(CONTENT_TYPE)
        ):
            detail = ""
            if response.get("Content-Type", "").startswith("application/json"):
                try:
                    detail = str(json.loads(response.content).get("detail", ""))
                except (ValueError, AttributeError):
                    detail = ""
            new = problem_response(problem_for_status(response.status_code, detail, request.path))
            if response.status_code == 405 and response.has_header("Allow"):
                new["Allow"] = response["Allow"]
            return new
        return response
