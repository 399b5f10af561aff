"""Enumerations of the registries."""

from django.db import models


class AgencyKind(models.TextChoices):
    """The three kinds of inspection body of 54号 / clause 二(一)."""

    ADMINISTRATIVE_ORGAN = "administrative_organ", "行政机关"
    AUTHORISED_ORGANISATION = "authorised_organisation", "法律法规授权组织"
    ENTRUSTED_ORGANISATION = "entrusted_organisation", "受委托组织"


class AgencyStatus(models.TextChoices):
    """Organisational status of an agency."""

    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "暂停"
    DISSOLVED = "dissolved", "撤销"


class AgencyListStatus(models.TextChoices):
    """The agency list goes draft → reviewed (bureau) → approved (county government) → published."""

    DRAFT = "draft", "草稿"
    REVIEWED = "reviewed", "司法局已审核"
    APPROVED = "approved", "县政府已审定"
    PUBLISHED = "published", "已公布"
    SUPERSEDED = "superseded", "已被替代"
    REJECTED = "rejected", "已退回"


class PersonnelType(models.TextChoices):
    """Only enforcement officers may inspect (R12)."""

    ENFORCEMENT = "enforcement", "行政执法人员"
    AUXILIARY = "auxiliary", "执法辅助人员"
    GRID_WORKER = "grid_worker", "网格员"
    TEMPORARY = "temporary", "临时工"
    THIRD_PARTY = "third_party", "第三方人员"


class CredentialStatus(models.TextChoices):
    """Status of an officer's credential (执法证)."""

    VALID = "valid", "有效"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "吊销"


class EntityType(models.TextChoices):
    """Market entity types of 涉企 (clause 一)."""

    LEGAL_PERSON = "legal_person", "法人"
    UNINCORPORATED = "unincorporated", "非法人组织"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"


class EnterpriseStatus(models.TextChoices):
    """Registration status of an enterprise."""

    OPERATING = "operating", "存续"
    SUSPENDED = "suspended", "歇业"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"


class Datum(models.TextChoices):
    """The datum coordinates arrived in. They are always stored in WGS-84."""

    WGS84 = "wgs84", "WGS-84(GPS/浏览器定位)"
    GCJ02 = "gcj02", "GCJ-02(高德、腾讯)"
    BD09 = "bd09", "BD-09(百度)"


class RegionLevel(models.TextChoices):
    """GB/T 2260 levels."""

    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"


class IndustryLevel(models.TextChoices):
    """GB/T 4754-2017 levels: 门类, 大类, 中类, 小类."""

    SECTION = "section", "门类"
    DIVISION = "division", "大类"
    GROUP = "group", "中类"
    CLASS = "class", "小类"
