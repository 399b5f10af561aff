"""Helpers of the on-site record tests (no tests here): tasks, evidence, drawn signatures and a record
filled in completely, all through the services (evidence rows directly, as the evidence area's upload
is about bytes, not about records).
"""

import base64
import datetime as dt
import io
import itertools

from clearcheck.core import clock

_n = itertools.count(1)


def png_bytes(width: int = 300, height: int = 120, *, blank: bool = False) -> bytes:
    """A PNG like the signature pad sends: transparent, with a dark stroke unless ``blank``."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(10, height - 20), (width // 2, 15), (width - 10, height - 30)],
                                   fill=(17, 17, 17, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_url(data: bytes) -> str:
    """``data:image/png;base64,…`` of ``data``."""
    return "data:image/png;base64," + base64.b64encode(data).decode()


def signature_url(**kwargs) -> str:
    """A drawn signature as the pad posts it."""
    return data_url(png_bytes(**kwargs))


def task_for_visit(county, *, items=None, checklist="default", av_required=False, officers=None):
    """Create, submit and approve a task of the county's agency at its enterprise, for today."""
    from clearcheck.planning.models import InspectionTask
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    today = clock.local_today()
    task = task_create(
        actor=county["admin"], agency=county["agency"], enterprise=county["enterprise"], inspection_type="case",
        source="complaint", items=items or [county["items"]["food"]], officers=officers or county["officers"],
        window_start=today, window_end=today + dt.timedelta(days=10),
        checklist=county["checklist"] if checklist == "default" else checklist, notice="请备好有关证照",
    )
    if av_required:
        # R17 grounds are set by the planning area's task form; here the flag is what matters.
        InspectionTask.objects.filter(pk=task.pk).update(av_required=True, av_ground="contentious")
    task_submit(actor=county["admin"], task_id=task.pk)
    return task_approve(actor=county["head"], task_id=task.pk)


def evidence_add(visit, *, kind="photo", origin="captured", covers=None, by=None):
    """An Evidence row of ``visit`` (blob stored); ``covers``: (from, to) for audio/video (R17)."""
    from clearcheck.core.blobs import blob_put
    from clearcheck.inspections.models import Evidence

    data = f"evidence {next(_n)} {kind}".encode()
    covers_from, covers_to = covers or (None, None)
    officer = by or visit.visit_officers.first().officer
    return Evidence.objects.create(
        visit=visit, kind=kind, origin=origin, sha256=blob_put(data), size=len(data),
        content_type="application/octet-stream", captured_at=clock.now(), latitude="36.335210",
        longitude="116.248390", captured_by=officer, captured_by_name=officer.name, proves="现场情况",
        covers_from=covers_from, covers_to=covers_to, uploaded_by="test", uploaded_at=clock.now(),
    )


def officer_users(county):
    """The two officer accounts of the team (the first scanned, the second confirmed)."""
    return county["officer_users"][0], county["officer_users"][1]


def fill_entries(visit, user, result="compliant"):
    """Give every entry of the visit's record ``result``."""
    from clearcheck.inspections.services.records import record_entry_set

    for entry in visit.record.entries.all():
        record_entry_set(actor=user, visit_id=visit.pk, entry_id=entry.pk, result=result, note="")


def fill_header(visit, user, **overrides):
    """The header as an officer fills it in: place, findings, representative, opinion."""
    from clearcheck.inspections.services.records import record_header_update

    values = {"place": "生产车间", "findings_summary": "现场检查未发现问题", "enterprise_representative": "刘强",
              "representative_title": "质量负责人", "enterprise_opinion": "无异议"}
    values.update(overrides)
    return record_header_update(actor=user, visit_id=visit.pk, **values)


def sign_all(visit, county, *, enterprise_refused=False):
    """Both officers sign on their own accounts; the representative draws a signature (or refuses)."""
    from clearcheck.inspections.services.records import record_sign_enterprise, record_sign_officer

    first, second = officer_users(county)
    record_sign_officer(actor=first, visit_id=visit.pk)
    record_sign_officer(actor=second, visit_id=visit.pk)
    if enterprise_refused:
        record_sign_enterprise(actor=first, visit_id=visit.pk, refused=True, refusal_note="当场拒绝签名,两名执法人员见证")
    else:
        record_sign_enterprise(actor=first, visit_id=visit.pk, image_data_url=signature_url())


def complete(visit, county, **header):
    """Fill the whole record: every entry compliant, the header, all signatures."""
    first, _ = officer_users(county)
    fill_entries(visit, first)
    fill_header(visit, first, **header)
    sign_all(visit, county)
    visit.record.refresh_from_db()
    return visit.record


def at(moment: dt.datetime):
    """A clock stub answering ``moment`` (monkeypatch ``clock.now`` with it)."""
    return lambda: moment
