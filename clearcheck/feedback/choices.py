"""Enumerations of feedback: the evaluation's conduct questions (R27), complaint channels and states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clearcheck.inspections.selectors.visits import CONDUCT_PROHIBITIONS

# The smallest group of evaluations an agency may see an aggregate of: fewer would let it work out
# who rated what (an aggregate of one visit is that visit's rating). Issue 6 §1.
MIN_GROUP = 5

# The conduct questions ask, for each of the 五个严禁 / 八个不得 (clause 八(二十三)), "did this happen?".
# The wording lives once in inspections (CONDUCT_PROHIBITIONS, also shown at check-in, R28); here only
# the stable codes the answers are stored under: "five-1" … "five-5", "eight-1" … "eight-8".
CONDUCT_QUESTIONS: tuple[tuple[str, object], ...] = tuple(
    (f"{group}-{index}", text)
    for group in ("five", "eight")
    for index, text in enumerate(CONDUCT_PROHIBITIONS[group], start=1)
)
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
