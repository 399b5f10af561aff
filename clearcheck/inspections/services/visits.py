"""Check-in (扫码入企, 计划匹配): an officer scans the enterprise code (or checks in by location, R11), the
scan is matched to approved tasks (R06, R10), every officer of the team confirms on their own account within
the confirmation window, and the visit opens when enough qualified officers have confirmed (R14). R01, R02,
R06, R11, R12, R13, R21 and R25 are checked at the scan, at each confirmation and again when the visit opens.

Non-inspection visits (督查, 调查, 巡查 …, R26) use the same entry, carry no tasks, outcomes or cap, and open
on the initiator's scan. Every write is audited in its own transaction (R30); a start is idempotent per
(user, client key), so a retried request never opens a second visit.
"""

import datetime as dt
import functools

from django.conf import settings
from django.db import IntegrityError, transaction

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from clearcheck.core.inputs import id_or_none
from clearcheck.core.rows import prefetched, rows_insert
from clearcheck.planning.choices import JointStatus, TaskSource, TaskStatus
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.selectors.tiers import tier_current
from clearcheck.planning.services.caps import cap_visit_refusal, cap_visit_take
from clearcheck.registry.codes import CodeCheck, enterprise_code_decide, enterprise_code_open
from clearcheck.registry.models import Enterprise, Officer

from .. import rules
from ..choices import NON_INSPECTION_KINDS, EntryMethod, VisitKind, VisitStatus
from ..models import Visit, VisitOfficer, VisitTask
from ..selectors.visits import item_visits_opened
from ..workflows import VISIT
from . import checkin_reads
from .checkin_entry import (
    _code_enterprise_id,
    _code_entry,
    _entry_by_code,
    _entry_by_location,
    _ids_clean,
    _key_clean,
    _location_entry,
    _text_clean,
)

DEFAULT_CONFIRM_MINUTES = 10
MAX_TASKS = 20
MAX_TEAM = 20


def confirm_window() -> dt.timedelta:
    """R14: how long after the scan the team may confirm (``CLEARCHECK_CHECKIN_CONFIRM_MINUTES``)."""
    return dt.timedelta(minutes=int(getattr(settings, "CLEARCHECK_CHECKIN_CONFIRM_MINUTES", DEFAULT_CONFIRM_MINUTES)))


def visit_snapshot(visit: Visit, *, members=None, task_ids=None) -> dict:
    """What the audit trail keeps of a visit. ``members`` (VisitOfficer rows) and ``task_ids``: what was just
    written, so that a start does not read it back; otherwise they are read.
    """
    if members is None:
        members = list(visit.visit_officers.order_by("id")) if visit.pk else []
    if task_ids is None:
        task_ids = list(visit.visit_tasks.values_list("task_id", flat=True)) if visit.pk else []
    officers = [{"officer": vo.officer_id, "credential_no": vo.credential_no, "initiator": vo.initiator,
                 "confirmed_at": vo.confirmed_at} for vo in sorted(members, key=lambda vo: vo.pk)]
    return {
        "kind": visit.kind, "enterprise": visit.enterprise_id, "agency": visit.agency_id, "status": visit.status,
        "tasks": sorted(task_ids),
        "joint_inspection": visit.joint_inspection_id, "source": visit.source, "drawn": visit.drawn,
        "tier": visit.tier, "purpose": visit.purpose, "entry_method": visit.entry_method,
        "code_version": visit.code_version, "latitude": visit.latitude, "longitude": visit.longitude,
        "accuracy_m": visit.accuracy_m, "distance_m": visit.distance_m, "urgent": visit.urgent,
        "urgent_reason": visit.urgent_reason, "single_officer_basis": visit.single_officer_basis,
        "cap_counted": visit.cap_counted, "started_by": visit.started_by, "started_at": visit.started_at,
        "confirm_deadline": visit.confirm_deadline, "opened_at": visit.opened_at, "closed_at": visit.closed_at,
        "ended_reason": visit.ended_reason, "summary": visit.summary, "officers": officers,
    }


# --- The acting officer -------------------------------------------------------------------------


def _acting_officer(actor) -> Officer:
    """The officer record of an officer account (R12 is checked separately)."""
    return Officer.objects.select_related("agency").get(pk=_officer_id(actor))


# --- Idempotency ------------------------------------------------------------------------------------


def _replay(actor, key: str, *, enterprise_id, kind: str, task_ids=()) -> Visit | None:
    """The visit this user already started with this key (a retry), or None. The same key for a different
    request is a conflict, never a second visit. Looked up before any rule: a retry gets its visit back even
    if, say, the code was reissued in between.

    ``enterprise_id``: the requested enterprise's id, or a callable giving it — called only when a visit
    with this key exists (a code's signature is then checked once more, not on every start).
    """
    existing = Visit.objects.filter(started_by_user_id=actor.pk, idempotency_key=key).first()
    if existing is None:
        return None
    requested = enterprise_id() if callable(enterprise_id) else enterprise_id
    same = existing.enterprise_id == id_or_none(requested) and existing.kind == kind
    if same and kind == VisitKind.INSPECTION:
        same = sorted(existing.visit_tasks.values_list("task_id", flat=True)) == sorted(task_ids)
    if not same:
        raise Conflict("该请求幂等键已用于另一次入企,请刷新页面后重新提交")
    existing.replayed = True
    return existing


# --- Tasks (计划匹配: R06, R10, R01, R02) -------------------------------------------------------------


def _tasks_match(officer: Officer, enterprise: Enterprise, ids: list[int], tasks: list[InspectionTask],
                 today: dt.date) -> list[InspectionTask]:
    """The tasks of the scan (``tasks``: those of ``ids`` that exist, locked): approved (or urgent, R10) tasks
    at this enterprise, in their window, the officer on the team of at least one, several agencies only
    within one joint inspection (R20).
    """
    own_joints = {t.joint_inspection_id for t in tasks
                  if t.joint_inspection_id and any(o.pk == officer.pk for o in t.officers.all())}
    visible = [t for t in tasks if t.agency_id == officer.agency_id or t.joint_inspection_id in own_joints]
    missing = sorted(set(ids) - {t.pk for t in visible})
    if missing:
        raise ValidationFailed(FieldError("task_ids", "检查任务不存在:" + "、".join(f"#{m}" for m in missing)))
    for task in tasks:
        if refusal := rules.task_checkin_refusal(task, enterprise, today):
            raise refusal
    if refusal := rules.task_match_refusal(officer, tasks):
        raise refusal
    if len({t.agency_id for t in tasks}) > 1:
        joints = {t.joint_inspection_id for t in tasks}
        if len(joints) != 1 or None in joints:
            raise ValidationFailed(FieldError("task_ids", "不同机关的检查任务须先合并为联合检查,方可一次入企"))
    joint = tasks[0].joint_inspection
    if joint is not None and len({t.joint_inspection_id for t in tasks}) == 1 and joint.status != JointStatus.PLANNED:
        raise Conflict(f"联合检查 #{joint.pk} 已解散,请按各自任务分别入企")
    return tasks


def _items(tasks) -> list:
    seen: dict[int, object] = {}
    for task in tasks:
        for item in task.items.all():
            seen.setdefault(item.pk, item)
    return list(seen.values())


def _expire_stale(visit_ids, now) -> None:
    """Expire the pending visits past their deadline that hold requested tasks, so the tasks are free again
    (the platform's act, not the scanner's).

    Runs before the tasks are locked: a confirmation locks its visit and then the tasks, and so does this,
    so the two never wait on each other in opposite order.
    """
    for visit_id in sorted(set(visit_ids)):
        visit = Visit.objects.select_for_update().filter(pk=visit_id, status=VisitStatus.PENDING).first()
        if visit is not None and now > visit.confirm_deadline:
            _expire(actor=None, visit=visit)


def _tasks_free_check(busy: list[checkin_reads.Busy]) -> None:
    """A task is in at most one pending or open visit (the VisitTask constraint decides a race)."""
    if busy:
        row = busy[0]
        raise Conflict(f"检查任务 #{row.task_id} 已在入企记录 #{row.visit_id}({VisitStatus(row.status).label})中;"
                       "同行人员请在该记录中确认,不要重复发起")


def _urgent_reason(tasks) -> str:
    parts = [f"任务 #{t.pk} 来源:{t.get_source_display()};事由:{t.urgent_reason or '—'}"
             for t in tasks if t.urgent or t.status == TaskStatus.URGENT_STARTED]
    return "\n".join(parts)


# --- Start --------------------------------------------------------------------------------------------


class _KeyRace(Exception):
    """Another request with the same (user, key) wrote its visit after this one looked: a double tap or a
    retry racing the original. The transaction cannot go on, so the start runs once more and answers that
    visit as the retry it is (``_retried_on_key_race``).
    """


def _retried_on_key_race(service):
    """Run a start service; on ``_KeyRace`` (its transaction rolled back) run it once more."""

    @functools.wraps(service)
    def run(**kwargs):
        try:
            return service(**kwargs)
        except _KeyRace:
            pass
        try:
            return service(**kwargs)
        except _KeyRace as again:  # not the key after all: the constraint that failed speaks for itself
            raise again.__cause__ from None

    return run


def _visit_create(*, actor, officer, enterprise, key: str, kind: str, entry: dict, purpose: str = "",
                  tasks=(), team=(), now, tier=None) -> Visit:
    """Write the pending visit, its tasks and its team (the initiator confirmed by the scan), audited from
    what was written; the visit keeps its enterprise, agency, tasks and team for the response.
    ``tier``: the enterprise's tier in the officer's agency when already read.
    """
    user_id, label, _ = actor_describe(actor)
    joints = {t.joint_inspection_id for t in tasks}
    urgent_reason = _urgent_reason(tasks)
    tier = tier if tier is not None else tier_current(officer.agency_id, enterprise.pk)
    visit = Visit(
        kind=kind, enterprise=enterprise, agency=officer.agency, purpose=purpose, year=clock.local_year(),
        source=min(tasks, key=lambda t: t.pk).source if tasks else "",
        drawn=any(t.source == TaskSource.DRAW for t in tasks), tier=tier.code,
        joint_inspection=tasks[0].joint_inspection if tasks and len(joints) == 1 and None not in joints else None,
        status=VisitStatus.PENDING, urgent=bool(urgent_reason), urgent_reason=urgent_reason, started_by=label,
        started_by_user_id=user_id, idempotency_key=key, started_at=now, confirm_deadline=now + confirm_window(),
        **entry,
    )
    try:
        rows_insert([visit])
    except IntegrityError as exc:
        # No savepoint around the insert (two statements on every start for a rare race): the only unique
        # constraint a new visit can meet is its (user, key), so the other request got there first.
        raise _KeyRace from exc
    rows = [VisitTask(visit=visit, task=t, active=True) for t in tasks]
    if rows:
        try:
            rows_insert(rows)
        except IntegrityError:
            raise Conflict("所选检查任务刚刚已由同事扫码入企,请在该入企记录中确认") from None
    members = [officer] + [o for o in team if o.pk != officer.pk]
    members = rows_insert([
        VisitOfficer(visit=visit, officer=o, credential_no=o.credential_no, initiator=o.pk == officer.pk,
                     confirmed_at=now if o.pk == officer.pk else None,
                     confirmed_by_user_id=user_id if o.pk == officer.pk else None)
        for o in members
    ])
    audit_record(actor=actor, action="visit.start", subject=visit,
                 after=visit_snapshot(visit, members=members, task_ids=[t.pk for t in tasks]))
    prefetched(visit, "visit_tasks", rows)
    prefetched(visit, "visit_officers", members)
    visit.replayed, visit.team_loaded = False, True
    return visit


def _officer_id(actor) -> int:
    """The officer id of an officer account, without a query (``_acting_officer`` reads the row)."""
    officer_id = getattr(actor, "officer_id", None)
    if not actor_has_role(actor, Role.OFFICER) or officer_id is None:
        raise PermissionDenied("只有执法人员本人的账号可以扫码入企或确认入企")
    return officer_id


def _start_inspection(*, actor, key, task_ids, enterprise_id, version, entry_of) -> Visit:
    """A start by code or position. Reads what the rules need in a few statements
    (``checkin_reads``), then decides as before: the retry first, then R11 (``entry_of(scan)``), R12 R13
    R25 (the initiator), R06 R01 R02 (the tasks), R14 (their team), R21 (the cap), a task busy elsewhere.
    """
    officer_id = _officer_id(actor)
    key = _key_clean(key)
    ids = _ids_clean(task_ids, "task_ids", "检查任务", MAX_TASKS)
    scan = checkin_reads.scan_read(officer_id=officer_id, user_id=actor.pk, key=key, enterprise_id=enterprise_id,
                                   version=version, task_ids=ids)
    if scan is None:
        raise PermissionDenied("执法人员信息不存在,不能扫码入企")
    if scan.replay_id is not None:
        return _replay(actor, key, enterprise_id=enterprise_id, kind=VisitKind.INSPECTION, task_ids=ids)
    officer = scan.officer
    enterprise, entry = entry_of(scan)
    now, today = clock.now(), clock.local_today()
    if refusal := rules.officer_checkin_refusal(officer, enterprise, today, recused=scan.recused):
        raise refusal
    if not ids and (refusal := rules.task_match_refusal(officer, [])):
        raise refusal
    busy = checkin_reads.busy_read(ids) if scan.busy else []
    if stale := [b.visit_id for b in busy if b.stale(now)]:
        _expire_stale(stale, now)
        busy = [b for b in busy if b.visit_id not in stale]
    tasks = _tasks_match(officer, enterprise, ids, checkin_reads.tasks_read(ids, enterprise), today)
    team = list({o.pk: o for t in tasks for o in sorted(t.officers.all(), key=lambda o: o.pk)}.values())
    items = _items(tasks)
    if refusal := rules.assigned_team_refusal(tasks, team, items):
        raise refusal
    tiers: dict = {}
    if refusal := cap_visit_refusal(tasks=tasks, enterprise_id=enterprise.pk, year=clock.local_year(), tiers=tiers):
        raise refusal
    _tasks_free_check(busy)
    visit = _visit_create(actor=actor, officer=officer, enterprise=enterprise, key=key, kind=VisitKind.INSPECTION,
                          entry=entry, tasks=tasks, team=team, now=now, tier=tiers.get(officer.agency_id))
    # The initiator is the only confirmed officer yet: open now only if R14 lets one officer check these
    # items (decided on the tasks in hand; the usual two-officer case skips the re-reads of the opening).
    if rules.team_refusal(tasks, [officer], items)[0] is None:
        _open_if_ready(actor=actor, visit=visit, now=now)
    return visit


@_retried_on_key_race
@transaction.atomic
def visit_start_by_code(*, actor, token: str, task_ids, idempotency_key: str, latitude=None,
                        longitude=None) -> Visit:
    """Start an inspection visit by scanning the enterprise code (R11) matched to approved tasks (R06, R10);
    R01 R02 R12 R13 R21 R25 checked; the initiator's scan is their confirmation (R14). Idempotent per key.
    """
    opened = enterprise_code_open(token)
    failed = opened if isinstance(opened, CodeCheck) else None
    enterprise_id, version, payload = (None, None, None) if failed else opened

    def entry_of(scan):
        check = failed or enterprise_code_decide(payload, version, scan.enterprise, scan.code)
        return _code_entry(check, latitude, longitude)

    return _start_inspection(actor=actor, key=idempotency_key, task_ids=task_ids, enterprise_id=enterprise_id,
                             version=version, entry_of=entry_of)


@_retried_on_key_race
@transaction.atomic
def visit_start_by_location(*, actor, enterprise_id: int, task_ids, latitude, longitude, datum: str = "wgs84",
                            accuracy_m=None, idempotency_key: str) -> Visit:
    """Start an inspection visit without a code: a position (WGS-84, or GCJ-02/BD-09 converted) within the
    configured radius of the registered location (R11); otherwise as ``visit_start_by_code``.
    """
    return _start_inspection(actor=actor, key=idempotency_key, task_ids=task_ids, enterprise_id=id_or_none(enterprise_id),
                             version=None, entry_of=lambda scan: _location_entry(scan.enterprise, latitude, longitude,
                                                                                 datum, accuracy_m))


@_retried_on_key_race
@transaction.atomic
def visit_start_non_inspection(*, actor, kind: str, purpose: str, officer_ids, idempotency_key: str,
                               token: str | None = None, enterprise_id=None, latitude=None, longitude=None,
                               datum: str = "wgs84", accuracy_m=None) -> Visit:
    """Start a non-inspection visit (督查, 调查, 巡查 …, R26) by the same scan or geolocated entry (R11): a
    purpose, a team of the initiator's agency (never a third party, R25; none recused, R13), no tasks, no
    cap, no inspection outcomes; it opens on the initiator's scan and the others confirm to be recorded.
    """
    officer = _acting_officer(actor)
    key = _key_clean(idempotency_key)
    if kind not in NON_INSPECTION_KINDS:
        labels = "、".join(str(VisitKind(k).label) for k in VisitKind.values if k in NON_INSPECTION_KINDS)
        raise ValidationFailed(FieldError("kind", f"请选择非行政检查入企类型({labels})"))
    requested = (lambda: _code_enterprise_id(token)) if token else enterprise_id
    if replayed := _replay(actor, key, enterprise_id=requested, kind=kind):
        return replayed
    if token:
        enterprise, entry = _entry_by_code(token, latitude, longitude)
    else:
        enterprise, entry = _entry_by_location(enterprise_id, latitude, longitude, datum, accuracy_m)
    text = _text_clean(purpose, "purpose", "请填写入企事由(R26)")
    ids = _ids_clean(officer_ids, "officer_ids", "执法人员", MAX_TEAM)
    team = list(Officer.objects.select_related("agency").filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {o.pk for o in team})
    strangers = [o for o in team if o.agency_id != officer.agency_id]
    if missing or strangers:
        raise ValidationFailed(FieldError("officer_ids", "同行人员须为本机关登记的人员"))
    now, today = clock.now(), clock.local_today()
    for member in [officer, *team]:
        if refusal := rules.officer_checkin_refusal(member, enterprise, today, inspection=False):
            raise refusal
    visit = _visit_create(actor=actor, officer=officer, enterprise=enterprise, key=key, kind=kind, entry=entry,
                          purpose=text, team=team, now=now)
    if not visit.replayed:
        _open(actor=actor, visit=visit, now=now)
    return visit


# --- Confirm and open (R14, R21) ---------------------------------------------------------------------


def _confirmed_officers(visit: Visit) -> list[Officer]:
    return [vo.officer for vo in VisitOfficer.objects.select_related("officer__agency")
            .filter(visit=visit, confirmed_at__isnull=False).order_by("id")]


def _visit_tasks(visit: Visit) -> tuple[list[VisitTask], list[InspectionTask]]:
    """The visit's task rows and its tasks (locked, with items and officers: ``checkin_reads.tasks_read``)."""
    rows = list(VisitTask.objects.filter(visit=visit).order_by("task_id"))
    tasks = {t.pk: t for t in checkin_reads.tasks_read([r.task_id for r in rows], visit.enterprise)} if rows else {}
    for row in rows:
        row.visit, row.task = visit, tasks[row.task_id]
    return rows, list(tasks.values())


def _open_if_ready(*, actor, visit: Visit, now) -> Visit:
    """Open a pending inspection visit once its confirmed officers meet R14 (the rules are checked again)."""
    if visit.status != VisitStatus.PENDING:
        return visit
    rows, tasks = _visit_tasks(visit)
    officers = _confirmed_officers(visit)
    refusal, _ = rules.team_refusal(tasks, officers, _items(tasks))
    if refusal is not None:
        return visit  # waiting for the rest of the team
    return _open(actor=actor, visit=visit, now=now, read=(rows, tasks, officers))


def _open(*, actor, visit: Visit, now, read=None) -> Visit:
    """Every rule again, then the place under the cap (R21), the open state and the on-site record.
    ``read``: the visit's task rows, tasks and confirmed officers when the caller has just read them (in
    this transaction, under the same locks).
    """
    target = VISIT.target(visit.status, "open", str(visit))
    today, enterprise = clock.local_today(), visit.enterprise
    inspection = visit.kind == VisitKind.INSPECTION
    by_code = visit.entry_method == EntryMethod.CODE and visit.code_version is not None
    if by_code and (refusal := rules.code_version_refusal(enterprise, visit.code_version)):
        raise refusal
    officers = read[2] if read else _confirmed_officers(visit)
    for officer in officers:
        if refusal := rules.officer_checkin_refusal(officer, enterprise, today, inspection=inspection):
            raise refusal
    basis = ""
    if inspection:
        rows, tasks = read[:2] if read else _visit_tasks(visit)
        for task in tasks:
            if refusal := rules.task_checkin_refusal(task, enterprise, today):
                raise refusal
        refusal, basis = rules.team_refusal(tasks, officers, _items(tasks))
        if refusal is not None:
            raise refusal
        cap_visit_take(actor=actor, visit_tasks=rows, item_visits=item_visits_opened)
    visit.status, visit.opened_at, visit.single_officer_basis = target, now, basis
    visit.save(update_fields=["status", "opened_at", "single_officer_basis"])
    audit_record(actor=actor, action="visit.open", subject=visit, before={"status": VisitStatus.PENDING},
                 after={"status": visit.status, "opened_at": now, "officers": [o.pk for o in officers],
                        "single_officer_basis": basis, "cap_counted": visit.cap_counted})
    if inspection:
        from .records import record_start  # the records area builds on check-in

        record_start(actor=actor, visit=visit, tasks=tasks)
    return visit


def _visit_locked(visit_id) -> Visit | None:
    pk = id_or_none(visit_id)
    if pk is None:
        return None
    return Visit.objects.select_for_update(of=("self",)).select_related("enterprise", "agency").filter(pk=pk).first()


@transaction.atomic
def _visit_confirm(*, actor, visit_id) -> Visit:
    officer = _acting_officer(actor)
    # The row lock: two confirmations arriving together run one after the other, so neither opens the
    # visit twice nor skips a check.
    visit = _visit_locked(visit_id)
    member = VisitOfficer.objects.filter(visit=visit, officer=officer).first() if visit else None
    if member is None:
        raise NotFound("入企记录不存在")
    if member.confirmed_at is not None:
        return visit
    now = clock.now()
    if visit.status == VisitStatus.EXPIRED or (visit.status in (VisitStatus.PENDING, VisitStatus.OPEN)
                                               and now > visit.confirm_deadline):
        raise rules.confirm_late_refusal(int(confirm_window().total_seconds() // 60))
    if visit.status not in (VisitStatus.PENDING, VisitStatus.OPEN):
        raise Conflict(f"入企记录 #{visit.pk} 当前为“{visit.get_status_display()}”,不能确认")
    inspection = visit.kind == VisitKind.INSPECTION
    if refusal := rules.officer_checkin_refusal(officer, visit.enterprise, clock.local_today(),
                                                inspection=inspection):
        raise refusal
    member.confirmed_at, member.confirmed_by_user_id = now, actor.pk
    member.save(update_fields=["confirmed_at", "confirmed_by_user_id"])
    audit_record(actor=actor, action="visit.confirm", subject=visit,
                 after={"officer": officer.pk, "credential_no": member.credential_no, "confirmed_at": now,
                        "status": visit.status})
    if inspection:
        _open_if_ready(actor=actor, visit=visit, now=now)
    return visit


def visit_confirm(*, actor, visit_id) -> Visit:
    """An officer of the team confirms on their own account within the window (R14); when enough qualified
    officers have confirmed, the visit opens (R01 R02 R06 R11 R12 R13 R21 R25 checked again).
    """
    # A pending visit past its deadline is expired first, in its own transaction, so the refusal that
    # follows does not undo the expiry.
    visits_expire_due(visit_ids=[visit_id])
    return _visit_confirm(actor=actor, visit_id=visit_id)


# --- Cancel and expire ----------------------------------------------------------------------------------


def _release_tasks(visit: Visit) -> None:
    VisitTask.objects.filter(visit=visit, active=True).update(active=False)


@transaction.atomic
def visit_cancel(*, actor, visit_id, reason: str) -> Visit:
    """Cancel a pending or open visit with a reason: an officer of its team, or the head or admin of its
    agency. An opened inspection keeps its place under the cap (R21): the officers did enter.
    """
    visit = _visit_locked(visit_id)
    if visit is None:
        raise NotFound("入企记录不存在")
    officer_id = getattr(actor, "officer_id", None)
    on_team = actor_has_role(actor, Role.OFFICER) and officer_id is not None and \
        VisitOfficer.objects.filter(visit=visit, officer_id=officer_id).exists()
    manager = actor_has_role(actor, Role.AGENCY_HEAD, Role.AGENCY_ADMIN) and actor_agency_id(actor) == visit.agency_id
    if not (on_team or manager):
        raise NotFound("入企记录不存在")
    text = _text_clean(reason, "reason", "请填写撤销理由")
    target = VISIT.target(visit.status, "cancel", str(visit))
    before = visit.status
    visit.status, visit.ended_reason, visit.closed_at = target, text, clock.now()
    visit.save(update_fields=["status", "ended_reason", "closed_at"])
    _release_tasks(visit)
    audit_record(actor=actor, action="visit.cancel", subject=visit, before={"status": before},
                 after={"status": visit.status, "reason": text, "cap_counted": visit.cap_counted})
    return visit


def _expire(*, actor, visit: Visit) -> None:
    target = VISIT.target(visit.status, "expire", str(visit))
    minutes = int(confirm_window().total_seconds() // 60)
    visit.status = target
    visit.ended_reason = f"扫码后 {minutes} 分钟内确认的行政执法人员不足,入企记录超时作废"
    visit.save(update_fields=["status", "ended_reason"])
    _release_tasks(visit)
    audit_record(actor=actor, action="visit.expire", subject=visit, before={"status": VisitStatus.PENDING},
                 after={"status": visit.status, "confirm_deadline": visit.confirm_deadline,
                        "confirmed": list(visit.visit_officers.filter(confirmed_at__isnull=False)
                                          .values_list("officer_id", flat=True))})


def visits_expire_due(*, actor=None, visit_ids=None, limit: int = 1000) -> int:
    """Expire pending visits whose confirmation window has passed (R14); their tasks are free again.

    Called lazily (before a confirmation, when a page shows a visit) and by the periodic job. Returns how
    many were expired. Finding none costs one statement and no transaction (every confirmation asks).
    """
    qs = Visit.objects.filter(status=VisitStatus.PENDING, confirm_deadline__lt=clock.now())
    if visit_ids is not None:
        ids = [pk for pk in (id_or_none(v) for v in visit_ids) if pk is not None]
        qs = qs.filter(pk__in=ids)
    due = list(qs.order_by("id").values_list("pk", flat=True)[:limit])
    return _expire_each(actor, due) if due else 0


@transaction.atomic
def _expire_each(actor, visit_ids) -> int:
    expired = 0
    for pk in visit_ids:
        visit = Visit.objects.select_for_update().filter(pk=pk, status=VisitStatus.PENDING).first()
        if visit is None or clock.now() <= visit.confirm_deadline:
            continue  # confirmed or expired by someone else meanwhile
        _expire(actor=actor, visit=visit)
        expired += 1
    return expired


__all__ = [
    "confirm_window", "visit_cancel", "visit_confirm", "visit_snapshot",
    "visit_start_by_code", "visit_start_by_location", "visit_start_non_inspection", "visits_expire_due",
]
