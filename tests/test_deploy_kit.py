"""The deployment kit (issue 21, Deliver 5): the systemd units in deploy/systemd, the nginx configuration in
deploy/nginx and the periodic jobs of docs/deployment.md "Processes" agree with each other and with the code.

A periodic command that no longer exists, a timer whose service is missing, a documented job without a timer
or a timer the documentation does not list, a web unit that would leave orphaned workers, and an nginx proxy
pointing at a port no gunicorn listens on all fail here. `systemd-analyze verify` and `nginx -t` run when the
machine has them (skipped, saying why, otherwise).
"""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "deploy" / "systemd"
NGINX = ROOT / "deploy" / "nginx" / "clearcheck.conf"
DOCS = ROOT / "docs" / "deployment.md"
ENV_EXAMPLE = ROOT / "deploy" / "production.env.example"
VENV_BIN = "/opt/clearcheck/venv/bin/"
DEPLOY_DIR = "/opt/clearcheck/deploy/"

# Project commands that are not periodic (run by hand), and the periodic ones deliberately left without a
# timer because alerts_run runs their checks (outside it, an alert found again counts as a new occurrence).
NOT_PERIODIC = {"second_factor", "keys", "init", "calendar", "draw", "demo_load", "demo_accounts"}
COVERED_BY_ALERTS_RUN = {"planning_alerts", "sampling_alerts"}


def unit_read(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values]}} (keys may repeat; a trailing backslash continues a line)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    logical = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not logical and raw.lstrip().startswith(("#", ";")):
            continue
        if raw.endswith("\\"):
            logical += raw[:-1] + " "
            continue
        line, logical = (logical + raw).strip(), ""
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: a setting before any section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not a KEY=VALUE line: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def one(unit: dict, section: str, key: str) -> str:
    values = unit.get(section, {}).get(key, [])
    assert len(values) == 1, f"[{section}] {key}: expected one value, found {values}"
    return values[0]


def units(suffix: str) -> dict[str, dict]:
    return {path.name: unit_read(path) for path in sorted(UNITS.glob(f"*.{suffix}"))}


def exec_start(unit: dict) -> list[str]:
    return shlex.split(one(unit, "Service", "ExecStart"))


def clearcheck_command(unit: dict) -> list[str] | None:
    """``["audit", "verify", "--incremental"]`` for a unit that runs ``clearcheck audit verify --incremental``."""
    argv = exec_start(unit)
    return argv[1:] if argv[0] == VENV_BIN + "clearcheck" else None


def documented_jobs() -> dict[str, tuple[str, str]]:
    """docs/deployment.md "Processes": {command: (timer, OnCalendar)} of the table of periodic jobs; a row
    that says "no timer" maps to ("", "")."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Processes", 1)[1].split("\n## ", 1)[0]
    jobs = {}
    for line in section.splitlines():
        row = re.match(r"^\| `clearcheck ([^`]+)` \|(.*)$", line)
        if not row:
            continue
        command, rest = row.groups()
        timer = re.search(r"`(clearcheck-[\w-]+\.timer)`", rest)
        calendar = re.search(r"`OnCalendar=([^`]+)`", rest)
        jobs[command] = (timer.group(1), calendar.group(1)) if timer and calendar else ("", "")
    return jobs


def test_every_timer_starts_a_service_of_the_kit_and_every_oneshot_service_has_its_timer():
    services, timers = units("service"), units("timer")
    assert timers, "deploy/systemd has no timer"
    for name, timer in timers.items():
        target = one(timer, "Timer", "Unit")
        assert target == name.replace(".timer", ".service"), name
        assert target in services, f"{name} starts {target}, which the kit does not ship"
        assert one(timer, "Install", "WantedBy") == "timers.target"
        one(timer, "Timer", "OnCalendar")
    for name, service in services.items():
        if one(service, "Service", "Type") == "oneshot":
            assert name.replace(".service", ".timer") in timers, f"{name} runs once but nothing starts it"


def test_every_command_a_unit_runs_exists_and_its_arguments_parse():
    """Each `clearcheck <command> <args>` of a unit is a management command (Django's registry) whose parser
    accepts the arguments: a renamed command or a removed option fails here, not at night on the server."""
    registry = get_commands()
    seen = set()
    for name, service in units("service").items():
        argv = clearcheck_command(service)
        if argv is None:
            continue
        command, args = argv[0], argv[1:]
        assert command in registry, f"{name}: no management command {command!r}"
        parser = load_command_class(registry[command], command).create_parser("clearcheck", command)
        parser.parse_args(args)  # exits (SystemExit) on an unknown subcommand or option
        seen.add(command)
    assert {"rollups_fold", "alerts_run", "inspections_alerts", "audit"} <= seen


def test_every_project_command_is_scheduled_or_known_not_to_be_periodic():
    """A new management command makes its author decide: a timer (and a row in the docs) or the list of
    commands run by hand. planning_alerts and sampling_alerts are run by alerts_run (no timer of their own)."""
    ours = {name for name, app in get_commands().items() if app.startswith("clearcheck.")}
    scheduled = {clearcheck_command(s)[0] for s in units("service").values() if clearcheck_command(s)}
    unplaced = ours - scheduled - NOT_PERIODIC - COVERED_BY_ALERTS_RUN
    assert not unplaced, f"commands neither scheduled nor known to be run by hand: {sorted(unplaced)}"
    assert not (scheduled & COVERED_BY_ALERTS_RUN)
    # demo_* exist only with CLEARCHECK_DEMO=1; the rest of the list must name real commands.
    assert (NOT_PERIODIC - {"demo_load", "demo_accounts"}) | COVERED_BY_ALERTS_RUN <= ours


def test_the_documented_periodic_jobs_are_exactly_the_timers_with_their_schedules():
    jobs = documented_jobs()
    assert jobs, "docs/deployment.md \"Processes\" lists no periodic job"
    by_command = {}
    for name, timer in units("timer").items():
        service = unit_read(UNITS / one(timer, "Timer", "Unit"))
        argv = clearcheck_command(service)
        if argv is not None:
            by_command[" ".join(argv)] = (name, one(timer, "Timer", "OnCalendar"))
    documented_with_timer = {c: t for c, t in jobs.items() if t[0]}
    assert documented_with_timer == by_command
    for command, (timer, _) in jobs.items():
        if not timer:
            assert command.split()[0] in COVERED_BY_ALERTS_RUN, f"the docs leave {command} without a timer"
    assert {c.split()[0] for c in jobs} >= COVERED_BY_ALERTS_RUN


def test_every_unit_runs_as_the_service_account_from_the_installed_layout():
    for name, service in units("service").items():
        assert one(service, "Service", "User") == "clearcheck", name
        assert one(service, "Service", "EnvironmentFile") == "/etc/clearcheck/env", name
        assert one(service, "Service", "WorkingDirectory") == "/var/lib/clearcheck", name
        program = exec_start(service)[0]
        if program.startswith(DEPLOY_DIR):
            assert (ROOT / "deploy" / program.removeprefix(DEPLOY_DIR)).is_file(), f"{name}: {program}"
        else:
            assert program in (VENV_BIN + "clearcheck", VENV_BIN + "gunicorn"), f"{name}: {program}"
        assert one(service, "Service", "NoNewPrivileges") == "yes", name
        assert one(service, "Service", "ProtectSystem") == "strict", name
        assert "/var/lib/clearcheck" in one(service, "Service", "ReadWritePaths").split(), name


def _web_units() -> dict[str, dict]:
    return {n: s for n, s in units("service").items() if exec_start(s)[0] == VENV_BIN + "gunicorn"}


def _option(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == name]


def test_gunicorn_is_supervised_killed_as_a_group_and_recycles_its_workers():
    """Issue 21: killing the master left orphaned workers serving and the port held; workers grew without
    --max-requests. The documented --timeout is the one the units use."""
    web = _web_units()
    assert set(web) == {"clearcheck-web.service", "clearcheck-web-internet.service"}
    documented = re.search(r"--timeout (\d+)", DOCS.read_text(encoding="utf-8").split("## Processes", 1)[1])
    zones, ports = set(), set()
    for name, service in web.items():
        argv = exec_start(service)
        assert argv[1] == "config.wsgi:application", name
        assert one(service, "Service", "Restart") == "always", name
        assert one(service, "Service", "KillMode") == "control-group", name
        assert int(_option(argv, "--max-requests")[0]) > 0 and int(_option(argv, "--max-requests-jitter")[0]) > 0
        assert _option(argv, "--timeout") == [documented.group(1)], name
        (bind,) = _option(argv, "--bind")
        assert bind.startswith("127.0.0.1:"), f"{name}: gunicorn listens only behind nginx"
        ports.add(bind.split(":")[1])
        zones |= {e.split("=", 1)[1] for e in _option(argv, "--env") if e.startswith("CLEARCHECK_ZONE=")}
    assert zones == {"government", "internet"} and len(ports) == 2  # ADR 0006: one instance per zone


def test_nginx_proxies_each_zone_to_its_gunicorn_with_overwritten_headers_and_upload_limits():
    conf = NGINX.read_text(encoding="utf-8")
    upstream_ports = set(re.findall(r"server 127\.0\.0\.1:(\d+);", conf))
    web_ports = {_option(exec_start(s), "--bind")[0].split(":")[1] for s in _web_units().values()}
    assert upstream_ports == web_ports
    # The proxy overwrites what the environment example tells Django to trust.
    env = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert "DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https" in env
    assert "CLEARCHECK_CLIENT_ADDRESS_HEADER=HTTP_X_REAL_IP" in env
    assert conf.count("proxy_set_header X-Forwarded-Proto https;") == 2
    assert conf.count("proxy_set_header X-Real-IP $remote_addr;") == 2
    assert "$http_x_forwarded_proto" not in conf and "$proxy_add_x_forwarded_for" not in conf
    # A location that sets a header of its own drops the server's: none does.
    for location in re.findall(r"location [^{]+\{([^}]*)\}", conf):
        assert "proxy_set_header" not in location
    # The government zone takes a whole direct evidence upload (20 MiB) and any chunk (8 MiB); nginx waits
    # longer than gunicorn's timeout.
    sizes = [int(v) for v in re.findall(r"client_max_body_size (\d+)m;", conf)]
    assert max(sizes) * 1024 * 1024 > 20 * 1024 * 1024 + 8 * 1024 * 1024
    assert all(int(t) > 30 for t in re.findall(r"proxy_read_timeout (\d+)s;", conf))
    assert re.search(r"location /static/ \{\s*alias /var/lib/clearcheck/static/;", conf)
    assert "return 301 https://$host$request_uri;" in conf


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_analyze_verify_accepts_every_unit(tmp_path):
    """`systemd-analyze verify` checks that each program exists: the units are copied with the venv's path
    pointing at stand-in programs (their paths are checked against the layout above)."""
    stand_ins = tmp_path / "bin"
    stand_ins.mkdir()
    for program in ("clearcheck", "gunicorn"):
        (stand_ins / program).write_text("#!/bin/sh\n")
        (stand_ins / program).chmod(0o755)
    copies = tmp_path / "units"
    copies.mkdir()
    for path in UNITS.iterdir():
        text = path.read_text(encoding="utf-8").replace(VENV_BIN, f"{stand_ins}/")
        (copies / path.name).write_text(text.replace(DEPLOY_DIR, f"{ROOT / 'deploy'}/"), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", *sorted(str(p) for p in copies.iterdir())],
                            capture_output=True, text=True, timeout=60, cwd=copies)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr + result.stdout


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is not installed here (Debian: apt-get install nginx-light)")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed here")
def test_nginx_t_accepts_the_configuration(tmp_path):
    """`nginx -t` with throw-away self-signed certificates and log paths in a temporary folder."""
    for zone in ("government", "internet"):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", f"/CN={zone}", "-keyout", str(tmp_path / f"{zone}.key"),
                        "-out", str(tmp_path / f"{zone}.crt")], check=True, capture_output=True, timeout=60)
    (tmp_path / "logs").mkdir()
    site = NGINX.read_text(encoding="utf-8").replace("/etc/clearcheck/tls/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site.replace("/var/log/nginx/", f"{tmp_path}/logs/"), encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/logs/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/site.conf;
}}
""", encoding="utf-8")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
