"""Pages of on-site work (government zone, mounted at /work/inspections/): recusals and refusals, visits,
records, evidence, dispositions and documents.
"""

from django.urls import path
from django.views.generic import RedirectView

from .views import documents, evidence, outcomes, records, requests, visits

app_name = "inspections"

urlpatterns = [
    # recusal requests (R13) and refused entries (R29)
    path("recusals/", requests.recusal_list, name="recusal_list"),
    path("recusals/<int:request_id>/", requests.recusal_detail, name="recusal_detail"),
    path("refusals/", requests.entry_refusal_list, name="entry_refusal_list"),
    path("refusals/<int:refusal_id>/", requests.entry_refusal_detail, name="entry_refusal_detail"),
    # the officer's tasks and check-in (扫码入企 / 定位打卡, R11), the visit hub (R14), what the enterprise sees (R28)
    path("my-tasks/", visits.my_tasks, name="my_tasks"),
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/start/", visits.visit_start, name="visit_start"),
    path("visits/start-other/", visits.visit_start_other, name="visit_start_other"),
    path("check-in/<int:enterprise_id>/", visits.visit_checkin_location, name="visit_checkin_location"),
    path("visits/<int:visit_id>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:visit_id>/live/", visits.visit_live, name="visit_live"),
    path("visits/<int:visit_id>/confirm/", visits.visit_confirm, name="visit_confirm"),
    path("visits/<int:visit_id>/cancel/", visits.visit_cancel, name="visit_cancel"),
    # The list and each visit's page moved to the enterprise portal (/enterprise/visits/, served by feedback
    # with the outcomes, documents and the evaluation); old bookmarks and links land there.
    path("enterprise/visits/", RedirectView.as_view(url="/enterprise/visits/", permanent=True),
         name="enterprise_visits_moved"),
    path("enterprise/visits/<int:visit_id>/", RedirectView.as_view(url="/enterprise/visits/%(visit_id)s/",
                                                                   permanent=True),
         name="enterprise_visit_detail"),
    # the on-site record, its signatures, closing the visit (R16, R17, R26)
    path("visits/<int:visit_id>/record/", records.record_edit, name="record_edit"),
    path("visits/<int:visit_id>/record/entries/<int:entry_id>/", records.record_entry_save, name="record_entry_save"),
    path("visits/<int:visit_id>/record/header/", records.record_header_save, name="record_header_save"),
    path("visits/<int:visit_id>/record/progress/", records.record_progress, name="record_progress"),
    path("visits/<int:visit_id>/record/sign/", records.record_sign, name="record_sign"),
    path("visits/<int:visit_id>/record/signatures/<int:signature_id>.png", records.record_signature_image,
         name="record_signature_image"),
    path("visits/<int:visit_id>/close/", records.record_close, name="record_close"),
    # evidence (R18)
    path("visits/<int:visit_id>/evidence/", evidence.evidence_list, name="evidence_list"),
    path("evidence/<int:evidence_id>/file/", evidence.evidence_file, name="evidence_file"),
    path("evidence/<int:evidence_id>/withdraw/", evidence.evidence_withdraw, name="evidence_withdraw"),
    # findings, dispositions and referrals (R19)
    path("visits/<int:visit_id>/outcomes/", outcomes.outcomes_page, name="outcomes"),
    path("referrals/", outcomes.referral_inbox, name="referral_inbox"),
    path("referrals/<int:disposition_id>/", outcomes.referral_detail, name="referral_detail"),
    # printable PDFs
    path("documents/tasks/<int:task_id>/approval-form.pdf", documents.approval_form,
         name="document_approval_form"),
    path("documents/tasks/<int:task_id>/notice.pdf", documents.notice, name="document_notice"),
    path("documents/visits/<int:visit_id>/record.pdf", documents.record, name="document_record"),
    path("documents/dispositions/<int:disposition_id>/correction-order.pdf", documents.correction_order,
         name="document_correction_order"),
]
