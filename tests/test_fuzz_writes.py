"""Property-based fuzzing of every write route (issue 20, Deliver 1): arbitrary Unicode text and numbers — huge,
negative and fractional numbers, "NaN" and "Infinity" as text, very long strings, lone surrogates, NUL and other
control characters, nested junk — and bodies that break the structure, sent to every POST, PUT, PATCH and DELETE
of the API with a bureau token and an enterprise token, and to the main web forms. The answer is 2xx, 3xx or
4xx, never 5xx, on both databases.

The operations are read from the OpenAPI document when the module is collected (as
``tests/api/test_schemathesis.py`` does), so a route added later is fuzzed without touching this file. Bodies
are built from each operation's ``requestBody`` schema: every documented field is present or left out, each
value is one of its type's values or junk. Runs are deterministic (``derandomize``) and bounded
(``MAX_EXAMPLES`` per operation and token) so the file stays within about two minutes per database.
"""

import html.parser
import json
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.tokens import bearer_of

MAX_EXAMPLES = 6
FORM_EXAMPLES = 12
FUZZ_SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))


# --- The operations, read from the OpenAPI document at collection time --------------------------------------

def _openapi() -> dict:
    from django.urls import get_resolver

    from clearcheck.core.api import registered_apis

    get_resolver().url_patterns  # noqa: B018 — builds the APIs
    schema: dict = {"paths": {}, "components": {"schemas": {}}}
    for api in registered_apis():
        document = api.get_openapi_schema()
        schema["paths"].update(document["paths"])
        schema["components"]["schemas"].update(document.get("components", {}).get("schemas", {}))
    return schema


OPENAPI = _openapi()
WRITE_OPERATIONS = sorted(
    (method.upper(), path, operation)
    for path, operations in OPENAPI["paths"].items()
    for method, operation in operations.items()
    if method in ("post", "put", "patch", "delete")
)


def _resolve(schema: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = OPENAPI["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


# --- Values: what the schema asks for, and junk ---------------------------------------------------------------

HOSTILE_TEXT = st.sampled_from([
    "\ud800", "a\udfffb", "\x00", "东阿\x00阿胶", "\x07\x1b[31m", "\u202egpj.exe", "东阿\u200b阿胶", "\ufeff",
    "NaN", "Infinity", "-Infinity", "1e309", "-0", "9" * 40, "0001-01-01T00:00:00+08:00", "9999-12-31",
    "2026-02-30", "1970-01-01", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%00", " ",
    "阿" * 70_000, "x" * 5_000, "\r\n" * 300,
])
ANY_TEXT = st.one_of(st.text(max_size=40), st.text(st.characters(codec=None, exclude_categories=()), max_size=20),
                     HOSTILE_TEXT)
HUGE_NUMBERS = st.sampled_from([2**63, 2**64 + 1, -(2**63) - 1, 10**30, -1, 0, 2**31, 2**31 - 1, 2**53 + 1])
NUMBERS = st.one_of(st.integers(), HUGE_NUMBERS, st.floats(allow_nan=False, allow_infinity=False))
JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, ANY_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)),
    max_leaves=6,
)


def _typed(schema: dict, depth: int) -> st.SearchStrategy:
    schema = _resolve(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([_value(s, depth) for s in schema[key]])
    if "allOf" in schema:
        merged: dict = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = _resolve(part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        schema = merged
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return st.dates().map(str)
        if fmt == "date-time":
            return st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
        if fmt == "uuid":
            return st.uuids().map(str)
        return st.text(max_size=schema.get("maxLength", 60) + 2)
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(_value(schema.get("items", {}), depth + 1), max_size=3)
    if kind == "object" or "properties" in schema:
        return _object(schema, depth)
    return JUNK


def _value(schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Mostly a value of the schema's type, sometimes junk: the route sees both near misses and nonsense."""
    if depth > 3:
        return JUNK
    return st.one_of(_typed(schema, depth), _typed(schema, depth), JUNK)


def _object(schema: dict, depth: int) -> st.SearchStrategy:
    properties = _resolve(schema).get("properties", {})
    return st.fixed_dictionaries({}, optional={name: _value(sub, depth + 1) for name, sub in properties.items()})


def _json(value) -> str:
    # Lone surrogates travel as JSON escapes ("\ud800"), as a client would send them; NaN as the bare token.
    return json.dumps(value, ensure_ascii=True)


BROKEN_BODIES = st.sampled_from([
    "", "null", "[]", '"text"', "1e999", "NaN", '{"a":', "{" * 10, "[" * 100_000 + "]" * 100_000,
    '{"a": ' * 5_000 + "1" + "}" * 5_000, '{"x": "\\ud800"}', '{"x": "\\u0000"}', "\ufeff{}", '{"__proto__": {}}',
])


def _body(operation: dict) -> tuple[str, st.SearchStrategy] | None:
    content = (operation.get("requestBody") or {}).get("content", {})
    if "application/json" in content:
        schema = content["application/json"].get("schema", {})
        return "json", st.one_of(_value(schema).map(_json), _value(schema).map(_json), BROKEN_BODIES,
                                 JUNK.map(_json))
    if "multipart/form-data" in content:
        schema = content["multipart/form-data"].get("schema", {})
        return "multipart", _object(schema, 1)
    return None


def _path_values(path: str, params: dict) -> st.SearchStrategy:
    names = re.findall(r"\{(\w+)\}", path)
    known = {name: st.one_of(st.just(params[name]), st.just(params[name]), HUGE_NUMBERS, ANY_TEXT.filter(
        lambda t: t and "/" not in t and "?" not in t and "#" not in t and "\x00" not in t))
        if name in params else st.one_of(st.integers(min_value=1, max_value=5), HUGE_NUMBERS, st.uuids())
        for name in names}
    return st.fixed_dictionaries(known)


def _url(path: str, values: dict) -> str:
    from urllib.parse import quote

    return re.sub(r"\{(\w+)\}", lambda m: quote(str(values[m.group(1)]).encode("utf-8", "surrogatepass"), safe=""),
                  path)


# --- Fixtures -------------------------------------------------------------------------------------------------

@pytest.fixture
def tokens(world):
    """``role -> bearer token`` for the bureau and the enterprise, issued again when a fuzzed call revoked it."""
    bearers = {role: bearer_of(world["users"][role]) for role in ("bureau", "enterprise")}
    return lambda role: bearers[role]()


def _assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}: {response.content[:2000]!r}"


# --- The API --------------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("method, path, operation", WRITE_OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _ in WRITE_OPERATIONS])
def test_api_write_route_never_answers_5xx(method, path, operation, world, tokens, wsgi_keeps_the_test_transaction):
    """Issue 20: every write route, both tokens, arbitrary input: 2xx or 4xx only."""
    body = _body(operation)
    client = Client(raise_request_exception=False)
    params = {**world["params"]}

    @FUZZ_SETTINGS
    @given(role=st.sampled_from(["bureau", "enterprise"]), values=_path_values(path, params),
           payload=body[1] if body else st.none())
    def run(role, values, payload):
        url = _url(path, values)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens(role)}"}
        if body is None:
            response = client.generic(method, url, **headers)
        elif body[0] == "json":
            response = client.generic(method, url, payload.encode("utf-8", "surrogatepass"),
                                      content_type="application/json", **headers)
        else:
            from django.core.files.uploadedfile import SimpleUploadedFile

            fields = {k: _form_text(v) for k, v in payload.items() if k != "file"}
            fields["file"] = SimpleUploadedFile("证据.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg")
            response = client.generic(method, url, _multipart(fields), content_type=_MULTIPART, **headers)
        _assert_no_server_error(response, f"{method} {url} as {role}")

    run()


_BOUNDARY = "fuzzBoUnDaRy"
_MULTIPART = f"multipart/form-data; boundary={_BOUNDARY}"


def _multipart(fields: dict) -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart(_BOUNDARY, fields)


def _form_text(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=True)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # a form field is bytes on the wire


# --- The main web forms ---------------------------------------------------------------------------------------

class _Forms(html.parser.HTMLParser):
    """The POST forms of a page: ``[(action, {name: [default values]})]``."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {}
            self.forms.append((attrs.get("action") or "", self._current))
        elif tag in ("input", "select", "textarea") and self._current is not None and attrs.get("name"):
            if attrs.get("type") in ("file", "submit") or attrs["name"] == "csrfmiddlewaretoken":
                return
            self._current.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "option" and self._current is not None and self._current:
            last = list(self._current)[-1]
            self._current[last].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


# (role, page): the enterprise profile, complaints, the evaluation, catalog creation and the plan forms.
WEB_FORMS = [
    ("bureau", "/work/registry/enterprises/new/"),
    ("bureau", "/work/registry/enterprises/{enterprise_id}/"),
    ("agency_admin", "/work/registry/enterprises/{enterprise_id}/"),
    ("enterprise", "/enterprise/complaints/new/"),
    ("bureau", "/work/feedback/complaints/new/"),
    ("enterprise", "/enterprise/evaluations/visits/{visit_id}/"),
    ("agency_admin", "/work/catalog/items/"),
    ("agency_admin", "/work/catalog/standards/"),
    ("agency_admin", "/work/catalog/checklists/"),
    ("agency_admin", "/work/planning/plans/"),
    ("agency_admin", "/work/planning/plans/{plan_id}/"),
    ("agency_admin", "/work/planning/special-plans/new/"),
    ("agency_admin", "/work/planning/tasks/new/"),
]
FORM_VALUE = st.one_of(st.just(None), ANY_TEXT.map(_form_text), NUMBERS.map(str))


@pytest.mark.django_db
@pytest.mark.parametrize("role, page", WEB_FORMS, ids=[f"{r} {p}" for r, p in WEB_FORMS])
def test_web_form_never_answers_5xx(role, page, world, wsgi_keeps_the_test_transaction):
    """Issue 20: the main forms, their own fields filled with arbitrary text: 2xx, 3xx or 4xx only. The fields
    are read from the page, so a field added to a form is fuzzed too.
    """
    client = Client(raise_request_exception=False)
    client.force_login(world["users"][role])
    url = page.format(**world["params"])
    shown = client.get(url)
    _assert_no_server_error(shown, f"GET {url}")
    parser = _Forms()
    parser.feed(shown.content.decode())
    forms = [(action or url, fields) for action, fields in parser.forms if fields and "/i18n/" not in action]
    if not forms:
        pytest.skip(f"{url} shows {role} no form (status {shown.status_code})")

    @settings(FUZZ_SETTINGS, max_examples=FORM_EXAMPLES)
    @given(data=st.data())
    def run(data):
        action, fields = data.draw(st.sampled_from(forms))
        posted = {}
        for name, defaults in fields.items():
            choice = data.draw(st.one_of(st.sampled_from(defaults), FORM_VALUE))
            if choice is not None:
                posted[name] = choice
        response = client.post(action, posted)
        _assert_no_server_error(response, f"POST {action} as {role} with {sorted(posted)}")

    run()


# --- Regressions of what the fuzzing found --------------------------------------------------------------------

@pytest.mark.django_db
def test_issue20_deeply_nested_json_is_400_not_500(world, tokens):
    """Found by this file: 100,000 nested brackets raised RecursionError in the input gate (500 on every route)."""
    client = Client(raise_request_exception=False)
    for body in ("[" * 100_000 + "]" * 100_000, '{"a": ' * 5_000 + "1" + "}" * 5_000):
        response = client.post("/api/enterprises", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {tokens('bureau')}")
        assert response.status_code == 400, response.content[:300]
        assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
def test_issue20_a_refused_key_holding_a_lone_surrogate_is_422_not_500(world, tokens):
    """Found by this file: the 422 named the field by its key, which held the lone surrogate, and the answer
    could not be encoded (500). The key now travels escaped and the answer is JSON."""
    client = Client(raise_request_exception=False)
    response = client.post("/api/standards", '{"\\ud800": "x", "title": "\\ud800"}', content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {tokens('bureau')}")
    assert response.status_code == 422, response.content[:300]
    fields = {e["field"] for e in json.loads(response.content)["errors"]}
    assert fields == {"\ud800", "title"}
