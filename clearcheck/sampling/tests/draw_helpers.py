"""Helpers shared by the draw service tests: a frozen clock, the audit events and stored blobs of a draw,
tampering with a stored frame, and short forms of commit and select."""

import datetime as dt
import os

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.core import blobs, clock
from clearcheck.sampling import algorithm
from clearcheck.sampling import services as svc
from clearcheck.sampling.tests.draw_fixtures import KENO


@pytest.fixture(autouse=True)
def _reference_codes(db):
    """The full GB/T 2260 / 4754 tables (a transactional test elsewhere may have flushed them)."""
    from clearcheck.registry.reference import reference_codes_ensure

    reference_codes_ensure()


OTHER_SECRET = "0f" * 32


def freeze_at(monkeypatch, local_day: dt.date, hour: int, minute: int = 0) -> None:
    """Freeze the platform clock at hour:minute Asia/Shanghai on ``local_day``."""
    moment = dt.datetime.combine(local_day, dt.time(hour, minute), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)


def draw_events(draw) -> list[str]:
    return list(AuditEvent.objects.filter(subject_type="sampling.draw", subject_id=str(draw.pk))
                .order_by("id").values_list("action", flat=True))


def blob_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT / blobs.PREFIX
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def tamper(sha256: str, data: bytes | None = b"clearcheck-draw-frame/1\n") -> None:
    """Overwrite (or, with ``None``, delete) a stored blob; it is read-only, so make it writable first."""
    path = blobs.blob_path(sha256)
    os.chmod(path, 0o644)
    if data is None:
        path.unlink()
    else:
        path.write_bytes(data)


def commit(county, draw):
    return svc.draw_commit(actor=county["admin"], draw_id=draw.pk)


def select(county, draw, secret, value=KENO):
    return svc.draw_select(actor=county["admin"], draw_id=draw.pk, secret=secret, public_value=value)


def frame_of(draw):
    return algorithm.frame_parse(blobs.blob_read(draw.frame_sha256))


def picks_of(draw) -> list[tuple[str, str, set[str]]]:
    """(uscc, stratum, credential numbers of its team) of every pick, in order."""
    return [(p.uscc, p.stratum, {m.officer.credential_no for m in p.team.members.select_related("officer")})
            for p in draw.picks.select_related("team").order_by("position")]


def recusal_grant(county, make_user_plain, enterprise, officer, grant=True):
    """A recusal of ``officer`` at ``enterprise`` filed by the enterprise and decided by the agency head."""
    from clearcheck.registry.recusals import recusal_request_decide, recusal_request_file

    user = make_user_plain("enterprise", enterprise=enterprise)
    request = recusal_request_file(actor=user, officer_id=officer.pk, reason="近亲属在该企业任职")
    return recusal_request_decide(actor=county["head"], request_id=request.pk, grant=grant, reason="经核实")


def closed_visit(agency, enterprise, officers, started_at):
    """A closed inspection visit (the rotation input) made directly: its on-site flow is tested elsewhere."""
    from clearcheck.inspections.models import Visit, VisitOfficer

    visit = Visit.objects.create(
        kind="inspection", enterprise=enterprise, agency=agency, year=started_at.year, status="closed",
        entry_method="code", started_by="test", started_by_user_id=1, idempotency_key=f"k{started_at.timestamp()}",
        started_at=started_at, confirm_deadline=started_at + dt.timedelta(minutes=10), opened_at=started_at,
        closed_at=started_at + dt.timedelta(hours=1))
    for officer in officers:
        VisitOfficer.objects.create(visit=visit, officer=officer, credential_no=officer.credential_no,
                                    confirmed_at=started_at)
    return visit
