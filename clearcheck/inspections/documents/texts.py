"""Fixed texts of the printed documents: the conduct prohibitions (五个严禁 / 八个不得, clause 八(二十三)
of the work plan), the enterprise's rights, and the standard lines of the correction order.
"""

from ..selectors.visits import CONDUCT_PROHIBITIONS

# 五个严禁 / 八个不得: one wording for the platform, kept by the check-in area (shown to the enterprise
# at check-in, R28, and asked about in the evaluation, R27). Lazy texts: rendered in Chinese.
FIVE_PROHIBITIONS = CONDUCT_PROHIBITIONS["five"]
EIGHT_MUST_NOTS = CONDUCT_PROHIBITIONS["eight"]

# What the notice tells the enterprise it may do (四(八)(九), R13, R29).
ENTERPRISE_RIGHTS: tuple[str, ...] = (
    "检查人员不得少于两人(法律另有规定的除外),并应当主动出示行政执法证件;你单位可以扫描检查人员的"
    "电子行政执法证核验其身份、资格及是否已在你单位扫码入企。",
    "检查人员须先扫描你单位的企业码(无企业码的须定位打卡)后方可入企;未扫码或未打卡入企的,你单位有权拒绝,"
    "并可以通过本平台或“爱山东”APP等渠道反馈。",
    "检查人员与你单位有直接利害关系或者有其他关系可能影响公正检查的,你单位有权申请其回避;"
    "回避申请由本机关负责人决定并告知结果。",
    "执法辅助人员、网格员、临时工等不具有行政执法资格的人员以及第三方机构人员无权实施行政检查,你单位有权拒绝。",
    "你单位有权对检查情况陈述、申辩,在现场检查笔录上如实记录你单位的意见。",
    "检查事项以本通知书载明的为限(“清单之外无检查”);检查人员违反“五个严禁”“八个不得”的,"
    "你单位有权向本机关、司法行政部门或者纪检监察机关投诉举报。",
    "对行政检查行为不服的,你单位可以依法申请行政复议或者提起行政诉讼。",
)

# What the enterprise is asked to do (its duty to cooperate, stated plainly).
ENTERPRISE_DUTIES = "请你单位依法配合检查,如实提供有关情况和材料,并安排熟悉情况的人员在场。"

# The provision under which an order to correct is given (configurable per deployment,
# setting CLEARCHECK_DOCUMENT_CORRECTION_BASIS).
CORRECTION_BASIS_DEFAULT = "《中华人民共和国行政处罚法》第二十八条第一款"
