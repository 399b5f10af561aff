"""Dashboard filters and who may read which dashboard (scope by actor)."""

import datetime as dt
from dataclasses import dataclass, replace

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role, actor_is_county
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, NotFound, ValidationFailed
from clearcheck.registry.selectors import region_codes_under, region_path_in_jurisdiction

# The bureau's dashboard is read by the county roles; an agency's by its admin and head (its own data).
AGENCY_READERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)


@dataclass(frozen=True)
class Filters:
    """Period (a year, months ``month_from``..``month_to``), agency, region, industry section, tier."""

    year: int
    month_from: int = 1
    month_to: int = 12
    agency_id: int | None = None
    region: str = ""
    industry: str = ""
    tier: str = ""
    # The region and every region below it (a city of a province covers its counties): what ``region`` matches.
    region_codes: tuple[str, ...] = ()

    def __post_init__(self):
        if self.region and not self.region_codes:  # a region given alone matches its own code
            object.__setattr__(self, "region_codes", (self.region,))

    @property
    def first_month(self) -> dt.date:
        """The first day of the period."""
        return dt.date(self.year, self.month_from, 1)

    @property
    def last_month(self) -> dt.date:
        """The first day of the period's last month."""
        return dt.date(self.year, self.month_to, 1)

    @property
    def detailed(self) -> bool:
        """Whether a filter needs the fine-grained rollup (region, industry, tier)."""
        return bool(self.region or self.industry or self.tier)

    @property
    def grain(self) -> str:
        """The detail rollup's grain that answers these filters (one filter: its own small slice)."""
        chosen = [name for name in ("region", "industry", "tier") if getattr(self, name)]
        return chosen[0] if len(chosen) == 1 else "all"

    def params(self) -> dict:
        """The filters as query-string parameters (for links and the export)."""
        values = {"year": self.year, "month_from": self.month_from, "month_to": self.month_to,
                  "agency": self.agency_id or "", "region": self.region, "industry": self.industry,
                  "tier": self.tier}
        return {k: v for k, v in values.items() if v not in ("", None)}


def dashboard_agency_scope(actor) -> int | None:
    """None for the county roles (all agencies), the own agency for its admin and head; others 404."""
    if actor_is_county(actor):
        return None
    if actor_has_role(actor, *AGENCY_READERS) and actor.agency_id:
        return actor.agency_id
    raise NotFound("页面不存在")


def _int(data, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = (data.get(name) or "").strip() if hasattr(data, "get") else ""
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed(FieldError(name, "请输入整数")) from None
    if not low <= value <= high:
        raise ValidationFailed(FieldError(name, f"应在 {low} 至 {high} 之间"))
    return value


def _region(code: str) -> tuple[str, tuple[str, ...]]:
    """A region of the deployment's jurisdiction and the codes it covers; its root is "all" (no filter)."""
    if not code:
        return "", ()
    path = region_path_in_jurisdiction(code)
    if path is None:
        raise ValidationFailed(FieldError("region", "所选区划不在本平台辖区内"))
    if len(path) == 1:
        return "", ()
    return code, tuple(region_codes_under(code))


def filters_parse(data, *, scope_agency_id: int | None) -> Filters:
    """Filters from a query string; an agency user's agency filter is always its own."""
    year = _int(data, "year", clock.local_year(), 2000, 2100)
    month_from = _int(data, "month_from", 1, 1, 12)
    month_to = _int(data, "month_to", 12, 1, 12)
    if month_from > month_to:
        raise ValidationFailed(FieldError("month_to", "结束月份不能早于开始月份"))
    agency_id = _int(data, "agency", None, 1, 2**62)
    text = {name: (data.get(name) or "").strip()[:8] for name in ("region", "industry", "tier")}
    text["region"], region_codes = _region(text["region"])
    filters = Filters(year=year, month_from=month_from, month_to=month_to, agency_id=agency_id,
                      region_codes=region_codes, **text)
    if scope_agency_id is not None:
        filters = replace(filters, agency_id=scope_agency_id)
    return filters
