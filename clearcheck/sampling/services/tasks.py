"""From draw to inspection: tasks (source = draw) for the selected enterprises and teams, and their
approval by the agency head in one action (R06, R07, R21 per task, as for any task).
"""

from django.db import transaction

from clearcheck.accounts.selectors import actor_agency_id
from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, DomainError, NotFound
from clearcheck.planning.choices import TaskStatus
from clearcheck.planning.rules import approver_refusal
from clearcheck.planning.services.draw_tasks import DrawTaskRow, draw_tasks_create
from clearcheck.planning.services.tasks import task_approve
from clearcheck.registry.rules import pairs_recusal_refusal

from ..choices import DrawStatus
from ..models import Draw, DrawPick, DrawTeamMember
from .draws import _draw_locked


@transaction.atomic
def draw_tasks_make(*, actor, draw_id: int) -> list[int]:
    """File the tasks of a selected draw: one per selected enterprise and participating agency, with the
    team's officers of that agency; a joint draw's tasks at an enterprise share one joint inspection.
    """
    draw = _draw_locked(actor, draw_id)
    if draw.status not in (DrawStatus.SELECTED, DrawStatus.REVEALED):
        raise Conflict("抽取完成后才能生成检查任务")
    if draw.tasks_created_at is not None:
        raise Conflict(f"本次抽取的检查任务已于 {draw.tasks_created_at:%Y-%m-%d %H:%M} 生成")
    pools = sorted(draw.pools.select_related("agency"), key=lambda p: p.agency_id != draw.agency_id)
    items = list(draw.items.all())
    members: dict[int, list] = {}
    for team_id, officer in ((m.team_id, m.officer) for m in DrawTeamMember.objects.filter(team__draw=draw)
                             .select_related("officer").order_by("team_id", "position")):
        members.setdefault(team_id, []).append(officer)
    picks = list(draw.picks.order_by("position").values_list("pk", "enterprise_id", "team_id"))
    pairs = {(o.pk, enterprise_id) for _, enterprise_id, team_id in picks for o in members[team_id]}
    refusal = pairs_recusal_refusal(pairs)
    if refusal is not None:
        raise refusal
    joint = len(pools) > 1
    joints: dict | None = {} if joint else None
    reference = f"双随机抽取 #{draw.pk}"
    links = []
    for pool in pools:
        officers = {o.pk: o for team in members.values() for o in team if o.agency_id == pool.agency_id}
        rows = [DrawTaskRow(enterprise_id, tuple(o.pk for o in members[team_id] if o.agency_id == pool.agency_id),
                            joint_key=pick_id)
                for pick_id, enterprise_id, team_id in picks]
        task_ids = draw_tasks_create(
            actor=actor, agency=pool.agency, items=[i for i in items if i.agency_id == pool.agency_id],
            officers_by_id=officers, rows=rows, window_start=draw.window_start, window_end=draw.window_end,
            reference=reference, joint_lead_agency_id=draw.agency_id if joint else None, joints=joints)
        links += [DrawPick.tasks.through(drawpick_id=pick_id, inspectiontask_id=task_id)
                  for (pick_id, _, _), task_id in zip(picks, task_ids, strict=True)]
    DrawPick.tasks.through.objects.bulk_create(links, batch_size=5000)
    draw.tasks_created_at = clock.now()
    draw.save(update_fields=["tasks_created_at", "updated_at"])
    audit_record(actor=actor, action="draw.tasks_make", subject=draw,
                 after={"tasks": len(links), "picks": len(picks), "agencies": [p.agency_id for p in pools]})
    return [link.inspectiontask_id for link in links]


def draw_tasks_approve(*, actor, draw_id: int, note: str = "") -> dict:
    """The agency head approves the draw's filed tasks of the head's agency, each in its own transaction
    (R07; the cap is taken per task under its row lock, R21). Returns counts and each refusal.
    """
    refusal = approver_refusal(actor)
    if refusal is not None:
        raise refusal
    agency_id = actor_agency_id(actor)
    draw = Draw.objects.filter(pk=draw_id).filter(pools__agency_id=agency_id).distinct().first()
    if draw is None:
        raise NotFound("抽取不存在")
    task_ids = list(draw.picks.filter(tasks__agency_id=agency_id, tasks__status=TaskStatus.SUBMITTED)
                    .values_list("tasks__pk", flat=True).order_by("position"))
    approved, refused = 0, []
    for task_id in task_ids:
        try:
            task_approve(actor=actor, task_id=task_id, note=note or f"双随机抽取 #{draw.pk} 批准")
            approved += 1
        except DomainError as exc:
            refused.append({"task": task_id, "reason": exc.detail})
    return {"approved": approved, "refused": refused}
