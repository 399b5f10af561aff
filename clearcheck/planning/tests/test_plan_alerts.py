"""R05 job: after 31 March (Asia/Shanghai) an unfiled annual plan raises one alert for the bureau."""

import datetime as dt
import json

import pytest

from clearcheck.alerts.models import Alert
from clearcheck.planning.jobs.plans import annual_plans_unfiled_alert
from clearcheck.planning.services import plans as services

from .test_annual_plans import PLAN_FIELDS, freeze, publish_items


@pytest.fixture
def agencies(make_agency):
    return {"filed": make_agency("东阿县市场监督管理局"), "unfiled": make_agency("东阿县应急管理局"),
            "unlisted": make_agency("东阿县未公布局", listed=False)}


def _file(make_user, agency, year=2026):
    admin = make_user("agency_admin", agency=agency)
    (item,) = publish_items(admin, agency, f"X-{agency.pk}")
    plan = services.annual_plan_create(actor=admin, agency=agency, year=year, **PLAN_FIELDS)
    services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=item.pk, month=5, target_count=1)
    return services.annual_plan_file(actor=admin, plan_id=plan.pk)


@pytest.mark.django_db
def test_r05_job_on_31_march_raises_nothing(agencies):
    assert annual_plans_unfiled_alert(today=dt.date(2026, 3, 31)) == 0
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_r05_job_on_1_april_raises_once_per_unfiled_listed_agency(monkeypatch, make_user, agencies):
    freeze(monkeypatch, dt.datetime(2026, 3, 20, 10, 0))
    _file(make_user, agencies["filed"])
    _file(make_user, agencies["unfiled"], year=2025)  # last year's plan does not count for 2026
    assert annual_plans_unfiled_alert(today=dt.date(2026, 4, 1)) == 1
    alert = Alert.objects.get(dedup_key__startswith="R05:unfiled:")
    assert alert.agency_id == agencies["unfiled"].pk and alert.clause == "三(四)"
    assert json.loads(alert.facts) == {"year": 2026, "deadline": "2026-03-31", "agency": "东阿县应急管理局"}
    # Running again (the next day, or twice the same day) raises nothing more.
    assert annual_plans_unfiled_alert(today=dt.date(2026, 4, 1)) == 0
    assert annual_plans_unfiled_alert(today=dt.date(2026, 4, 2)) == 0
    alert.refresh_from_db()
    assert Alert.objects.filter(dedup_key__startswith="R05:unfiled:").count() == 1 and alert.occurrences == 1


@pytest.mark.django_db
def test_r05_job_uses_shanghai_today_by_default(monkeypatch, agencies):
    freeze(monkeypatch, dt.datetime(2026, 3, 31, 23, 59))
    assert annual_plans_unfiled_alert() == 0
    freeze(monkeypatch, dt.datetime(2026, 4, 1, 0, 1))  # still 31 March in UTC
    assert annual_plans_unfiled_alert() == 2  # "filed" has not filed in this test either


@pytest.mark.django_db
def test_r05_job_skips_suspended_agencies(agencies):
    from clearcheck.registry.models import Agency

    Agency.objects.filter(pk=agencies["unfiled"].pk).update(status="suspended")
    assert annual_plans_unfiled_alert(today=dt.date(2026, 4, 1)) == 1
    assert Alert.objects.get().agency_id == agencies["filed"].pk


@pytest.mark.django_db
def test_r05_job_is_set_based(make_agency, django_assert_max_num_queries):
    for n in range(5):
        make_agency(f"东阿县测试机关{n}")
    annual_plans_unfiled_alert(today=dt.date(2026, 4, 1))
    # Nothing left to raise: two reads, whatever the number of agencies.
    with django_assert_max_num_queries(2):
        assert annual_plans_unfiled_alert(today=dt.date(2026, 4, 1)) == 0


@pytest.mark.django_db
def test_r05_late_first_filing_raises_a_low_alert_once(monkeypatch, make_user, agencies):
    assert annual_plans_unfiled_alert(today=dt.date(2026, 4, 1)) == 2
    freeze(monkeypatch, dt.datetime(2026, 4, 10, 9, 0))
    filing = _file(make_user, agencies["unfiled"])
    assert filing.on_time is False
    late = Alert.objects.get(dedup_key=f"R05:late:{agencies['unfiled'].pk}:2026")
    assert late.severity == "low" and late.subject_type == "planning.planfiling"
