"""The production settings pass Django's deployment check without a warning (issue 20, Deliver 4): HSTS, the
SSL redirect, secure cookies, trusted origins and the proxy's SSL header all come from the environment, as
deploy/production.env.example sets them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "deploy" / "production.env.example"


def _production_env() -> dict:
    values = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    values["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(60)  # the example's placeholder is not a secret
    values.pop("DATABASE_URL")  # the check needs no database; SQLite keeps it self-contained
    values.pop("CLEARCHECK_VAR_DIR")  # each check gets a temporary folder, never the server's /var/lib/clearcheck
    return values


def _check(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLEARCHECK_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env={**base, "CLEARCHECK_VAR_DIR": env.pop("_var"), **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_prints_no_warning_with_the_production_environment(tmp_path):
    result = _check({**_production_env(), "_var": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_settings_follow_the_environment(tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE,"
            " s.CSRF_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS)")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLEARCHECK_", "DATABASE_URL"))}
    env = {**base, **_production_env(), "CLEARCHECK_VAR_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == ("True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') True True "
                                  "['https://jc.example.gov.cn']"), out.stderr


def test_without_the_environment_make_run_keeps_plain_http(tmp_path):
    result = _check({"_var": str(tmp_path)})
    report = result.stdout + result.stderr
    assert "W004" in report and "W008" in report  # the embedded default: no TLS to enforce
