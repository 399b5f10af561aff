"""The OpenAPI description tells the truth (issue 20, Deliver 2), checked on the document itself.

Measured on main 7fb15c8: ``TaskOut``, ``EntryOut`` and ``VisitOut`` were each defined in two or more modules
and Django Ninja published one component per name, so seven operations failed their own schema; only success
answers were documented. schemathesis (``test_schemathesis.py``) checks the answers; these tests check the
document, so that a clash or a missing problem response fails here by name.
"""

import datetime as dt
import typing

import pytest
from ninja import Router, Schema
from pydantic import AwareDatetime, BaseModel, NaiveDatetime

from clearcheck.core.api import ProblemNinjaAPI
from clearcheck.core.inputs import INT64_MAX, INT64_MIN
from clearcheck.core.openapi import SchemaNameClash, _types_in, operation_models, schema_name_clashes
from clearcheck.core.problems import CONTENT_TYPE


@pytest.fixture(scope="module")
def document():
    from config.api import api

    return api.get_openapi_schema()


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def test_no_two_schema_classes_share_a_component_name():
    """Issue 20: TaskOut (planning, inspections), EntryOut (four modules), VisitOut (two) shared components."""
    from config.api import api

    assert schema_name_clashes(operation_models(api)) == {}


def _api_with_two_things():
    def first():
        class Thing(Schema):
            number: int

        return Thing

    def second():
        class Thing(Schema):
            text: str

        return Thing

    api = ProblemNinjaAPI(urls_namespace="clash-test")
    router = Router()
    first_thing, second_thing = first(), second()

    @router.get("/one", response=first_thing)
    def one(request):
        return {"number": 1}

    @router.get("/two", response=list[second_thing])
    def two(request):
        return []

    api.add_router("/", router)
    return api


def test_a_clash_refuses_the_description():
    """Two different classes named ``Thing``: building the document fails, naming both, instead of publishing
    one of them for both operations."""
    with pytest.raises(SchemaNameClash, match=r"Thing: .*first.*Thing, .*second.*Thing"):
        _api_with_two_things().get_openapi_schema()


def test_every_error_answer_is_a_documented_problem(document):
    assert {"Problem", "ProblemFieldError"} <= set(document["components"]["schemas"])
    for method, path, operation in _operations(document):
        responses = {int(status): answer for status, answer in operation["responses"].items()}
        errors = {status for status in responses if status >= 400}
        assert 503 in errors, (method, path)
        for status in errors:
            assert set(responses[status]["content"]) == {CONTENT_TYPE}, (method, path, status)
            schema = responses[status]["content"][CONTENT_TYPE]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path, status)
        if operation.get("security"):
            assert {401, 403, 404} <= errors, (method, path)
        if operation.get("requestBody"):
            assert {400, 415, 422} <= errors, (method, path)
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            assert {409, 422} <= errors, (method, path)
        if operation.get("parameters"):
            assert 422 in errors, (method, path)


def test_the_token_route_documents_its_throttle(document):
    assert "429" in {str(status) for status in document["paths"]["/api/auth/token"]["post"]["responses"]}


def _inputs(document):
    """(where, JSON schema) of every value a client sends: parameters and request bodies, references followed."""
    components = document["components"]["schemas"]

    def walk(schema, where, seen=()):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                yield from walk(components[name], f"{where}<{name}>", (*seen, name))
            return
        yield where, schema
        for key in ("anyOf", "oneOf", "allOf"):
            for member in schema.get(key, []):
                yield from walk(member, where, seen)
        for name, member in schema.get("properties", {}).items():
            yield from walk(member, f"{where}.{name}", seen)
        if isinstance(schema.get("items"), dict):
            yield from walk(schema["items"], f"{where}[]", seen)
        if isinstance(schema.get("additionalProperties"), dict):
            yield from walk(schema["additionalProperties"], f"{where}{{}}", seen)

    for method, path, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            yield from walk(parameter["schema"], f"{method} {path} {parameter['in']}:{parameter['name']}")
        for media in operation.get("requestBody", {}).get("content", {}).values():
            yield from walk(media["schema"], f"{method} {path} body")


def test_every_integer_a_client_sends_is_bounded_to_64_bits(document):
    """Issue 20: an integer beyond the database's range is refused with 422 (``core.inputs``: DbId, Int64,
    Cursor, PageSize, PositiveInt32), and the description says the bounds."""
    unbounded = [
        where for where, schema in _inputs(document)
        if schema.get("type") == "integer"
        and not (schema.get("minimum", INT64_MIN - 1) >= INT64_MIN and schema.get("maximum", INT64_MAX + 1) <= INT64_MAX)
    ]
    assert unbounded == []


def _has_bounds(metadata) -> bool:
    found = set()
    for item in metadata:
        for inner in [item, *getattr(item, "metadata", [])]:
            found |= {name for name in ("ge", "gt", "le", "lt") if getattr(inner, name, None) is not None}
    return bool(found & {"ge", "gt"}) and bool(found & {"le", "lt"})


_DATE_TYPES = (dt.date, AwareDatetime, NaiveDatetime)


def _unbounded_dates(annotation, bounded: bool):
    """Date and datetime types inside ``annotation`` that carry no lower and upper bound."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        yield from _unbounded_dates(base, bounded or _has_bounds(metadata))
    elif isinstance(annotation, type) and issubclass(annotation, _DATE_TYPES):
        if not bounded:
            yield annotation
    else:
        for arg in typing.get_args(annotation):
            yield from _unbounded_dates(arg, bounded)


def test_every_date_a_client_sends_is_bounded():
    """Issue 20: dates and instants from outside lie in a sane range (``core.inputs``: Day, Instant, or a
    route's own narrower bounds); year 1 overflowed the audit snapshot. Walks every operation's parameter and
    body models, nested schemas included."""
    from config.api import api

    stack, seen, unbounded = [], set(), []
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                stack += [(model, operation.path) for model in operation.models]
    while stack:
        model, where = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            if list(_unbounded_dates(field.annotation, _has_bounds(field.metadata))):
                unbounded.append(f"{where} {model.__name__}.{name}")
            stack += [(inner, where) for inner in _types_in(field.annotation) if issubclass(inner, BaseModel)]
    assert unbounded == []


def test_day_and_instant_refuse_what_lies_outside():
    from pydantic import TypeAdapter, ValidationError

    from clearcheck.core.inputs import Day, Instant

    assert TypeAdapter(Day).validate_python("2000-01-01") == dt.date(2000, 1, 1)
    assert TypeAdapter(Instant).validate_python("2100-12-31T23:59:59Z").year == 2100
    for adapter, value in [(Day, "1999-12-31"), (Day, "2101-01-01"), (Instant, "0001-01-01T00:00:00+08:00"),
                           (Instant, "2026-01-05T09:00:00"), (Instant, "2101-01-01T00:00:00Z")]:
        with pytest.raises(ValidationError):
            TypeAdapter(adapter).validate_python(value)


# Measured on main 7fb15c8: these answered bodies that did not match their documented schema, because another
# module's TaskOut, EntryOut or VisitOut had taken the component name.
CLASHED = ["/api/tasks", "/api/tasks/{task_id}", "/api/tasks/approval-inbox", "/api/checklists/{checklist_id}",
           "/api/public/checklists/{checklist_id}", "/api/annual-plans/{plan_id}", "/api/coordination/groups"]
ROLES = ("bureau", "agency_admin", "agency_head", "department_head", "officer", "government")


@pytest.mark.django_db
@pytest.mark.parametrize("path", CLASHED)
def test_operations_that_failed_their_schema_now_match_it(document, world, path):
    """Issue 20: every role that may read the operation gets a 200 body valid against the documented schema."""
    import jsonschema_rs
    from django.test import Client

    url = path.format(**world["params"])
    schema = document["paths"][path]["get"]["responses"][200]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]})
    answered = []
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(world["users"][role])
        response = client.get(url)
        if response.status_code == 200:
            body = response.json()
            assert (body.get("items") if isinstance(body, dict) and "items" in body else body) != [], (role, url)
            errors = [error.message for error in validator.iter_errors(body)]
            assert errors == [], (role, url, errors[:3])
            answered.append(role)
    assert answered, url
