"""Build the demo county through the services, exactly as its users would (every rule applies,
every step is in the audit chain).

The demo goes only into a database of its own: its first event in the chain, ``demo.load``, marks the
database as the demo's, and a database that holds anything else (accounts, agencies, enterprises or audit
events the demo did not make) is refused, so its published password never lands on real data.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.hashers import check_password
from django.db import transaction

from clearcheck.accounts.choices import Role
from clearcheck.accounts.models import User
from clearcheck.accounts.services import user_create
from clearcheck.audit.models import AuditEvent
from clearcheck.audit.services import audit_record, audit_seal
from clearcheck.catalog import services as catalog
from clearcheck.catalog.models import InspectionItem
from clearcheck.exchange.services import import_run
from clearcheck.registry import services as registry
from clearcheck.registry.models import Agency, Enterprise, Officer, Region

from .dashboards import dashboards_load
from .data import (
    AGENCIES,
    CHECKLISTS,
    ITEMS,
    NO_PENALTY,
    OFFICER_NAMES,
    REGION,
    REGISTER_KEEPERS,
    SPECIAL_SECTORS,
)
from .disclosure import disclosure_load
from .draws import draws_load
from .enterprises import enterprise_csv, enterprise_rows
from .feedback import feedback_load
from .inspections import inspections_load
from .onsite import onsite_load
from .planning import planning_load
from .supervision import supervision_load

DEMO_PASSWORD = "demo-2025"
# The demo's one TOTP secret (issue 20): every demo account whose role needs a second factor is enrolled with
# it, and ``demo_accounts`` prints it and its current code, so that a newcomer adds it once to an
# authenticator app (or types the printed code). A demo-only secret, public like the demo password.
DEMO_TOTP_SECRET = "QINGJIANDEMOTOTPSECRETFORDEMOUSE"

# username, role (as shown), what the account shows
DEMO_ACCOUNTS = [
    ("bureau", "司法局", "东阿县司法局执法监督科:主体清单、预警、审计留痕"),
    ("government", "县政府", "审定行政检查主体清单"),
    ("discipline", "纪检监察", "只读:备案与监督数据"),
    ("scjg_admin", "机关管理员", "县市场监管局:检查事项、表单、免罚清单、人员、导入"),
    ("scjg_head", "机关负责人", "县市场监管局负责人"),
    ("scjg_dept", "内设机构负责人", "县市场监管局食品药品科科长(不能单独审批)"),
    ("scjg_officer", "执法人员", "县市场监管局持证执法人员:任务、扫码入企、笔录、证据、处置"),
    ("scjg_officer2", "执法人员", "县市场监管局持证执法人员(同行确认、签名)"),
    ("yjj_head", "机关负责人", "县应急管理局负责人"),
    ("yjj_admin", "机关管理员", "县应急管理局"),
    ("enterprise", "企业", "东阿县一家阿胶生产企业:入企检查、评价、投诉"),
    ("enterprise2", "企业", "另一家阿胶生产企业"),
    ("yjj_officer", "执法人员", "县应急管理局执法人员"),
]


def _enforcement_officers(index: int, names: list[str]) -> list[dict]:
    """Four enforcement officers of the agency at ``index`` with credentials valid 2023–2028."""
    return [
        {
            "name": names[(index * 4 + k) % len(names)], "credential_no": f"37152420{index:02d}{k + 1:04d}",
            "personnel_type": "enforcement", "status": "valid",
            "valid_from": dt.date(2023, 1, 1), "valid_to": dt.date(2028, 12, 31),
        }
        for k in range(4)
    ]


# The audit event that marks a database as the demo's (the first the demo records).
MARKER_ACTION = "demo.load"


class DemoRefused(Exception):
    """The database holds data the demo did not create; the demo is never loaded on top of it."""


def demo_is_loaded() -> bool:
    """Whether this database is the demo's: it holds the demo's marker event, or (loaded before the marker
    existed) the demo's ``bureau`` account with the demo password.
    """
    if AuditEvent.objects.filter(action=MARKER_ACTION, subject_type="demo").exists():
        return True
    bureau = User.objects.filter(username="bureau").first()
    # The hasher's function, not User.check_password, which may re-hash and save outside any service.
    return bureau is not None and check_password(DEMO_PASSWORD, bureau.password)


def foreign_data() -> dict[str, int]:
    """What a database not loaded by the demo already holds, by kind (empty: nothing; migrations' reference
    codes do not count).
    """
    counts = {
        "账户 accounts": User.objects.count(), "检查主体 agencies": Agency.objects.count(),
        "执法人员 officers": Officer.objects.count(), "企业 enterprises": Enterprise.objects.count(),
        "审计事件 audit events": AuditEvent.objects.count(),
    }
    return {kind: n for kind, n in counts.items() if n}


def _second_factors_enrol() -> None:
    from clearcheck.accounts.models import User
    from clearcheck.accounts.second_factor import factor_required, second_factor_enrol_known

    for user in User.objects.filter(username__in=[username for username, *_ in DEMO_ACCOUNTS]).order_by("pk"):
        if factor_required(user):
            second_factor_enrol_known(actor=None, user=user, secret=DEMO_TOTP_SECRET)


def demo_load(progress: Callable[[str], None] = print) -> bool:
    """Load the demo county into an empty database; do nothing when it is already there (idempotent).
    Returns whether anything was loaded; ``DemoRefused`` when the database holds data the demo did not make.
    """
    if demo_is_loaded():
        return False
    if found := foreign_data():
        held = ", ".join(f"{n} {kind}" for kind, n in found.items())
        raise DemoRefused(
            f"数据库中已有不是演示加载的数据({held}),演示数据不会写入其中。请为演示另用一个空数据库:"
            "设置新的 CLEARCHECK_VAR_DIR(或让 DATABASE_URL 指向新建的空库),再依次运行 migrate、init、demo_load。"
            " (This database holds data the demo did not create; load the demo into a new, empty database.)"
        )
    with transaction.atomic():
        audit_record(actor=None, action=MARKER_ACTION, subject=("demo", REGION),
                     after={"county": "东阿县", "accounts": [username for username, *_ in DEMO_ACCOUNTS]})
        _load(progress)
        _second_factors_enrol()
    audit_seal()
    return True


def _load(progress: Callable[[str], None]) -> None:
    rng = random.Random(2025)
    region = Region.objects.get(code=REGION)

    bureau = user_create(actor=None, username="bureau", password=DEMO_PASSWORD, role=Role.BUREAU,
                         display_name="县司法局执法监督科 李明")
    government = user_create(actor=bureau, username="government", password=DEMO_PASSWORD, role=Role.GOVERNMENT,
                             display_name="县政府办公室 赵华")
    user_create(actor=bureau, username="discipline", password=DEMO_PASSWORD, role=Role.DISCIPLINE,
                display_name="县纪委监委 周正")

    progress("确认行政检查主体 …")
    agencies: dict[str, Agency] = {}
    for code, name, kind, basis, parent in AGENCIES:
        agencies[code] = registry.agency_create(
            actor=bureau, code=f"371524-{code}", name=name, kind=kind, legal_basis=basis, region=region,
            parent=agencies.get(parent) if parent else None, register_authorities=REGISTER_KEEPERS.get(code, ""),
            reason="县司法局按国办发〔2024〕54号确定的标准全面清理本级行政检查主体",
        )
    listing = registry.agency_list_draft(actor=bureau, note="东阿县行政检查主体清单(2025年版)")
    registry.agency_list_review(actor=bureau, list_id=listing.pk, note="经审核,主体资格与法定依据齐全")
    registry.agency_list_approve(actor=government, list_id=listing.pk, note="县政府常务会议审定同意")
    registry.agency_list_publish(actor=bureau, list_id=listing.pk)

    progress("录入执法人员 …")
    names = list(OFFICER_NAMES)
    rng.shuffle(names)
    officers_by_agency: dict[str, list] = {}
    for index, (code, *_rest) in enumerate(AGENCIES, start=1):
        officers_by_agency[code] = [
            registry.officer_create(actor=bureau, agency=agencies[code], **row)
            for row in _enforcement_officers(index, names)
        ]
    scjg = agencies["SCJG"]
    # People the plan forbids from inspecting (R12), and credentials that no longer qualify.
    for n, (name, personnel_type, status, valid_to) in enumerate([
        ("孟小雨", "auxiliary", "valid", dt.date(2028, 12, 31)),
        ("秦大山", "grid_worker", "valid", dt.date(2028, 12, 31)),
        ("尤佳", "temporary", "valid", dt.date(2028, 12, 31)),
        ("许文", "enforcement", "valid", dt.date(2024, 12, 31)),  # expired credential
        ("吕刚", "enforcement", "suspended", dt.date(2028, 12, 31)),
    ], start=1):
        registry.officer_create(
            actor=bureau, agency=scjg, name=name, credential_no=f"3715249900{n:04d}",
            personnel_type=personnel_type, status=status, valid_from=dt.date(2020, 1, 1), valid_to=valid_to,
        )

    progress("创建机关账户 …")
    admins = {}
    for code, *_rest in AGENCIES:
        admins[code] = user_create(actor=bureau, username=f"{code.lower()}_admin", password=DEMO_PASSWORD,
                                   role=Role.AGENCY_ADMIN, agency=agencies[code],
                                   display_name=f"{agencies[code].name}法制科")
    user_create(actor=bureau, username="scjg_head", password=DEMO_PASSWORD, role=Role.AGENCY_HEAD, agency=scjg,
                display_name="县市场监管局局长 孙立")
    user_create(actor=bureau, username="scjg_dept", password=DEMO_PASSWORD, role=Role.DEPARTMENT_HEAD, agency=scjg,
                display_name="食品药品科科长 钱坤")
    first_officer = officers_by_agency["SCJG"][0]
    user_create(actor=bureau, username="scjg_officer", password=DEMO_PASSWORD, role=Role.OFFICER, agency=scjg,
                officer=first_officer, display_name=first_officer.name)

    progress("导入企业名录(约300户)…")
    rows = enterprise_rows()
    job = import_run(actor=bureau, kind="enterprises", filename="东阿县市场主体名录.csv", data=enterprise_csv(rows))
    if job.rows_failed:
        raise RuntimeError(f"demo enterprises failed validation: {job.errors[:500]}")
    first_gelatin = Enterprise.objects.get(uscc=rows[0]["统一社会信用代码"])
    user_create(actor=bureau, username="enterprise", password=DEMO_PASSWORD, role=Role.ENTERPRISE,
                enterprise=first_gelatin, display_name=f"{first_gelatin.name} 办公室")
    # Another agency keeps its own notes; the registered data stay the market-regulation bureau's (ADR 0018).
    registry.enterprise_note_add(actor=admins["YJJ"], enterprise_id=first_gelatin.pk,
                                 text="厂区东门为危险化学品仓库通道,入企检查请走南门;安全生产联系人为设备动力科负责人。")
    registry.enterprise_note_add(actor=admins["YJJ"], enterprise_id=first_gelatin.pk, correction_requested=True,
                                 text="现场核实:企业住所门牌已由阿胶街调整为阿胶街南段,登记住所与实际不符,请登记机关核实更正。")

    progress("发布检查事项清单 …")
    for code, items in ITEMS.items():
        admin = admins[code]
        for item_code, name, basis, scope, method, category, cap, licensing_basis, single_basis in items:
            catalog.item_create(
                actor=admin, code=item_code, name=name, legal_basis=basis, object_scope=scope, method=method,
                category=category, annual_cap=cap, licensing_onsite_allowed=bool(licensing_basis),
                licensing_onsite_basis=licensing_basis, single_officer_basis=single_basis,
                special_sector=SPECIAL_SECTORS.get(item_code, ""),
            )
        catalog.item_list_publish(actor=admin, agency=agencies[code], reason="2025年涉企行政检查事项清单")

    progress("发布检查表单与免罚清单 …")
    for owner, code, name, object_type, entries in CHECKLISTS:
        admin = admins[owner]
        checklist = catalog.checklist_create(actor=admin, code=code, name=name, object_type=object_type)
        for item_code, content, standard in entries:
            item = InspectionItem.objects.get(code=item_code, status="published")
            catalog.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=item.pk, content=content,
                                        standard_text=standard)
        catalog.checklist_publish(actor=admin, checklist_id=checklist.pk)
    for owner in sorted({row[0] for row in NO_PENALTY}):
        for _owner, kind, title, basis, conditions in (row for row in NO_PENALTY if row[0] == owner):
            catalog.no_penalty_entry_create(actor=admins[owner], kind=kind, title=title, legal_basis=basis,
                                            conditions=conditions)
        catalog.no_penalty_list_publish(actor=admins[owner], agency=agencies[owner],
                                        reason="2025年首违不罚、轻微不罚清单")

    planning_load(bureau=bureau, government=government, admins=admins, password=DEMO_PASSWORD, progress=progress)
    inspections_load(progress=progress)
    onsite_load(password=DEMO_PASSWORD, progress=progress)
    feedback_load(progress=progress, password=DEMO_PASSWORD)
    draws_load(progress=progress)
    disclosure_load(progress=progress)
    supervision_load(progress=progress)
    dashboards_load(progress=progress)  # last: folds everything above into the dashboards' rollups
