"""The Chinese labels of the planning forms' fields, as each form shows them, for ``core.web.error_text``
(issue 19): an error names the field by the label the person sees above it, never by its code name
("window_end", "annual_cap"). Names not listed fall back to the models' labels.
"""

TASK_FORM_LABELS = {
    "enterprise": "被检查企业", "uscc": "统一社会信用代码", "inspection_type": "检查类型", "source": "任务来源",
    "window_start": "检查开始日期", "window_end": "检查结束日期", "source_reference": "来源文号/编号",
    "items": "检查事项", "checklist": "检查表单", "officers": "执法人员", "notice": "告知企业事项",
    "av_ground": "全过程音像记录", "urgent_reason": "紧急事由", "special_plan": "专项检查计划",
    "plan_entry": "年度计划安排",
}

# The task page's action forms: one text box each, labelled by what it asks for.
TASK_ACTION_LABELS = {**TASK_FORM_LABELS, "note": "审批意见或退回理由", "reason": "理由"}

PLAN_LABELS = {
    "year": "年度", "basis": "编制依据", "goals": "目标任务", "forms": "检查形式", "scope": "检查范围",
    "content": "检查内容", "item": "检查事项", "month": "月份", "target_count": "计划户次", "note": "说明",
    "reason": "修订理由", "entries": "月度安排", "plan": "年度检查计划",
}

SPECIAL_PLAN_LABELS = {
    "year": "年度", "title": "名称", "scope": "检查范围", "content": "检查内容", "period_start": "开始日期",
    "period_end": "结束日期", "assessment": "必要性评估", "approver_kind": "批准机关", "co_agencies": "配合机关",
    "opinion": "法制审核意见", "record": "集体讨论记录", "discussed_on": "讨论日期", "document": "批准文件",
    "note": "审批意见", "reason": "修改理由", "changes": "修改内容",
}

TIER_LABELS = {
    "tiers": "分级方案", "code": "等级代码", "name": "等级名称", "annual_cap": "年度上限",
    "sampling_ratio": "抽查比例", "enterprise": "企业", "tier_code": "等级", "reason": "理由",
    "violations": "既往违法次数", "complaints": "投诉举报次数", "rating": "信用等级", "source": "评定来源",
}

COORDINATION_LABELS = {
    "task_ids": "合并的检查任务", "lead_agency_id": "牵头机关", "window_start": "联合检查开始日期",
    "window_end": "联合检查结束日期", "note": "说明", "reason": "解散理由",
}
