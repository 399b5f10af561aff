"""Security check S01 (issue 20): sign-in lockouts raise an alert for the bureau.

Accounts records each lockout as the audit event ``login.locked`` (accounts may not import alerts); this
periodic check, registered by supervision, reads them for one day (Asia/Shanghai) and raises S01
(``core.rules.SECURITY_CHECKS``) for an account locked ``ACCOUNT_LOCKOUTS`` times or more that day (someone
keeps guessing its password) and for every client address that was locked (it failed for many accounts or
many times: password spraying). One alert per account or address and day.
"""

import datetime as dt

from clearcheck.accounts.selectors import login_lockouts_between
from clearcheck.alerts.choices import Severity
from clearcheck.alerts.selectors import alert_dedup_keys_existing
from clearcheck.alerts.services import alert_raise
from clearcheck.core import clock

ACCOUNT_LOCKOUTS = 3


def login_lockouts_alert(*, today: dt.date | None = None) -> int:
    """Raise S01 for the day's repeatedly locked accounts and locked addresses; returns how many were raised."""
    today = today or clock.local_today()
    start = dt.datetime.combine(today, dt.time(), tzinfo=clock.LOCAL_TZ)
    accounts: dict[int, list[dict]] = {}
    addresses: dict[str, list[dict]] = {}
    for lock in login_lockouts_between(start, start + dt.timedelta(days=1)):
        if lock["scope"] == "account" and lock["user"] is not None:
            accounts.setdefault(lock["user"], []).append(lock)
        elif lock["scope"] == "address":
            addresses.setdefault(lock["address"], []).append(lock)
    found = [(("accounts.user", user), f"S01:user:{user}:{today}", locks, f"账户 {locks[0]['username']}")
             for user, locks in accounts.items() if len(locks) >= ACCOUNT_LOCKOUTS]
    found += [(("client_address", address), f"S01:address:{address}:{today}", locks, f"客户端地址 {address}")
              for address, locks in addresses.items()]
    raised = alert_dedup_keys_existing(key for _s, key, _l, _t in found)
    count = 0
    for subject, key, locks, label in found:
        if key in raised:
            continue
        alert_raise(
            rule_id="S01", subject=subject, dedup_key=key, severity=Severity.HIGH,
            facts={"day": today, "lockouts": len(locks), "first": locks[0]["at"], "last": locks[-1]["at"],
                   "addresses": sorted({lock["address"] for lock in locks})[:20]},
            subject_label=f"{label} {today:%m月%d日}登录失败被暂停 {len(locks)} 次",
        )
        count += 1
    return count
