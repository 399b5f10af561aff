"""The demo county's industry handbook (一业一册, clause 六(十六)): 阿胶 (donkey-hide gelatin), whose home
is 东阿. Version 1 is written by the judicial bureau and published; a revision (v2) is in progress,
edited by the market-regulation agency's admin.

Laws are cited by name; article numbers only where the platform already cites them (行政处罚法 第三十三条).
The text is guidance, not law: it says so, and points to the published lists for the binding wording.
"""

from collections.abc import Callable

from clearcheck.accounts.models import User
from clearcheck.catalog.models import InspectionItem, NoPenaltyEntry
from clearcheck.disclosure import services as disclosure
from clearcheck.disclosure.models import HandbookVersion

INDUSTRY = "2740"  # GB/T 4754-2017 中成药生产: 阿胶 is a traditional Chinese medicine
SLUG = "ejiao"
TITLE = "阿胶行业依法经营指引(一业一册)"
ITEM_CODES = ("SCJG-001", "SCJG-002", "SCJG-003", "SCJG-007", "YJJ-001", "STHJ-001", "XF-001", "WJJ-001")

SUMMARY = """东阿是阿胶的故乡。阿胶以驴皮为原料,经煎煮、浓缩等工序制成,是中药;作为药品生产、销售的,按药品管理,适用《中华人民共和国药品管理法》和《药品生产质量管理规范》(GMP)。以阿胶为原料制成的阿胶糕、阿胶固元膏等产品,作为普通食品生产的,按食品管理,适用《中华人民共和国食品安全法》;声称具有保健功能的,须依法取得保健食品注册或者备案。

本册依据《东阿县严格规范涉企行政检查工作方案》(东政办发〔2025〕1号)第六(十六)条编制,把阿胶企业合法经营需要了解的行政许可、行政检查、行政处罚、免罚事项和信用修复信息集中告知企业。

本册是行政指导,不替代法律、法规和规章的原文;具体要求以法律法规和各执法机关公布的检查事项清单、免罚清单为准。"""

LICENCES = """一、药品生产许可证
生产阿胶(药品)的企业,须依照《中华人民共和国药品管理法》取得药品生产许可证,产品须取得药品批准文号,并持续符合《药品生产质量管理规范》。许可由省级药品监督管理部门核发;许可证载明的生产范围、生产地址等事项变更的,须依法办理变更。

二、食品生产许可证(SC)
生产阿胶糕等食品的,须依照《中华人民共和国食品安全法》和《食品生产许可管理办法》取得食品生产许可证,按食品安全标准组织生产;同一企业既生产药品又生产食品的,两类许可分别取得,生产区域和记录应当分开。

三、营业执照
依照《市场主体登记管理条例》登记,并将营业执照置于住所或者主要经营场所的醒目位置。

四、排污许可
熬胶等工序产生废水、废气的,依照《排污许可管理条例》和固定污染源排污许可分类管理名录,申请取得排污许可证或者填报排污登记表,按证排污。

五、特种设备使用登记
使用锅炉、压力容器等特种设备的,依照《中华人民共和国特种设备安全法》办理使用登记,按期检验,作业人员持证上岗。

六、原料驴皮
采购驴皮应当查验动物检疫证明等合法来源证明,建立供应商审计和进货查验记录(《中华人民共和国动物防疫法》《药品生产质量管理规范》)。"""

INSPECTION_NOTES = """清单之外无检查:对阿胶企业的行政检查,只能涉及下列已公布清单中的事项,并按已发布的检查表单进行。县市场监管局牵头制定了“阿胶生产企业综合检查表(一表通查)”,涉及药品、安全生产、排污许可、消防等多个部门的检查,原则上合并为一次联合检查(进一次门、查多项事)。

执法人员入企前必须扫描企业码,不少于两名持证执法人员;企业可以扫码核验电子执法证。日常检查通过双随机抽取确定检查对象,检查次数受企业风险等级对应的年度频次上限约束。企业的权利见本平台“企业权利指南”。"""

PENALTIES = """以下列出阿胶企业常见的违法行为及其处罚依据,具体处罚以执法机关依法作出的决定为准:

1. 未取得药品生产许可证生产药品,或者生产、销售假药、劣药——依照《中华人民共和国药品管理法》处理;构成犯罪的,依法追究刑事责任。
2. 未遵守《药品生产质量管理规范》(如批生产记录不完整、原料未按规定检验放行)——依照《中华人民共和国药品管理法》责令改正并依法处理。
3. 未取得食品生产许可从事阿胶糕等食品生产,或者生产不符合食品安全标准的食品——依照《中华人民共和国食品安全法》处理。
4. 普通食品的标签、说明书或者广告声称疾病预防、治疗功能,或者未经审查发布药品广告——依照《中华人民共和国食品安全法》《中华人民共和国广告法》处理。
5. 特种设备未经定期检验继续使用、未办理使用登记——依照《中华人民共和国特种设备安全法》处理。
6. 未取得排污许可证排放污染物、不按证排污——依照《排污许可管理条例》处理。
7. 未落实安全生产责任制、未如实记录安全生产教育和培训情况——依照《中华人民共和国安全生产法》处理。

实施行政处罚遵循《中华人民共和国行政处罚法》:过罚相当,处罚与教育相结合;作出处罚决定前,企业依法享有陈述、申辩的权利,符合条件的可以要求听证。"""

NO_PENALTY_NOTES = """《中华人民共和国行政处罚法》第三十三条规定:违法行为轻微并及时改正,没有造成危害后果的,不予行政处罚;初次违法且危害后果轻微并及时改正的,可以不予行政处罚(首违不罚);当事人有证据足以证明没有主观过错的,不予行政处罚(法律、行政法规另有规定的,从其规定)。

不予处罚不等于不纠正:执法机关通常同时责令改正,并对企业进行教育。下列事项摘自各执法机关已公布的免罚清单。"""

CREDIT_REPAIR = """行政处罚信息依法在“信用中国”网站和国家企业信用信息公示系统公示。企业纠正失信行为后,可以依照《失信行为纠正后的信用信息修复管理办法(试行)》申请信用信息修复:

1. 履行义务:按行政处罚决定缴纳罚款、完成整改,消除不良影响。
2. 在线申请:公示期满最短期限后,通过“信用中国”网站提交修复申请,上传履行处罚决定的材料,作出信用承诺。
3. 审核与结果:认定单位依法核实;符合条件的,停止公示相关信息,并同步到各共享平台。
4. 经营异常名录:因未按期报送年度报告等被列入经营异常名录的,补报、更正后可以向市场监管部门申请移出。

公示期限和申请条件以该办法及“信用中国”网站公布的规定为准。县发展和改革局、县市场监督管理局提供咨询和指导。"""

V2_ADDITION = """

七、原料追溯(修订草稿拟增加)
拟要求企业将驴皮原料批次与成品批号关联,便于出现问题时快速追溯;具体要求以县市场监管局公布的检查表单为准。"""


def _users() -> tuple[User, User]:
    return User.objects.get(username="bureau"), User.objects.get(username="scjg_admin")


def disclosure_load(*, progress: Callable[[str], None]) -> HandbookVersion:
    """The 阿胶 handbook: v1 published by the bureau, v2 a draft the market-regulation agency is revising."""
    bureau, scjg_admin = _users()
    progress("一业一册:阿胶行业依法经营指引 …")
    handbook = disclosure.handbook_create(actor=bureau, industry_code=INDUSTRY, slug=SLUG, title=TITLE)
    draft = handbook.versions.get()
    items = list(InspectionItem.objects.filter(code__in=ITEM_CODES, status="published").values_list("pk", flat=True))
    entries = list(NoPenaltyEntry.objects.filter(status="published").values_list("pk", flat=True))
    disclosure.handbook_draft_update(
        actor=bureau, version_id=draft.pk, item_ids=items, no_penalty_ids=entries,
        change_note="首次发布",
        sections={"summary": SUMMARY, "licences": LICENCES, "inspection_notes": INSPECTION_NOTES,
                  "penalties": PENALTIES, "no_penalty_notes": NO_PENALTY_NOTES, "credit_repair": CREDIT_REPAIR},
    )
    disclosure.handbook_publish(actor=bureau, version_id=draft.pk)
    revision = disclosure.handbook_draft_start(actor=scjg_admin, handbook_id=handbook.pk)
    return disclosure.handbook_draft_update(actor=scjg_admin, version_id=revision.pk,
                                            sections={"licences": LICENCES + V2_ADDITION},
                                            change_note="县市场监管局拟增加驴皮原料追溯要求")
