"""The OpenAPI description as the API behaves (issue 20, Deliver 2).

Django Ninja documents only the success answers and publishes one component per class name, so two
schema classes of the same name in different modules silently share (and break) one component. Here,
once for every operation rather than by hand on each route:

- :func:`schema_name_clashes` finds two different classes that would publish under one component name;
  building the description refuses them (:class:`SchemaNameClash`), so a clash fails every test that reads
  ``/api/openapi.json`` instead of shipping a document that lies;
- :func:`problem_responses_add` documents the problem answers (RFC 9457, ``application/problem+json``,
  component ``Problem``) that each operation can give, from what the operation is: secured or public, with
  parameters, with a body, a write.
"""

import enum
import typing
from collections import defaultdict

from pydantic import BaseModel

from .problems import CONTENT_TYPE

PROBLEM = "Problem"
PROBLEM_FIELD_ERROR = "ProblemFieldError"

PROBLEM_SCHEMAS = {
    PROBLEM_FIELD_ERROR: {
        "title": PROBLEM_FIELD_ERROR,
        "description": "一个字段的错误:字段路径(如 rows[3].uscc)与中文说明。",
        "type": "object",
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        "required": ["field", "message"],
    },
    PROBLEM: {
        "title": PROBLEM,
        "description": "RFC 9457 problem 文档;规则拒绝时带 rule 与 clause,输入校验未通过时带 errors。",
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "rule": {"type": "string"},
            "clause": {"type": ["string", "null"]},
            "errors": {"type": "array", "items": {"$ref": f"#/components/schemas/{PROBLEM_FIELD_ERROR}"}},
        },
        "required": ["type", "title", "status", "detail"],
    },
}

DESCRIPTIONS = {
    400: "请求无法处理(如 JSON 格式错误)",
    401: "未登录或令牌无效(带 WWW-Authenticate)",
    403: "无权进行该操作",
    404: "对象不存在或不在本人范围内",
    409: "违反规则或状态冲突(带 rule 与 clause)",
    413: "请求过大",
    415: "请求体不是 application/json (UTF-8)",
    422: "输入校验未通过(errors 列出字段)",
    429: "尝试过于频繁(带 Retry-After)",
    503: "服务暂时不可用(带 Retry-After)",
}

WRITES = frozenset({"post", "put", "patch", "delete"})


def problem_statuses(method: str, operation: dict) -> set[int]:
    """The problem answers an operation can give, from what it is.

    Every operation may meet a database outage (503). A secured one answers 401 without a valid token and
    403 or 404 to a role that may not call it (403 also to a session without CSRF). Anything that takes parameters or a
    body can be refused (422, and 404 for an id that is not the caller's); a body can be malformed (400) or
    not JSON (415); a write can break a rule (409) or a domain precondition (400).
    """
    statuses = {503}
    if operation.get("security"):
        # A role outside the operation's audience is refused (403), or, where the answer would say that
        # something exists, told it is not found (404: "missing and not yours are the same").
        statuses |= {401, 403, 404}
    parameters = operation.get("parameters") or []
    body = operation.get("requestBody")
    if parameters or body:
        statuses |= {404, 422}
    if body:
        statuses |= {400, 415}
    if method in WRITES:
        statuses |= {400, 403, 404, 409, 422}
    return statuses


def problem_responses_add(schema: dict, extra: dict[tuple[str, str], set[int]] | None = None) -> dict:
    """Add the ``Problem`` components and each operation's problem responses to ``schema`` (in place).

    ``extra`` maps (METHOD, path) to statuses an operation answers beyond its kind (e.g. 429 on the token
    route). A status the route documents already keeps its description but answers a problem document.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(PROBLEM_SCHEMAS)
    content = {CONTENT_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM}"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            statuses = problem_statuses(method, operation) | (extra or {}).get((method.upper(), path), set())
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                entry = responses.setdefault(status, {"description": DESCRIPTIONS.get(status, "错误")})
                entry["content"] = content
    return schema


class SchemaNameClash(Exception):
    """Two different schema classes would publish under one OpenAPI component name."""


def _types_in(annotation) -> typing.Iterator[type]:
    """Model and enum classes inside a type annotation (Annotated, unions, lists, dicts, generics)."""
    if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _types_in(arg)


def _component_name(cls: type) -> str:
    # Pydantic names a component after the class (a generic's parameters joined by "_").
    return cls.__name__.replace("[", "_").replace("]", "_").replace(", ", "__")


def schema_name_clashes(models: typing.Iterable[type]) -> dict[str, list[str]]:
    """Component names that two or more different classes reachable from ``models`` would share."""
    seen: set[type] = set()
    by_name: dict[str, set[str]] = defaultdict(set)
    stack = list(models)
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        by_name[_component_name(cls)].add(f"{cls.__module__}.{cls.__qualname__}")
        if issubclass(cls, BaseModel):
            for field in cls.model_fields.values():
                stack.extend(_types_in(field.annotation))
    return {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}


def operation_models(api) -> list[type]:
    """The schema classes an API's operations read and answer (not Ninja's own wrapper models)."""
    found: list[type] = []
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                wrappers = list(getattr(operation, "models", []) or [])
                wrappers += [m for m in (operation.response_models or {}).values() if isinstance(m, type)]
                for wrapper in wrappers:
                    if isinstance(wrapper, type) and issubclass(wrapper, BaseModel):
                        for field in wrapper.model_fields.values():
                            found.extend(_types_in(field.annotation))
    return found
