"""Enumerations of feedback: the evaluation's conduct questions (R27), complaint channels and states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clearcheck.inspections.selectors.visits import CONDUCT_PROHIBITIONS

# The smallest group of evaluations an agency may see an aggregate of: fewer would let it work out
# who rated what (an aggregate of one visit is that visit's rating). Issue 6 §1.
MIN_GROUP = 5

# The conduct questions ask, for each of the 五个严禁 / 八个不得 (clause 八(二十三)), "did this happen?". Each
# is phrased as the behaviour the enterprise may have observed, so that ticking one reads as reporting a
# breach, not as agreeing with the rule (issue 19); the rule it breaches is quoted beside it from
# inspections (CONDUCT_PROHIBITIONS, also shown at check-in, R28). The answers are stored under the stable
# codes "five-1" … "five-5", "eight-1" … "eight-8", in the rules' order.
CONDUCT_OBSERVED = {
    "five": (
        _("检查人员以罚代管、逐利检查(为罚款、收费而检查)"),
        _("检查干扰了企业正常生产经营"),
        _("检查人员任性处罚企业(随意处罚、畸重处罚)"),
        _("检查人员称检查是为完成下达的检查指标"),
        _("以调研、座谈、走访等其他名义变相检查"),
    ),
    "eight": (
        _("检查人员接受了企业的馈赠、报酬或福利待遇"),
        _("检查人员参加了企业提供的宴请、娱乐、旅游等活动"),
        _("由企业支付了检查人员的消费开支,或检查费用被转嫁给企业"),
        _("检查人员强制企业接受指定的中介机构提供服务"),
        _("检查人员刻意要求法定代表人到场"),
        _("检查人员乱查封、乱扣押、乱冻结,或动辄责令停产停业"),
        _("检查人员称检查次数或罚款数额与考核考评、绩效挂钩"),
        _("以观摩、督导、考察等名义实施检查"),
    ),
}
CONDUCT_QUESTIONS: tuple[tuple[str, object], ...] = tuple(
    (f"{group}-{index}", text)
    for group in ("five", "eight")
    for index, text in enumerate(CONDUCT_OBSERVED[group], start=1)
)
# code → the rule the behaviour breaches, quoted (shown beside the question and on the evaluation).
CONDUCT_RULES: dict[str, object] = {
    f"{group}-{index}": text
    for group in ("five", "eight")
    for index, text in enumerate(CONDUCT_PROHIBITIONS[group], start=1)
}
CONDUCT_CODES = frozenset(code for code, _text in CONDUCT_QUESTIONS)

SCORES = ((1, _("1 很不满意")), (2, _("2 不满意")), (3, _("3 一般")), (4, _("4 满意")), (5, _("5 很满意")))
LOW_SCORE = 2  # a score at or below this raises R27


class Channel(models.TextChoices):
    """Where a complaint came in (issue 6 §2)."""

    PORTAL = "portal", _("企业门户")
    HOTLINE = "hotline", _("12345热线")
    FEDERATION = "federation", _("工商联")
    CONTACT_POINT = "contact_point", _("企业联系点")
    SOCIAL_SUPERVISOR = "social_supervisor", _("社会监督员")


# Channels the bureau records by hand (the portal and the hotline have their own ways in).
MANUAL_CHANNELS = (Channel.FEDERATION, Channel.CONTACT_POINT, Channel.SOCIAL_SUPERVISOR)


class ComplaintStatus(models.TextChoices):
    """received → accepted → handled (reply written) → closed; or rejected (``workflows.COMPLAINT``)."""

    RECEIVED = "received", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    HANDLED = "handled", _("已答复")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")


COMPLAINT_OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED)
