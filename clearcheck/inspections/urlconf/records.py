"""Pages of the records area of on-site work (included by ``inspections.urls``): the checklist of the
on-site record, its signatures, and closing the visit (R16, R17, R26).
"""

from django.urls import path

from ..views import records

urlpatterns: list = [
    path("visits/<int:visit_id>/record/", records.record_edit, name="record_edit"),
    path("visits/<int:visit_id>/record/entries/<int:entry_id>/", records.record_entry_save, name="record_entry_save"),
    path("visits/<int:visit_id>/record/header/", records.record_header_save, name="record_header_save"),
    path("visits/<int:visit_id>/record/sign/", records.record_sign, name="record_sign"),
    path("visits/<int:visit_id>/record/signatures/<int:signature_id>.png", records.record_signature_image,
         name="record_signature_image"),
    path("visits/<int:visit_id>/close/", records.record_close, name="record_close"),
]
