"""Enterprise imports: every bad row reported with line, field and reason; all or nothing / good rows;
idempotent re-import; one audit event per import (R30); the file kept under its SHA-256.
"""

import hashlib
from decimal import Decimal

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import ValidationFailed
from clearcheck.exchange.models import ImportJob
from clearcheck.exchange.services import import_run
from clearcheck.exchange.storage import file_absolute_path
from clearcheck.registry.models import Enterprise

from .conftest import ENTERPRISE_HEADER, csv_bytes, enterprise_row, uscc, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(actor, rows, *, mode="all_or_nothing", header=ENTERPRISE_HEADER, filename="企业.csv", data=None):
    return import_run(actor=actor, kind="enterprises", filename=filename, data=data or csv_bytes(header, rows),
                      mode=mode)


def test_csv_happy_path(bureau):
    job = run(bureau, [enterprise_row(1), enterprise_row(2, coordinate_datum="", latitude="", longitude="")])
    assert (job.status, job.rows_total, job.rows_created, job.rows_failed) == ("committed", 2, 2, 0)
    first = Enterprise.objects.get(uscc=uscc(1))
    assert first.name == "东阿县测试阿胶有限公司1" and first.region_id == "371524" and first.industry_id == "2740"
    assert first.latitude == Decimal("36.336000") and first.longitude == Decimal("116.248000")
    assert first.coordinate_datum == "wgs84" and first.status == "operating"
    second = Enterprise.objects.get(uscc=uscc(2))
    assert second.latitude is None and second.coordinate_datum == ""
    assert first.created_at is not None and first.updated_at is not None


def test_xlsx_happy_path_with_numeric_cells_and_chinese_labels(bureau):
    rows = [enterprise_row(1, region=371524, industry=2740, latitude=36.3, longitude=116.2, entity_type="个体工商户",
                           status="存续")]
    job = run(bureau, rows, filename="企业.xlsx", data=xlsx_bytes(ENTERPRISE_HEADER, rows))
    assert job.status == "committed" and job.rows_created == 1
    enterprise = Enterprise.objects.get(uscc=uscc(1))
    assert enterprise.entity_type == "individual_business" and enterprise.latitude == Decimal("36.300000")


def test_gcj02_coordinates_converted_to_wgs84(bureau):
    run(bureau, [enterprise_row(1, coordinate_datum="gcj02", latitude="36.336", longitude="116.248")])
    enterprise = Enterprise.objects.get(uscc=uscc(1))
    assert enterprise.coordinate_datum == "gcj02"
    assert enterprise.latitude != Decimal("36.336000")  # moved by the datum shift
    assert abs(enterprise.latitude - Decimal("36.336")) < Decimal("0.01")


def test_lowercase_and_spaces_in_uscc_normalised_and_accepted(bureau):
    code = "91371524MA3C8K5X1W"
    job = run(bureau, [enterprise_row(7, uscc=" 91371524ma3c 8k5x-1w ")])
    assert job.status == "committed", job.error_list
    assert Enterprise.objects.filter(uscc=code).exists()


def _wrong_check_digit():
    code = uscc(3)
    return code[:17] + ("0" if code[17] != "0" else "1")


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"uscc": _wrong_check_digit()}, "uscc", "校验位错误"),
        ({"uscc": "91371524MA3C8K5X1"}, "uscc", "应为18位"),
        ({"uscc": "91371524MA3C8K5XIW"}, "uscc", "I、O、S、V、Z"),
        ({"uscc": "91371524OA3C8K5X1W"}, "uscc", "不使用"),
        ({"latitude": "91", "longitude": "116"}, "latitude", "纬度"),
        ({"latitude": "36", "longitude": "181"}, "longitude", "经度"),
        ({"latitude": "abc", "longitude": "116"}, "latitude", "数字"),
        ({"coordinate_datum": "mars"}, "coordinate_datum", "坐标基准"),
        ({"region": "999999"}, "region", "GB/T 2260"),
        ({"industry": "9999"}, "industry", "GB/T 4754"),
        ({"entity_type": "company"}, "entity_type", "主体类型"),
        ({"status": "bankrupt"}, "status", "登记状态"),
        ({"name": ""}, "name", "不能为空"),
    ],
)
def test_bad_row_reported_with_line_field_and_reason(bureau, changes, field, phrase):
    rows = [enterprise_row(1), enterprise_row(2), enterprise_row(3, **changes)]
    job = run(bureau, rows)
    assert job.status == "rejected"
    assert job.rows_failed == 1
    [error] = [e for e in job.error_list if e["field"] == field]
    assert error["line"] == 4
    assert phrase in error["message"]
    assert not Enterprise.objects.exists()  # all or nothing: not even the good rows


def test_duplicate_uscc_in_file_reported_on_later_line(bureau):
    job = run(bureau, [enterprise_row(1), enterprise_row(2), enterprise_row(1, name="另一家")], mode="good_rows")
    assert job.error_list == [{"line": 4, "field": "uscc", "message": f"统一社会信用代码 {uscc(1)} 与第2行重复"}]
    assert job.status == "partially_committed" and job.rows_created == 2
    assert Enterprise.objects.get(uscc=uscc(1)).name == "东阿县测试阿胶有限公司1"


def test_all_or_nothing_writes_no_registry_row_but_keeps_job_and_event(bureau):
    before = AuditEvent.objects.count()
    job = run(bureau, [enterprise_row(1), enterprise_row(2, region="000000"), enterprise_row(3, uscc="X")])
    assert job.status == "rejected" and job.rows_total == 3 and job.rows_failed == 2 and job.rows_created == 0
    assert [e["line"] for e in job.error_list] == [3, 4]
    assert not Enterprise.objects.exists()
    assert ImportJob.objects.filter(pk=job.pk).exists()
    assert AuditEvent.objects.count() == before + 1


def test_good_rows_writes_only_the_good_ones(bureau):
    job = run(bureau, [enterprise_row(1), enterprise_row(2, industry="0000"), enterprise_row(3)], mode="good_rows")
    assert job.status == "partially_committed"
    assert (job.rows_created, job.rows_failed) == (2, 1)
    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {uscc(1), uscc(3)}


def test_good_rows_with_no_good_row_is_rejected(bureau):
    job = run(bureau, [enterprise_row(1, region="1")], mode="good_rows")
    assert job.status == "rejected" and not Enterprise.objects.exists()


def test_reimport_is_idempotent(bureau):
    rows = [enterprise_row(n) for n in range(1, 6)] + [enterprise_row(6, coordinate_datum="bd09")]
    first = run(bureau, rows)
    assert first.rows_created == 6
    stamps = dict(Enterprise.objects.values_list("uscc", "updated_at"))
    ids = dict(Enterprise.objects.values_list("uscc", "id"))
    second = run(bureau, rows)
    assert (second.status, second.rows_created, second.rows_updated, second.rows_unchanged) == ("committed", 0, 0, 6)
    assert dict(Enterprise.objects.values_list("uscc", "updated_at")) == stamps
    assert dict(Enterprise.objects.values_list("uscc", "id")) == ids
    assert first.file_sha256 == second.file_sha256 and ImportJob.objects.count() == 2


def test_changed_row_updates_it(bureau):
    run(bureau, [enterprise_row(1), enterprise_row(2)])
    stamp = Enterprise.objects.get(uscc=uscc(2)).updated_at
    job = run(bureau, [enterprise_row(1), enterprise_row(2, name="改名后的公司", status="cancelled"), enterprise_row(3)])
    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (1, 1, 1)
    changed = Enterprise.objects.get(uscc=uscc(2))
    assert changed.name == "改名后的公司" and changed.status == "cancelled" and changed.updated_at > stamp


def test_columns_absent_from_the_file_are_not_erased(bureau):
    run(bureau, [enterprise_row(1)])
    header = ["统一社会信用代码", "企业名称", "主体类型", "行政区划代码", "行业代码"]
    job = run(bureau, [[uscc(1), "新名称", "legal_person", "371524", "2740"]], header=header)
    assert job.rows_updated == 1
    enterprise = Enterprise.objects.get(uscc=uscc(1))
    assert enterprise.name == "新名称" and enterprise.latitude == Decimal("36.336000")
    assert enterprise.address == "东阿县铜城街道"


def test_exactly_one_audit_event_per_import(bureau):
    before = AuditEvent.objects.count()
    job = run(bureau, [enterprise_row(n) for n in range(1, 51)])
    events = AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:]
    assert [e.action for e in events] == ["import.run"]
    event = events[0]
    assert event.subject_type == "exchange.importjob" and event.subject_id == str(job.pk)
    assert job.file_sha256 in event.body and '"created":50' in event.body


def test_stored_file_matches_its_sha256(bureau):
    data = csv_bytes(ENTERPRISE_HEADER, [enterprise_row(1)])
    job = run(bureau, [], data=data)
    path = file_absolute_path(job.stored_path)
    assert job.stored_path == f"imports/{job.file_sha256[:2]}/{job.file_sha256}"
    assert path.read_bytes() == data
    assert hashlib.sha256(path.read_bytes()).hexdigest() == job.file_sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("filename", "data"),
    [("e.xlsx", b"not a zip"), ("e.csv", b""), ("e.pdf", b"%PDF-1.4"), ("e.csv", "企业名称\n甲\n".encode())],
)
def test_unreadable_upload_writes_nothing(bureau, filename, data, settings):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as info:
        import_run(actor=bureau, kind="enterprises", filename=filename, data=data)
    assert info.value.errors[0].field == "file"
    assert not ImportJob.objects.exists() and AuditEvent.objects.count() == before
    assert not (settings.MEDIA_ROOT / "imports").exists()


def test_unknown_kind_and_mode_refused(bureau):
    with pytest.raises(ValidationFailed) as info:
        import_run(actor=bureau, kind="tasks", filename="a.csv", data=b"x", mode="some")
    assert {e.field for e in info.value.errors} == {"kind", "mode"}


def test_reimport_with_integral_and_padded_coordinates_is_idempotent(bureau):
    rows = [enterprise_row(1, latitude="36", longitude="116.0"), enterprise_row(2, latitude="-0.0000004",
                                                                               longitude="0.1234565")]
    run(bureau, rows)
    again = run(bureau, rows)
    assert (again.rows_updated, again.rows_unchanged) == (0, 2)
    assert Enterprise.objects.get(uscc=uscc(1)).latitude == Decimal("36")
