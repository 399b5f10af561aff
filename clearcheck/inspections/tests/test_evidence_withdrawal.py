"""A mistaken evidence upload is withdrawn, never deleted (R18): kept with its hash, marked with who, when
and why, and no longer counted (R17 coverage, the record's entries). Only a confirmed officer of the
visit may withdraw, only while the visit is open, and only evidence no entry cites.
"""

import datetime as dt

import pytest
from django.test import Client

from clearcheck.core import clock
from clearcheck.core.blobs import blob_read
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearcheck.inspections.services import evidence as services
from clearcheck.inspections.services import records_fill
from clearcheck.inspections.services.evidence_withdrawal import evidence_withdraw
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import jpeg, meta, mp4
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def add(team, data: bytes, who="first", **overrides):
    actor = team[who]
    return services.evidence_add(actor=actor, visit_id=team["visit"].pk, content=data,
                                 **meta(actor.officer, **overrides))


def test_r18_withdrawn_evidence_is_kept_marked_and_audited(team):
    from clearcheck.audit.models import AuditEvent

    data = jpeg(2000, seed=b"wrong")
    record = add(team, data)
    withdrawn = evidence_withdraw(actor=team["second"], evidence_id=record.pk, reason="误传了其他企业的照片")
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_reason == "误传了其他企业的照片"
    assert withdrawn.withdrawn_by  # the withdrawing account, as the audit trail names it
    assert blob_read(record.sha256) == data  # the file stays
    event = AuditEvent.objects.filter(action="evidence.withdraw").get()
    assert event.subject_id == str(record.pk)
    with pytest.raises(Conflict, match="已于"):
        evidence_withdraw(actor=team["first"], evidence_id=record.pk, reason="再撤一次")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_r18_withdrawal_needs_a_reason(team, reason):
    record = add(team, jpeg(1500))
    with pytest.raises(ValidationFailed):
        evidence_withdraw(actor=team["first"], evidence_id=record.pk, reason=reason)
    record.refresh_from_db()
    assert record.withdrawn_at is None


def test_r18_only_a_confirmed_officer_of_the_open_visit_withdraws(team, outsider):
    record = add(team, jpeg(1600))
    with pytest.raises(NotFound):  # an officer outside the visit does not see it
        evidence_withdraw(actor=outsider, evidence_id=record.pk, reason="误传")
    with pytest.raises(PermissionDenied):  # the enterprise reads the visit but does not withdraw
        evidence_withdraw(actor=team["county"]["enterprise_user"], evidence_id=record.pk, reason="误传")
    with pytest.raises(NotFound):
        evidence_withdraw(actor=team["first"], evidence_id=999999, reason="误传")


def test_r18_withdrawal_closes_with_the_visit(team):
    from clearcheck.inspections.models import Visit

    record = add(team, jpeg(1700))
    Visit.objects.filter(pk=team["visit"].pk).update(status="closed", closed_at=clock.now())
    with pytest.raises(Conflict):
        evidence_withdraw(actor=team["first"], evidence_id=record.pk, reason="误传")


def test_r18_cited_evidence_must_be_uncited_first_and_withdrawn_evidence_cannot_be_cited(team):
    visit = team["visit"]
    entry = visit.record.entries.get()
    photo = add(team, jpeg(1800))
    records_fill.record_entry_set(actor=team["first"], visit_id=visit.pk, entry_id=entry.pk, result="compliant",
                                  evidence_ids=[photo.pk])
    with pytest.raises(Conflict, match="取消引用"):
        evidence_withdraw(actor=team["first"], evidence_id=photo.pk, reason="误传")
    records_fill.record_entry_set(actor=team["first"], visit_id=visit.pk, entry_id=entry.pk, evidence_ids=[])
    evidence_withdraw(actor=team["first"], evidence_id=photo.pk, reason="误传")
    with pytest.raises(ValidationFailed, match="已撤回"):
        records_fill.record_entry_set(actor=team["first"], visit_id=visit.pk, entry_id=entry.pk,
                                      evidence_ids=[photo.pk])


def test_r17_withdrawn_recordings_no_longer_cover_the_visit(team, monkeypatch):
    from clearcheck.inspections.selectors.evidence import av_coverage

    visit, first = team["visit"], team["first"]
    start = visit.opened_at or visit.started_at
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(hours=1))
    video = services.evidence_add(actor=first, visit_id=visit.pk, content=mp4(), **meta(
        first.officer, kind="video", captured_at=start, covers_from=start,
        covers_to=start + dt.timedelta(minutes=30)))
    until = start + dt.timedelta(minutes=30)
    assert av_coverage(visit, until) == [(start, until)]
    evidence_withdraw(actor=first, evidence_id=video.pk, reason="录错了企业")
    assert av_coverage(visit, until) == []
    # The same file may be uploaded again once its mistaken copy is withdrawn.
    again = services.evidence_add(actor=first, visit_id=visit.pk, content=mp4(), **meta(
        first.officer, kind="video", captured_at=start, covers_from=start,
        covers_to=start + dt.timedelta(minutes=30)))
    assert again.pk != video.pk and av_coverage(visit, until) == [(start, until)]


def test_r18_withdraw_from_the_page_and_the_api(team):

    record = add(team, jpeg(1900))
    other = add(team, jpeg(1901, seed=b"api"))
    web = Client()
    web.force_login(team["first"])
    page = f"/work/inspections/visits/{team['visit'].pk}/evidence/"
    assert "撤回此证据" in web.get(page).content.decode()
    refused = web.post(f"/work/inspections/evidence/{record.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "请填写撤回理由" in refused.content.decode()
    done = web.post(f"/work/inspections/evidence/{record.pk}/withdraw/", {"reason": "误传"}, follow=True)
    html = done.content.decode()
    assert "已撤回" in html and "误传" in html
    api = web.post(f"/api/evidence/{other.pk}/withdraw", {"reason": "拍错了"}, content_type="application/json")
    assert api.status_code == 200 and api.json()["withdrawn_reason"] == "拍错了"
    assert web.post(f"/api/evidence/{other.pk}/withdraw", {"reason": "again"},
                    content_type="application/json").status_code == 409
