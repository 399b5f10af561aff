"""What the Content-Security-Policy of an HTML response must say (issue 20, Deliver 4; ``clearcheck.core.csp``).

Used by the role × route crawl (``tests/test_route_access.py``: every route, every role, both databases, the
error pages included), by ``clearcheck/core/tests/test_csp.py`` and by the browser checks.
"""

import re

HEADER = "Content-Security-Policy"
# Directive → what it must be (the nonce varies per request).
REQUIRED = {
    "default-src": re.compile(r"^'self'$"),
    "script-src": re.compile(r"^'self' 'nonce-[A-Za-z0-9_-]{16,}'$"),
    "style-src": re.compile(r"^'self' 'nonce-[A-Za-z0-9_-]{16,}'$"),
    "object-src": re.compile(r"^'none'$"),
    "base-uri": re.compile(r"^'none'$"),
    "frame-ancestors": re.compile(r"^'none'$"),
    "form-action": re.compile(r"^'self'$"),
    "img-src": re.compile(r"^'self' data:$"),
    "connect-src": re.compile(r"^'self'$"),
}
NEVER = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")


def directives(policy: str) -> dict[str, str]:
    """``{directive: value}`` of a policy header."""
    out = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            out[name.lower()] = value.strip()
    return out


def policy_problem(policy: str | None) -> str | None:
    """Why ``policy`` is not the platform's strict page policy, or None when it is."""
    if not policy:
        return "no Content-Security-Policy"
    found = directives(policy)
    for name, wanted in REQUIRED.items():
        if name not in found:
            return f"CSP lacks {name}"
        if not wanted.match(found[name]):
            return f"CSP {name} is {found[name]!r}"
    for name, value in found.items():
        loose = [token for token in value.split() if token in NEVER]
        if loose:
            return f"CSP {name} allows {' '.join(loose)}"
    return None


def csp_problem(response) -> str | None:
    """For an HTML response: why its policy falls short (None when it is right, or the response is not HTML).

    A response that set its own policy (an evidence file's sandbox) is not an HTML page of the site.
    """
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    return policy_problem(response.get(HEADER))


def watch_csp(page) -> list[str]:
    """Collect, as they happen, the policy violations chromium reports on a Playwright ``page``.

    Chromium logs each refusal as a console error ("Refused to execute inline script because it violates the
    following Content Security Policy directive …"); the list fills while the page is used.
    """
    found: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            found.append(f"{page.url}: {message.text[:300]}")

    page.on("console", on_console)
    return found
