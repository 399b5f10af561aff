"""The demo county's double-random draws (R24): a pool of 市场监管局, a draw revealed after its window
(anyone can re-verify it on the public site), and a draw whose selection is still confidential.

The agency keeps each draw's secret; the demo writes the pending draw's secret to
``var/demo-draw-secrets.txt`` so that whoever runs the demo can reveal it once its window has ended.
"""

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from clearcheck.accounts.models import User
from clearcheck.catalog.models import InspectionItem
from clearcheck.core import clock
from clearcheck.sampling import services as sampling

from .onsite import _local, clock_at

REVEALED_DAYS_AGO = 60
KENO_REVEALED = "02,05,09,13,17,21,24,28,33,36,40,44,47,51,55,58,62,66,71,79"
KENO_PENDING = "04,08,12,16,18,23,27,31,35,39,42,46,50,54,56,60,64,68,72,75"


def _items(*codes: str) -> list[int]:
    return [InspectionItem.objects.get(code=code, status="published").pk for code in codes]


def _keno_issue(day: dt.date) -> str:
    """The 快乐8 issue drawn that evening (issues are numbered by year and day)."""
    return f"中国福利彩票快乐8 第{day.year}{day.timetuple().tm_yday:03d}期({day}开奖)"


def draws_load(*, progress: Callable[[str], None]) -> dict:
    """Load the draws part of the demo (after planning and on-site)."""
    admin, head = User.objects.get(username="scjg_admin"), User.objects.get(username="scjg_head")
    today = clock.local_today()
    progress("双随机抽查:对象库、已公开的抽取与待公开的抽取 …")
    start = today - dt.timedelta(days=REVEALED_DAYS_AGO)
    with clock_at(_local(start, 9, 0)):
        pool = sampling.pool_create(actor=admin, name="全县市场主体(日常监督检查)", filters={},
                                    note="东阿县辖区内存续的市场主体;低风险(A级)及已达年度检查上限的企业不入库")
        revealed = sampling.draw_create(
            actor=admin, title=f"{start.year}年第三批营业执照公示与计量双随机抽查", pool_ids=[pool.pk],
            item_ids=_items("SCJG-005", "SCJG-007"), window_start=start + dt.timedelta(days=3),
            window_end=start + dt.timedelta(days=30), public_source=_keno_issue(start + dt.timedelta(days=1)),
            stratify="tier", sample_mode="count", sample={"B": 3, "C": 2, "D": 1}, team_size=2, max_per_team=3)
        revealed, secret = sampling.draw_commit(actor=admin, draw_id=revealed.pk)
    with clock_at(_local(start + dt.timedelta(days=1), 21, 45)):
        sampling.draw_select(actor=admin, draw_id=revealed.pk, secret=secret, public_value=KENO_REVEALED)
        sampling.draw_tasks_make(actor=admin, draw_id=revealed.pk)
    with clock_at(_local(start + dt.timedelta(days=2), 9, 0)):
        sampling.draw_tasks_approve(actor=head, draw_id=revealed.pk)
    with clock_at(_local(start + dt.timedelta(days=31), 9, 0)):
        revealed = sampling.draw_reveal(actor=admin, draw_id=revealed.pk, secret=secret)

    pending = sampling.draw_create(
        actor=admin, title=f"{today.year}年第四批产品质量与广告双随机抽查", pool_ids=[pool.pk],
        item_ids=_items("SCJG-004", "SCJG-006"), window_start=today + dt.timedelta(days=1),
        window_end=today + dt.timedelta(days=25), public_source=_keno_issue(today),
        stratify="tier", sample_mode="count", sample={"B": 2, "C": 2, "D": 1}, team_size=2, max_per_team=3)
    pending, pending_secret = sampling.draw_commit(actor=admin, draw_id=pending.pk)
    pending = sampling.draw_select(actor=admin, draw_id=pending.pk, secret=pending_secret, public_value=KENO_PENDING)
    sampling.draw_tasks_make(actor=admin, draw_id=pending.pk)
    path = settings.VAR_DIR / "demo-draw-secrets.txt"
    path.write_text(f"双随机抽取 #{pending.pk}({pending.title})\n承诺值 {pending.commitment}\n密钥 {pending_secret}\n"
                    f"检查时段 {pending.window_start} 至 {pending.window_end};结束后由本机关录入密钥公开。\n",
                    encoding="utf-8")
    return {"pool": pool, "revealed": revealed, "pending": pending}
