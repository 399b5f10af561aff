import csv
import io

import pytest


def uscc(serial: int, region: str = "371524") -> str:
    """A valid USCC for test enterprise ``serial``."""
    from clearcheck.registry.validators import uscc_check_digit

    first17 = f"91{region}{serial:09d}"
    return first17 + uscc_check_digit(first17)


ENTERPRISE_HEADER = ["统一社会信用代码", "企业名称", "主体类型", "法定代表人", "住所", "行政区划代码", "行业代码",
                     "纬度", "经度", "坐标系", "登记状态"]


def enterprise_row(serial: int, **changes) -> list:
    row = {
        "uscc": uscc(serial), "name": f"东阿县测试阿胶有限公司{serial}", "entity_type": "legal_person",
        "legal_representative": "张三", "address": "东阿县铜城街道", "region": "371524", "industry": "2740",
        "latitude": "36.336", "longitude": "116.248", "coordinate_datum": "wgs84", "status": "operating",
    }
    row.update(changes)
    return list(row.values())


def csv_bytes(header: list, rows: list[list], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def codes(reference_codes):
    """Region 371524 and industry 2740 (from the data migration, or created here when it has not run)."""
    from clearcheck.registry.models import Industry

    Industry.objects.get_or_create(code="1810", defaults={"name": "机织服装制造", "level": "class"})
    return reference_codes


@pytest.fixture
def bureau(make_user, codes):
    return make_user("bureau")


@pytest.fixture
def agency_admin(make_user, make_agency, codes):
    # An admin of the agency that keeps the register of "9…" entities (ADR 0018), so it may import them.
    return make_user("agency_admin", agency=make_agency(register_authorities="9"))
