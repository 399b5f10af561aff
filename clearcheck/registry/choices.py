"""Enumerations of the registries."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgencyKind(models.TextChoices):
    """The three kinds of inspection body of 54号 / clause 二(一)."""

    ADMINISTRATIVE_ORGAN = "administrative_organ", _("行政机关")
    AUTHORISED_ORGANISATION = "authorised_organisation", _("法律法规授权组织")
    ENTRUSTED_ORGANISATION = "entrusted_organisation", _("受委托组织")


class AgencyStatus(models.TextChoices):
    """Organisational status of an agency."""

    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    DISSOLVED = "dissolved", _("撤销")


class AgencyListStatus(models.TextChoices):
    """The agency list goes draft → reviewed (bureau) → approved (county government) → published."""

    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("司法局已审核")
    APPROVED = "approved", _("县政府已审定")
    PUBLISHED = "published", _("已公布")
    SUPERSEDED = "superseded", _("已被替代")
    REJECTED = "rejected", _("已退回")


class PersonnelType(models.TextChoices):
    """Only enforcement officers may inspect (R12)."""

    ENFORCEMENT = "enforcement", _("行政执法人员")
    AUXILIARY = "auxiliary", _("执法辅助人员")
    GRID_WORKER = "grid_worker", _("网格员")
    TEMPORARY = "temporary", _("临时工")
    THIRD_PARTY = "third_party", _("第三方人员")


class CredentialStatus(models.TextChoices):
    """Status of an officer's credential (执法证)."""

    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("吊销")


class EntityType(models.TextChoices):
    """Market entity types of 涉企 (clause 一)."""

    LEGAL_PERSON = "legal_person", _("法人")
    UNINCORPORATED = "unincorporated", _("非法人组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")


class RegisterAuthority(models.TextChoices):
    """登记管理部门代码: the first character of a USCC (GB 32100-2015, 表1) names the authority whose
    register holds the entity. The agency that keeps a register owns its entities' registered data.
    """

    ESTABLISHMENT = "1", _("机构编制")
    FOREIGN_AFFAIRS = "2", _("外交")
    JUSTICE = "3", _("司法行政")
    CULTURE = "4", _("文化")
    CIVIL_AFFAIRS = "5", _("民政")
    TOURISM = "6", _("旅游")
    RELIGION = "7", _("宗教")
    TRADE_UNION = "8", _("工会")
    MARKET_REGULATION = "9", _("市场监督管理(原工商)")
    MILITARY_ESTABLISHMENT = "A", _("中央军委改革和编制办公室")
    AGRICULTURE = "N", _("农业")
    OTHER = "Y", _("其他")


class EnterpriseStatus(models.TextChoices):
    """Registration status of an enterprise."""

    OPERATING = "operating", _("存续")
    SUSPENDED = "suspended", _("歇业")
    CANCELLED = "cancelled", _("注销")
    REVOKED = "revoked", _("吊销")


class Datum(models.TextChoices):
    """The datum coordinates arrived in. They are always stored in WGS-84."""

    WGS84 = "wgs84", _("WGS-84(GPS/浏览器定位)")
    GCJ02 = "gcj02", _("GCJ-02(高德、腾讯)")
    BD09 = "bd09", _("BD-09(百度)")


class RegionLevel(models.TextChoices):
    """GB/T 2260 levels."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("地级")
    COUNTY = "county", _("县级")


class IndustryLevel(models.TextChoices):
    """GB/T 4754-2017 levels: 门类, 大类, 中类, 小类."""

    SECTION = "section", _("门类")
    DIVISION = "division", _("大类")
    GROUP = "group", _("中类")
    CLASS = "class", _("小类")


class RecusalStatus(models.TextChoices):
    """Where a recusal request stands (``workflows.RECUSAL``). A granted request is the recusal."""

    PENDING = "pending", _("待决定")
    GRANTED = "granted", _("已同意回避")
    REFUSED = "refused", pgettext_lazy("recusal status", "不予回避")


# A request in one of these states stops the enterprise from filing again about the same officer.
RECUSAL_OPEN = (RecusalStatus.PENDING, RecusalStatus.GRANTED)
