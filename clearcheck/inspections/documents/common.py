"""Formatting shared by the documents: dates as an official writes them (Asia/Shanghai), people's names,
officer rows, the agency's short name and document numbers such as 东市监责改〔2026〕3号.
"""

import datetime as dt

from django.conf import settings

from clearcheck.accounts.models import User
from clearcheck.core import clock

# Short names of common enforcement agencies, used in document numbers (东阿县市场监督管理局 → 东市监).
# A deployment names its own with the setting CLEARCHECK_DOCUMENT_AGENCY_ABBREVIATIONS {agency code: short}.
AGENCY_SHORT = (
    ("市场监督管理局", "市监"), ("应急管理局", "应急"), ("卫生健康局", "卫健"), ("住房和城乡建设局", "住建"),
    ("交通运输局", "交运"), ("自然资源和规划局", "自规"), ("自然资源局", "自然资源"), ("生态环境", "环"),
    ("农业农村局", "农"), ("人力资源和社会保障局", "人社"), ("文化和旅游局", "文旅"), ("商务局", "商"),
    ("水利局", "水"), ("城市管理局", "城管"), ("综合行政执法局", "综执"), ("消防救援", "消"), ("公安局", "公"),
    ("教育和体育局", "教体"), ("教育局", "教"), ("医疗保障局", "医保"), ("司法局", "司"),
)
BLANK = "________"


def date_cn(value: dt.date | dt.datetime | None) -> str:
    """``2026年3月5日`` (a datetime is first taken to Asia/Shanghai); blank line when missing."""
    if value is None:
        return BLANK
    if isinstance(value, dt.datetime):
        value = value.astimezone(clock.LOCAL_TZ).date()
    return f"{value.year}年{value.month}月{value.day}日"


def minute_cn(value: dt.datetime | None) -> str:
    """``2026年3月5日 09时30分`` in Asia/Shanghai, to the minute; blank line when missing."""
    if value is None:
        return BLANK
    local = value.astimezone(clock.LOCAL_TZ)
    return f"{local.year}年{local.month}月{local.day}日 {local.hour:02d}时{local.minute:02d}分"


def local_year_of(value: dt.datetime) -> int:
    """The Asia/Shanghai year of an instant."""
    return value.astimezone(clock.LOCAL_TZ).year


def local_year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, next 1 January) of ``year`` in Asia/Shanghai, as aware instants."""
    start = dt.datetime(year, 1, 1, tzinfo=clock.LOCAL_TZ)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=clock.LOCAL_TZ)


def user_names(ids) -> dict[int, str]:
    """Display names of the accounts with ``ids`` (the name an official signs with, else the username)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {u.pk: str(u) for u in User.objects.filter(pk__in=wanted).only("pk", "username", "display_name")}


def officer_row(officer, credential_no: str | None = None) -> dict:
    """Name, credential number and agency of an officer as printed in a document."""
    return {"name": officer.name, "credential_no": credential_no or officer.credential_no,
            "agency": officer.agency.name if officer.agency_id else ""}


def agency_short(agency) -> str:
    """The agency's short name for document numbers: configured, or the county's first character plus
    the usual short form of the agency's name (东阿县市场监督管理局 → 东市监).
    """
    configured = getattr(settings, "CLEARCHECK_DOCUMENT_AGENCY_ABBREVIATIONS", {}) or {}
    if agency.code in configured:
        return configured[agency.code]
    name = agency.name
    region = getattr(agency.region, "name", "") or ""
    prefix = ""
    if region and name.startswith(region):
        prefix, name = region[0], name[len(region):]
    for suffix, short in AGENCY_SHORT:
        if suffix in name:
            return prefix + short
    return prefix + name[:2]


def document_number(agency, kind: str, year: int, serial: int) -> str:
    """``东市监责改〔2026〕3号``: agency short name, document kind, year in 〔〕, serial."""
    return f"{agency_short(agency)}{kind}〔{year}〕{serial}号"


def review_body(agency) -> str:
    """Where the enterprise applies for administrative review of a county agency's act: the county
    people's government (行政复议法 2023, 第二十四条); configurable by CLEARCHECK_DOCUMENT_REVIEW_BODY.
    """
    configured = getattr(settings, "CLEARCHECK_DOCUMENT_REVIEW_BODY", "")
    if configured:
        return configured
    region = getattr(agency.region, "name", "") or ""
    return f"{region}人民政府" if region else "本级人民政府"
