"""The sign-in throttle holds across workers (issue 20, Deliver 3): two gunicorn workers on one SQLite file
share its counts, so an account gets its 5 free failures once, not once per worker.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "Qingjian-2025!"
# An account without a role (no agency, no second factor): only its password matters here.
CREATE_USER = f"from clearcheck.accounts.models import User; User.objects.create_user('li', password='{PASSWORD}')"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(port: int, password: str) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 — our own server on 127.0.0.1
        f"http://127.0.0.1:{port}/api/auth/token", method="POST",
        data=f'{{"username": "li", "password": "{password}"}}'.encode(),
        headers={"Content-Type": "application/json", "Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Retry-After", "")


@pytest.mark.sqlite_only
def test_two_gunicorn_workers_share_the_throttle(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLEARCHECK_", "DJANGO_", "DATABASE_URL"))}
    env.update(CLEARCHECK_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               CLEARCHECK_FAST_PASSWORDS="1", DJANGO_SETTINGS_MODULE="config.settings",
               CLEARCHECK_AUDIT_SEAL_MODE="job")
    for args in (["init"], ["migrate", "--noinput"], ["shell", "-c", CREATE_USER]):
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    log = tmp_path / "access.log"
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--workers", "2", "-b",
         f"127.0.0.1:{port}", "--timeout", "60", "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.1)
        # Two at a time, so that both workers are busy; 32 wrong passwords in well under a minute.
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda _n: _post(port, "wrong-password"), range(32)))
        statuses = [status for status, _retry in results]
        assert set(statuses) <= {403, 429}
        # Counted in one place: 5 free failures plus at most the one attempt in flight in the other worker
        # (state per worker would let each of them allow 5).
        assert 5 <= statuses.count(403) <= 6, statuses
        status, retry_after = _post(port, PASSWORD)
        assert status == 429 and 0 < int(retry_after) <= 60
        time.sleep(0.5)  # the access log is written after the response
        pids = {m.group(1) for line in log.read_text().splitlines()
                if (m := re.match(r"^<?(\d+)>? (403|429)$", line))}
        assert len(pids) == 2, "both workers answered sign-in attempts"
    finally:
        server.terminate()
        server.wait(timeout=30)
