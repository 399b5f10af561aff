"""The check-in start's hand-written reads (``services.checkin_reads``, ``planning.selectors.tiers.tier_and_usage``,
``core.rows``) give the rules exactly what the ORM gave them: the same rows, values, order and tier.
"""

import datetime as dt

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from clearcheck.core import clock
from clearcheck.inspections.models import Visit, VisitTask
from clearcheck.inspections.services import checkin_reads
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_visits_checkin import scan
from clearcheck.planning.models import AgencyPlanningSettings, CapUsage, InspectionTask
from clearcheck.planning.selectors.tiers import tier_and_usage, tier_current, tier_scheme
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import tier_set
from clearcheck.registry.models import Agency, Enterprise, EnterpriseCode, Officer


def fields(obj) -> dict:
    """Every concrete field's value, as loaded."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_scan_read_builds_the_rows_the_orm_loads(onsite_county):
    """Dates, datetimes, decimals and booleans come back converted as the ORM converts them (SQLite returns
    text and integers for them)."""
    county = onsite_county
    officer, code = county["officers"][0], county["code"]
    user = county["officer_users"][0]
    found = checkin_reads.scan_read(officer_id=officer.pk, user_id=user.pk, key="none-yet",
                                    enterprise_id=code.enterprise_id, version=code.version)
    assert fields(found.officer) == fields(Officer.objects.get(pk=officer.pk))
    assert fields(found.officer.agency) == fields(Agency.objects.get(pk=officer.agency_id))
    assert fields(found.enterprise) == fields(Enterprise.objects.get(pk=code.enterprise_id))
    assert fields(found.code) == fields(EnterpriseCode.objects.get(pk=code.pk))
    assert isinstance(found.officer.valid_to, dt.date) and found.officer.valid_to.__class__ is dt.date
    assert found.code.issued_at.tzinfo is not None and found.enterprise.latitude is not None
    assert found.replay_id is None and found.recused is False and found.officer._state.adding is False


def test_scan_read_finds_the_retry_and_misses_unknown_rows(onsite_county):
    county = onsite_county
    visit = scan(county, key="seen")
    user, officer = county["officer_users"][0], county["officers"][0]
    found = checkin_reads.scan_read(officer_id=officer.pk, user_id=user.pk, key="seen", enterprise_id=999_999,
                                    version=1)
    assert found.replay_id == visit.pk and found.enterprise is None and found.code is None
    stale_version = checkin_reads.scan_read(officer_id=officer.pk, user_id=user.pk, key="x",
                                            enterprise_id=county["enterprise"].pk, version=99)
    assert stale_version.enterprise.pk == county["enterprise"].pk and stale_version.code is None
    assert checkin_reads.scan_read(officer_id=999_999, user_id=user.pk, key="x", enterprise_id=None,
                                   version=None) is None
    held = checkin_reads.scan_read(officer_id=officer.pk, user_id=user.pk, key="x", enterprise_id=None,
                                   version=None, task_ids=[county["task"].pk, 999_999])
    assert held.busy == 1 and stale_version.busy == 0


def test_r13_scan_read_sees_a_granted_recusal(onsite_county, make_user_plain):
    from clearcheck.sampling.tests.draw_helpers import recusal_grant

    county = onsite_county
    officer = county["officers"][0]
    recusal_grant(county, make_user_plain, county["enterprise"], officer)
    found = checkin_reads.scan_read(officer_id=officer.pk, user_id=county["officer_users"][0].pk, key="k",
                                    enterprise_id=county["enterprise"].pk, version=county["code"].version)
    assert found.recused is True
    # The hand-written count is the one reader's answer (registry.recusal_reads.recused_officer_ids, ADR 0021).
    from clearcheck.registry.recusal_reads import recused_officer_ids

    for candidate in county["officers"]:
        read = checkin_reads.scan_read(officer_id=candidate.pk, user_id=county["officer_users"][0].pk, key="k",
                                       enterprise_id=county["enterprise"].pk, version=county["code"].version)
        assert read.recused == bool(recused_officer_ids(county["enterprise"].pk, [candidate.pk])), candidate


def test_tasks_read_gives_the_tasks_items_and_officers_the_orm_gives(onsite_county, approved_task):
    county = onsite_county
    other = approved_task(source="complaint", inspection_type="case", window_start=clock.local_today())
    ids = [other.pk, county["task"].pk]
    mine = checkin_reads.tasks_read(ids, county["enterprise"])
    orm = list(InspectionTask.objects.select_related("agency", "enterprise", "joint_inspection")
               .prefetch_related("items", "officers").filter(pk__in=ids).order_by("pk"))
    assert [t.pk for t in mine] == [t.pk for t in orm] == sorted(ids)
    for a, b in zip(mine, orm, strict=True):
        assert fields(a) == fields(b) and fields(a.agency) == fields(b.agency)
        assert [model_to_dict(i) for i in a.items.all()] == [model_to_dict(i) for i in b.items.all()]
        assert [fields(o) for o in a.officers.all()] == [fields(o) for o in b.officers.all()]
        assert [o.agency.name for o in a.officers.all()] == [o.agency.name for o in b.officers.all()]
        assert a.items.filter(pk=-1).count() == 0  # a filtered relation still asks the database
    assert checkin_reads.tasks_read([999_999], None) == []


def test_r14_busy_read_tells_a_stale_pending_visit_from_a_live_one(onsite_county, frozen_now):
    county = onsite_county
    visit = scan(county)
    [busy] = checkin_reads.busy_read([county["task"].pk, 999_999])
    assert (busy.task_id, busy.visit_id, busy.status) == (county["task"].pk, visit.pk, "pending")
    assert busy.confirm_deadline == Visit.objects.get(pk=visit.pk).confirm_deadline
    assert not busy.stale(clock.now())
    assert busy.stale(frozen_now.advance(minutes=10, seconds=1))
    VisitTask.objects.filter(visit=visit).update(active=False)
    assert checkin_reads.busy_read([county["task"].pk]) == []


@pytest.mark.parametrize("case", ["default", "settings", "settings_blank", "graded"])
def test_r21_tier_and_usage_chooses_the_tier_tier_current_chooses(onsite_county, case):
    county = onsite_county
    agency, enterprise = county["agency"], county["enterprise"]
    year = clock.local_year()
    tier_scheme(agency.pk)
    if case == "settings":
        AgencyPlanningSettings.objects.create(agency=agency, ungraded_tier_code="C")
    elif case == "settings_blank":
        AgencyPlanningSettings.objects.create(agency=agency, ungraded_tier_code="")
    elif case == "graded":
        tier_set(county, "D")
    tier, used = tier_and_usage(agency.pk, enterprise.pk, year)
    assert fields(tier) == fields(tier_current(agency.pk, enterprise.pk)) and used == 0
    CapUsage.objects.update_or_create(agency=agency, enterprise=enterprise, year=year,
                                      defaults={"visited_count": 3})
    assert tier_and_usage(agency.pk, enterprise.pk, year)[1] == 3
    assert tier_and_usage(agency.pk, enterprise.pk, year - 1)[1] == 0


def test_r21_tier_and_usage_creates_the_default_scheme_on_first_use(onsite_county):
    from clearcheck.planning.models import Tier

    county = onsite_county
    Tier.objects.filter(agency=county["agency"]).delete()
    tier, used = tier_and_usage(county["agency"].pk, county["enterprise"].pk, clock.local_year())
    assert tier.code == "B" and used == 0 and Tier.objects.filter(agency=county["agency"]).count() == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's (ADR 0016)")
def test_the_starts_reads_are_prepared_once_per_connection_on_postgresql(onsite_county):
    """Each read of a start is one prepared statement, run again without being parsed anew (ADR 0016)."""
    county = onsite_county
    officer, code, user = county["officers"][0], county["code"], county["officer_users"][0]
    for _ in range(2):
        checkin_reads.scan_read(officer_id=officer.pk, user_id=user.pk, key="k", enterprise_id=code.enterprise_id,
                                version=code.version, task_ids=[county["task"].pk])
        checkin_reads.tasks_read([county["task"].pk], county["enterprise"])
        tier_and_usage(county["agency"].pk, county["enterprise"].pk, clock.local_year())
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE NOT from_sql")
        runs = cursor.fetchall()
    for fragment in ("idempotency_key", "FOR UPDATE OF", "o.agency_id, o.credential_no", "i.agency_id, i.code",
                     "visited_count"):
        assert [n for text, n in runs if fragment in text] == [2], fragment
