"""The role × route crawl: every URL pattern and every API route, as each role and anonymously.

``EXPECTATIONS`` declares, for every route, which roles get 200. Everyone else must be turned away:
anonymous visitors get 302 to the login page on web pages and 401 on the API; signed-in roles get 404
or 403. Nobody ever gets a 500. Every HTML answer (a page, a 403 or 404 page) carries the strict
Content-Security-Policy (issue 20, ``tests.support.csp``). A route that is not in the table fails ``test_every_route_is_declared``:
whoever adds a route declares who may reach it.

Keys: ``namespace:name`` for Django URL patterns, ``GET /api/...`` (the OpenAPI path) for API routes.
Path parameters are filled with the ids of objects that belong to the acting users' own agency /
enterprise (so the table speaks about roles; cross-scope reads are tested separately below).
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import (  # noqa: F401  (the vocabulary the tables below use)
    AGENCY,
    AGENCY_MANAGERS,
    ANON,
    BUREAU,
    COUNTY,
    EVERYONE,
    INTERNAL,
    NOBODY,
    ROLES,
    SIGNED_IN,
    Access,
    ok,
    post_only,
)
from tests.routes import extra_expectations
from tests.support.csp import csp_problem

EXPECTATIONS: dict[str, Access] = {
    # --- platform -------------------------------------------------------------------------------
    "healthz": ok(EVERYONE),
    "set_language": Access(NOBODY, {r: 302 for r in EVERYONE}),  # GET redirects back, POST switches
    "javascript_catalog": ok(EVERYONE),
    "disclosure:home": ok(EVERYONE),
    "disclosure:workspace": ok(SIGNED_IN),
    "disclosure:rules": ok(EVERYONE),
    "disclosure:audit_head": ok(EVERYONE),
    "disclosure:audit_checkpoint_json": ok(EVERYONE),
    "disclosure:audit_keys_json": ok(EVERYONE),
    "accounts:login": ok(EVERYONE),
    "accounts:logout": Access(NOBODY, {r: 405 for r in EVERYONE}),  # logging out is a POST
    # --- API documents ---------------------------------------------------------------------------
    "api:openapi-json": ok(EVERYONE),
    "api:openapi-view": ok(EVERYONE),
    "api:api-root": Access(NOBODY, {r: 404 for r in EVERYONE}),
    # --- registry: public pages -----------------------------------------------------------------
    "registry_public:agency_list": ok(EVERYONE),
    "registry_public:agency_detail": ok(EVERYONE),
    "registry_public:agency_list_history": ok(EVERYONE),
    # --- registry: workspace --------------------------------------------------------------------
    "registry:agency_list": ok(COUNTY),
    "registry:agency_detail": ok(INTERNAL),
    "registry:officer_list": ok(INTERNAL),
    "registry:officer_detail": ok(INTERNAL),
    "registry:enterprise_list": ok(INTERNAL, "enterprise"),
    "registry:enterprise_create": ok("bureau", "agency_admin"),
    "registry:enterprise_detail": ok(INTERNAL, "enterprise"),
    # --- catalog: public pages ------------------------------------------------------------------
    "catalog_public:item_list": ok(EVERYONE),
    "catalog_public:item_list_versions": ok(EVERYONE),
    "catalog_public:item_list_version": ok(EVERYONE),
    "catalog_public:checklist_list": ok(EVERYONE),
    "catalog_public:checklist_detail": ok(EVERYONE),
    "catalog_public:no_penalty_list": ok(EVERYONE),
    # --- catalog: workspace ---------------------------------------------------------------------
    "catalog:item_list": ok(INTERNAL),
    "catalog:item_list_publish": post_only(INTERNAL),
    "catalog:item_detail": ok(INTERNAL),
    "catalog:item_withdraw": post_only(INTERNAL),
    "catalog:list_versions": ok(INTERNAL),
    "catalog:list_version_detail": ok(INTERNAL),
    "catalog:standard_list": ok(INTERNAL),
    "catalog:standard_detail": ok(INTERNAL),
    "catalog:checklist_list": ok(INTERNAL),
    "catalog:checklist_detail": ok(INTERNAL),
    "catalog:checklist_entry_add": post_only(INTERNAL),
    "catalog:checklist_entry_remove": post_only(INTERNAL),
    "catalog:checklist_publish": post_only(INTERNAL),
    "catalog:checklist_new_version": post_only(INTERNAL),
    "catalog:no_penalty_list": ok(INTERNAL),
    "catalog:no_penalty_list_publish": post_only(INTERNAL),
    "catalog:no_penalty_detail": ok(INTERNAL),
    # --- imports, alerts, audit -----------------------------------------------------------------
    "exchange:import_list": ok("bureau", "agency_admin"),
    "exchange:import_detail": ok("bureau", "agency_admin"),
    "exchange:import_errors_xlsx": ok("bureau", "agency_admin"),
    "exchange:import_template": ok("bureau", "agency_admin"),
    "supervision:alert_list": ok("bureau", "discipline", AGENCY_MANAGERS),
    "supervision:alert_detail": ok("bureau", "discipline", AGENCY_MANAGERS),
    "audit:event_list": ok("bureau", "discipline"),
    # --- API (GET operations of the OpenAPI schema) ---------------------------------------------
    "GET /api/agencies": ok(SIGNED_IN),
    "GET /api/agencies/{agency_id}": ok(SIGNED_IN),
    "GET /api/agency-lists": ok(SIGNED_IN),  # county roles: every version; others: the published history
    "GET /api/officers": ok(INTERNAL, empty="enterprise"),
    "GET /api/officers/{officer_id}": ok(INTERNAL),
    "GET /api/enterprises": ok(INTERNAL, "enterprise"),
    "GET /api/enterprises/{enterprise_id}": ok(INTERNAL, "enterprise"),
    "GET /api/regions": ok(SIGNED_IN),
    "GET /api/industries": ok(SIGNED_IN),
    "GET /api/public/agencies": ok(EVERYONE),
    "GET /api/public/agencies/{agency_id}": ok(EVERYONE),
    "GET /api/public/agency-lists": ok(EVERYONE),
    "GET /api/items": ok(INTERNAL, empty="enterprise"),
    "GET /api/items/{item_id}": ok(INTERNAL),
    "GET /api/item-lists": ok(INTERNAL, empty="enterprise"),
    "GET /api/item-lists/{version_id}": ok(INTERNAL),
    "GET /api/standards": ok(INTERNAL, empty="enterprise"),
    "GET /api/standards/{standard_id}": ok(INTERNAL),
    "GET /api/checklists": ok(INTERNAL, empty="enterprise"),
    "GET /api/checklists/{checklist_id}": ok(INTERNAL),
    "GET /api/no-penalty-entries": ok(INTERNAL, empty="enterprise"),
    "GET /api/no-penalty-entries/{entry_id}": ok(INTERNAL),
    "GET /api/public/agencies/{agency_id}/items": ok(EVERYONE),
    "GET /api/public/agencies/{agency_id}/item-lists": ok(EVERYONE),
    "GET /api/public/item-lists/{version_id}": ok(EVERYONE),
    "GET /api/public/agencies/{agency_id}/checklists": ok(EVERYONE),
    "GET /api/public/checklists/{checklist_id}": ok(EVERYONE),
    "GET /api/public/agencies/{agency_id}/no-penalty": ok(EVERYONE),
    "GET /api/alerts": ok("bureau", "discipline", AGENCY_MANAGERS,
                          empty=("government", "department_head", "officer", "enterprise")),
    "GET /api/alerts/{alert_id}": ok("bureau", "discipline", AGENCY_MANAGERS),
    "GET /api/audit/events": ok("bureau", "discipline"),
    "GET /api/public/audit/checkpoint": ok(EVERYONE),
    "GET /api/imports": ok("bureau", "agency_admin", empty=SIGNED_IN - {"bureau", "agency_admin"}),
    "GET /api/imports/templates/{kind}.csv": ok(SIGNED_IN),
    "GET /api/imports/{job_id}": ok("bureau", "agency_admin"),
    "GET /api/imports/{job_id}/errors.xlsx": ok("bureau", "agency_admin"),
    # Later capabilities declare their routes in tests/routes/<area>.py.
    **extra_expectations(),
}

# The Django admin is gated as a whole by ``is_staff``: no role account is staff, so every admin page
# sends everyone to the admin login (which itself answers 200). Admin routes come and go with the
# ModelAdmins; they are crawled (those without path parameters) but need no entry of their own.
ADMIN_PREFIX = "admin/"
ADMIN_OPEN = {"admin:login": Access(EVERYONE)}

# Django patterns under /api/ that are not operations of the schema (the schema documents itself).
API_DOCUMENT_ROUTES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


# --- enumerating the routes ------------------------------------------------------------------------

def _walk(resolver, prefix="", namespace=None):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def django_routes() -> list[tuple[str, str]]:
    """(route template, name) of every Django URL pattern, in resolution order."""
    return list(_walk(get_resolver()))


def api_get_operations() -> list[str]:
    """``GET /api/...`` keys of every GET operation in the OpenAPI schema."""
    from config.api import api

    schema = api.get_openapi_schema()
    return [f"GET {path}" for path, ops in schema["paths"].items() if "get" in ops]


def api_operations() -> list[tuple[str, str, bool]]:
    """(METHOD, path, public) of every operation in the OpenAPI schema."""
    from config.api import api

    schema = api.get_openapi_schema()
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            out.append((method.upper(), path, not op.get("security")))
    return out


def crawl_targets() -> list[tuple[str, str, bool]]:
    """(key, path template, is_api) for every route the crawl requests with GET."""
    targets = []
    for route, name in django_routes():
        key = name or route
        if route.startswith("api/") and key not in API_DOCUMENT_ROUTES:
            continue  # API operations are crawled through the schema below
        if route.startswith(ADMIN_PREFIX):
            if "<" in route or "(?P" in route:
                continue  # admin object pages: gated like the rest of the admin
            key = f"admin route {route}" if not name else key
        targets.append((key, "/" + route, route.startswith("api/")))
    for key in api_get_operations():
        targets.append((key, key.split(" ", 1)[1], True))
    return targets


def expectation(key: str) -> Access | None:
    """The declared access of ``key`` (admin routes are covered by the admin rule)."""
    if key in EXPECTATIONS:
        return EXPECTATIONS[key]
    if key in ADMIN_OPEN:
        return ADMIN_OPEN[key]
    if key.startswith(("admin:", "admin route ")):
        return Access(NOBODY, {r: 302 for r in EVERYONE})  # to the admin login: no role account is staff
    return None


# --- the county the crawl runs in ------------------------------------------------------------------

_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\{(?P<api>\w+)\}")


def fill(template: str, key: str, world: dict) -> str:
    """Put the world's ids into a route template; unknown parameter names fail with a clear message."""

    def repl(match):
        name = match.group("name") or match.group("api")
        values = {**world["params"], **world["per_route"].get(key, {})}
        if name not in values:
            pytest.fail(f"route {key} ({template}) takes <{name}>: add a value for it to the crawl's `world` fixture")
        return str(values[name])

    return _PARAM.sub(repl, template)


def client_for(role: str, world: dict) -> Client:
    client = Client(raise_request_exception=False)
    if role != ANON:
        client.force_login(world["users"][role])
    return client


def expected_status(access: Access, role: str, is_api: bool) -> set[int]:
    """Statuses acceptable for ``role`` on a route with ``access``."""
    if role in access.status:
        return {access.status[role]}
    if role in access.ok:
        return {200}
    if role == ANON:
        return {401} if is_api else {302}
    return {403, 404}


# --- the tests ------------------------------------------------------------------------------------

def test_every_route_is_declared():
    keys = [key for key, _, _ in crawl_targets()]
    missing = sorted(k for k in keys if expectation(k) is None)
    assert not missing, (
        "routes without an entry in tests/test_route_access.py EXPECTATIONS (declare who may reach them): "
        + ", ".join(missing)
    )
    stale = sorted(set(EXPECTATIONS) - set(keys))
    assert not stale, "EXPECTATIONS names routes that no longer exist: " + ", ".join(stale)


def test_every_django_api_pattern_is_in_the_schema():
    """Nothing is served under /api/ that the OpenAPI schema (and so the crawl) does not know."""
    schema_paths = {path for _, path, _ in api_operations()}
    for route, name in django_routes():
        if not route.startswith("api/") or name in API_DOCUMENT_ROUTES:
            continue
        template = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        assert template in schema_paths, f"{name} ({route}) is not documented in /api/openapi.json"


def test_every_route_is_named():
    unnamed = [route for route, name in django_routes()
               if not name and not route.startswith(("api/", ADMIN_PREFIX))]
    assert not unnamed, f"unnamed URL patterns: {unnamed}"


@pytest.mark.django_db
def test_role_route_crawl(world):
    failures = []
    clients = {role: client_for(role, world) for role in (ANON, *ROLES)}
    for key, template, is_api in crawl_targets():
        access = expectation(key)
        if access is None:
            continue  # reported by test_every_route_is_declared
        path = fill(template, key, world)
        for role, client in clients.items():
            response = client.get(path)
            status = response.status_code
            wanted = expected_status(access, role, is_api)
            problem = None
            if status >= 500:
                problem = "server error"
            elif status not in wanted:
                problem = f"expected {sorted(wanted)}"
            elif status == 302 and role == ANON and not access.status.get(role):
                location = response["Location"]
                if not location.startswith("/accounts/login/"):
                    problem = f"redirects to {location}, not to the login page"
            elif is_api and status >= 400 and not response["Content-Type"].startswith("application/problem+json"):
                problem = "API error is not a problem document"
            elif status == 200 and is_api and response["Content-Type"].startswith("application/json"):
                items = response.json().get("items") if isinstance(response.json(), dict) else None
                if role in access.empty and items != []:
                    problem = "expected an empty page (nothing in this role's scope)"
                elif role not in access.empty and items == []:
                    problem = "expected the objects of this role's scope, got an empty page"
            if problem is None:
                problem = csp_problem(response)  # every HTML answer, error pages included (issue 20)
            if problem:
                failures.append(f"{key:50} {role:16} GET {path} -> {status}: {problem}")
    assert not failures, "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_unsafe_api_calls_are_refused_before_anything_else(world):
    """Every non-public API operation answers 401 to an anonymous caller, whatever the body."""
    client = Client(raise_request_exception=False)
    failures = []
    for method, path_template, public in api_operations():
        if public or method == "GET":
            continue
        path = fill(path_template, f"{method} {path_template}", world)
        response = client.generic(method, path, "{}", content_type="application/json")
        if response.status_code != 401:
            failures.append(f"{method} {path} -> {response.status_code}")
    assert not failures, failures


# --- scoping: not yours is the same as missing (404) ----------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/work/registry/enterprises/{id}/", "/api/enterprises/{id}"])
def test_enterprise_user_cannot_see_another_enterprise(world, path):
    client = client_for("enterprise", world)
    assert client.get(path.format(id=world["enterprise"].pk)).status_code == 200
    assert client.get(path.format(id=world["other_enterprise"].pk)).status_code == 404
    assert client.get(path.format(id=999999)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(AGENCY))
@pytest.mark.parametrize("path", ["/work/registry/officers/{id}/", "/api/officers/{id}"])
def test_agency_user_cannot_see_another_agencys_officer(world, role, path):
    client = client_for(role, world)
    assert client.get(path.format(id=world["officer"].pk)).status_code == 200
    assert client.get(path.format(id=world["other_officer"].pk)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/work/alerts/{id}/", "/api/alerts/{id}"])
def test_agency_cannot_see_another_agencys_alert(world, path):
    client = client_for("agency_admin", world)
    assert client.get(path.format(id=world["alert"].pk)).status_code == 200
    assert client.get(path.format(id=world["other_alert"].pk)).status_code == 404
    assert client_for("bureau", world).get(path.format(id=world["other_alert"].pk)).status_code == 200


@pytest.mark.django_db
def test_enterprise_list_shows_an_enterprise_user_only_its_own(world):
    client = client_for("enterprise", world)
    body = client.get("/api/enterprises").json()
    assert [e["id"] for e in body["items"]] == [world["enterprise"].pk]
    html = client.get("/work/registry/enterprises/").content.decode()
    assert world["enterprise"].name in html and world["other_enterprise"].name not in html


@pytest.mark.django_db
def test_officer_list_shows_an_agency_only_its_own(world):
    body = client_for("agency_admin", world).get("/api/officers").json()
    assert {o["id"] for o in body["items"]} == {world["officer"].pk}
    body = client_for("bureau", world).get("/api/officers").json()
    assert {world["officer"].pk, world["other_officer"].pk} <= {o["id"] for o in body["items"]}


@pytest.mark.django_db
def test_another_agencys_draft_catalog_rows_are_missing(world, make_user):
    stranger = make_user("agency_admin", agency=world["other_agency"])
    client = Client()
    client.force_login(stranger)
    draft = world["draft_checklist"].pk
    assert client.get(f"/api/checklists/{draft}").status_code == 404  # a draft of another agency
    assert client.get(f"/work/catalog/checklists/{draft}/").status_code == 404
    assert client.get(f"/api/no-penalty-entries/{world['no_penalty'].pk}").status_code == 404


# --- the internet zone (ADR 0006) ----------------------------------------------------------------

def _served_to_enterprises(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        return getattr(resolve(path.split("?")[0]).func, "enterprise_portal", False)
    except Resolver404:
        return False


@pytest.mark.django_db
def test_internet_zone_serves_only_public_and_enterprise_routes(world, settings):
    """With CLEARCHECK_ZONE=internet, a route answers as in the table only when its prefix faces the
    internet, or when it is a page of the enterprise portal and the visitor is anonymous or an enterprise;
    everything else is 404 for everyone, staff included (they work on the government network).
    """
    from clearcheck.core.middleware import path_in_internet_zone

    settings.CLEARCHECK_ZONE = "internet"
    roles = (ANON, "enterprise", "officer", "agency_admin", "bureau")
    clients = {role: client_for(role, world) for role in roles}
    failures = []
    for key, template, is_api in crawl_targets():
        access = expectation(key)
        if access is None:
            continue
        path = fill(template, key, world)
        facing = path_in_internet_zone(path)
        portal = not facing and _served_to_enterprises(path)
        for role, client in clients.items():
            status = client.get(path).status_code
            if facing or (portal and role in (ANON, "enterprise")):
                wanted = expected_status(access, role, is_api)
            else:
                wanted = {404}
            if status not in wanted:
                failures.append(f"{key:50} {role:14} GET {path} -> {status}: expected {sorted(wanted)}")
    assert not failures, "\n" + "\n".join(failures)
