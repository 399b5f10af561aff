"""The tier a visit counts under (kept at check-in) and the enterprise counts behind the distribution's
0-visit bucket (ADR 0014)."""

import datetime as dt
import importlib

import pytest

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.supervision.dashboards.enterprise_counts import (
    WATERMARK,
    enterprise_counts_due,
    enterprise_counts_refresh,
    enterprises_in_scope,
)
from clearcheck.supervision.dashboards.enterprises import distribution
from clearcheck.supervision.dashboards.filters import Filters
from clearcheck.supervision.dashboards.fold import rollups_fold, watermark
from clearcheck.supervision.dashboards.reading import consistent
from clearcheck.supervision.dashboards.selectors import month_cells
from clearcheck.supervision.models.rollups import EnterpriseCountRollup, RollupWatermark
from clearcheck.supervision.tests.dashboards.fixtures import *  # noqa: F403
from clearcheck.supervision.tests.dashboards.fixtures import data_migration_run, scratch_cells

pytestmark = pytest.mark.django_db
NO_LAG = dt.timedelta(0)


def _grade(county, enterprise, code: str):
    from clearcheck.planning.services.tiers import enterprise_tier_assign

    return enterprise_tier_assign(actor=county["admin"], agency=county["agency"], enterprise=enterprise,
                                  tier_code=code, reason="按信用和检查记录评定")


def _visits_in_tier(tier: str) -> int:
    filters = Filters(year=clock.local_year(), tier=tier)
    series, _kinds = consistent(lambda s: month_cells(s, filters).as_dicts())
    return sum(n for n, _s in series.values())


def test_check_in_keeps_the_tier_and_a_regrade_does_not_move_past_visits(inspect, dash_county):
    """A visit counts under the tier of its check-in, in the live tail and after the fold alike."""
    county = dash_county
    _grade(county, county["enterprise"], "C")
    visit = inspect()
    assert visit.tier == "C"
    ungraded = inspect(county["other_enterprise"], close=False)
    assert ungraded.tier == "B"  # the default scheme's tier for the ungraded
    _grade(county, county["enterprise"], "A")  # regraded after the visit
    assert (_visits_in_tier("C"), _visits_in_tier("A"), _visits_in_tier("B")) == (1, 0, 1)
    rollups_fold(lag=NO_LAG)
    assert (_visits_in_tier("C"), _visits_in_tier("A"), _visits_in_tier("B")) == (1, 0, 1)
    filters = Filters(year=clock.local_year(), tier="C")
    assert consistent(lambda s: month_cells(s, filters).as_dicts()) == scratch_cells(filters)
    assert inspect().tier == "A"  # the next visit takes the new grade


def test_tier_backfill_gives_what_check_in_keeps(inspect, dash_county, monkeypatch):
    """inspections 0009 fills ``Visit.tier`` of existing visits (graded, ungraded) batch by batch."""
    from clearcheck.inspections.models import Visit

    migration = importlib.import_module("clearcheck.inspections.migrations.0009_visit_tier_backfill")
    county = dash_county
    _grade(county, county["enterprise"], "D")
    inspect()
    inspect(county["other_enterprise"], close=False)
    kept = sorted(Visit.objects.values_list("id", "tier"))
    Visit.objects.update(tier="")  # as before the migration
    monkeypatch.setattr(migration, "BATCH", 1)  # one visit per batch: the ranges must not miss one

    data_migration_run(migration.backfill)
    assert sorted(Visit.objects.values_list("id", "tier")) == kept
    assert [tier for _id, tier in kept] == ["D", "B"]


def test_tier_backfill_follows_the_agency_setting(dash_county):
    """An agency whose ungraded enterprises count as "C" gets "C"; an agency without a scheme the default."""
    from django.apps import apps

    from clearcheck.planning.models.settings import AgencyPlanningSettings
    from clearcheck.planning.services.tiers import tier_scheme_ensure
    from clearcheck.registry.models import Agency

    migration = importlib.import_module("clearcheck.inspections.migrations.0009_visit_tier_backfill")
    agency = dash_county["agency"]
    tier_scheme_ensure(agency)
    AgencyPlanningSettings.objects.update_or_create(agency=agency, defaults={"ungraded_tier_code": "C"})
    codes = migration.ungraded_codes(apps)
    assert codes[agency.pk] == "C"
    others = Agency.objects.exclude(pk=agency.pk).values_list("pk", flat=True)
    assert all(codes[pk] == "B" for pk in others)


# --- Enterprise counts ---------------------------------------------------------------------------------


def _registered(**filters) -> int:
    from clearcheck.registry.models import Enterprise

    return Enterprise.objects.filter(**filters).count()


def test_zero_bucket_is_every_registered_enterprise_not_visited(inspect, dash_county, officials):
    """Before any count (live), after the fold's count, and with an enterprise registered since (live)."""
    from clearcheck.registry.services import enterprise_create
    from clearcheck.registry.tests.factories import uscc_make

    enterprise = dash_county["enterprise"]
    inspect()
    filters = Filters(year=clock.local_year())
    read = lambda: consistent(lambda s: distribution(s, filters))["buckets"]  # noqa: E731
    assert read()["0"] == _registered() - 1 and read()["1"] == 1
    rollups_fold(lag=NO_LAG)
    assert RollupWatermark.objects.filter(name=WATERMARK).exists()
    assert sum(EnterpriseCountRollup.objects.values_list("enterprises", flat=True)) == _registered()
    assert read()["0"] == _registered() - 1
    enterprise_create(actor=officials("bureau"), uscc=uscc_make(), name="东阿县新登记阿胶有限公司",
                      entity_type=enterprise.entity_type, region=enterprise.region_id,
                      industry=enterprise.industry_id, address="东阿县新城街道")
    assert read()["0"] == _registered() - 1  # counted live: its id is past the floor
    region = enterprise.region_id
    assert enterprises_in_scope(region=region) == _registered(region_id=region)


def test_refresh_counts_a_moved_enterprise_in_its_new_place_and_signals_panels(dash_county):
    """An enterprise that changed industry section moves at the next recount, which panels notice."""
    from clearcheck.registry.models import Enterprise, Industry
    from clearcheck.supervision.dashboards.dimensions import industry_section

    enterprise_counts_refresh()
    enterprise = dash_county["enterprise"]
    section = industry_section(enterprise.industry_id)
    other = Industry.objects.filter(parent__isnull=True).exclude(code=section).order_by("code").first()
    before = enterprises_in_scope(industry=other.code), enterprises_in_scope(industry=section)
    Enterprise.objects.filter(pk=enterprise.pk).update(industry=other)
    assert (enterprises_in_scope(industry=other.code), enterprises_in_scope(industry=section)) == before
    generation = watermark().generation
    enterprise_counts_refresh()
    assert (enterprises_in_scope(industry=other.code), enterprises_in_scope(industry=section)) == (
        before[0] + 1, before[1] - 1)
    assert watermark().generation > generation  # a panel reading across the recount retries


def test_the_fold_recounts_only_when_due(dash_county):
    now = clock.now()
    assert enterprise_counts_due(now)
    rollups_fold(lag=NO_LAG)
    assert not enterprise_counts_due(now + dt.timedelta(minutes=9))
    assert enterprise_counts_due(now + dt.timedelta(minutes=11))
