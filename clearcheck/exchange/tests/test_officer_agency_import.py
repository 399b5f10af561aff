"""Officer and agency imports: validity order, duplicate credentials (in the file and against the
registry), agency scoping, versions of imported agencies (R01), idempotence, permissions.
"""

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import PermissionDenied
from clearcheck.exchange.services import import_run
from clearcheck.registry.models import Agency, AgencyVersion, Officer

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

OFFICER_HEADER = ["姓名", "执法证号", "有效期起", "有效期止", "证件状态", "人员类别", "所属机关编码"]


def officer_row(n: int, agency_code: str = "", **changes) -> list:
    row = {"name": f"执法员{n}", "credential_no": f"3715240{n:07d}", "valid_from": "2025-01-01",
           "valid_to": "2029-12-31", "status": "有效", "personnel_type": "行政执法人员", "agency_code": agency_code}
    row.update(changes)
    return list(row.values())


def officers(actor, rows, *, mode="all_or_nothing", agency=None):
    return import_run(actor=actor, kind="officers", filename="人员.csv", data=csv_bytes(OFFICER_HEADER, rows),
                      mode=mode, agency=agency)


def test_officers_imported_by_agency_code(bureau, make_agency):
    agency = make_agency()
    job = officers(bureau, [officer_row(1, agency.code), officer_row(2, agency.code, personnel_type="网格员")])
    assert job.status == "committed" and job.rows_created == 2
    assert Officer.objects.get(credential_no="37152400000002").personnel_type == "grid_worker"
    assert set(Officer.objects.values_list("agency_id", flat=True)) == {agency.pk}
    assert job.agency_id == agency.pk  # one agency's officers: the job belongs to that agency


def test_agency_admin_imports_into_its_own_agency(agency_admin):
    job = officers(agency_admin, [officer_row(1)])
    assert job.status == "committed" and job.agency_id == agency_admin.agency_id
    assert Officer.objects.get().agency_id == agency_admin.agency_id


def test_valid_to_before_valid_from_reported(bureau, make_agency):
    agency = make_agency()
    job = officers(bureau, [officer_row(1, agency.code), officer_row(2, agency.code, valid_to="2024-12-31")])
    assert job.status == "rejected" and not Officer.objects.exists()
    assert job.error_list == [{"line": 3, "field": "valid_to", "message": "有效期止不得早于有效期起"}]


def test_bad_date_and_enum_reported(bureau, make_agency):
    agency = make_agency()
    job = officers(bureau, [officer_row(1, agency.code, valid_from="2025-13-01", personnel_type="志愿者")])
    fields = {e["field"] for e in job.error_list}
    assert fields == {"valid_from", "personnel_type"} and {e["line"] for e in job.error_list} == {2}


def test_duplicate_credential_in_file_reported_on_later_line(bureau, make_agency):
    agency = make_agency()
    rows = [officer_row(1, agency.code), officer_row(2, agency.code), officer_row(1, agency.code, name="王五")]
    job = officers(bureau, rows, mode="good_rows")
    assert job.error_list == [{"line": 4, "field": "credential_no", "message": "执法证号 37152400000001 与第2行重复"}]
    assert job.rows_created == 2 and Officer.objects.get(credential_no="37152400000001").name == "执法员1"


def test_duplicate_credential_against_registry_reported(bureau, make_agency, make_officer):
    mine, other = make_agency(), make_agency("东阿县卫生健康局")
    make_officer(other, credential_no="37152400000001")
    job = officers(bureau, [officer_row(1, mine.code)])
    assert job.status == "rejected"
    [error] = job.error_list
    assert (error["line"], error["field"]) == (2, "credential_no") and "东阿县卫生健康局" in error["message"]


def test_agency_admin_cannot_import_into_another_agency(agency_admin, make_agency):
    other = make_agency()
    job = officers(agency_admin, [officer_row(1, other.code)])
    assert job.status == "rejected" and job.error_list[0]["field"] == "agency_code"
    with pytest.raises(PermissionDenied):
        officers(agency_admin, [officer_row(1)], agency=other)


def test_unknown_or_missing_agency_code(bureau):
    job = officers(bureau, [officer_row(1, "NOPE"), officer_row(2)])
    assert [(e["line"], e["field"]) for e in job.error_list] == [(2, "agency_code"), (3, "agency_code")]


def test_officer_reimport_idempotent_and_change_updates(bureau, make_agency):
    agency = make_agency()
    rows = [officer_row(1, agency.code), officer_row(2, agency.code)]
    officers(bureau, rows)
    stamps = dict(Officer.objects.values_list("credential_no", "updated_at"))
    again = officers(bureau, rows)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert dict(Officer.objects.values_list("credential_no", "updated_at")) == stamps
    changed = officers(bureau, [officer_row(1, agency.code), officer_row(2, agency.code, status="吊销")])
    assert (changed.rows_updated, changed.rows_unchanged) == (1, 1)
    assert Officer.objects.get(credential_no="37152400000002").status == "revoked"


def test_officer_import_writes_one_audit_event(bureau, make_agency):
    agency = make_agency()
    before = AuditEvent.objects.count()
    officers(bureau, [officer_row(n, agency.code) for n in range(1, 11)])
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:]) == ["import.run"]


AGENCY_HEADER = ["主体编码", "名称", "主体类别", "法定依据", "行政区划代码", "上级机关编码"]


def agencies(actor, rows, mode="all_or_nothing"):
    return import_run(actor=actor, kind="agencies", filename="主体.csv", data=csv_bytes(AGENCY_HEADER, rows),
                      mode=mode)


AGENCY_ROWS = [
    ["SJ", "东阿县司法局", "行政机关", "《地方各级人民政府组织法》", "371524", ""],
    ["SCJG", "东阿县市场监督管理局", "行政机关", "《行政处罚法》", "371524", ""],
    ["SCJG-1", "东阿县市场监督管理局铜城所", "受委托组织", "委托书", "371524", "SCJG"],
]


def test_r01_agencies_imported_through_the_registry_with_versions(bureau):
    job = agencies(bureau, AGENCY_ROWS)
    assert job.status == "committed" and job.rows_created == 3, job.error_list
    child = Agency.objects.get(code="SCJG-1")
    assert child.parent.code == "SCJG" and child.kind == "entrusted_organisation"
    assert AgencyVersion.objects.get(agency=child).reason == "批量导入 主体.csv"
    assert AuditEvent.objects.filter(action="import.run").count() == 1
    again = agencies(bureau, AGENCY_ROWS)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert AgencyVersion.objects.filter(agency=child).count() == 1
    changed = agencies(bureau, [*AGENCY_ROWS[:2], [*AGENCY_ROWS[2][:3], "新委托书", "371524", "SCJG"]])
    assert changed.rows_updated == 1 and Agency.objects.get(code="SCJG-1").legal_basis == "新委托书"


def test_agency_import_all_or_nothing(bureau):
    rows = [*AGENCY_ROWS[:2], ["X", "", "行政机关", "", "999999", "NOPE"], ["SJ", "重复", "行政机关", "依据", "371524", ""]]
    job = agencies(bureau, rows)
    assert job.status == "rejected" and not Agency.objects.filter(code__in=["SJ", "SCJG"]).exists()
    lines = {(e["line"], e["field"]) for e in job.error_list}
    assert (4, "region") in lines and (5, "code") in lines


def test_agency_import_good_rows(bureau):
    rows = [AGENCY_ROWS[0], ["X", "某局", "行政机关", "依据", "371524", "NOPE"]]
    job = agencies(bureau, rows, mode="good_rows")
    assert job.status == "partially_committed" and job.rows_created == 1
    assert job.error_list[0]["field"] == "parent_code" and job.error_list[0]["line"] == 3


@pytest.mark.parametrize(("role", "kind"), [
    ("agency_admin", "agencies"), ("agency_head", "enterprises"), ("officer", "officers"), ("enterprise", "enterprises"),
    ("government", "enterprises"), ("discipline", "officers"), ("department_head", "officers"),
])
def test_permissions(make_user, codes, role, kind):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        import_run(actor=user, kind=kind, filename="a.csv", data=b"a")


def test_anonymous_may_not_import(codes):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        import_run(actor=AnonymousUser(), kind="enterprises", filename="a.csv", data=b"a")
