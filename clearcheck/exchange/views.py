"""Import pages: upload with past jobs, one job's counts and errors, downloads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from clearcheck.accounts.choices import Role
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.web import error_message, role_required
from clearcheck.registry.selectors import agency_list_for_actor

from . import selectors, services
from .choices import ImportKind, ImportStatus
from .forms import ImportForm
from .parsing import COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(request, data=None, files=None) -> ImportForm:
    if request.user.role == Role.BUREAU:
        return ImportForm(data, files, agencies=agency_list_for_actor(actor=request.user))
    return ImportForm(data, files, kinds=(ImportKind.ENTERPRISES, ImportKind.OFFICERS))


@role_required(Role.BUREAU, Role.AGENCY_ADMIN)
def import_list(request):
    """Upload a spreadsheet; below, the imports the user may see."""
    form = _form(request)
    if request.method == "POST":
        form = _form(request, request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.import_run(
                    actor=request.user, kind=form.cleaned_data["kind"], filename=upload.name,
                    data=upload.read(), mode=form.cleaned_data["mode"], agency=form.cleaned_data.get("agency"),
                )
            except DomainError as exc:
                error_message(request, exc)
            else:
                level = messages.success if job.status == ImportStatus.COMMITTED else messages.warning
                level(request, f"{job.get_status_display()}:共 {job.rows_total} 行,新增 {job.rows_created},"
                               f"更新 {job.rows_updated},未变化 {job.rows_unchanged},有错误 {job.rows_failed}")
                return redirect("exchange:import_detail", job_id=job.pk)
    page = Paginator(selectors.import_jobs_for_actor(actor=request.user), 20).get_page(request.GET.get("page"))
    kinds = [(v, lbl) for v, lbl in ImportKind.choices if v in dict(form.fields["kind"].choices)]
    return render(request, "exchange/import_list.html", {"form": form, "page": page, "kinds": kinds})


@role_required(Role.BUREAU, Role.AGENCY_ADMIN)
def import_detail(request, job_id: int):
    """One import: counts and every error with its line, field and reason."""
    job = get_or_404(selectors.import_job_get_for_actor, actor=request.user, job_id=job_id)
    labels = {field: names[0] for field, names in COLUMNS[job.kind].items()}
    labels["file"] = "文件"
    rows = [{**e, "label": labels.get(e["field"], e["field"])} for e in job.error_list]
    errors = Paginator(rows, 200).get_page(request.GET.get("page"))
    return render(request, "exchange/import_detail.html", {"job": job, "page": errors})


@role_required(Role.BUREAU, Role.AGENCY_ADMIN)
def import_errors_xlsx(request, job_id: int):
    """Download the error report of an import."""
    job = get_or_404(selectors.import_job_get_for_actor, actor=request.user, job_id=job_id)
    response = HttpResponse(services.import_error_report_xlsx(job), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response


@role_required(Role.BUREAU, Role.AGENCY_ADMIN)
def import_template(request, kind: str, fmt: str):
    """Download an empty import template (csv or xlsx)."""
    if kind not in ImportKind.values or fmt not in ("csv", "xlsx"):
        raise Http404
    data = services.import_template(kind, fmt)
    content_type = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="import-{kind}.{fmt}"'
    return response
