"""Issue 19: an error shown on a page names fields by their Chinese label, never by their code name."""

import re

import pytest

from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.core.web import error_text, field_error_text


def test_issue19_a_field_is_named_by_its_label_once():
    assert field_error_text("occurred_at", "发生时间不能晚于当前时间") == "发生时间不能晚于当前时间"
    assert field_error_text("content", "不超过 4000 字") == "内容:不超过 4000 字"
    assert field_error_text("credential_no", "已被使用") == "执法证号:已被使用"
    assert field_error_text("rows[2].uscc", "校验码错误") == "第 3 行 统一社会信用代码:校验码错误"
    assert field_error_text("x_unknown", "格式不对") == "格式不对"
    assert field_error_text("content", "不超过 4000 字", {"content": "投诉内容"}) == "投诉内容:不超过 4000 字"


@pytest.mark.django_db
def test_issue19_no_code_name_in_a_validation_failure_of_several_fields():
    exc = ValidationFailed([FieldError("code", "必填"), FieldError("annual_cap", "须为正整数"),
                            FieldError("window_end", "不得早于开始日期"), FieldError("source_reference", "必填")])
    text = error_text(exc)
    assert not re.search(r"[a-z_]{3,}", text), text
    assert text == "编码:必填;年度上限:须为正整数;结束日期:不得早于开始日期;来源文号/编号:必填"
