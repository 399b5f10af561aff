"""Plain data for registry tests, created through the real services (so every row obeys the rules)."""

import datetime as dt
import itertools

from clearcheck.accounts.choices import Role
from clearcheck.accounts.services import user_create
from clearcheck.core import clock
from clearcheck.registry import services
from clearcheck.registry.choices import AgencyKind
from clearcheck.registry.validators import _ALPHABET, uscc_check_digit

_seq = itertools.count(1)

DONGE = "371524"
EJIAO = "2740"


def uscc_make(n: int | None = None, region: str = DONGE) -> str:
    """A valid USCC (GB 32100-2015) for number ``n``: 9 (工商) 1 (企业), the region, an organisation code."""
    n = next(_seq) if n is None else n
    org = ""
    for _ in range(9):
        n, digit = divmod(n, 31)
        org = _ALPHABET[digit] + org
    body = f"91{region}{org}"
    return body + uscc_check_digit(body)


def user_make(role: str, *, agency=None, enterprise=None, officer=None, username: str | None = None):
    """An account with ``role``."""
    n = next(_seq)
    return user_create(actor=None, username=username or f"{role}{n}", password="pw-test-1234", role=role,
                       display_name=f"{role} {n}", agency=agency, enterprise=enterprise, officer=officer)


def bureau_make():
    """A judicial bureau account."""
    return user_make(Role.BUREAU)


def agency_make(*, actor=None, **fields):
    """An agency confirmed by the bureau (not yet on a published list)."""
    n = next(_seq)
    data = {
        "code": f"AG{n:05d}", "name": f"东阿县测试局{n}", "kind": AgencyKind.ADMINISTRATIVE_ORGAN,
        "legal_basis": "《中华人民共和国行政处罚法》", "region": DONGE, "reason": "初次确认",
    }
    data.update(fields)
    return services.agency_create(actor=actor or bureau_make(), **data)


def agency_list_publish_all(*, bureau=None, government=None):
    """Run the whole agency-list workflow once: every active agency ends up listed (R01)."""
    bureau = bureau or bureau_make()
    government = government or user_make(Role.GOVERNMENT)
    record = services.agency_list_draft(actor=bureau, note="测试")
    services.agency_list_review(actor=bureau, list_id=record.pk, note="")
    services.agency_list_approve(actor=government, list_id=record.pk, note="")
    return services.agency_list_publish(actor=bureau, list_id=record.pk)


def officer_make(*, agency, actor=None, **fields):
    """A qualified enforcement officer of ``agency`` unless ``fields`` say otherwise."""
    n = next(_seq)
    today = clock.local_today()
    data = {
        "name": f"执法员{n}", "credential_no": f"3715240{n:07d}",
        "valid_from": today - dt.timedelta(days=365), "valid_to": today + dt.timedelta(days=365),
    }
    data.update(fields)
    return services.officer_create(actor=actor or bureau_make(), agency=agency, **data)


def enterprise_make(*, actor=None, **fields):
    """An operating legal-person enterprise in Dong'e making 阿胶 (2740) unless ``fields`` say otherwise."""
    n = next(_seq)
    data = {"uscc": uscc_make(), "name": f"东阿测试阿胶有限公司{n}", "entity_type": "legal_person",
            "legal_representative": "张三", "address": "山东省聊城市东阿县", "region": DONGE, "industry": EJIAO}
    data.update(fields)
    return services.enterprise_create(actor=actor or bureau_make(), **data)
