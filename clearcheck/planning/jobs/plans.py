"""R05 job: after 31 March of year Y (Asia/Shanghai), every listed, active agency without a filing of its
year-Y annual plan raises one alert for the judicial bureau.
"""

import datetime as dt

from django.db.models import Exists, OuterRef

from clearcheck.alerts.selectors import alert_dedup_keys_existing
from clearcheck.alerts.services import alert_raise
from clearcheck.core import clock
from clearcheck.registry.choices import AgencyStatus
from clearcheck.registry.models import Agency

from ..models import PlanFiling
from ..services.plans import filing_deadline


def unfiled_alert_key(agency_id: int, year: int) -> str:
    """The dedup key of the R05 "not filed" alert of one agency and year."""
    return f"R05:unfiled:{agency_id}:{year}"


def annual_plans_unfiled_alert(*, today: dt.date | None = None) -> int:
    """Raise R05 for each listed, active agency that has not filed its plan for this year once 31 March has
    passed. Set-based (one query finds the agencies, one the alerts already raised) and idempotent: an
    agency already alerted for the year is not raised again. Returns how many alerts were raised.
    """
    today = today or clock.local_today()
    year = today.year
    if today <= filing_deadline(year).date():
        return 0
    filed = PlanFiling.objects.filter(plan__agency_id=OuterRef("pk"), plan__year=year)
    agencies = list(
        Agency.objects.filter(listed=True, status=AgencyStatus.ACTIVE)
        .exclude(Exists(filed))
        .order_by("code")
    )
    keys = {a.pk: unfiled_alert_key(a.pk, year) for a in agencies}
    raised = alert_dedup_keys_existing(keys.values())
    deadline = filing_deadline(year).date()
    count = 0
    for agency in agencies:
        if keys[agency.pk] in raised:
            continue
        alert_raise(
            rule_id="R05", subject=agency, agency=agency, dedup_key=keys[agency.pk],
            facts={"year": year, "deadline": deadline, "agency": agency.name},
            subject_label=f"{agency.name} 未备案 {year} 年度检查计划",
        )
        count += 1
    return count
