"""The rules catalogue (RULES.md) as data the platform keeps: ID, clause, mode and message.

Code that enforces a rule raises ``RuleViolation("R14")``; the public rules page and the API
problem documents read the same entries, so a rule's wording lives in exactly one place.
"""

from dataclasses import dataclass, replace

from django.utils.translation import get_language


@dataclass(frozen=True)
class Rule:
    """One enforceable requirement of the seed work plan."""

    id: str
    clause: str
    mode: str  # "BLOCK", "ALERT", "BLOCK+ALERT", "feature", "suggestion"
    message_zh: str
    message_en: str
    name_zh: str = ""  # a short name for lists, axes and legends ("R05 年度计划备案"); see NAMES below
    name_en: str = ""

    @property
    def title_zh(self) -> str:
        """「R05 年度计划备案」: the ID with its short name, as lists, charts and alerts show a rule."""
        return f"{self.id} {self.name_zh}"

    @property
    def title_en(self) -> str:
        return f"{self.id} {self.name_en}"


_RULES = [
    Rule("R01", "二(一)", "BLOCK", "只有经确认并公布的行政检查主体方可实施检查;主体清单的调整留有版本并向社会公开。",
         "Only a confirmed, published agency may inspect; agency list changes are versioned and public."),
    Rule("R02", "二(二)", "BLOCK", "检查只能涉及本机关已公布清单内的检查事项(清单之外无检查)。",
         "An inspection may only cover items on the agency's published item list."),
    Rule("R03", "二(二)", "BLOCK", "除检查事项载明法定依据外,不得将入企检查作为行政许可、给付等办理的前提条件。",
         "A licensing or benefit procedure may not require an on-site inspection unless its item records a legal basis."),
    Rule("R04", "二(三)", "BLOCK", "现场检查须依据已发布的检查表单版本,记录保存所用的确切版本(依单检查)。",
         "Every on-site inspection follows a published checklist version; the record stores that exact version."),
    Rule("R05", "三(四)", "ALERT", "各机关须于当年3月31日前备案年度检查计划,备案信息同步共享至纪检监察机关。",
         "Each agency files its annual plan for year Y by 31 March of Y; filings are visible to the discipline role."),
    Rule("R06", "三(四)", "BLOCK", "入企检查前须通过平台提报检查信息(事前备案)。",
         "Task information is submitted before entry."),
    Rule("R07", "三(四)", "BLOCK", "检查方案须经行政执法机关负责人批准,严禁仅由内设机构负责人批准。",
         "A task is approved by the agency head; approval by an internal-department head alone is refused."),
    Rule("R08", "三(五)", "BLOCK", "专项检查须经法制审核、集体讨论并报县政府(或垂直管理的上级机关)批准后方可实施,向社会公布,并计入年度数量控制。",
         "A special plan needs legal review, collective discussion and approval before its tasks run, "
         "is published, and counts against the annual quota."),
    Rule("R09", "三(六)", "ALERT", "同一企业在重叠时段内的多项检查计划应提示合并。",
         "Plans that hit the same enterprise in overlapping windows are reported for merging."),
    Rule("R10", "三(六)", "ALERT", "紧急检查可先行实施,但须在入企时记录来源和事由,并在规定工作日内补办审批手续。",
         "Urgent inspections record source and reason at entry and get the head's approval afterwards within the deadline."),
    Rule("R11", "四(八)", "BLOCK", "须扫描企业码方可入企;无企业码的,须在企业登记位置规定半径内打卡定位。",
         "Entry only by scanning the enterprise code; without a code, a geolocated check-in within the radius."),
    Rule("R12", "四(八)", "BLOCK", "只有持有效执法证件的行政执法人员方可实施检查;辅助人员、网格员、临时工和第三方人员不得实施。",
         "Only officers with a valid credential may inspect; auxiliary staff, grid workers, temporary staff "
         "and third parties never."),
    Rule("R13", "四(八)", "BLOCK", "回避申请须说明理由作出决定并告知结果;被决定回避的人员不得被指派或入企检查该企业。",
         "A recusal request is decided with reasons and notified; a recused officer cannot be assigned to or check in at the enterprise."),
    Rule("R14", "四(九)", "BLOCK", "除法律另有规定外,入企检查不得少于两名行政执法人员,且各自确认。",
         "At least two qualified officers check in together, each on their own account, unless the law allows one."),
    Rule("R15", "四(九)", "feature", "执法人员主动出示执法证件,企业可扫码核验电子执法证。",
         "Officers show a credential; the enterprise can verify an e-credential by scanning it."),
    Rule("R16", "四(九)", "BLOCK", "检查结束前现场检查笔录须完整:起止时间、执法人员、检查事项及结果、发现问题、企业意见、签名。",
         "The on-site record is complete before the visit closes."),
    Rule("R17", "四(九)", "BLOCK+ALERT", "易引发争议或涉及人身自由、生命健康、重大财产权益的检查原则上须全过程音像记录。",
         "A contentious or high-stakes task needs audio/video from check-in to close; closing without it needs a reason."),
    Rule("R18", "四(九)", "BLOCK", "证据须完整记录拍摄时间、地点、拍摄人员、证明内容及内容摘要(SHA-256)。",
         "Evidence carries capture time, place, who captured it, what it proves, and a SHA-256 of its content."),
    Rule("R19", "四(十)", "BLOCK+ALERT", "每个问题须有处置结果,限期整改须跟踪至复查,移送须送达接收机关,全部问题处置完毕方可闭环。",
         "Every finding gets dispositions; deadlines are tracked to a re-check; the loop closes only when all findings are closed."),
    Rule("R20", "五(十一)", "suggestion", "同一企业在同一时段内多个机关的检查应尽量合并为一次联合检查(进一次门、查多项事)。",
         "Tasks of several agencies at one enterprise within a window are merged into one joint visit where possible."),
    Rule("R21", "五(十二)", "BLOCK+ALERT", "同一机关对同一企业的年度现场检查不得超过其分级对应的频次上限;低风险企业原则上不主动现场检查。",
         "An agency's on-site inspections of one enterprise in a year stay within the tier cap; low-risk enterprises get none proactively."),
    Rule("R22", "五(十三)", "suggestion", "其他机关依同一标准作出的近期检查结果应优先互认。",
         "A recent result of another agency on the same standard is offered for recognition."),
    Rule("R23", "五(十四)", "feature", "非现场监管预警转为线索;需现场核实的,按扫码入企检查。",
         "Off-site warnings become leads; on-site verification of a lead is an ordinary scan-to-enter task."),
    Rule("R24", "五(十五)", "BLOCK", "日常检查(含联合检查)须通过双随机抽取检查对象和执法人员,特殊行业除外;抽取及结果须公开。",
         "Routine inspections pick enterprises and officers by a double-random draw, except listed special sectors."),
    Rule("R25", "六(十八)", "BLOCK", "严禁以第三方服务变相实施检查;第三方评估结果不得直接作为检查结果。",
         "No inspection outsourced to a third party; a third-party assessment is never recorded as an inspection result."),
    Rule("R26", "七(二十一)", "BLOCK", "督查、调查、巡查、核查等非行政检查入企同样须扫码留痕。",
         "Non-inspection visits also scan to enter and leave a trace."),
    Rule("R27", "八(二十三)", "ALERT", "事后评价询问五个严禁、八个不得;任一为是或评分过低即生成预警。",
         "The evaluation asks about the conduct prohibitions; a 'yes' or a low score raises an alert."),
    Rule("R28", "54号", "feature", "入企时企业可见检查人员、检查依据、年度检查次数与上限、禁止性规定及申请回避的权利。",
         "At check-in the enterprise sees who inspects, on what basis, its count against the cap, the prohibitions and its right to recusal."),
    Rule("R29", "四(八)", "ALERT", "企业有权拒绝未扫码入企的检查,拒绝及反馈予以记录并生成预警。",
         "An enterprise may refuse an entry that did not scan; the refusal is recorded and raises an alert."),
    Rule("R30", "全程留痕", "BLOCK", "每次状态变更须在同一事务中写入审计事件,审计链可端到端校验。",
         "Every state change writes an audit event in the same transaction; the chain verifies end to end."),
]

# Short names (zh, en) of the rules, for the places that show a rule by its ID: alerts, check runs, charts.
NAMES = {
    "R01": ("检查主体公布", "Published agencies"), "R02": ("清单外无检查", "Only listed items"),
    "R03": ("不以检查为办理前提", "No inspection as a precondition"), "R04": ("依单检查", "Published checklist"),
    "R05": ("年度计划备案", "Annual plan filing"), "R06": ("事前提报", "Task submitted before entry"),
    "R07": ("负责人批准", "Head's approval"), "R08": ("专项检查审批", "Special plan approval"),
    "R09": ("重叠计划合并", "Overlapping plans"), "R10": ("紧急检查补办审批", "Urgent inspection approval"),
    "R11": ("扫码入企", "Scan to enter"), "R12": ("持证执法", "Credentialed officers"),
    "R13": ("回避", "Recusal"), "R14": ("两人以上执法", "Two officers"),
    "R15": ("亮证执法", "Credential shown"), "R16": ("现场笔录完整", "Complete on-site record"),
    "R17": ("全过程音像记录", "Audio/video recording"), "R18": ("证据完整", "Complete evidence"),
    "R19": ("问题处置闭环", "Findings closed"), "R20": ("联合检查", "Joint inspection"),
    "R21": ("检查频次上限", "Yearly inspection cap"), "R22": ("结果互认", "Mutual recognition"),
    "R23": ("非现场监管", "Off-site supervision"), "R24": ("双随机抽取", "Double-random draw"),
    "R25": ("禁止第三方代检", "No third-party inspection"), "R26": ("非检查入企留痕", "Other visits scanned"),
    "R27": ("事后评价", "Evaluation"), "R28": ("入企告知", "Information at entry"),
    "R29": ("拒绝未扫码入企", "Refused unscanned entry"), "R30": ("全程留痕", "Audit trail"),
}
_RULES = [replace(rule, name_zh=NAMES[rule.id][0], name_en=NAMES[rule.id][1]) for rule in _RULES]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}

# Security checks (issue 20): alerts that no clause of the work plan asks for but that an alert must carry an
# ID for. "S" IDs, apart from the rules of RULES.md (so neither the public rules page nor the rule catalogue
# lists them); ``rule_get`` and ``rule_title`` know them so that an alert of one reads like any other.
SECURITY_CHECKS: dict[str, Rule] = {rule.id: rule for rule in [
    Rule("S01", "账户安全", "ALERT", "账户或客户端地址因登录失败过多被暂停登录,可能有人在猜测密码。",
         "An account or a client address was locked after too many failed sign-ins: someone may be guessing "
         "passwords.", "登录多次被暂停", "Sign-in lockouts"),
]}


def rule_get(rule_id: str) -> Rule:
    """Return the catalogue entry of ``rule_id``, a rule or a security check (KeyError for an unknown ID: a
    programming error).
    """
    return RULES[rule_id] if rule_id in RULES else SECURITY_CHECKS[rule_id]


def rule_title(rule_id: str) -> str:
    """「R05 年度计划备案」 for a known rule ID (in the active language); an unknown one as given."""
    rule = RULES.get(rule_id) or SECURITY_CHECKS.get(rule_id)
    if rule is None:
        return rule_id
    return rule.title_en if (get_language() or "").startswith("en") else rule.title_zh
