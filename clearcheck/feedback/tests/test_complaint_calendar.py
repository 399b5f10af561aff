"""Issue 20 (Deliver 7): a complaint's reply deadline reaching a year whose working-day calendar is not loaded is
provisional on the record, the pages and the API, and loading that year makes it exact.
"""

import datetime as dt

import pytest
from django.test import Client

from clearcheck.audit.models import AuditEvent
from clearcheck.feedback.tests.fixtures import *  # noqa: F403
from clearcheck.feedback.tests.fixtures import local, portal_complaint
from clearcheck.planning.calendar_files import schedule_file_parse
from clearcheck.planning.services.calendar import calendar_day_set, calendar_year_load
from clearcheck.planning.tests.calendar_samples import CSV_2027

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_issue20_complaint_of_15_december_is_provisional_until_2027_is_loaded(feedback_county, frozen_at):
    """Received 2026-12-15 with 15 working days: 2027-01-05 counted Monday–Friday (the measured failure gave it
    as exact); after loading 2027 (1 January a holiday) it is 2027-01-06 and exact.
    """
    frozen_at(local(dt.date(2026, 12, 15), 10))
    complaint = portal_complaint(feedback_county)
    assert (complaint.deadline, complaint.deadline_provisional) == (dt.date(2027, 1, 5), True)
    bureau = _client(feedback_county["bureau"])
    page = bureau.get(f"/work/feedback/complaints/{complaint.pk}/").content.decode()
    assert "待县司法局载入该年工作日历后确定" in page
    item = bureau.get(f"/api/complaints/{complaint.pk}").json()
    assert item["deadline"] == "2027-01-05" and item["deadline_provisional"] is True
    done = calendar_year_load(actor=feedback_county["bureau"], schedule=schedule_file_parse(CSV_2027, year=2027))
    complaint.refresh_from_db()
    assert (complaint.deadline, complaint.deadline_provisional) == (dt.date(2027, 1, 6), False)
    assert done["deadlines_recomputed"] == 1
    event = AuditEvent.objects.get(action="deadline.recompute")
    assert event.subject_type == "feedback.complaint" and event.subject_id == str(complaint.pk)
    assert "待县司法局载入" not in bureau.get(f"/work/feedback/complaints/{complaint.pk}/").content.decode()
    assert bureau.get(f"/api/complaints/{complaint.pk}").json()["deadline_provisional"] is False


def test_issue20_correcting_a_day_moves_the_deadlines_that_count_it(feedback_county, frozen_at):
    frozen_at(local(dt.date(2026, 12, 1), 10))
    complaint = portal_complaint(feedback_county)
    assert (complaint.deadline, complaint.deadline_provisional) == (dt.date(2026, 12, 22), False)
    calendar_day_set(actor=feedback_county["bureau"], date=dt.date(2026, 12, 10), kind="holiday", name="临时调整")
    complaint.refresh_from_db()
    assert complaint.deadline == dt.date(2026, 12, 23)
    calendar_day_set(actor=feedback_county["bureau"], date=dt.date(2026, 12, 10), kind="normal")
    complaint.refresh_from_db()
    assert complaint.deadline == dt.date(2026, 12, 22)


def test_issue20_within_a_loaded_year_the_deadline_is_exact(feedback_county, frozen_at):
    frozen_at(local(dt.date(2025, 1, 24), 10))
    complaint = portal_complaint(feedback_county)
    assert complaint.deadline_provisional is False


def test_issue20_migration_backfill_flags_deadlines_reaching_a_year_not_loaded(feedback_county, frozen_at):
    """``provisional_flags_backfill`` (feedback 0002, planning 0006) flags rows stored before the flag existed."""
    from clearcheck.feedback.models import Complaint
    from clearcheck.planning.calendar import calendar_years_loaded, provisional_flags_backfill

    frozen_at(local(dt.date(2026, 12, 1), 10))
    inside = portal_complaint(feedback_county)
    frozen_at(local(dt.date(2026, 12, 15), 10))
    across = portal_complaint(feedback_county)
    Complaint.objects.update(deadline_provisional=False)  # as stored before the migration
    flagged = provisional_flags_backfill(Complaint, start_field="received_at", date_field="deadline",
                                         flag_field="deadline_provisional", loaded=calendar_years_loaded())
    assert flagged == 1
    assert dict(Complaint.objects.values_list("pk", "deadline_provisional")) == {inside.pk: False, across.pk: True}
