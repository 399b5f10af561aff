"""On-site record (现场检查笔录): creation at check-in, entry results (R25), header and signatures, and
who may write (R16 content; roles).
"""

import pytest

from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.inspections.choices import EntryResult, RecordStatus, SignerKind
from clearcheck.inspections.services import records as services
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_records_support import (
    complete,
    evidence_add,
    fill_header,
    officer_users,
    sign_all,
    signature_url,
    task_for_visit,
)
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _events(action: str, subject) -> int:
    from clearcheck.audit.models import AuditEvent

    return AuditEvent.objects.filter(action=action, subject_type=subject._meta.label_lower,
                                     subject_id=str(subject.pk)).count()


# --- record_start --------------------------------------------------------------------------------

def test_record_start_copies_the_checklist_entries_of_the_tasks_items(open_visit, onsite_county):
    visit = open_visit()
    record = visit.record
    entries = list(record.entries.all())
    assert record.status == RecordStatus.DRAFTING
    assert [(e.order, e.content, e.item_id) for e in entries] == [
        (1, "查看许可证", onsite_county["items"]["food"].pk)]
    assert entries[0].checklist_entry is not None and entries[0].result == ""
    assert (record.frequency_count, record.frequency_cap) == (0, 1)  # a complaint: not counted under B's cap
    assert record.av_required is False
    assert record.place == visit.enterprise.address
    assert _events("record.start", record) == 1


def test_record_start_skips_checklist_entries_of_items_outside_the_task(onsite_county, open_visit):
    """A checklist shared by several items contributes only the entries of the task's own items."""
    from clearcheck.catalog import services as catalog

    county = onsite_county
    admin = county["admin"]
    checklist = catalog.checklist_create(actor=admin, code="BD-MIX", name="综合检查表", object_type="食品生产企业")
    catalog.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=county["items"]["food"].pk,
                                content="查看从业人员健康证明")
    catalog.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=county["items"]["boiler"].pk,
                                content="查看锅炉定期检验报告")
    catalog.checklist_publish(actor=admin, checklist_id=checklist.pk)
    task = task_for_visit(county, checklist=checklist)
    visit = open_visit(task, key="mixed")
    assert [e.content for e in visit.record.entries.all()] == ["查看从业人员健康证明"]


def test_record_start_without_checklist_gives_one_entry_per_item(onsite_county, open_visit):
    county = onsite_county
    task = task_for_visit(county, checklist=None, items=[county["items"]["food"], county["items"]["boiler"]])
    visit = open_visit(task, key="no-checklist")
    entries = list(visit.record.entries.all())
    assert [(e.content, e.checklist_entry_id) for e in entries] == [
        (county["items"]["food"].name, None), (county["items"]["boiler"].name, None)]


def test_r17_record_start_marks_av_required_from_the_task(onsite_county, open_visit):
    task = task_for_visit(onsite_county, av_required=True)
    assert open_visit(task, key="av").record.av_required is True


def test_r21_record_start_keeps_the_limits_with_this_years_counts(onsite_county, open_visit, approved_task):
    """The record states each limit (tier cap, items' own frequencies) with its count, as they stood when it
    was created: an exempt visit is not counted, a proactive one is (含本次); a later regrading moves nothing.
    """
    from clearcheck.core import clock
    from clearcheck.planning.tests.test_tasks_fixtures import tier_set

    county = onsite_county
    first = open_visit()  # the fixture's complaint task: exempt
    complete(first, county)
    services.visit_close(actor=officer_users(county)[0], visit_id=first.pk)

    def shown(record):
        return [(x.kind, x.code, x.cap, x.count, x.exempt, x.current) for x in record.limit_lines]

    assert shown(first.record) == [("tier", "B", 1, 0, 1, "exempt")]
    tier_set(county, "D")
    boiler = county["items"]["boiler"]
    task = approved_task(window_start=clock.local_today(), items=[county["items"]["food"], boiler])
    second = open_visit(task, key="second")
    expected = [("tier", "D", 4, 1, 1, "counted"), ("item", boiler.code, 1, 1, 0, "counted")]
    assert shown(second.record) == expected
    assert (second.record.frequency_count, second.record.frequency_cap) == (1, 4)
    tier_set(county, "C")
    second.record.refresh_from_db()
    assert shown(second.record) == expected


def test_r19_recheck_record_carries_only_the_failed_entries(onsite_county, open_visit):
    """A re-check task (a correction order with a deadline) re-checks only the entries that failed."""
    import datetime as dt

    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.inspections.services.outcomes import disposition_add, finding_create
    from clearcheck.planning.services.tasks import task_approve

    county = onsite_county
    admin = county["admin"]
    checklist = catalog.checklist_create(actor=admin, code="BD-RC", name="复查用检查表", object_type="食品生产企业")
    for content in ("查看许可证", "查看进货查验记录", "查看生产车间卫生"):
        catalog.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=county["items"]["food"].pk,
                                    content=content)
    catalog.checklist_publish(actor=admin, checklist_id=checklist.pk)
    visit = open_visit(task_for_visit(county, checklist=checklist), key="first")
    first, _ = officer_users(county)
    entries = list(visit.record.entries.all())
    for entry, result in zip(entries, ("compliant", "non_compliant", "compliant"), strict=True):
        services.record_entry_set(actor=first, visit_id=visit.pk, entry_id=entry.pk, result=result,
                                  note="进货查验记录缺失" if result == "non_compliant" else "")
    finding = finding_create(actor=first, visit_id=visit.pk, entry_ids=[entries[1].pk], description="未建立进货查验记录")
    disposition = disposition_add(actor=first, finding_id=finding.pk, kind="correct_by_deadline",
                                  deadline=clock.local_today() + dt.timedelta(days=7), note="七日内改正")
    fill_header(visit, first, findings_summary="未建立进货查验记录,责令七日内改正")
    sign_all(visit, county)
    services.visit_close(actor=first, visit_id=visit.pk)
    recheck = task_approve(actor=county["head"], task_id=disposition.recheck_task_id)
    revisit = open_visit(recheck, key="recheck")
    carried = list(revisit.record.entries.all())
    assert [(e.content, e.rechecks_id) for e in carried] == [("查看进货查验记录", entries[1].pk)]


def test_r26_record_start_refuses_a_non_inspection_visit(onsite_county):
    from clearcheck.inspections.services.visits import visit_confirm, visit_start_non_inspection

    county = onsite_county
    first, second = officer_users(county)
    visit = _non_inspection(county, visit_start_non_inspection, visit_confirm)
    with pytest.raises(RuleViolation) as exc:
        services.record_start(actor=first, visit=visit)
    assert exc.value.rule_id == "R26"
    assert second is not None


def _non_inspection(county, start, confirm):
    from clearcheck.registry.codes import enterprise_code_token

    first, second = officer_users(county)
    visit = start(actor=first, kind="patrol", purpose="节前安全巡查", officer_ids=[o.pk for o in county["officers"]],
                  idempotency_key="patrol", token=enterprise_code_token(county["code"]))
    return confirm(actor=second, visit_id=visit.pk)


# --- entry results ------------------------------------------------------------------------------

def test_officer_records_an_entry_result_and_note(open_visit, onsite_county):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    entry = visit.record.entries.get()
    saved = services.record_entry_set(actor=first, visit_id=visit.pk, entry_id=entry.pk,
                                      result=EntryResult.NOT_APPLICABLE, note="企业未生产该类产品")
    assert (saved.result, saved.note, saved.recorded_by_id) == ("not_applicable", "企业未生产该类产品",
                                                              onsite_county["officers"][0].pk)
    assert _events("record.entry_set", saved) == 1
    # A note alone keeps the result.
    services.record_entry_set(actor=first, visit_id=visit.pk, entry_id=entry.pk, note="改:不适用")
    entry.refresh_from_db()
    assert (entry.result, entry.note) == ("not_applicable", "改:不适用")


@pytest.mark.parametrize("bad", ["", "ok", "合格", None])
def test_entry_result_must_be_one_of_four(open_visit, onsite_county, bad):
    visit = open_visit()
    entry = visit.record.entries.get()
    with pytest.raises(ValidationFailed):
        services.record_entry_set(actor=officer_users(onsite_county)[0], visit_id=visit.pk, entry_id=entry.pk,
                                  result=bad)


def test_r25_third_party_evidence_cannot_be_the_basis_of_a_result(open_visit, onsite_county):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    entry = visit.record.entries.get()
    report = evidence_add(visit, kind="document", origin="third_party")
    photo = evidence_add(visit, kind="photo")
    with pytest.raises(RuleViolation) as exc:
        services.record_entry_set(actor=first, visit_id=visit.pk, entry_id=entry.pk, result="compliant",
                                  evidence_ids=[photo.pk, report.pk])
    assert exc.value.rule_id == "R25" and exc.value.field == "evidence_ids"
    entry.refresh_from_db()
    assert entry.result == "" and not entry.evidence.exists()
    services.record_entry_set(actor=first, visit_id=visit.pk, entry_id=entry.pk, result="compliant",
                              evidence_ids=[photo.pk])
    assert list(entry.evidence.values_list("pk", flat=True)) == [photo.pk]


def test_entry_cannot_cite_evidence_of_another_visit(open_visit, onsite_county):
    county = onsite_county
    visit = open_visit()
    other = open_visit(task_for_visit(county), key="other")
    foreign = evidence_add(other)
    with pytest.raises(ValidationFailed):
        services.record_entry_set(actor=officer_users(county)[0], visit_id=visit.pk,
                                  entry_id=visit.record.entries.get().pk, evidence_ids=[foreign.pk])


def test_another_agencys_officer_cannot_see_or_write_the_record(open_visit, make_agency, make_officer,
                                                                 make_user_plain):
    visit = open_visit()
    agency = make_agency("东阿县应急管理局")
    stranger = make_user_plain("officer", agency=agency, officer=make_officer(agency, "赵六"))
    with pytest.raises(NotFound):
        services.record_entry_set(actor=stranger, visit_id=visit.pk, entry_id=visit.record.entries.get().pk,
                                  result="compliant")
    from clearcheck.inspections.selectors.records import record_get_for_actor

    with pytest.raises(NotFound):
        record_get_for_actor(stranger, visit.pk)


def test_enterprise_reads_the_record_but_cannot_write(open_visit, onsite_county):
    from clearcheck.inspections.selectors.records import record_can_write, record_get_for_actor

    visit = open_visit()
    enterprise_user = onsite_county["enterprise_user"]
    record = record_get_for_actor(enterprise_user, visit.pk)
    assert record.pk == visit.record.pk and not record_can_write(enterprise_user, record)
    with pytest.raises(NotFound):
        services.record_entry_set(actor=enterprise_user, visit_id=visit.pk, entry_id=record.entries.get().pk,
                                  result="compliant")
    with pytest.raises(NotFound):
        services.record_header_update(actor=enterprise_user, visit_id=visit.pk, enterprise_opinion="无异议")


def test_an_officer_of_the_agency_outside_the_team_reads_but_cannot_write(open_visit, onsite_county, make_officer,
                                                                           make_user_plain):
    from clearcheck.inspections.selectors.records import record_get_for_actor

    visit = open_visit()
    colleague = make_user_plain("officer", agency=onsite_county["agency"],
                                officer=make_officer(onsite_county["agency"], "孙七"))
    assert record_get_for_actor(colleague, visit.pk).pk == visit.record.pk
    with pytest.raises(NotFound):
        services.record_sign_officer(actor=colleague, visit_id=visit.pk)


# --- header -------------------------------------------------------------------------------------

def test_header_opinion_and_refusal_exclude_each_other(open_visit, onsite_county):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    with pytest.raises(ValidationFailed):
        services.record_header_update(actor=first, visit_id=visit.pk, enterprise_opinion="无异议", opinion_refused=True)
    services.record_header_update(actor=first, visit_id=visit.pk, enterprise_opinion="无异议")
    record = services.record_header_update(actor=first, visit_id=visit.pk, opinion_refused=True)
    assert (record.opinion_refused, record.enterprise_opinion) == (True, "")
    record = services.record_header_update(actor=first, visit_id=visit.pk, enterprise_opinion="同意检查结论")
    assert (record.opinion_refused, record.enterprise_opinion) == (False, "同意检查结论")


def test_header_recorder_must_be_a_confirmed_officer_of_the_visit(open_visit, onsite_county, make_officer):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    outsider = make_officer(onsite_county["agency"], "周八")
    with pytest.raises(ValidationFailed):
        services.record_header_update(actor=first, visit_id=visit.pk, recorder_id=outsider.pk)
    record = services.record_header_update(actor=first, visit_id=visit.pk,
                                           recorder_id=onsite_county["officers"][1].pk)
    assert record.recorder_id == onsite_county["officers"][1].pk


def test_header_refuses_unknown_fields(open_visit, onsite_county):
    visit = open_visit()
    with pytest.raises(ValidationFailed):
        services.record_header_update(actor=officer_users(onsite_county)[0], visit_id=visit.pk, status="closed")


# --- signatures ---------------------------------------------------------------------------------

def test_each_officer_signs_on_their_own_account_once(open_visit, onsite_county):
    visit = open_visit()
    first, second = officer_users(onsite_county)
    sig = services.record_sign_officer(actor=first, visit_id=visit.pk)
    assert (sig.signer_kind, sig.officer_id) == (SignerKind.OFFICER, onsite_county["officers"][0].pk)
    with pytest.raises(Conflict):
        services.record_sign_officer(actor=first, visit_id=visit.pk)
    services.record_sign_officer(actor=second, visit_id=visit.pk)
    assert visit.record.signatures.filter(signer_kind="officer").count() == 2


def test_enterprise_signature_is_stored_as_a_blob(open_visit, onsite_county):
    from clearcheck.core.blobs import blob_read

    visit = open_visit()
    first, _ = officer_users(onsite_county)
    fill_header(visit, first)
    sig = services.record_sign_enterprise(actor=first, visit_id=visit.pk, image_data_url=signature_url())
    assert sig.signer_name == "刘强" and not sig.refused
    assert blob_read(sig.image_sha256).startswith(b"\x89PNG")
    with pytest.raises(Conflict):
        services.record_sign_enterprise(actor=first, visit_id=visit.pk, image_data_url=signature_url())


def test_refusal_to_sign_needs_a_note(open_visit, onsite_county):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    with pytest.raises(ValidationFailed):
        services.record_sign_enterprise(actor=first, visit_id=visit.pk, signer_name="刘强", refused=True)
    sig = services.record_sign_enterprise(actor=first, visit_id=visit.pk, signer_name="刘强", refused=True,
                                          refusal_note="拒绝签名,执法人员二人见证")
    assert sig.refused and sig.image_sha256 == ""


def test_changing_the_record_after_signing_voids_the_signatures(open_visit, onsite_county):
    """A signature attests the text as it stood: a later change needs everyone to sign again."""
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    record = complete(visit, onsite_county)
    assert record.signatures.count() == 3
    services.record_entry_set(actor=first, visit_id=visit.pk, entry_id=record.entries.get().pk,
                              result="not_checked", note="企业负责人不在场")
    assert record.signatures.count() == 0


def test_unconfirmed_team_member_cannot_sign(onsite_county, make_officer, make_user_plain):
    """Officers who did not confirm on their own account are told to confirm first."""
    from clearcheck.inspections.services.visits import visit_confirm, visit_start_by_code
    from clearcheck.registry.codes import enterprise_code_token

    county = onsite_county
    third_officer = make_officer(county["agency"], "吴九")
    third = make_user_plain("officer", agency=county["agency"], officer=third_officer)
    task = task_for_visit(county, officers=[*county["officers"], third_officer])
    first, second = officer_users(county)
    visit = visit_start_by_code(actor=first, token=enterprise_code_token(county["code"]), task_ids=[task.pk],
                                idempotency_key="three")
    visit = visit_confirm(actor=second, visit_id=visit.pk)
    if visit.visit_officers.filter(officer=third_officer).exists():
        with pytest.raises(PermissionDenied):
            services.record_sign_officer(actor=third, visit_id=visit.pk)
    else:
        with pytest.raises(NotFound):
            services.record_sign_officer(actor=third, visit_id=visit.pk)
