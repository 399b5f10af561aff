"""Enumerations of on-site inspections."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clearcheck.planning.choices import AvGround  # noqa: F401  (a task field; re-exported for on-site code)


class VisitKind(models.TextChoices):
    """Why officers enter (R26): an administrative inspection, or another kind of visit that also scans."""

    INSPECTION = "inspection", _("行政检查")
    SUPERVISION_CHECK = "supervision_check", _("督查")
    GUIDANCE = "guidance", _("督导")
    INVESTIGATION = "investigation", _("调查")
    SCREENING = "screening", _("排查")
    PATROL = "patrol", _("巡查")
    PATROL_INSPECTION = "patrol_inspection", _("巡检")
    SPOT_CHECK = "spot_check", _("抽查")
    VERIFICATION = "verification", _("核查")
    TECHNICAL = "technical", _("技术检查/辅助性检查")


# R26: visits of these kinds carry no inspection outcomes and are counted apart from inspections.
NON_INSPECTION_KINDS = frozenset(VisitKind) - {VisitKind.INSPECTION}


class EntryMethod(models.TextChoices):
    """How a visit was entered (R11)."""

    CODE = "code", _("扫企业码")
    GEOLOCATION = "geolocation", _("定位打卡")


class VisitStatus(models.TextChoices):
    """pending (waiting for the team to confirm, 10 min) → open → closed; or expired / cancelled."""

    PENDING = "pending", _("待同行人员确认")
    OPEN = "open", _("检查中")
    CLOSED = "closed", _("已结束")
    EXPIRED = "expired", _("确认超时")
    CANCELLED = "cancelled", _("已撤销")


# A task can be in at most one visit in these states at a time.
VISIT_ACTIVE = (VisitStatus.PENDING, VisitStatus.OPEN)


class RecordStatus(models.TextChoices):
    """An on-site record is filled in while the visit is open, then closed (R16)."""

    DRAFTING = "drafting", _("填写中")
    CLOSED = "closed", _("已完成")


class EntryResult(models.TextChoices):
    """The result of one checklist entry on site."""

    COMPLIANT = "compliant", _("符合")
    NON_COMPLIANT = "non_compliant", _("不符合")
    NOT_APPLICABLE = "not_applicable", _("不适用")
    NOT_CHECKED = "not_checked", _("未检查")


class SignerKind(models.TextChoices):
    """Who signs an on-site record."""

    OFFICER = "officer", _("执法人员")
    ENTERPRISE = "enterprise", _("企业代表")


class EvidenceKind(models.TextChoices):
    """What a piece of evidence is (R18); checked against its content, not its file name."""

    PHOTO = "photo", _("照片")
    AUDIO = "audio", _("录音")
    VIDEO = "video", _("录像")
    DOCUMENT = "document", _("书证/文件")


# R17: these kinds can cover a visit as its audio/video record.
AV_KINDS = (EvidenceKind.AUDIO, EvidenceKind.VIDEO)


class EvidenceOrigin(models.TextChoices):
    """Who produced a piece of evidence. R25: a third party's assessment is never an inspection result."""

    CAPTURED = "captured", _("执法人员现场采集")
    ENTERPRISE = "enterprise", _("企业提供")
    THIRD_PARTY = "third_party", _("第三方出具")


class UploadStatus(models.TextChoices):
    """A chunked evidence upload: receiving chunks → complete (an Evidence row exists) or aborted."""

    RECEIVING = "receiving", _("上传中")
    COMPLETE = "complete", _("已完成")
    ABORTED = "aborted", _("已放弃")


class FindingStatus(models.TextChoices):
    """A finding is open until every one of its dispositions is closed (R19)."""

    OPEN = "open", _("处置中")
    CLOSED = "closed", _("已办结")


class DispositionKind(models.TextChoices):
    """检查结果处置 (R19)."""

    NOTICE = "notice", _("未发现问题(告知)")
    CORRECT_NOW = "correct_now", _("责令立即改正")
    CORRECT_BY_DEADLINE = "correct_by_deadline", _("责令限期改正")
    REFER = "refer", _("移送其他机关")
    CASE = "case", _("立案查处")
    NO_PENALTY = "no_penalty", _("不予立案/不予处罚")


class DispositionStatus(models.TextChoices):
    """Open until its loop closes: the re-check passed, the referral was handled, the case filed …"""

    OPEN = "open", _("未办结")
    CLOSED = "closed", _("已办结")


class ReferralStatus(models.TextChoices):
    """A referral (移送) in the receiving agency's inbox."""

    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收办理")
    HANDLED = "handled", _("已办结")


class RecusalAnswer(models.TextChoices):
    """Whether the enterprise asked for a recusal, as the officers recorded it in the on-site record (告知事项)."""

    NO = "no", _("否")
    YES = "yes", _("是")
