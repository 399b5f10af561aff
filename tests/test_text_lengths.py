"""Over-long and unstorable text (issue 20, Deliver 1): refused with a field error on every path — the API
(422 with the field's path), the web forms (the page comes back with "不超过 N 字(现为 M 字)" and what was
typed), the imports (row and column) — never cut to fit. The limit is the model field's ``max_length``
(``core.inputs.text_guard`` before every save; services and imports check earlier with their own names).
Runs on both databases: SQLite stored an over-long value whole, PostgreSQL answered 500 for it.
"""

import io
import json

import pytest
from django.test import Client

from clearcheck.core.errors import ValidationFailed
from clearcheck.core.inputs import (
    instance_text_errors,
    model_text,
    model_text_limit,
    row_text_errors,
    text_problem,
)
from clearcheck.registry.models import Enterprise, Officer
from clearcheck.registry.tests.factories import uscc_make

pytestmark = pytest.mark.django_db

HUGE = 1_700_000  # the measured request: a 1.7-million-character legal representative or address


@pytest.fixture
def bureau(make_user, reference_codes):
    from clearcheck.registry.models import Industry

    Industry.objects.get_or_create(code="2740", defaults={"name": "中药饮片加工", "level": "class"})
    return make_user("bureau")


@pytest.fixture
def bureau_client(bureau):
    client = Client(raise_request_exception=False)
    client.force_login(bureau)
    return client


def _enterprise(serial: int = 4711, **changes) -> dict:
    return {"uscc": uscc_make(serial), "name": "东阿县某阿胶有限公司", "entity_type": "legal_person",
            "region": "371524", "industry": "2740", **changes}


# --- The API ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, limit", [("legal_representative", 64), ("address", 255)])
def test_issue20_over_long_enterprise_text_is_422_not_cut(bureau_client, field, limit):
    """Measured on main: 201 and 64 or 255 characters stored. Now 422 naming the field; nothing is stored."""
    response = bureau_client.post("/api/enterprises", _enterprise(**{field: "阿" * HUGE}),
                                  content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"] == [{"field": field, "message": f"不超过 {limit} 字(现为 {HUGE} 字)"}]
    assert not Enterprise.objects.exists()


def test_issue20_text_exactly_at_the_limit_is_stored_whole(bureau_client):
    response = bureau_client.post("/api/enterprises", _enterprise(legal_representative="张" * 64, address="址" * 255),
                                  content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    stored = Enterprise.objects.get()
    assert (stored.legal_representative, stored.address) == ("张" * 64, "址" * 255)


def test_issue20_over_long_text_in_a_change_is_422_and_keeps_the_stored_value(bureau_client, make_enterprise):
    enterprise = make_enterprise(address="东阿县铜城街道")
    response = bureau_client.patch(f"/api/enterprises/{enterprise.pk}", {"address": "址" * 256, "reason": "更正"},
                                   content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"][0]["field"] == "address"
    enterprise.refresh_from_db()
    assert enterprise.address == "东阿县铜城街道"


def test_issue20_hotline_caller_fields_are_refused_not_cut(bureau_client):
    """``complaint_from_hotline`` cut the caller's name and phone to 100 and the subject to 200."""
    body = {"work_order_no": "12345-LONG", "called_at": "2026-11-20T09:30:00+08:00", "content": "反映检查过多",
            "caller_name": "王" * 101, "caller_phone": "1" * 101, "subject": "事" * 201}
    response = bureau_client.post("/api/hotline/work-orders", body, content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert {e["field"] for e in response.json()["errors"]} == {"caller_name", "caller_phone", "subject"}


def test_issue20_api_token_name_is_refused_not_cut(client, make_user):
    user = make_user("enterprise")  # a role that signs in without a second factor
    response = client.post("/api/auth/token", {"username": user.username, "password": "Qingjian-2025!",
                                               "name": "机" * 101}, content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"][0]["field"] == "name"


def test_issue20_multipart_api_text_follows_the_json_rule(bureau_client):
    """The upload routes' text fields: a bidi override is refused (422, the field) as in a JSON body."""
    upload = io.BytesIO(b"uscc\n")
    upload.name = "e.csv"
    response = bureau_client.post("/api/imports", {"kind": "enterprises\u202e", "file": upload})
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"][0]["field"] == "kind"


# --- The guard before every save ----------------------------------------------------------------------------

def test_issue20_guard_refuses_what_no_column_holds_alike(make_enterprise):
    """The last gate, whatever path got the value to the model: too long, NUL, lone surrogate."""
    enterprise = make_enterprise()
    enterprise.address = "址" * 256
    enterprise.legal_representative = "张\x00三"
    enterprise.name = "东阿\ud800"
    with pytest.raises(ValidationFailed) as info:
        enterprise.save()
    assert {(e.field, e.message[:3]) for e in info.value.errors} == {
        ("address", "不超过"), ("legal_representative", "含有控"), ("name", "含有无")}
    enterprise.refresh_from_db()
    assert enterprise.address == "山东省聊城市东阿县阿胶街78号"


def test_issue20_guard_checks_only_the_fields_saved(make_enterprise):
    enterprise = make_enterprise()
    enterprise.address = "址" * 256  # not saved below, so not checked
    enterprise.status = "closed"
    enterprise.save(update_fields=["status"])
    assert instance_text_errors(enterprise, fields=["status"]) == []


def test_issue20_limit_comes_from_the_model_field():
    assert model_text_limit(Enterprise, "address") == Enterprise._meta.get_field("address").max_length
    assert model_text("  张三 ", Enterprise, "legal_representative") == "张三"
    with pytest.raises(ValidationFailed) as info:
        model_text("名" * 65, Officer, "name", field="officer_name")
    assert info.value.errors[0].field == "officer_name" and "不超过 64 字(现为 65 字)" in info.value.errors[0].message


# --- Web forms ----------------------------------------------------------------------------------------------

def test_issue20_web_form_shows_the_limit_and_keeps_what_was_typed(bureau_client):
    typed = "山东省聊城市东阿县" + "阿" * 300
    form = {**_enterprise(), "address": typed, "legal_representative": "张三", "latitude": "", "longitude": "",
            "coordinate_datum": "gcj02", "status": "operating"}
    response = bureau_client.post("/work/registry/enterprises/new/", form)
    html = response.content.decode()
    assert response.status_code in (200, 422)
    assert f"不超过 255 字(现为 {len(typed)} 字)" in html
    assert typed in html  # what was typed comes back in the form
    assert not Enterprise.objects.exists()


def test_issue20_multipart_web_forms_drop_invisible_characters(rf):
    """The same cleaning as urlencoded posts (FormTextMiddleware), for a form with a file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clearcheck.core.api_input import FormTextMiddleware

    seen = {}

    def view(request):
        seen.update(request.POST.lists())
        seen["file"] = request.FILES["file"].read()

    request = rf.post("/work/feedback/complaints/import/", {
        "mode": "good\u202e_rows\u200b", "file": SimpleUploadedFile("orders.xlsx", b"PK\x03\x04\x00")})
    FormTextMiddleware(view)(request)
    assert seen["mode"] == ["good_rows"] and seen["file"] == b"PK\x03\x04\x00"  # the file is untouched


# --- Imports ------------------------------------------------------------------------------------------------

def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


ENTERPRISE_HEADER = ["统一社会信用代码", "企业名称", "主体类型", "法定代表人", "住所", "行政区划代码", "行业代码"]


def _import(actor, kind, data, filename="企业.csv"):
    from clearcheck.exchange.services import import_run

    job = import_run(actor=actor, kind=kind, filename=filename, data=data, mode="good_rows")
    return job, json.loads(job.errors)


def test_issue20_enterprise_import_reports_over_long_text_by_row_and_column(bureau):
    rows = [
        [uscc_make(1), "东阿县甲公司", "legal_person", "张三", "东阿县铜城街道", "371524", "2740"],
        [uscc_make(2), "东阿县乙公司", "legal_person", "李" * 65, "东阿县铜城街道", "371524", "2740"],
        [uscc_make(3), "东阿县丙公司", "legal_person", "王五", "址" * 256, "371524", "2740"],
        [uscc_make(4), "丁" * 201, "legal_person", "赵六", "", "371524", "2740"],
    ]
    job, errors = _import(bureau, "enterprises", _csv(ENTERPRISE_HEADER, rows))
    assert [(e["line"], e["field"]) for e in errors] == [(3, "legal_representative"), (4, "address"), (5, "name")]
    assert "不超过 64 字(现为 65 字)" in errors[0]["message"]
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [uscc_make(1)]  # nothing cut and stored


def test_issue20_enterprise_import_refuses_invisible_characters_per_cell(bureau):
    rows = [
        [uscc_make(1), "东阿县\u202e甲公司", "legal_person", "张三", "", "371524", "2740"],
        [uscc_make(2), "东阿县乙公司", "legal_person", "李\u200b四", "东阿\x07县", "371524", "2740"],
        [uscc_make(3), "东阿县丙公司", "legal_person", "王五", "东阿县铜城街道", "371524", "2740"],
    ]
    job, errors = _import(bureau, "enterprises", _csv(ENTERPRISE_HEADER, rows))
    assert [(e["line"], e["field"]) for e in errors] == [(2, "name"), (3, "legal_representative"), (3, "address")]
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [uscc_make(3)]


def test_issue20_officer_and_agency_imports_check_length_and_characters(bureau, make_agency):
    from clearcheck.registry.models import Agency

    agency = make_agency()
    header = ["姓名", "执法证号", "有效期起", "有效期止", "所属机关编码"]
    rows = [["名" * 65, "37152400000001", "2025-01-01", "2029-12-31", agency.code],
            ["李\u2066明", "37152400000002", "2025-01-01", "2029-12-31", agency.code],
            ["王明", "37152400000003", "2025-01-01", "2029-12-31", agency.code]]
    _, errors = _import(bureau, "officers", _csv(header, rows), filename="人员.csv")
    assert [(e["line"], e["field"]) for e in errors] == [(2, "name"), (3, "name")]
    assert list(Officer.objects.values_list("name", flat=True)) == ["王明"]
    header = ["主体编码", "名称", "主体类别", "法定依据", "行政区划代码"]
    rows = [["X0001", "东阿县\ufeff某局", "administrative_organ", "《行政处罚法》", "371524"],
            ["X0002", "局" * 129, "administrative_organ", "《行政处罚法》", "371524"]]
    _, errors = _import(bureau, "agencies", _csv(header, rows), filename="主体.csv")
    assert [(e["line"], e["field"]) for e in errors] == [(2, "name"), (3, "name")]
    assert not Agency.objects.filter(code__in=["X0001", "X0002"]).exists()


def test_issue20_import_file_name_is_refused_not_cut(bureau):
    with pytest.raises(ValidationFailed) as info:
        _import(bureau, "enterprises", _csv(ENTERPRISE_HEADER, [[uscc_make(1), "甲", "legal_person", "", "",
                                                                "371524", "2740"]]), filename="长" * 300 + ".csv")
    assert info.value.errors[0].field == "file"


def test_issue20_hotline_import_reports_bad_characters_and_lengths_by_column(bureau):
    from openpyxl import Workbook

    from clearcheck.feedback.importers import COLUMNS, complaints_import
    from clearcheck.feedback.models import Complaint

    book = Workbook()
    sheet = book.active
    sheet.append([name for name, _arg, _req in COLUMNS])
    sheet.append(["WO-1", "2026-11-20 09:30", "张\u202e先生", "", "", "", "", "反映检查过多"])
    sheet.append(["WO-2", "2026-11-20 09:30", "王" * 101, "", "", "", "", "反映检查过多"])
    sheet.append(["WO-3", "2026-11-20 09:30", "李女士", "", "", "", "", "反映\u200b检查过多"])
    sheet.append(["WO-4", "2026-11-20 09:30", "赵先生", "", "", "", "", "反映检查过多"])
    out = io.BytesIO()
    book.save(out)
    report = complaints_import(actor=bureau, filename="orders.xlsx", data=out.getvalue(), mode="good_rows")
    assert [(e.line, e.column) for e in report.errors] == [(2, "诉求人"), (3, "诉求人"), (4, "诉求内容")]
    assert "不超过 100 字(现为 101 字)" in report.errors[1].message
    assert list(Complaint.objects.values_list("external_ref", flat=True)) == ["WO-4"]


def test_issue20_row_text_errors_names_each_cell():
    """Line breaks and tabs are text; a bidi override is not; non-text cells (numbers, dates) are left alone."""
    errors = row_text_errors({"name": "东阿\u202e", "n": 5, "address": "东阿县\n铜城街道\t"})
    assert [(e.field, e.message) for e in errors] == [("name", text_problem("\u202e"))]
