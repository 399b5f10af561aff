"""API building blocks: the NinjaAPI whose errors are problem documents, keyset pages.

Who the caller is (bearer token or session) is the accounts app's: ``clearcheck.accounts.api_auth.AUTH``.
"""

from typing import Any

from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .api_docs import ApiDocs
from .context import refusal_note
from .errors import DomainError, NotFound, RuleViolation
from .openapi import SchemaNameClash, operation_models, problem_responses_add, schema_name_clashes
from .problems import problem_body, problem_for_status, problem_from_domain_error, problem_response
from .validation_messages import validation_message


def _loc_to_path(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "payload")]
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path or "body"


_REGISTERED: list[NinjaAPI] = []


def registered_apis() -> list[NinjaAPI]:
    """The APIs made by :func:`api_create` (the input gate reads their documented request bodies)."""
    return list(_REGISTERED)


class ProblemNinjaAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI description documents its problem answers and refuses clashing names.

    ``problem_statuses`` maps ("POST", "/api/auth/token") to statuses an operation answers beyond what its
    kind implies (``core.openapi.problem_statuses``).
    """

    def __init__(self, *args, problem_statuses: dict[tuple[str, str], set[int]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.problem_statuses = dict(problem_statuses or {})

    def get_openapi_schema(self, *args, **kwargs):
        """Ninja's description, refused when two schema classes share a component name, with problems added."""
        clashes = schema_name_clashes(operation_models(self))
        if clashes:
            raise SchemaNameClash(
                "; ".join(f"{name}: {', '.join(classes)}" for name, classes in sorted(clashes.items()))
            )
        return problem_responses_add(super().get_openapi_schema(*args, **kwargs), self.problem_statuses)


def api_create(**kwargs) -> NinjaAPI:
    """A NinjaAPI whose every error is an RFC 9457 problem document (docs: :class:`ApiDocs`, CSP-clean), and
    whose OpenAPI description says so (:class:`ProblemNinjaAPI`).
    """
    kwargs.setdefault("docs", ApiDocs())
    api = ProblemNinjaAPI(**kwargs)
    _REGISTERED.append(api)

    @api.exception_handler(DomainError)
    def _domain(request, exc: DomainError):
        if isinstance(exc, RuleViolation):
            refusal_note(rule=exc.rule.id, clause=exc.rule.clause)  # the request's log line names the rule
        return problem_response(problem_from_domain_error(exc, request.path))

    @api.exception_handler(NinjaValidationError)
    def _validation(request, exc: NinjaValidationError):
        errors = [{"field": _loc_to_path(e.get("loc", ())), "message": validation_message(e)} for e in exc.errors]
        return problem_response(
            problem_body(status=422, title="输入校验未通过", detail="请求参数不符合要求", type_slug="validation",
                         errors=errors, instance=request.path)
        )

    @api.exception_handler(AuthenticationError)
    def _auth(request, exc):
        sent_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
        detail = "接口令牌无效或已过期,请重新获取" if sent_token else "需要登录或有效的接口令牌"
        response = problem_response(problem_for_status(401, detail, request.path))
        # RFC 6750 §3: a 401 says how to authenticate, and why a token that was sent failed.
        response["WWW-Authenticate"] = 'Bearer realm="clearcheck"' + (', error="invalid_token"' if sent_token else "")
        return response

    @api.exception_handler(HttpError)
    def _http(request, exc: HttpError):
        return problem_response(problem_for_status(exc.status_code, str(exc), request.path))

    @api.exception_handler(Http404)
    def _404(request, exc):
        return problem_response(problem_for_status(404, "未找到", request.path))

    return api


class Page(Schema):
    """A keyset page: ``items`` and the cursor of the next page (null on the last page)."""

    next_cursor: int | None = None


def keyset_page(queryset, *, cursor: int | None, limit: int, key: str = "id") -> tuple[list, int | None]:
    """One page of ``queryset`` ordered by ``key`` after ``cursor`` (no COUNT(*), cheap on big tables)."""
    limit = max(1, min(limit, 200))
    qs = queryset.order_by(key)
    if cursor is not None:
        qs = qs.filter(**{f"{key}__gt": cursor})
    rows = list(qs[: limit + 1])
    next_cursor = getattr(rows[limit - 1], key) if len(rows) > limit else None
    return rows[:limit], next_cursor


def get_or_404(fn, **kwargs):
    """Call a selector that raises NotFound; re-raise as ``Http404`` for Django views."""
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
