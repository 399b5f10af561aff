"""Reading .csv and .xlsx files: encodings, header names, line numbers, refusals of bad files."""

import pytest

from clearcheck.core.errors import ValidationFailed
from clearcheck.exchange.parsing import rows_read

from .conftest import ENTERPRISE_HEADER, csv_bytes, enterprise_row, xlsx_bytes


def test_csv_utf8_with_bom_and_english_headers():
    data = "\ufeffUSCC,Name,entity_type,region,industry\r\nA,甲,legal_person,371524,2740\r\n".encode()
    rows = list(rows_read("e.CSV", data, "enterprises"))
    assert rows == [(2, {"uscc": "A", "name": "甲", "entity_type": "legal_person", "region": "371524",
                         "industry": "2740"})]


def test_csv_gbk_as_chinese_excel_writes_it():
    data = csv_bytes(ENTERPRISE_HEADER, [enterprise_row(1, name="东阿县阿胶厂")], encoding="gbk")
    [(line, row)] = list(rows_read("企业.csv", data, "enterprises"))
    assert line == 2 and row["name"] == "东阿县阿胶厂"


def test_blank_lines_keep_spreadsheet_line_numbers():
    data = csv_bytes(ENTERPRISE_HEADER, [enterprise_row(1), [], ["", ""], enterprise_row(2)])
    assert [line for line, _ in rows_read("e.csv", data, "enterprises")] == [2, 5]


def test_xlsx_numbers_become_text():
    data = xlsx_bytes(ENTERPRISE_HEADER, [enterprise_row(1, region=371524, industry=2740, latitude=36.5)])
    [(line, row)] = list(rows_read("e.xlsx", data, "enterprises"))
    assert line == 2 and row["region"] == "371524" and row["industry"] == "2740" and row["latitude"] == "36.5"


@pytest.mark.parametrize(
    ("filename", "data", "phrase"),
    [
        ("e.txt", b"a,b", "只支持 .xlsx 或 .csv"),
        ("e.xls", b"a,b", "只支持 .xlsx 或 .csv"),
        ("e.csv", b"", "文件为空"),
        ("e.xlsx", "统一社会信用代码,企业名称\n".encode(), "不是有效的 Excel"),
        ("e.xlsx", b"PK\x03\x04broken zip", "不是有效的 Excel"),
        ("e.csv", xlsx_bytes(["a"], [["b"]]), "内容是 Excel"),
        ("e.csv", b"\x00\x01\x02\x03binary", "二进制"),
        ("e.csv", "统一社会信用代码,企业名称\n".encode(), "缺少必需的列"),
        ("e.csv", csv_bytes(ENTERPRISE_HEADER, []), "没有数据行"),
        ("e.csv", b"\xff\xfe\xfa\xfb\x81\x30", "编码"),
    ],
)
def test_unreadable_or_mistyped_file_refused(filename, data, phrase):
    with pytest.raises(ValidationFailed) as info:
        list(rows_read(filename, data, "enterprises"))
    assert info.value.errors[0].field == "file"
    assert phrase in info.value.errors[0].message


def test_missing_required_columns_named_in_chinese():
    with pytest.raises(ValidationFailed) as info:
        rows_read("o.csv", "姓名,执法证号\n张三,1\n".encode(), "officers")
    assert "有效期起" in info.value.errors[0].message and "有效期止" in info.value.errors[0].message
