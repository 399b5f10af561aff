"""The import API and pages: upload, list, detail, error report, templates, and who may reach them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from clearcheck.exchange.parsing import rows_read
from clearcheck.exchange.services import import_run, import_template
from clearcheck.registry.models import Enterprise

from .conftest import ENTERPRISE_HEADER, csv_bytes, enterprise_row, uscc

pytestmark = pytest.mark.django_db

BAD_FILE = csv_bytes(ENTERPRISE_HEADER, [enterprise_row(1), enterprise_row(2, region="000000")])


def test_api_upload_reports_errors(client, bureau):
    client.force_login(bureau)
    upload = SimpleUploadedFile("企业.csv", BAD_FILE, content_type="text/csv")
    response = client.post("/api/imports", {"kind": "enterprises", "file": upload})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "rejected" and body["mode"] == "all_or_nothing" and body["rows_failed"] == 1
    assert body["errors"][0]["line"] == 3 and body["errors"][0]["field"] == "region"
    assert not Enterprise.objects.exists()
    detail = client.get(f"/api/imports/{body['id']}")
    assert detail.status_code == 200 and detail.json()["errors"] == body["errors"]
    page = client.get("/api/imports?limit=10").json()
    assert [item["id"] for item in page["items"]] == [body["id"]] and page["next_cursor"] is None
    report = client.get(f"/api/imports/{body['id']}/errors.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert list(sheet.iter_rows(values_only=True))[1][:2] == (3, "region")


def test_api_good_rows_mode(client, bureau):
    client.force_login(bureau)
    upload = SimpleUploadedFile("企业.csv", BAD_FILE, content_type="text/csv")
    response = client.post("/api/imports", {"kind": "enterprises", "mode": "good_rows", "file": upload})
    assert response.json()["status"] == "partially_committed"
    assert Enterprise.objects.filter(uscc=uscc(1)).exists()


def test_api_unreadable_file_is_a_problem_document(client, bureau):
    client.force_login(bureau)
    upload = SimpleUploadedFile("企业.xlsx", b"plain text", content_type="application/octet-stream")
    response = client.post("/api/imports", {"kind": "enterprises", "file": upload})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "file"


def test_api_forbidden_role_and_scoping(client, make_user, make_agency, bureau):
    job = import_run(actor=bureau, kind="enterprises", filename="e.csv", data=BAD_FILE)
    officer = make_user("officer")
    client.force_login(officer)
    upload = SimpleUploadedFile("e.csv", BAD_FILE, content_type="text/csv")
    assert client.post("/api/imports", {"kind": "enterprises", "file": upload}).status_code == 403
    assert client.get(f"/api/imports/{job.pk}").status_code == 404
    assert client.get("/api/imports").json()["items"] == []
    admin = make_user("agency_admin", agency=make_agency(register_authorities="9"))
    client.force_login(admin)
    assert client.get(f"/api/imports/{job.pk}").status_code == 404  # the bureau's job is not theirs
    own = import_run(actor=admin, kind="enterprises", filename="e.csv", data=BAD_FILE)
    assert client.get(f"/api/imports/{own.pk}").status_code == 200


def test_api_anonymous_refused(client):
    assert client.get("/api/imports").status_code == 401


def test_api_template_csv(client, bureau):
    client.force_login(bureau)
    response = client.get("/api/imports/templates/enterprises.csv")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert client.get("/api/imports/templates/tasks.csv").status_code == 422


@pytest.mark.parametrize("kind", ["enterprises", "officers", "agencies"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_are_readable_by_the_importer(kind, fmt):
    rows = list(rows_read(f"t.{fmt}", import_template(kind, fmt), kind))
    assert len(rows) == 1 and rows[0][0] == 2


def test_template_example_enterprise_is_valid(bureau):
    job = import_run(actor=bureau, kind="enterprises", filename="t.csv", data=import_template("enterprises"))
    assert job.status == "committed", job.error_list


def test_web_upload_and_detail(client, bureau):
    client.force_login(bureau)
    url = reverse("exchange:import_list")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "全部校验通过才导入(默认)" in html and "仅导入无误的行" in html and 'accept=".xlsx,.csv"' in html
    upload = SimpleUploadedFile("企业.csv", BAD_FILE, content_type="text/csv")
    response = client.post(url, {"kind": "enterprises", "mode": "all_or_nothing", "file": upload})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    text = detail.content.decode()
    assert detail.status_code == 200 and "000000" in text and "下载错误报告" in text
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    report = client.get(reverse("exchange:import_errors_xlsx", args=[job_id]))
    assert report.status_code == 200
    assert "企业.csv" in client.get(url).content.decode()


def test_web_unreadable_file_shows_message(client, bureau):
    client.force_login(bureau)
    upload = SimpleUploadedFile("企业.xlsx", b"nope", content_type="application/octet-stream")
    response = client.post(reverse("exchange:import_list"), {"kind": "enterprises", "mode": "all_or_nothing",
                                                             "file": upload}, follow=True)
    assert "不是有效的 Excel" in response.content.decode()


def test_web_templates_download(client, agency_admin):
    client.force_login(agency_admin)
    response = client.get(reverse("exchange:import_template", args=["officers", "xlsx"]))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert client.get(reverse("exchange:import_template", args=["officers", "pdf"])).status_code == 404


def test_web_roles(client, make_user, bureau):
    url = reverse("exchange:import_list")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(make_user("officer"))
    assert client.get(url).status_code == 404
    job = import_run(actor=bureau, kind="enterprises", filename="e.csv", data=BAD_FILE)
    client.force_login(make_user("agency_admin"))
    assert client.get(url).status_code == 200
    assert client.get(reverse("exchange:import_detail", args=[job.pk])).status_code == 404


def test_api_officer_import_for_a_chosen_agency(client, bureau, make_agency):
    agency = make_agency()
    client.force_login(bureau)
    data = "姓名,执法证号,有效期起,有效期止\n张三,3715240001,2025-01-01,2027-12-31\n".encode()
    upload = SimpleUploadedFile("人员.csv", data, content_type="text/csv")
    body = client.post("/api/imports", {"kind": "officers", "agency_id": agency.pk, "file": upload}).json()
    assert body["status"] == "committed" and body["agency_id"] == agency.pk
    upload = SimpleUploadedFile("人员.csv", data, content_type="text/csv")
    response = client.post("/api/imports", {"kind": "officers", "agency_id": 999999, "file": upload})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "agency_id"


def test_agency_admins_of_one_agency_see_each_others_imports(client, make_user, agency_admin):
    job = import_run(actor=agency_admin, kind="enterprises", filename="e.csv", data=BAD_FILE)
    colleague = make_user("agency_admin", agency=agency_admin.agency)
    client.force_login(colleague)
    assert client.get(f"/api/imports/{job.pk}").status_code == 200


def test_error_report_keeps_formula_like_text_as_text(bureau):
    from clearcheck.exchange.services import import_error_report_xlsx

    job = import_run(actor=bureau, kind="enterprises", filename="=cmd|' /C calc'!A0.csv", data=BAD_FILE)
    workbook = load_workbook(io.BytesIO(import_error_report_xlsx(job)))
    cell = workbook["导入概况"]["B1"]
    assert cell.value == "=cmd|' /C calc'!A0.csv" and cell.data_type == "s"
