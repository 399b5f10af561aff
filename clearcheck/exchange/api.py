"""``/api/imports``: registry imports from .xlsx / .csv, their error reports and templates."""

import datetime as dt

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from clearcheck.core.api import Page, keyset_page
from clearcheck.core.errors import FieldError, NotFound, ValidationFailed
from clearcheck.core.inputs import Cursor, DbId, PageSize

from . import selectors, services
from .choices import ImportMode

router = Router(tags=["imports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportErrorOut(Schema):
    """One bad cell or row: spreadsheet line (header = 1), field, reason."""

    line: int
    field: str
    message: str


class ImportJobOut(Schema):
    """An import with its counts and its full error report."""

    id: int
    kind: str
    filename: str
    file_sha256: str
    mode: str
    status: str
    rows_total: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_failed: int
    actor_label: str
    agency_id: int | None
    created_at: dt.datetime
    errors: list[ImportErrorOut]

    @staticmethod
    def resolve_errors(obj) -> list[dict]:
        """The stored report."""
        return obj.error_list


class ImportJobSummaryOut(Schema):
    """An import in a list (counts, no error detail)."""

    id: int
    kind: str
    filename: str
    file_sha256: str
    mode: str
    status: str
    rows_total: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_failed: int
    actor_label: str
    agency_id: int | None
    created_at: dt.datetime


class ImportJobPage(Page):
    """A page of imports."""

    items: list[ImportJobSummaryOut]


class ImportFilter(Schema):
    """Filters of the import list."""

    kind: str | None = None
    status: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


@router.post("/imports", response={201: ImportJobOut}, summary="Import a registry spreadsheet")
def import_create(
    request, kind: Form[str], file: File[UploadedFile], mode: Form[str] = ImportMode.ALL_OR_NOTHING.value,
    agency_id: Form[DbId | None] = None,
):
    """Upload an .xlsx or .csv of enterprises, officers or agencies. Every bad row is reported
    (line, field, message); ``all_or_nothing`` (default) writes nothing when any row is bad,
    ``good_rows`` writes the good ones. The job is kept either way.
    """
    agency = None
    if agency_id is not None:
        from clearcheck.registry.selectors import agency_get_for_actor

        try:
            agency = agency_get_for_actor(actor=request.user, agency_id=agency_id)
        except NotFound:
            raise ValidationFailed(FieldError("agency_id", "所属机关不存在"))
    job = services.import_run(
        actor=request.user, kind=kind, filename=file.name or "", data=file.read(), mode=mode, agency=agency,
    )
    return Status(201, job)


@router.get("/imports", response=ImportJobPage, summary="Imports")
def import_list(request, filters: Query[ImportFilter]):
    """Imports visible to the caller (bureau: all; agency admin: its agency's and its own), by id."""
    qs = selectors.import_jobs_for_actor(actor=request.user, kind=filters.kind, status=filters.status)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/imports/templates/{kind}.csv", summary="CSV template of an import")
def import_template_csv(request, kind: str):
    """An import template (Chinese headers, one example row) as UTF-8 CSV with BOM."""
    data = services.import_template(kind, "csv")
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{kind}.csv"'
    return response


@router.get("/imports/{job_id}", response=ImportJobOut, summary="One import with its error report")
def import_detail(request, job_id: DbId):
    """One import the caller may see."""
    return selectors.import_job_get_for_actor(actor=request.user, job_id=job_id)


@router.get("/imports/{job_id}/errors.xlsx", summary="Error report of an import (Excel)")
def import_errors_xlsx(request, job_id: DbId):
    """The error report as an Excel workbook (line, field, message)."""
    job = selectors.import_job_get_for_actor(actor=request.user, job_id=job_id)
    response = HttpResponse(services.import_error_report_xlsx(job), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response
