"""``clearcheck audit verify|seal``: the command and the console script that runs it (R30)."""

import io
import json
import sys
import tomllib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clearcheck import cli
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.models import AuditEvent
from clearcheck.audit.services import audit_seal

pytestmark = pytest.mark.django_db


_serial = iter(range(10**6))


def _events(n: int) -> None:
    for i in (next(_serial) for _ in range(n)):
        alert_raise(rule_id="R05", subject=("test.plan", i), facts={"n": i})


def _run(*args) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_r30_command_seal_then_verify_ok():
    _events(3)
    assert "3" in _run("seal")
    out = _run("verify")
    assert "链长 3 条" in out
    assert "审计链校验通过" in out


def test_r30_command_verify_reports_unsealed_tail():
    _events(2)
    audit_seal()
    _events(1)
    out = _run("verify")
    assert "未封存 1 条" in out
    assert "unsealed tail 1" in out


def test_r30_command_verify_fails_and_names_first_broken_event():
    _events(4)
    audit_seal()
    target = AuditEvent.objects.get(seq=2)
    forged = target.body.replace('"facts":{"n":', '"facts":{"n":99')
    assert forged != target.body
    AuditEvent.objects.filter(pk=target.pk).update(body=forged)
    out = io.StringIO()
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit", "verify", stdout=out)
    assert f"首个损坏事件: 第 2 号 (id {target.pk})" in out.getvalue()


def test_r30_command_verify_with_kept_checkpoint_file(tmp_path, client):
    _events(3)
    audit_seal()
    kept = tmp_path / "checkpoint.json"
    kept.write_text(json.dumps(client.get("/public/audit/checkpoint.json").json()), encoding="utf-8")
    assert "审计链校验通过" in _run("verify", "--checkpoint", str(kept))
    # Delete the whole chain and its checkpoints: only the kept checkpoint notices.
    from clearcheck.audit.models import ChainHead, Checkpoint

    AuditEvent.objects.all().delete()
    Checkpoint.objects.all().delete()
    ChainHead.objects.all().delete()
    assert "审计链校验通过" in _run("verify")
    with pytest.raises(CommandError):
        _run("verify", "--checkpoint", str(kept))


def test_console_script_is_declared():
    pyproject = tomllib.loads((Path(__file__).resolve().parents[3] / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["clearcheck"] == "clearcheck.cli:main"


def test_console_script_runs_audit_verify(monkeypatch, capsys):
    _events(2)
    audit_seal()
    monkeypatch.setattr(sys, "argv", ["clearcheck", "audit", "verify"])
    cli.main()
    assert "审计链校验通过" in capsys.readouterr().out


def test_console_script_exits_non_zero_when_broken(monkeypatch, capsys):
    _events(2)
    audit_seal()
    AuditEvent.objects.filter(seq=1).update(action="forged")
    monkeypatch.setattr(sys, "argv", ["clearcheck", "audit", "verify"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "首个损坏事件: 第 1 号" in captured.out
    assert "校验失败" in captured.err
