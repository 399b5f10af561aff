"""Pages of the documents area of on-site work (included by ``inspections.urls``): printable PDFs."""

from django.urls import path

from ..views import documents

urlpatterns: list = [
    path("documents/tasks/<int:task_id>/approval-form.pdf", documents.approval_form,
         name="document_approval_form"),
    path("documents/tasks/<int:task_id>/notice.pdf", documents.notice, name="document_notice"),
    path("documents/visits/<int:visit_id>/record.pdf", documents.record, name="document_record"),
    path("documents/dispositions/<int:disposition_id>/correction-order.pdf", documents.correction_order,
         name="document_correction_order"),
]
