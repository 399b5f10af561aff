"""Browser journeys: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

No browser download: the chromium binary comes from ``CHROMIUM_PATH``, ``/usr/bin/chromium`` or the
PATH (``CHROMIUM_PATH=none`` runs without). Without one, every ``@pytest.mark.browser`` test is skipped with a plain reason that the ``-ra``
summary prints.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.support.csp import watch_csp

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a thread
# with a running loop unless told otherwise. Test process only (never in settings).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SKIP_REASON = "browser journeys skipped: no chromium found (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def chromium_path() -> str | None:
    """The chromium binary to drive, or None when the machine has none (``CHROMIUM_PATH=none`` pretends so)."""
    if os.environ.get("CHROMIUM_PATH", "").lower() == "none":
        return None
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _playwright_missing() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return True
    return False


def pytest_collection_modifyitems(config, items):
    """Skip the journeys plainly when there is no browser to drive."""
    reason = None
    if chromium_path() is None:
        reason = SKIP_REASON
    elif _playwright_missing():
        reason = "browser journeys skipped: the playwright package is not installed (pip install -e '.[dev]')"
    if reason and os.environ.get("CLEARCHECK_REQUIRE_BROWSER") == "1":
        # CI installs chromium: a skip there would hide journeys that must run.
        raise pytest.UsageError(f"CLEARCHECK_REQUIRE_BROWSER=1 but {reason}")
    if reason:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    """One chromium for the session."""
    path = chromium_path()
    if path is None:
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def phone(browser, live_server):
    """A page in a fresh phone-sized context (390×844, zh-CN, touch) whose base URL is the live server."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    # Every journey also proves the pages it uses break no Content-Security-Policy rule (issue 20).
    page.csp_violations = watch_csp(page)
    try:
        yield page
        assert not page.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(page.csp_violations)
    finally:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to var/screenshots/<name>.png and return its path."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
