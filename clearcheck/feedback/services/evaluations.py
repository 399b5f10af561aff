"""``evaluation_submit``: an enterprise rates a closed visit within the window (R27)."""

import datetime as dt

from django.db import IntegrityError, transaction

from clearcheck.accounts.selectors import actor_enterprise_id
from clearcheck.alerts.choices import Severity
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import text_field
from clearcheck.inspections.choices import VisitStatus

from ..choices import CONDUCT_CODES, CONDUCT_QUESTIONS, LOW_SCORE
from ..models import Evaluation
from ..selectors import evaluation_visit_for_actor, evaluation_window_days, evaluation_window_end

MAX_MINUTES = 24 * 60
MAX_COMMENT = 2000  # the form's maxlength and its counter show this limit before sending


def _score_clean(value) -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationFailed(FieldError("score", "请选择 1 至 5 分的总体评分"))
    return score


def _minutes_clean(value) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationFailed(FieldError("duration_minutes", "请填写检查大约用时(1 至 1440 分钟)"))
    return minutes


def _conduct_clean(values) -> list[str]:
    codes = list(dict.fromkeys(str(v) for v in (values or [])))
    unknown = [c for c in codes if c not in CONDUCT_CODES]
    if unknown:
        raise ValidationFailed(FieldError("conduct_yes", f"未知的问题编号:{'、'.join(unknown[:5])}"))
    order = [code for code, _text in CONDUCT_QUESTIONS]
    return sorted(codes, key=order.index)


@transaction.atomic
def evaluation_submit(*, actor, visit_id, score, conduct_yes, duration_minutes, comment: str = "") -> Evaluation:
    """The enterprise's evaluation of one of its closed visits, within the window; raises R27 on a conduct
    "yes" or a score of 2 or below.

    Refused: a visit not closed, after the window, a second evaluation (Conflict); another enterprise's
    visit (NotFound, like a missing one); an account that is not an enterprise's (PermissionDenied).
    """
    enterprise_id = actor_enterprise_id(actor)
    if not enterprise_id:
        raise PermissionDenied("只有企业账号可以评价检查")
    visit = evaluation_visit_for_actor(actor=actor, visit_id=visit_id)
    from clearcheck.inspections.models import Visit

    visit = Visit.objects.select_for_update().select_related("agency").get(pk=visit.pk)
    if visit.status != VisitStatus.CLOSED or visit.closed_at is None:
        raise Conflict(f"入企记录 #{visit.pk} 当前为“{visit.get_status_display()}”,结束后才能评价")
    if Evaluation.objects.filter(visit=visit, enterprise_id=enterprise_id).exists():
        raise Conflict(f"入企记录 #{visit.pk} 已评价,每次入企只能评价一次")
    now = clock.now()
    end = evaluation_window_end(visit.closed_at)
    if now >= end:
        last_day = (end - dt.timedelta(days=1)).date()
        raise Conflict(f"评价期限已过:入企结束后 {evaluation_window_days()} 日内可评价,"
                       f"本次截至 {last_day:%Y-%m-%d} 24 时")
    values = {"score": _score_clean(score), "conduct_yes": _conduct_clean(conduct_yes),
              "duration_minutes": _minutes_clean(duration_minutes)}
    # Refused when too long, never cut (issue 19); a line break counts once, however the browser sent it.
    text = text_field(str(comment or "").replace("\r\n", "\n"), "comment", limit=MAX_COMMENT)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                visit=visit, enterprise_id=enterprise_id, agency_id=visit.agency_id, comment=text,
                conduct_flag=bool(values["conduct_yes"]), submitted_at=now, submitted_by_user_id=actor.pk, **values)
    except IntegrityError as exc:  # the same enterprise submitted twice at once
        raise Conflict(f"入企记录 #{visit.pk} 已评价,每次入企只能评价一次") from exc
    audit_record(actor=actor, action="evaluation.submit", subject=evaluation,
                 after={"visit": visit.pk, **values, "comment": text})
    if values["conduct_yes"] or values["score"] <= LOW_SCORE:
        _alert_r27(actor, evaluation)
    return evaluation


def _alert_r27(actor, evaluation: Evaluation) -> None:
    # agency=None on purpose: an agency reads the alerts of its own agency, and an alert about one
    # evaluation of one of its visits would tell it how that enterprise rated it — exactly what the
    # anonymity rule (aggregates over ≥5 only) forbids. So the R27 alert sits in the bureau's inbox
    # alone; the bureau sees the evaluation in full anyway. The facts stay minimal (no free text: the
    # bureau reads that on the evaluation itself).
    alert_raise(
        rule_id="R27", subject=evaluation, agency=None, actor=actor,
        severity=Severity.HIGH if evaluation.conduct_flag else Severity.MEDIUM,
        facts={"evaluation": evaluation.pk, "visit": evaluation.visit_id, "agency": evaluation.agency_id,
               "score": evaluation.score, "conduct_yes": evaluation.conduct_yes},
    )
