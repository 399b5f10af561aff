"""Test databases under pytest-xdist: migrations run once per test run, and each worker starts from a copy.

The first worker to take the run's lock migrates a template database, exactly as Django creates a test
database; every worker (that one included) then copies the template: ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL, a copied file on SQLite. The last worker to finish removes the template. A run without xdist
is a run of one worker. The demo county is loaded once per run the same way, into a copy of the template,
and each test that asks for ``demo_database`` runs on its own copy of that.

Why: migrating takes about 45 s of CPU; two workers migrating at once on a 2-core machine cost as much as
the tests they would run in that time (issue 18).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest


@contextlib.contextmanager
def _run_lock(folder: Path):
    """An exclusive lock shared by the workers of one run (a file lock: the workers are processes)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _state(folder: Path) -> dict:
    path = folder / "state.json"
    return json.loads(path.read_text()) if path.exists() else {"template": None, "finished": 0}


def _state_save(folder: Path, state: dict) -> None:
    (folder / "state.json").write_text(json.dumps(state))


def _names_set(connection, name: str) -> None:
    from django.conf import settings

    connection.settings_dict["NAME"] = name
    settings.DATABASES[connection.alias]["NAME"] = name


def _is_sqlite(connection) -> bool:
    return connection.vendor == "sqlite"


def _template_create(connection, folder: Path) -> str:
    """Migrate the run's template database with Django's own test-database creation; return its name."""
    if _is_sqlite(connection):
        template = str(folder / "template.sqlite3")
    else:
        # The suffix-free test name (pytest-django appends the worker id to TEST NAME), so a template left by
        # a run that crashed is replaced by the next run instead of piling up.
        template = f"test_{connection.settings_dict['NAME']}_template"[:63]
    test = connection.settings_dict.setdefault("TEST", {})
    own_test_name, own_name = test.get("NAME"), connection.settings_dict["NAME"]
    test["NAME"] = template
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        connection.close()
        test["NAME"] = own_test_name
        _names_set(connection, own_name)
    return template


def _copy(connection, source: str, target: str) -> None:
    """Make database ``target`` a copy of ``source`` (to which no connection may be open)."""
    _database_drop(connection, target)
    if _is_sqlite(connection):
        shutil.copyfile(source, target)
        return
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quote(target)} WITH TEMPLATE {quote(source)}")


def _database_drop(connection, name: str) -> None:
    if _is_sqlite(connection):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def _clone(connection, template: str) -> str:
    """Copy the template to this worker's own test database and point the connection at it."""
    target = connection.creation._get_test_db_name()
    _copy(connection, template, target)
    connection.close()
    _names_set(connection, target)
    return target


def _run(config) -> dict:
    """The run's id, worker count and this process's worker id (one worker when xdist is not in use)."""
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        return {"id": worker["testrunuid"], "workers": worker["workercount"]}
    if not hasattr(config, "_clearcheck_run_id"):
        config._clearcheck_run_id = uuid.uuid4().hex
    return {"id": config._clearcheck_run_id, "workers": 1}


def _folder(run: dict) -> Path:
    return Path(tempfile.gettempdir()) / f"clearcheck-tests-{run['id']}"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """pytest-django's fixture of the same name, with one migration per run: every worker copies a template."""
    from django.db import connection

    run = _run(request.config)
    folder = _folder(run)
    own_name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock(), _run_lock(folder):
        state = _state(folder)
        if state["template"] is None:
            state["template"] = _template_create(connection, folder)
            _state_save(folder, state)
        _clone(connection, state["template"])
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(own_name, verbosity=0)
        with _run_lock(folder):
            state = _state(folder)
            state["finished"] += 1
            _state_save(folder, state)
            if state["finished"] >= run["workers"]:
                for name in (state["template"], state.get("demo")):
                    if name:
                        _database_drop(connection, name)
                shutil.rmtree(folder, ignore_errors=True)


def _demo_create(connection, folder: Path, template: str, worker_database: str) -> tuple[str, bool]:
    """A copy of the template with the demo county loaded into it (what ``make run`` serves)."""
    from clearcheck.demo.loader import demo_load

    name = str(folder / "demo.sqlite3") if _is_sqlite(connection) else f"{template[:54]}_demo"
    _copy(connection, template, name)
    connection.close()
    _names_set(connection, name)
    try:
        loaded = demo_load(progress=lambda _: None)
    finally:
        connection.close()
        _names_set(connection, worker_database)
    return name, loaded


def _demo_settings(settings, folder: Path) -> None:
    """The demo's keys and files, shared by every test on a copy of it: its checkpoints are signed with its
    audit key, its draws' pseudonyms made with its pseudonym key, its evidence stored in its folder."""
    from clearcheck.core import crypto

    keys = folder / "demo-keys"
    if not keys.exists():
        keys.mkdir(parents=True)
        crypto.signing_key_create(str(keys / "audit.pem"))
        crypto.signing_key_create(str(keys / "code.pem"))
        crypto.secret_key_create(str(keys / "pseudonym.key"))
    settings.CLEARCHECK = {**settings.CLEARCHECK, "SIGNING_KEY_FILE": str(keys / "audit.pem"),
                           "CODE_SIGNING_KEY_FILE": str(keys / "code.pem"),
                           "PSEUDONYM_KEY_FILE": str(keys / "pseudonym.key")}
    settings.MEDIA_ROOT = folder / "demo-files"


@pytest.fixture
def demo_database(request, django_db_setup, django_db_blocker, settings):
    """The test runs on its own copy of a database holding the demo county, loaded once per run.

    Yields whether the run's one load created the demo (``demo_load`` returned True). The copy is thrown
    away afterwards, so the test may write anything; it must not also ask for ``db`` (that would wrap the
    connection in a transaction of the worker's own database).
    """
    from django.db import connection

    folder = _folder(_run(request.config))
    worker_database = connection.settings_dict["NAME"]
    copy = worker_database + ("-demo" if _is_sqlite(connection) else "_demo")
    with django_db_blocker.unblock():
        with _run_lock(folder):
            _demo_settings(settings, folder)
            state = _state(folder)
            if state.get("demo") is None:
                state["demo"], state["demo_loaded"] = _demo_create(connection, folder, state["template"],
                                                                   worker_database)
                _state_save(folder, state)
            _copy(connection, state["demo"], copy)
        connection.close()
        _names_set(connection, copy)
        try:
            yield state["demo_loaded"]
        finally:
            connection.close()
            _names_set(connection, worker_database)
            _database_drop(connection, copy)
