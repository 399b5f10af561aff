"""Project-wide pytest fixtures: isolated signing keys and files, reference data, users per role."""

import datetime as dt
import itertools
import os

import pytest
from hypothesis import settings as hypothesis_settings

# One migration per run, copied for each xdist worker; the demo county loaded once per run.
from tests.support.databases import demo_database, django_db_setup  # noqa: F401  (fixtures)

# CI explores the same examples every run (a failure there is reproducible, never a coin toss);
# developers' runs keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

_counter = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    """``@pytest.mark.sqlite_only``: checks whose result cannot depend on the database's engine (a page's layout
    in the browser, accessibility) run in the SQLite run only, to keep CI's two runs in budget (issue 18).
    Anything that runs SQL a user's request could run differently stays in both runs.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    skip = pytest.mark.skip(reason="engine-independent check: runs in the SQLite run only")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)

# Every role of the platform (accounts.choices.Role values); "anonymous" is the public visitor.
ROLES = (
    "bureau", "government", "discipline", "agency_admin", "agency_head", "department_head", "officer", "enterprise",
)
PASSWORD = "Qingjian-2025!"


@pytest.fixture(scope="session")
def _session_key_files(tmp_path_factory):
    # The code-signing and pseudonym keys once per run, as `clearcheck init` makes them.
    from clearcheck.core import crypto

    folder = tmp_path_factory.mktemp("keys")
    crypto.signing_key_create(str(folder / "code.pem"))
    crypto.secret_key_create(str(folder / "pseudonym.key"))
    return {"CODE_SIGNING_KEY_FILE": str(folder / "code.pem"), "PSEUDONYM_KEY_FILE": str(folder / "pseudonym.key")}


@pytest.fixture(autouse=True)
def _isolated_keys_and_files(settings, tmp_path, _session_key_files):
    # Each test signs checkpoints with its own key and stores files in its own folder. Keys are never
    # made on first use (issue 17), so the fixture makes them as `clearcheck init` would.
    from clearcheck.core import crypto

    audit_key = tmp_path / "keys" / "audit.pem"
    crypto.signing_key_create(str(audit_key))
    settings.CLEARCHECK = {**settings.CLEARCHECK, **_session_key_files, "SIGNING_KEY_FILE": str(audit_key),
                           "AUDIT_ARCHIVE_DIR": str(tmp_path / "audit-archive")}
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture(autouse=True)
def _shipped_work_calendar(request):
    # A transactional test's flush empties the tables the migrations loaded; the shipped working-day calendar
    # (2025, 2026) is loaded again, as every deployment has it, so no deadline turns provisional (issue 20).
    if not ({"transactional_db", "live_server"} & set(request.fixturenames)):
        marker = request.node.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            return
    request.getfixturevalue("transactional_db")
    from clearcheck.planning.calendar import calendar_days_load, calendar_years_mark_shipped

    calendar_days_load()
    calendar_years_mark_shipped()


def uscc_make(serial: int, region: str = "371524") -> str:
    """A valid USCC (GB 32100-2015) for test enterprise number ``serial``."""
    from clearcheck.registry.validators import uscc_check_digit

    first17 = f"91{region}{serial:09d}"
    return first17 + uscc_check_digit(first17)


@pytest.fixture
def reference_codes(db):
    """The GB/T 2260 and GB/T 4754 rows the tests use (created if the data migrations did not)."""
    from clearcheck.registry.models import Industry, Region

    province, _ = Region.objects.get_or_create(code="370000", defaults={"name": "山东省", "level": "province"})
    city, _ = Region.objects.get_or_create(
        code="371500", defaults={"name": "聊城市", "level": "city", "parent": province}
    )
    county, _ = Region.objects.get_or_create(
        code="371524", defaults={"name": "东阿县", "level": "county", "parent": city}
    )
    section, _ = Industry.objects.get_or_create(code="C", defaults={"name": "制造业", "level": "section"})
    division, _ = Industry.objects.get_or_create(
        code="27", defaults={"name": "医药制造业", "level": "division", "parent": section}
    )
    group, _ = Industry.objects.get_or_create(
        code="274", defaults={"name": "中药饮片加工", "level": "group", "parent": division}
    )
    klass, _ = Industry.objects.get_or_create(
        code="2740", defaults={"name": "中成药生产", "level": "class", "parent": group}
    )
    return {"region": county, "industry": klass}


@pytest.fixture
def officials(make_user_plain):
    """A bureau and a county-government account that confirm registry rows (created on first use)."""
    cache: dict = {}

    def get(role: str):
        if role not in cache:
            cache[role] = make_user_plain(role, username=f"official-{role}-{next(_counter)}")
        return cache[role]

    return get


@pytest.fixture
def publish_agency_list(officials):
    """Run the agency-list workflow (bureau drafts and reviews, government approves, bureau publishes, R01)."""
    from clearcheck.registry import services

    def run():
        bureau, government = officials("bureau"), officials("government")
        record = services.agency_list_draft(actor=bureau, note="测试")
        services.agency_list_review(actor=bureau, list_id=record.pk)
        services.agency_list_approve(actor=government, list_id=record.pk)
        return services.agency_list_publish(actor=bureau, list_id=record.pk)

    return run


@pytest.fixture
def make_agency(reference_codes, officials, publish_agency_list):
    """Confirm an agency through ``registry.services.agency_create``; publish the list unless ``listed=False``."""
    from clearcheck.registry import services

    def build(name: str | None = None, *, listed: bool = True, **fields):
        n = next(_counter)
        values = {
            "code": f"T{n:05d}",
            "name": name or f"东阿县测试局{n}",
            "kind": "administrative_organ",
            "legal_basis": "《中华人民共和国行政处罚法》《优化营商环境条例》",
            "region": reference_codes["region"].pk,
            "reason": "测试数据",
        }
        values.update(fields)
        agency = services.agency_create(actor=officials("bureau"), **values)
        if listed:
            publish_agency_list()
            agency.refresh_from_db()
        return agency

    return build


@pytest.fixture
def make_enterprise(reference_codes, officials):
    """Register an operating enterprise with a valid USCC through ``registry.services.enterprise_create``."""
    from clearcheck.registry import services

    def build(name: str | None = None, **fields):
        n = next(_counter)
        values = {
            "uscc": uscc_make(n),
            "name": name or f"东阿县测试阿胶有限公司{n}",
            "entity_type": "legal_person",
            "region": reference_codes["region"].pk,
            "industry": reference_codes["industry"].pk,
            "address": "山东省聊城市东阿县阿胶街78号",
            "latitude": "36.335",
            "longitude": "116.248",
        }
        values.update(fields)
        return services.enterprise_create(actor=officials("bureau"), **values)

    return build


@pytest.fixture
def make_officer(officials):
    """Register a valid enforcement officer of ``agency`` through ``registry.services.officer_create``."""
    from clearcheck.core import clock
    from clearcheck.registry import services

    def build(agency, name: str | None = None, **fields):
        n = next(_counter)
        today = clock.local_today()
        values = {
            "name": name or f"执法员{n}",
            "credential_no": f"37152400{n:06d}",
            "valid_from": (today - dt.timedelta(days=365)).isoformat(),
            "valid_to": (today + dt.timedelta(days=365)).isoformat(),
        }
        values.update(fields)
        return services.officer_create(actor=officials("bureau"), agency=agency, **values)

    return build


@pytest.fixture
def make_user_plain(db):
    """Create an account through ``accounts.services.user_create`` with exactly the scope given."""
    from clearcheck.accounts.services import user_create

    def build(role: str, *, agency=None, enterprise=None, officer=None, username: str | None = None):
        return user_create(
            actor=None, username=username or f"{role}-{next(_counter)}", password=PASSWORD, role=role,
            display_name=f"测试{role}", agency=agency, enterprise=enterprise, officer=officer,
        )

    return build


@pytest.fixture
def make_user(make_user_plain, make_agency, make_enterprise, make_officer):
    """Create an account of ``role`` with the scope it needs (a new agency / enterprise / officer record)."""
    from clearcheck.accounts.choices import AGENCY_ROLES, Role

    def build(role: str, *, agency=None, enterprise=None, officer=None, username: str | None = None):
        if role in AGENCY_ROLES and agency is None:
            agency = make_agency()
        if role == Role.ENTERPRISE and enterprise is None:
            enterprise = make_enterprise()
        if role == Role.OFFICER and officer is None:
            officer = make_officer(agency)
        return make_user_plain(role, agency=agency, enterprise=enterprise, officer=officer, username=username)

    return build


@pytest.fixture
def county(make_agency, make_enterprise, make_officer, make_user):
    """A small county: two agencies, two enterprises, officers, and one account per role.

    ``users`` act for agency ``agency`` / enterprise ``enterprise``; ``other_*`` rows belong to nobody
    of them (scoping tests ask for those and expect 404).
    """
    agency = make_agency("东阿县市场监督管理局", register_authorities="9")  # keeps the "9…" register (ADR 0018)
    other_agency = make_agency("东阿县应急管理局")
    enterprise = make_enterprise("东阿阿胶股份有限公司")
    other_enterprise = make_enterprise("东阿县鑫源阿胶有限公司")
    officer = make_officer(agency, "张明")
    other_officer = make_officer(other_agency, "李强")
    users = {}
    for role in ROLES:
        users[role] = make_user(
            role,
            agency=agency if role in ("agency_admin", "agency_head", "department_head", "officer") else None,
            enterprise=enterprise if role == "enterprise" else None,
            officer=officer if role == "officer" else None,
            username=f"demo-{role}",
        )
    return {
        "agency": agency, "other_agency": other_agency, "enterprise": enterprise,
        "other_enterprise": other_enterprise, "officer": officer, "other_officer": other_officer, "users": users,
    }


@pytest.fixture
def bureau_user(make_user):
    """A judicial-bureau account."""
    return make_user("bureau")
