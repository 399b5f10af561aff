"""Confirmations and opening (R14): two qualified officers each on their own account within the window, the
single-officer legal basis, joint visits (each agency covered), idempotent starts, cancel and expiry.
"""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from clearcheck.inspections.models import OnSiteRecord, Visit, VisitOfficer, VisitTask
from clearcheck.inspections.services.visits import (
    visit_cancel,
    visit_confirm,
    visit_start_by_code,
    visits_expire_due,
)
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.registry import codes

pytestmark = pytest.mark.django_db


def scan(county, user=None, *, tasks=None, key="k1"):
    user = user or county["officer_users"][0]
    return visit_start_by_code(actor=user, token=codes.enterprise_code_token(county["code"]),
                               task_ids=[t.pk for t in (tasks or [county["task"]])], idempotency_key=key)


def actions(visit) -> list[str]:
    return list(AuditEvent.objects.filter(subject_type="inspections.visit", subject_id=str(visit.pk))
                .order_by("id").values_list("action", flat=True))


# --- R14: two officers, each on their own account ---------------------------------------------------


def test_r14_one_officer_alone_cannot_open_the_visit(onsite_county):
    visit = scan(onsite_county)
    assert visit.status == "pending" and visit.opened_at is None
    assert not OnSiteRecord.objects.filter(visit=visit).exists()
    # Confirming again on the same account changes nothing: the second confirmation must be someone else's.
    again = visit_confirm(actor=onsite_county["officer_users"][0], visit_id=visit.pk)
    assert again.status == "pending"


def test_r14_second_officer_confirms_and_the_visit_opens_with_its_record(onsite_county):
    county = onsite_county
    visit = scan(county)
    opened = visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert opened.status == "open" and opened.opened_at is not None
    assert opened.single_officer_basis == ""
    assert all(vo.confirmed_at for vo in VisitOfficer.objects.filter(visit=visit))
    assert OnSiteRecord.objects.get(visit=visit).status == "drafting"
    assert actions(visit) == ["visit.start", "visit.confirm", "visit.open"]


def test_r14_officer_outside_the_team_cannot_confirm(onsite_county, make_officer, make_user_plain):
    county = onsite_county
    visit = scan(county)
    stranger = make_user_plain("officer", agency=county["agency"], officer=make_officer(county["agency"]))
    with pytest.raises(NotFound):
        visit_confirm(actor=stranger, visit_id=visit.pk)
    with pytest.raises(NotFound):
        visit_confirm(actor=county["officer_users"][1], visit_id=999999)


def test_r12_confirming_officer_whose_credential_expired_yesterday_is_refused(onsite_county):
    from clearcheck.core import clock
    from clearcheck.registry.models import Officer

    county = onsite_county
    visit = scan(county)
    Officer.objects.filter(pk=county["officers"][1].pk).update(valid_to=clock.local_today() - dt.timedelta(days=1))
    with pytest.raises(RuleViolation) as caught:
        visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert caught.value.rule_id == "R12"
    assert VisitOfficer.objects.filter(visit=visit, confirmed_at__isnull=False).count() == 1


def test_r12_initiator_suspended_before_the_team_confirms_stops_the_opening(onsite_county, officials):
    from clearcheck.registry.services import officer_update

    county = onsite_county
    visit = scan(county)
    officer_update(actor=officials("bureau"), officer_id=county["officers"][0].pk, status="suspended")
    with pytest.raises(RuleViolation) as caught:
        visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert caught.value.rule_id == "R12" and county["officers"][0].name in caught.value.plain
    visit.refresh_from_db()
    assert visit.status == "pending"


def test_r13_officer_recused_after_the_scan_cannot_confirm(onsite_county):
    from clearcheck.registry.recusals import recusal_request_decide, recusal_request_file

    county = onsite_county
    visit = scan(county)
    second = county["officers"][1]
    request = recusal_request_file(actor=county["enterprise_user"], officer_id=second.pk, reason="曾任本企业顾问")
    recusal_request_decide(actor=county["head"], request_id=request.pk, grant=True, reason="属实")
    with pytest.raises(RuleViolation) as caught:
        visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert caught.value.rule_id == "R13"


# --- The confirmation window (10 minutes) -----------------------------------------------------------


def test_r14_confirmation_at_exactly_ten_minutes_is_accepted(onsite_county, frozen_now):
    county = onsite_county
    visit = scan(county)
    frozen_now.advance(minutes=10)
    assert visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk).status == "open"


def test_r14_confirmation_after_ten_minutes_is_refused_and_the_visit_expires(onsite_county, frozen_now):
    county = onsite_county
    visit = scan(county)
    frozen_now.advance(minutes=10, seconds=1)
    with pytest.raises(RuleViolation) as caught:
        visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert caught.value.rule_id == "R14" and "10 分钟" in caught.value.plain
    visit.refresh_from_db()
    assert visit.status == "expired" and "超时" in visit.ended_reason  # the expiry stays, the refusal does not undo it
    assert not VisitTask.objects.filter(visit=visit, active=True).exists()
    assert actions(visit)[-1] == "visit.expire"


def test_confirmation_window_is_configurable(onsite_county, frozen_now, settings):
    settings.CLEARCHECK_CHECKIN_CONFIRM_MINUTES = 3
    county = onsite_county
    visit = scan(county)
    assert visit.confirm_deadline - visit.started_at == dt.timedelta(minutes=3)
    frozen_now.advance(minutes=4)
    with pytest.raises(RuleViolation):
        visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)


def test_expiry_job_expires_only_pending_visits_past_their_deadline(onsite_county, frozen_now, approved_task):
    county = onsite_county
    late = scan(county)
    frozen_now.advance(minutes=5)
    other = approved_task(source="complaint", inspection_type="case", window_start=frozen_now().date())
    recent = scan(county, tasks=[other], key="k2")
    frozen_now.advance(minutes=6)
    assert visits_expire_due() == 1
    late.refresh_from_db()
    recent.refresh_from_db()
    assert (late.status, recent.status) == ("expired", "pending")
    assert visits_expire_due() == 0


# --- R14: single-officer legal basis -----------------------------------------------------------------


def test_r14_item_with_a_single_officer_basis_opens_with_one_and_records_it(onsite_county, approved_task):
    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock

    county = onsite_county
    item = catalog.item_create(actor=county["admin"], code="SCJG-099", name="营业执照公示检查",
                               legal_basis="《市场主体登记管理条例》第三十一条", object_scope="经营者", method="现场检查",
                               single_officer_basis="《某条例》第十条:可由一名执法人员当场核查")
    catalog.item_list_publish(actor=county["admin"], agency=county["agency"], reason="新增")
    item.refresh_from_db()
    task = approved_task(source="complaint", inspection_type="case", items=[item], officers=county["officers"][:1],
                         window_start=clock.local_today())
    visit = scan(county, tasks=[task])
    assert visit.status == "open"
    assert "SCJG-099" in visit.single_officer_basis and "可由一名执法人员当场核查" in visit.single_officer_basis


def test_r14_mixed_items_need_two_even_if_one_item_has_a_basis(onsite_county, approved_task):
    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock

    county = onsite_county
    single = catalog.item_create(actor=county["admin"], code="SCJG-098", name="公示检查", legal_basis="某法",
                                 object_scope="经营者", method="现场检查", single_officer_basis="某法第八条")
    catalog.item_list_publish(actor=county["admin"], agency=county["agency"], reason="新增")
    single.refresh_from_db()
    task = approved_task(source="complaint", inspection_type="case", items=[single, county["items"]["food"]],
                         window_start=clock.local_today())
    assert scan(county, tasks=[task]).status == "pending"


# --- Joint visits --------------------------------------------------------------------------------------


@pytest.fixture
def joint(onsite_county, make_agency, make_user_plain, officials):
    """A second agency's approved task at the same enterprise, merged with the county's task."""
    from clearcheck.core import clock
    from clearcheck.planning.services.coordination import joint_inspection_create
    from clearcheck.planning.services.tasks import task_approve, task_submit
    from clearcheck.planning.tests.test_coordination_fixtures import agency_kit, task_make

    county = onsite_county
    bureau = officials("bureau")
    kit = agency_kit(make_agency("东阿县应急管理局"), bureau=bureau, items=1)
    today = clock.local_today()
    task = task_make(kit, county["enterprise"], today, today + dt.timedelta(days=5), source="complaint")
    task_submit(actor=kit["admin"], task_id=task.pk)
    task = task_approve(actor=kit["head"], task_id=task.pk)
    joint = joint_inspection_create(actor=bureau, task_ids=[county["task"].pk, task.pk],
                                    lead_agency_id=county["agency"].pk)
    users = [make_user_plain("officer", agency=kit["agency"], officer=o) for o in kit["officers"]]
    return {"joint": joint, "task": task, "users": users, "kit": kit}


def test_joint_visit_needs_each_agency_covered_by_its_own_officer(onsite_county, joint):
    county = onsite_county
    visit = scan(county, tasks=[county["task"], joint["task"]])
    assert visit.joint_inspection_id == joint["joint"].pk
    assert VisitOfficer.objects.filter(visit=visit).count() == 4
    # Two market officers confirmed: still no safety officer, so the safety items are not covered.
    assert visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk).status == "pending"
    opened = visit_confirm(actor=joint["users"][0], visit_id=visit.pk)
    assert opened.status == "open"
    assert sorted(opened.visit_tasks.values_list("task_id", flat=True)) == sorted([county["task"].pk, joint["task"].pk])


def test_joint_visit_of_one_officer_from_each_agency_opens(onsite_county, joint):
    county = onsite_county
    visit = scan(county, tasks=[county["task"], joint["task"]])
    assert visit_confirm(actor=joint["users"][1], visit_id=visit.pk).status == "open"


def test_tasks_of_two_agencies_without_a_joint_inspection_are_refused(onsite_county, joint):
    from clearcheck.planning.services.coordination import joint_inspection_dissolve

    county = onsite_county
    joint_inspection_dissolve(actor=county["bureau"], joint_id=joint["joint"].pk, reason="改为分别检查")
    with pytest.raises((ValidationFailed, Conflict)):
        scan(county, tasks=[county["task"], joint["task"]])


# --- Idempotency ---------------------------------------------------------------------------------------


def test_duplicated_check_in_retry_returns_the_same_visit(onsite_county):
    county = onsite_county
    first = scan(county, key="retry-1")
    second = scan(county, key="retry-1")
    assert second.pk == first.pk and second.replayed and not first.replayed
    assert Visit.objects.count() == 1 and actions(first) == ["visit.start"]


def test_retry_after_the_visit_opened_still_returns_it(onsite_county):
    county = onsite_county
    visit = scan(county, key="retry-2")
    visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    again = scan(county, key="retry-2")
    assert again.pk == visit.pk and again.status == "open" and Visit.objects.count() == 1


def test_same_key_for_a_different_request_is_a_conflict(onsite_county, approved_task):
    from clearcheck.core import clock

    county = onsite_county
    scan(county, key="reused")
    other = approved_task(source="complaint", inspection_type="case", window_start=clock.local_today())
    with pytest.raises(Conflict):
        scan(county, tasks=[other], key="reused")


def test_retry_racing_its_original_returns_the_original(onsite_county, monkeypatch):
    """Two copies of one request at once: the second insert hits the (user, key) constraint, its transaction
    is rolled back and the start runs once more, which gets the first's visit back as a retry instead of an
    error or a second visit."""
    from clearcheck.inspections.services import checkin_reads

    county = onsite_county
    first = scan(county, key="race")
    real, seen = checkin_reads.scan_read, []

    def looked_too_early(**kwargs):
        # The copy that looked for a replay before the original committed: it sees none, the first time.
        found = real(**kwargs)
        seen.append(found.replay_id)
        if len(seen) == 1:
            found.replay_id = None
        return found

    monkeypatch.setattr(checkin_reads, "scan_read", looked_too_early)
    VisitTask.objects.filter(visit=first).update(active=False)  # let it past the one-active-visit check
    again = scan(county, key="race")
    assert again.pk == first.pk and again.replayed
    assert seen == [first.pk, first.pk] and Visit.objects.count() == 1


def test_idempotency_key_is_required_and_checked(onsite_county):
    with pytest.raises(ValidationFailed):
        scan(onsite_county, key="")
    with pytest.raises(ValidationFailed):
        scan(onsite_county, key="含中文")
    assert not Visit.objects.exists()
    visit = scan(onsite_county, key="dup")
    copy = {f.attname: getattr(visit, f.attname) for f in Visit._meta.concrete_fields if f.attname != "id"}
    with pytest.raises(IntegrityError), transaction.atomic():  # the database keeps the rule too
        Visit.objects.create(**copy)


# --- Cancel -------------------------------------------------------------------------------------------


def test_cancel_with_a_reason_frees_the_task(onsite_county):
    county = onsite_county
    visit = scan(county)
    with pytest.raises(ValidationFailed):
        visit_cancel(actor=county["officer_users"][0], visit_id=visit.pk, reason="")
    cancelled = visit_cancel(actor=county["officer_users"][1], visit_id=visit.pk, reason="企业负责人不在,改日检查")
    assert cancelled.status == "cancelled" and cancelled.ended_reason == "企业负责人不在,改日检查"
    assert not VisitTask.objects.filter(visit=visit, active=True).exists()
    assert scan(county, key="again").status == "pending"
    with pytest.raises(Conflict):
        visit_cancel(actor=county["head"], visit_id=visit.pk, reason="再撤销")


def test_cancel_by_someone_outside_the_visit_is_not_found(onsite_county, make_agency, make_user_plain):
    county = onsite_county
    visit = scan(county)
    with pytest.raises(NotFound):
        visit_cancel(actor=make_user_plain("agency_head", agency=make_agency()), visit_id=visit.pk, reason="x")
    assert visit_cancel(actor=county["admin"], visit_id=visit.pk, reason="任务调整").status == "cancelled"


# --- Two confirmations arriving together ------------------------------------------------------------------


def _file_database() -> bool:
    name = connection.settings_dict.get("NAME") or ""
    return connection.vendor != "sqlite" or (":memory:" not in str(name) and "mode=memory" not in str(name))


@pytest.mark.skipif("not _file_database()", reason="threads need a shared database (not SQLite in memory)")
@pytest.mark.django_db(transaction=True)
def test_r14_two_confirmations_together_open_the_visit_once(onsite_county, make_officer, make_user_plain):
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    county = onsite_county
    third = make_officer(county["agency"], "李娜")
    users = [*county["officer_users"], make_user_plain("officer", agency=county["agency"], officer=third)]
    task = county["task"]
    # A fresh task with a three-officer team: the initiator scans, the two others confirm at once.
    task = task_create(actor=county["admin"], agency=county["agency"], enterprise=county["enterprise"],
                       inspection_type="case", source="complaint", items=[county["items"]["food"]],
                       officers=[*county["officers"], third], window_start=task.window_start,
                       window_end=task.window_end)
    task_submit(actor=county["admin"], task_id=task.pk)
    task_approve(actor=county["head"], task_id=task.pk)
    visit = scan(county, tasks=[task])
    barrier = threading.Barrier(2)
    outcomes: list = []

    def confirm(user) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(visit_confirm(actor=user, visit_id=visit.pk).status)
        except BaseException as exc:  # noqa: BLE001 — reported to the test thread
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in users[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["open", "open"], outcomes
    assert actions(visit).count("visit.open") == 1
    assert OnSiteRecord.objects.filter(visit=visit).count() == 1
    assert VisitOfficer.objects.filter(visit=visit, confirmed_at__isnull=False).count() == 3
