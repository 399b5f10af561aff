"""Human labels of the audit trail's action codes (issue 19): a page shows "发出预警", never "alert.raise".

``ACTION_LABELS`` is the one table, covering every action the code base records (a test reads the sources and
the demo's trail and fails on a code without a label). ``action_label`` falls back on the entity's name
(``ENTITY_LABELS``) and then on a plain "其他操作", so a page never shows a dotted code even for an action
added without a label.
"""

from django.utils.translation import gettext_lazy as _

ENTITY_LABELS = {
    "agency": _("行政检查主体"), "agency_list": _("检查主体清单"), "alert": _("预警"), "alert_run": _("预警巡检"),
    "annual_plan": _("年度检查计划"), "annual_plan_entry": _("年度计划条目"), "api_token": _("接口令牌"),
    "calendar_day": _("工作日历"), "calendar_year": _("工作日历"), "deadline": _("工作日期限"),
    "checklist": _("检查表单"), "checklist_entry": _("检查表单条目"),
    "complaint": _("投诉举报"), "demo": _("演示数据"), "directive": _("督办指令"), "disposition": _("处置"),
    "draw": _("双随机抽取"), "enterprise": _("企业"), "enterprise_code": _("企业码"),
    "enterprise_credit": _("企业信用"), "enterprise_note": _("企业备注"), "enterprise_tier": _("企业风险等级"),
    "entry_refusal": _("拒绝入企"), "evaluation": _("事后评价"), "evidence": _("证据"),
    "evidence_upload": _("证据上传"), "finding": _("检查发现"), "handbook": _("检查指引"), "import": _("数据导入"),
    "inspection_item": _("检查事项"), "inspection_task": _("检查任务"), "interview": _("约谈"),
    "login": _("登录"), "second_factor": _("动态口令"),
    "item_list": _("检查事项清单"), "joint_inspection": _("联合检查"), "no_penalty_entry": _("免罚清单条目"),
    "no_penalty_list": _("免罚清单"), "notice": _("通报"), "officer": _("执法人员"), "platform_key": _("平台签名密钥"), "pool": _("抽查名录库"),
    "record": _("现场检查笔录"), "recusal_request": _("回避申请"), "referral": _("移送"),
    "special_plan": _("专项检查计划"), "standard": _("检查标准"), "supervision_matter": _("督办事项"),
    "task": _("检查任务"), "tier_scheme": _("分级方案"), "user": _("用户账号"), "visit": _("入企检查"),
}

ACTION_LABELS = {
    "agency.create": _("新增行政检查主体"), "agency.update": _("修改行政检查主体"),
    "agency_list.draft": _("起草检查主体清单"), "agency_list.review": _("审核检查主体清单"),
    "agency_list.approve": _("审定检查主体清单"), "agency_list.reject": _("退回检查主体清单"),
    "agency_list.publish": _("公布检查主体清单"),
    "alert.raise": _("发出预警"), "alert.repeat": _("再次触发预警"), "alert.acknowledge": _("标记预警已知悉"),
    "alert.assign": _("分派预警承办人"), "alert.resolve": _("办结预警"), "alert.reopen": _("重新打开预警"),
    "alert_run.start": _("开始预警巡检"), "alert_run.finish": _("完成预警巡检"),
    "annual_plan.create": _("新建年度检查计划"), "annual_plan.update": _("修改年度检查计划"),
    "annual_plan.file": _("备案年度检查计划"), "annual_plan_entry.set": _("填写年度计划条目"),
    "annual_plan_entry.remove": _("删除年度计划条目"),
    "api_token.issue": _("签发接口令牌"), "api_token.revoke": _("吊销接口令牌"),
    "calendar_day.set": _("更正工作日历中的一天"), "calendar_year.load": _("载入全年工作日历"),
    "deadline.recompute": _("按工作日历重新计算期限"),
    "login.locked": _("登录失败过多,暂停登录"),
    "second_factor.begin": _("开始绑定动态口令"), "second_factor.enrol": _("绑定动态口令"), "second_factor.recovery_use": _("使用恢复码登录"),
    "second_factor.reset": _("重置动态口令"),
    "checklist.create": _("新建检查表单"), "checklist.new_version": _("新建检查表单版本"),
    "checklist.publish": _("发布检查表单"), "checklist_entry.add": _("添加检查表单条目"),
    "checklist_entry.remove": _("删除检查表单条目"),
    "complaint.receive": _("收到投诉举报"), "complaint.import": _("导入投诉举报"), "complaint.accept": _("受理投诉举报"),
    "complaint.forward": _("转交投诉举报"), "complaint.report": _("填报投诉办理结果"),
    "complaint.reply": _("答复投诉人"), "complaint.close": _("办结投诉举报"), "complaint.reject": _("不予受理投诉举报"),
    "demo.load": _("载入演示数据"),
    "directive.issue": _("发出督办指令"), "directive.reply": _("回复督办指令"),
    "disposition.add": _("登记处置"), "disposition.close": _("处置办结"), "disposition.remove": _("删除处置"),
    "draw.create": _("新建双随机抽取"), "draw.commit": _("公布抽取承诺"), "draw.select": _("执行抽取"),
    "draw.reveal": _("公开抽取结果"), "draw.cancel": _("作废抽取"), "draw.tasks_make": _("据抽取结果生成任务"),
    "enterprise.create": _("登记企业"), "enterprise.update": _("修改企业信息"),
    "enterprise_code.issue": _("签发企业码"), "enterprise_code.revoke": _("作废企业码"),
    "enterprise_credit.set": _("设置企业信用"), "enterprise_note.add": _("添加企业备注"),
    "enterprise_tier.manual": _("评定企业风险等级"), "enterprise_tier.scored": _("按评分模型定级"),
    "entry_refusal.record": _("登记拒绝入企"),
    "evaluation.submit": _("提交事后评价"),
    "evidence.add": _("上传证据"), "evidence.withdraw": _("撤回证据"),
    "evidence_upload.create": _("开始上传证据"), "evidence_upload.finish": _("完成证据上传"),
    "evidence_upload.abort": _("中止证据上传"), "evidence_upload.expire": _("证据上传过期"),
    "evidence_upload.refuse": _("拒收证据上传"),
    "finding.create": _("登记检查发现"), "finding.update": _("修改检查发现"), "finding.remove": _("删除检查发现"),
    "finding.close": _("检查发现办结"),
    "handbook.create": _("新建检查指引"), "handbook.draft_start": _("起草检查指引新版本"),
    "handbook.draft_update": _("修改检查指引草稿"), "handbook.publish": _("发布检查指引"),
    "import.run": _("导入数据"),
    "inspection_item.create": _("新增检查事项"), "inspection_item.update": _("修改检查事项"),
    "inspection_item.withdraw": _("撤销检查事项"),
    "inspection_task.create": _("新建检查任务"), "inspection_task.create_from_draw": _("据抽取结果新建检查任务"),
    "inspection_task.update": _("修改检查任务"), "inspection_task.submit": _("提报检查任务"),
    "inspection_task.approve": _("批准检查任务"), "inspection_task.reject": _("退回检查任务"),
    "inspection_task.cancel": _("取消检查任务"), "inspection_task.complete": _("完成检查任务"),
    "inspection_task.start_urgent": _("先行实施紧急检查"),
    "interview.record": _("登记约谈"),
    "item_list.publish": _("公布检查事项清单"),
    "joint_inspection.create": _("组织联合检查"), "joint_inspection.checklist_build": _("生成联合检查表单"),
    "joint_inspection.dissolve": _("解散联合检查"),
    "no_penalty_entry.create": _("新增免罚清单条目"), "no_penalty_entry.update": _("修改免罚清单条目"),
    "no_penalty_entry.withdraw": _("撤销免罚清单条目"), "no_penalty_list.publish": _("公布免罚清单"),
    "notice.draft": _("起草通报"), "notice.update": _("修改通报"), "notice.publish": _("公布通报"),
    "officer.create": _("登记执法人员"), "officer.update": _("修改执法人员信息"),
    "officer.status_valid": _("执法证件恢复有效"), "officer.status_suspended": _("暂扣执法证件"),
    "officer.status_revoked": _("吊销执法证件"),
    "platform_key.rotate": _("轮换平台签名密钥"),
    "pool.create": _("新建抽查名录库"), "pool.update": _("修改抽查名录库"),
    "record.start": _("开始现场检查笔录"), "record.update": _("修改现场检查笔录"),
    "record.entry_set": _("填写检查项结果"), "record.sign": _("笔录签名"), "record.close": _("笔录完成"),
    "recusal_request.file": _("提出回避申请"), "recusal_request.decide": _("决定回避申请"),
    "referral.create": _("移送"), "referral.receive": _("接收移送"), "referral.accept": _("受理移送"),
    "referral.handle": _("办理移送"),
    "special_plan.create": _("新建专项检查计划"), "special_plan.update": _("修改专项检查计划"),
    "special_plan.submit": _("提交专项检查计划"), "special_plan.legal_review": _("专项计划法制审核"),
    "special_plan.discussion": _("专项计划集体讨论"), "special_plan.approve": _("批准专项检查计划"),
    "special_plan.reject": _("退回专项检查计划"), "special_plan.amend": _("变更专项检查计划"),
    "standard.create": _("新建检查标准"), "standard.update": _("修改检查标准"),
    "standard.new_version": _("新建检查标准版本"), "standard.publish": _("发布检查标准"),
    "supervision_matter.open": _("立项督办"), "supervision_matter.conclude": _("督办事项办结"),
    "task.reduction_flag": _("标记减少检查"),
    "tier_scheme.default": _("设定默认分级方案"), "tier_scheme.update": _("修改分级方案"),
    "user.create": _("新建用户账号"),
    "visit.start": _("签到入企"), "visit.confirm": _("执法人员确认入企"), "visit.open": _("开始入企检查"),
    "visit.close": _("结束入企检查"), "visit.cancel": _("取消入企检查"), "visit.expire": _("入企签到过期"),
}

OTHER = _("其他操作")


def action_label(action: str) -> str:
    """The human label of an audit action code; an unknown code reads by its entity ("企业 · 其他操作") or as
    "其他操作", never as the code itself.
    """
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    entity = ENTITY_LABELS.get((action or "").split(".", 1)[0])
    return f"{entity} · {OTHER}" if entity is not None else str(OTHER)


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every known action, grouped by entity and sorted by label within it: the filter's
    choices on the audit trail page.
    """
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()),
                  key=lambda pair: (str(ENTITY_LABELS.get(pair[0].split(".", 1)[0], "")), pair[0]))


def entity_choices() -> list[tuple[str, str]]:
    """(prefix, label) of every entity that has actions: a filter by "企业的所有操作"."""
    prefixes = {code.split(".", 1)[0] for code in ACTION_LABELS}
    return sorted(((p, str(ENTITY_LABELS[p])) for p in prefixes if p in ENTITY_LABELS), key=lambda pair: pair[1])
