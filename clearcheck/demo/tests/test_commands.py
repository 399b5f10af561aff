"""The demo is an app of its own: its commands exist only with ``CLEARCHECK_DEMO=1``, and ``demo_load`` goes
only into a database of its own (marked by its first audit event), refusing one that holds other data.

The whole county is loaded by ``tests/test_demo.py``; here the loader's body is replaced by a small one, so
that what decides *whether* to load is tested quickly.
"""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from clearcheck.demo import loader

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(monkeypatch):
    """The loader with a body of one account (the demo's ``bureau``); counts how often it ran."""
    from clearcheck.accounts.services import user_create

    runs = []

    def load(progress):
        runs.append(1)
        user_create(actor=None, username="bureau", password=loader.DEMO_PASSWORD, role="bureau",
                    display_name="县司法局执法监督科 李明")

    monkeypatch.setattr(loader, "_load", load)
    return runs


def _demo_load() -> str:
    out = StringIO()
    call_command("demo_load", stdout=out)
    return out.getvalue()


def test_demo_load_marks_its_database_and_stays_idempotent_on_it(small_demo):
    from clearcheck.audit.models import AuditEvent

    assert "演示数据已加载" in _demo_load()
    marker = AuditEvent.objects.get(action=loader.MARKER_ACTION)
    assert marker.subject_type == "demo" and marker.actor_label == "system"
    assert marker.pk == AuditEvent.objects.order_by("id").first().pk  # the demo's first event
    assert "演示数据已存在,未重复加载" in _demo_load()
    assert small_demo == [1] and AuditEvent.objects.filter(action=loader.MARKER_ACTION).count() == 1


def test_demo_load_keeps_loading_into_its_own_database_after_its_users_worked_there(small_demo, make_user):
    """Accounts and records made in the demo (by people trying it) do not make it foreign."""
    _demo_load()
    make_user("agency_admin")
    assert "演示数据已存在" in _demo_load() and small_demo == [1]


@pytest.mark.parametrize("what", ["account", "superuser", "enterprise"])
def test_demo_load_refuses_a_database_holding_data_it_did_not_create(small_demo, make_user_plain, make_enterprise,
                                                                     django_user_model, what):
    from clearcheck.accounts.models import User
    from clearcheck.audit.models import AuditEvent

    if what == "account":
        make_user_plain("bureau", username="bureau")  # even named like the demo's, with another password
    elif what == "superuser":
        django_user_model.objects.create_superuser("root", password="Qingjian-2025!")  # no audit event
    else:
        make_enterprise()
    users, events = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        _demo_load()
    message = str(refused.value)
    assert "不是演示加载的数据" in message and "CLEARCHECK_VAR_DIR" in message and "empty database" in message
    assert small_demo == [] and (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_a_demo_loaded_before_the_marker_is_recognised_by_its_bureau_account(small_demo):
    """A database the demo filled before it marked its databases (the demo's bureau, the demo password)
    is the demo's: nothing is loaded again, nothing refused."""
    from clearcheck.accounts.services import user_create

    user_create(actor=None, username="bureau", password=loader.DEMO_PASSWORD, role="bureau")
    assert "演示数据已存在" in _demo_load() and small_demo == []


def test_demo_accounts_prints_each_account_and_the_password(small_demo):
    _demo_load()
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    lines = out.getvalue().splitlines()
    assert loader.DEMO_PASSWORD in lines[0] and len(lines) == 2 + len(loader.DEMO_ACCOUNTS)
    assert "(未加载)" not in lines[1] and lines[1].split()[0] == "bureau"
    assert all("(未加载)" in line for line in lines[2:-1])
    # Issue 20: the second factor's demo secret and its current code, for a newcomer's first sign-in.
    assert loader.DEMO_TOTP_SECRET in lines[-1] and re.search(r"当前口令 \d{6}", lines[-1])


def _manage(*args: str, demo: bool, var_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CLEARCHECK_DEMO"}
    env["CLEARCHECK_VAR_DIR"] = str(var_dir)
    if demo:
        env["CLEARCHECK_DEMO"] = "1"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_without_clearcheck_demo_there_is_no_demo_command(tmp_path):
    """A production install (no ``CLEARCHECK_DEMO``) has no ``demo_load`` and no demo passwords."""
    for command in ("demo_load", "demo_accounts"):
        absent = _manage("help", command, demo=False, var_dir=tmp_path)
        assert absent.returncode != 0 and f"Unknown command: '{command}'" in absent.stderr
    listed = _manage("help", "--commands", demo=False, var_dir=tmp_path).stdout.split()
    assert "demo_load" not in listed and "init" in listed
    assert "demo_load" in _manage("help", "--commands", demo=True, var_dir=tmp_path).stdout.split()
