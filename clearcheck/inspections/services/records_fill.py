"""Filling in an on-site record while its visit is open: entry results (with the evidence they rest on;
R25: never a third party's assessment), the header (place, recorder, findings, the enterprise's opinion
or its refusal) and signatures (each officer on their own account; the enterprise representative's
drawn signature or the recorded refusal to sign).

Only a confirmed officer of the OPEN visit writes; a closed record never changes (``workflows.RECORD``).
A signature attests the content as it stood: changing an entry or the header after someone signed
voids the signatures given so far (audited), so everyone signs the final text.
"""

from django.db import IntegrityError, transaction

from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.blobs import blob_put
from clearcheck.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

from ..choices import EntryResult, RecusalAnswer, SignerKind
from ..models import Evidence, OnSiteRecord, RecordEntry, Signature, VisitOfficer
from ..rules import third_party_evidence_refusal
from ..workflows import RECORD
from .records_common import (
    MAX_NAME,
    MAX_TEXT,
    id_clean,
    officer_of_visit,
    record_of,
    record_snapshot,
    signatures_void,
    text_clean,
    visit_locked,
    visit_open_check,
)
from .signatures import signature_png_from_data_url

UNSET = object()
MAX_EVIDENCE_PER_ENTRY = 50
HEADER_FIELDS = ("place", "recorder_id", "findings_summary", "enterprise_representative", "representative_title",
                 "enterprise_opinion", "opinion_refused", "credentials_shown", "rights_told", "recusal_answer")
# The steps the officers confirm (告知事项): each a yes/no the record prints only once confirmed.
STEP_FLAGS = ("credentials_shown", "rights_told")


def _record_for_write(actor, visit_id) -> tuple:
    """(visit, the actor's VisitOfficer, the locked drafting record) — or the error to answer."""
    visit = visit_locked(visit_id)
    vo = officer_of_visit(actor, visit)
    record = record_of(visit)
    RECORD.editable_check(record.status, str(record.pk))  # a closed record never changes
    visit_open_check(visit)
    return visit, vo, record


def entry_snapshot(entry: RecordEntry) -> dict:
    """What the audit trail keeps of an entry's result."""
    return {"record": entry.record_id, "order": entry.order, "result": entry.result, "note": entry.note,
            "recorded_by": entry.recorded_by_id, "evidence": sorted(entry.evidence.values_list("pk", flat=True))}


def _evidence_clean(visit, evidence_ids) -> list[Evidence]:
    """The cited evidence: ids of this visit's evidence; R25 refuses a third party's assessment."""
    if not isinstance(evidence_ids, list | tuple | set):
        raise ValidationFailed(FieldError("evidence_ids", "请以列表给出证据编号"))
    ids = list(dict.fromkeys(id_clean(i, "证据") for i in evidence_ids))
    if len(ids) > MAX_EVIDENCE_PER_ENTRY:
        raise ValidationFailed(FieldError("evidence_ids", f"每项最多引用 {MAX_EVIDENCE_PER_ENTRY} 份证据"))
    rows = list(Evidence.objects.filter(visit=visit, pk__in=ids, withdrawn_at__isnull=True))
    if len(rows) != len(ids):
        missing = sorted(set(ids) - {e.pk for e in rows})
        raise ValidationFailed(FieldError("evidence_ids", f"证据 {'、'.join(map(str, missing))} 不是本次入企的有效证据(不存在或已撤回)"))
    if refusal := third_party_evidence_refusal(rows):
        raise refusal
    return rows


@transaction.atomic
def record_entry_set(*, actor, visit_id, entry_id, result=UNSET, note=UNSET, evidence_ids=UNSET) -> RecordEntry:
    """Record the result of one checklist entry (compliant / non_compliant / not_applicable / not_checked),
    its note and the evidence it rests on. Fields left out keep their value. Only a confirmed officer of
    the open visit, of the agency whose item it is (joint visits), may record.
    """
    visit, vo, record = _record_for_write(actor, visit_id)
    entry = (RecordEntry.objects.select_related("item").filter(record=record, pk=id_clean(entry_id, "检查内容"))
             .first())
    if entry is None:
        raise NotFound("检查内容不存在")
    if entry.item.agency_id != vo.officer.agency_id:
        raise PermissionDenied(f"“{entry.item.name}”由其所属机关的执法人员填写检查结果")
    before = entry_snapshot(entry)
    changed = []
    if result is not UNSET:
        value = str(result or "").strip()
        if value not in EntryResult.values:
            raise ValidationFailed(FieldError("result", "检查结果须为:符合、不符合、不适用或未检查"))
        entry.result = value
        changed.append("result")
    if note is not UNSET:
        entry.note = text_clean(note, "note", None, MAX_TEXT)
        changed.append("note")
    cited = None
    if evidence_ids is not UNSET:
        cited = _evidence_clean(visit, evidence_ids or [])
    if not changed and cited is None:
        raise ValidationFailed(FieldError("result", "没有要保存的内容"))
    wanted = {**before, "result": entry.result, "note": entry.note,
              "evidence": sorted(e.pk for e in cited) if cited is not None else before["evidence"]}
    if wanted == before:
        return entry  # the same values again (a retried autosave): nothing to write, nothing voided
    entry.recorded_by = vo.officer
    entry.recorded_at = clock.now()
    entry.save(update_fields=[*changed, "recorded_by", "recorded_at"])
    if cited is not None:
        entry.evidence.set(cited)
    after = entry_snapshot(entry)
    voided = signatures_void(record)
    audit_record(actor=actor, action="record.entry_set", subject=entry, before=before, after=after,
                 extra={"visit": visit.pk, **({"signatures_voided": voided} if voided else {})})
    return entry


def _header_values(visit, fields: dict) -> dict:
    values: dict = {}
    errors: list[FieldError] = []
    for name, value in fields.items():
        if name not in HEADER_FIELDS:
            errors.append(FieldError(name, "不支持的字段"))
            continue
        try:
            if name == "recorder_id":
                values[name] = _recorder_clean(visit, value)
            elif name == "opinion_refused" or name in STEP_FLAGS:
                if not isinstance(value, bool):
                    raise ValidationFailed(FieldError(name, "请选择是或否"))
                values[name] = value
            elif name == "recusal_answer":
                if value not in ("", *RecusalAnswer.values):
                    raise ValidationFailed(FieldError(name, "请选择被检查单位是否申请回避"))
                values[name] = value
            else:
                limit = {"place": 255, "enterprise_representative": MAX_NAME,
                         "representative_title": MAX_NAME}.get(name, MAX_TEXT)
                values[name] = text_clean(value, name, None, limit)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return values


def _recorder_clean(visit, value):
    """The recorder (记录人) is one of the visit's confirmed officers."""
    if value in (None, ""):
        return None
    vo = VisitOfficer.objects.filter(visit=visit, officer_id=id_clean(value, "记录人"), confirmed_at__isnull=False)
    if not vo.exists():
        raise ValidationFailed(FieldError("recorder_id", "记录人须为本次入企并已确认的执法人员"))
    return int(value)


@transaction.atomic
def record_header_update(*, actor, visit_id, **fields) -> OnSiteRecord:
    """Set header fields of the record: place, recorder (an officer of the visit), findings summary, the
    enterprise's representative and title, and its opinion — or that it refused to give one (the two
    exclude each other); and the steps the officers confirm (告知事项): credentials shown, the basis, items
    and rights told, whether the enterprise asked for a recusal.
    """
    visit, _vo, record = _record_for_write(actor, visit_id)
    if not fields:
        raise ValidationFailed(FieldError("fields", "没有要保存的内容"))
    values = _header_values(visit, fields)
    before = record_snapshot(record)
    for name, value in values.items():
        setattr(record, name, value)
    if record.opinion_refused and record.enterprise_opinion:
        if values.get("opinion_refused") and "enterprise_opinion" not in values:
            record.enterprise_opinion = ""  # recording the refusal replaces an opinion typed before
        elif values.get("enterprise_opinion") and "opinion_refused" not in values:
            record.opinion_refused = False  # an opinion given replaces a refusal recorded before
        else:
            raise ValidationFailed(FieldError("opinion_refused", "企业已发表意见的,不能同时记录拒绝发表意见"))
    after = record_snapshot(record)
    if after == before:
        return record
    record.save(update_fields=["place", "recorder", "findings_summary", "enterprise_representative",
                               "representative_title", "enterprise_opinion", "opinion_refused",
                               "credentials_shown", "rights_told", "recusal_answer"])
    voided = signatures_void(record)
    audit_record(actor=actor, action="record.update", subject=record, before=before, after=after,
                 extra={"signatures_voided": voided} if voided else None)
    return record


def signature_snapshot(sig: Signature) -> dict:
    """What the audit trail keeps of a signature."""
    return {"record": sig.record_id, "signer_kind": sig.signer_kind, "officer": sig.officer_id,
            "signer_name": sig.signer_name, "image_sha256": sig.image_sha256, "refused": sig.refused,
            "refusal_note": sig.refusal_note, "signed_at": sig.signed_at}


def _signature_create(record: OnSiteRecord, **values) -> Signature:
    try:
        with transaction.atomic():
            return Signature.objects.create(record=record, signed_at=clock.now(), **values)
    except IntegrityError:
        raise Conflict("已签名,不能重复签名") from None


@transaction.atomic
def record_sign_officer(*, actor, visit_id) -> Signature:
    """The acting officer signs the record on their own account (each confirmed officer once)."""
    _visit, vo, record = _record_for_write(actor, visit_id)
    if record.signatures.filter(signer_kind=SignerKind.OFFICER, officer_id=vo.officer_id).exists():
        raise Conflict(f"{vo.officer.name}已签名")
    sig = _signature_create(record, signer_kind=SignerKind.OFFICER, officer=vo.officer, signer_name=vo.officer.name)
    audit_record(actor=actor, action="record.sign", subject=record, after=signature_snapshot(sig))
    return sig


@transaction.atomic
def record_sign_enterprise(*, actor, visit_id, signer_name=None, image_data_url=None, refused=False,
                           refusal_note=None) -> Signature:
    """The enterprise representative's signature, drawn on the officer's phone (a PNG data URL, checked to
    be a real PNG of bounded size and stored content-addressed) — or, recorded by an officer, that the
    representative refused to sign, with a note of the circumstances.
    """
    _visit, _vo, record = _record_for_write(actor, visit_id)
    if record.signatures.filter(signer_kind=SignerKind.ENTERPRISE).exists():
        raise Conflict("企业代表已签名(或已记录拒绝签名)")
    name = text_clean(signer_name if signer_name not in (None, "") else record.enterprise_representative,
                      "signer_name", "请填写企业在场人员姓名", MAX_NAME)
    if refused is not True and refused is not False:
        raise ValidationFailed(FieldError("refused", "请选择是否拒绝签名"))
    if refused:
        if image_data_url:
            raise ValidationFailed(FieldError("image_data_url", "记录拒绝签名时不能同时提交签名"))
        note = text_clean(refusal_note, "refusal_note", "请记录拒绝签名的情况(如在场人员、拒签经过)", MAX_TEXT)
        sig = _signature_create(record, signer_kind=SignerKind.ENTERPRISE, signer_name=name, refused=True,
                                refusal_note=note)
    else:
        if refusal_note:
            raise ValidationFailed(FieldError("refusal_note", "签名时无需填写拒签情况"))
        png = signature_png_from_data_url(image_data_url)
        sig = _signature_create(record, signer_kind=SignerKind.ENTERPRISE, signer_name=name,
                                image_sha256=blob_put(png))
    audit_record(actor=actor, action="record.sign", subject=record, after=signature_snapshot(sig))
    return sig
