"""Keys are made on purpose only (issue 17): by `clearcheck init` and the demo's first start, never by
accident. A restored server without its key files stops with a message that names the missing file, and
`audit verify` never writes anything.
"""

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clearcheck import cli
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.models import AuditEvent, ChainHead, Checkpoint
from clearcheck.audit.services import audit_seal
from clearcheck.core import crypto
from clearcheck.core.keys import key_files, key_files_require
from clearcheck.registry import codes

ROOT = Path(__file__).resolve().parents[3]


def _restore_without_keys(settings, tmp_path) -> Path:
    folder = tmp_path / "restored" / "keys"
    settings.CLEARCHECK = {
        **settings.CLEARCHECK,
        "SIGNING_KEY_FILE": str(folder / "audit-ed25519.pem"),
        "CODE_SIGNING_KEY_FILE": str(folder / "code-ed25519.pem"),
        "PSEUDONYM_KEY_FILE": str(folder / "pseudonym.key"),
    }
    return folder


@pytest.fixture
def keyless(settings, tmp_path):
    """A deployment whose key files are configured but absent (a database restored without them)."""
    return _restore_without_keys(settings, tmp_path)


def _events(n: int) -> None:
    for i in range(n):
        alert_raise(rule_id="R05", subject=("test.plan", 7000 + i), facts={"n": i})


def test_loading_a_missing_key_raises_and_creates_nothing(keyless):
    with pytest.raises(crypto.KeyFileMissing) as missing:
        codes.code_signing_key()
    assert str(keyless / "code-ed25519.pem") in str(missing.value)
    assert "clearcheck init" in str(missing.value)
    assert not keyless.exists()
    with pytest.raises(crypto.KeyFileMissing):
        crypto.secret_key_load(str(keyless / "pseudonym.key"))


def test_init_creates_every_key_once_owner_readable(keyless):
    out = io.StringIO()
    call_command("init", stdout=out)
    files = {k.setting: Path(k.path) for k in key_files()}
    assert set(files) == {"SIGNING_KEY_FILE", "CODE_SIGNING_KEY_FILE", "PSEUDONYM_KEY_FILE"}
    for path in files.values():
        assert path.is_file()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert out.getvalue().count("已创建") == 3
    before = {name: path.read_bytes() for name, path in files.items()}
    again = io.StringIO()
    call_command("init", stdout=again)  # idempotent: an existing key is never replaced
    assert "已创建" not in again.getvalue() and again.getvalue().count("已存在") == 3
    assert {name: path.read_bytes() for name, path in files.items()} == before
    key_files_require()  # a server would now start
    assert len(crypto.secret_key_load(str(files["PSEUDONYM_KEY_FILE"]))) == crypto.SECRET_BYTES


def test_init_check_reports_missing_without_creating(keyless):
    out = io.StringIO()
    with pytest.raises(CommandError, match="密钥文件缺失"):
        call_command("init", "--check", stdout=out)
    assert "缺失" in out.getvalue()
    assert not keyless.exists()


def test_server_start_check_names_the_missing_file(keyless):
    with pytest.raises(crypto.KeyFileMissing, match="audit-ed25519.pem"):
        key_files_require()


@pytest.mark.django_db
def test_audit_verify_without_its_key_fails_naming_the_file_and_writes_nothing(settings, tmp_path):
    _events(3)
    audit_seal()  # signed with the test's own key; then the database is "restored" without it
    keyless = _restore_without_keys(settings, tmp_path)
    counts = (AuditEvent.objects.count(), Checkpoint.objects.count(), ChainHead.objects.get(pk=1).length)
    out = io.StringIO()
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit", "verify", stdout=out)
    assert "audit-ed25519.pem" in out.getvalue() and "clearcheck init" in out.getvalue()
    assert not keyless.exists()  # no key was made
    assert (AuditEvent.objects.count(), Checkpoint.objects.count(), ChainHead.objects.get(pk=1).length) == counts


@pytest.mark.django_db
def test_audit_verify_with_the_published_public_key_needs_no_private_key(settings, tmp_path, client):
    _events(2)
    audit_seal()
    published = tmp_path / "keys.json"
    published.write_text(client.get("/public/audit/keys.json").content.decode(), encoding="utf-8")
    settings.CLEARCHECK = {**settings.CLEARCHECK, "SIGNING_KEY_FILE": str(tmp_path / "gone" / "audit.pem")}
    out = io.StringIO()
    call_command("audit", "verify", "--public-key", str(published), stdout=out)
    assert "审计链校验通过" in out.getvalue()
    assert not (tmp_path / "gone").exists()


@pytest.mark.django_db
def test_audit_verify_with_its_key_writes_nothing():
    _events(2)
    audit_seal()
    _events(1)  # an unsealed tail: verify reports it and must not seal it
    counts = (AuditEvent.objects.filter(seq__isnull=True).count(), Checkpoint.objects.count())
    call_command("audit", "verify", stdout=io.StringIO())
    assert (AuditEvent.objects.filter(seq__isnull=True).count(), Checkpoint.objects.count()) == counts == (1, 1)


@pytest.mark.django_db
def test_console_command_prints_the_missing_file_without_a_traceback(keyless, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["clearcheck", "draw", "export", "1"])
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line",
        lambda argv: codes.code_signing_key(),  # any command that needs a key
    )
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert "code-ed25519.pem" in str(exit_info.value.code)


def test_wsgi_server_refuses_to_start_without_keys(tmp_path):
    # A server started any other way than the demo (gunicorn imports config.wsgi) stops at once.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLEARCHECK_", "DJANGO_"))}
    env.update(CLEARCHECK_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="config.settings")
    done = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "KeyFileMissing" in done.stderr and "audit-ed25519.pem" in done.stderr
    assert not (tmp_path / "var" / "keys").exists()
    init = subprocess.run([sys.executable, "manage.py", "init"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    started = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
