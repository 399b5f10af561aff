"""Issue 20, Deliver 4: no template holds what the Content-Security-Policy refuses (``clearcheck.core.csp``).

A static scan of every template of the platform (``clearcheck/templates`` and each app's ``templates``), its
Django comments removed: no inline ``<script>`` (a JSON data block excepted), no ``on*=`` handler, no
``javascript:`` URL, no ``hx-on`` and no htmx value that htmx would evaluate (``js:``, a trigger filter
``[...]``: ``allowEval`` is off), no ``style=""`` attribute and no ``<style>`` element. Behaviour lives in
``static/clearcheck/js``, styles in ``static/clearcheck/*.css``.

The PDF documents (``inspections/documents/``) are laid out by WeasyPrint on the server and never served as
HTML: they keep their print styles, but no script either.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "clearcheck"
PRINT_ONLY = ("inspections/templates/inspections/documents/",)

COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"<[a-z][^<>]*?\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"javascript\s*:", re.I)
HX_ON = re.compile(r"\bhx-on\b|data-hx-on", re.I)
HX_EVAL = re.compile(r"hx-(?:vals|vars|headers)\s*=\s*[\"']\s*(?:js|javascript)\s*:|\bhx-vars\b|"
                     r"hx-trigger\s*=\s*[\"'][^\"']*\[", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^<>]*?\sstyle\s*=", re.I | re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


def templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/templates/**/*") if p.is_file() and p.suffix in {".html", ".txt", ".svg"})


def inline_problems(text: str, *, print_only: bool = False) -> list[str]:
    """What in a template's ``text`` the policy would refuse (one line each)."""
    text = COMMENTS.sub("", text)
    found = []
    for match in SCRIPT.finditer(text):
        attrs = match.group(1)
        if "src=" not in attrs and not re.search(r"type\s*=\s*[\"']application/(?:ld\+)?json", attrs):
            found.append(f"inline script {match.group(0)!r}")
    found += [f"handler {m.group(0)[-40:]!r}" for m in HANDLER.finditer(text)]
    found += [f"javascript: URL near {text[max(0, m.start() - 30):m.end()]!r}" for m in JS_URL.finditer(text)]
    found += [f"hx-on near {text[max(0, m.start() - 30):m.end() + 10]!r}" for m in HX_ON.finditer(text)]
    found += [f"htmx evaluation {m.group(0)!r}" for m in HX_EVAL.finditer(text)]
    if not print_only:
        found += [f"style attribute {m.group(0)[-40:]!r}" for m in STYLE_ATTRIBUTE.finditer(text)]
        found += ["<style> element" for _ in STYLE_ELEMENT.finditer(text)]
    return found


def test_issue20_the_scan_finds_what_it_looks_for():
    bad = {
        '<script>alert(1)</script>': "inline script",
        '<select name="l" onchange="this.form.submit()">': "handler",
        '<button\n  type="button" onClick="print()">': "handler",
        '<a href="javascript:history.back()">': "javascript:",
        '<button hx-on:click="x()">': "hx-on",
        '<div hx-on::after-request="x()">': "hx-on",
        "<div hx-vals='js:{a: b()}'>": "htmx evaluation",
        '<input hx-trigger="keyup[ctrlKey]">': "htmx evaluation",
        '<div class="qr" style="max-width:280px">': "style attribute",
        "<style>p{}</style>": "<style> element",
    }
    for html, what in bad.items():
        assert any(what in p for p in inline_problems(html)), html
    good = ('<script src="/static/x.js" defer></script><script type="application/json" id="d">{}</script>'
            '<select data-autosubmit hx-trigger="change, submit" hx-headers=\'{"X-CSRFToken": "t"}\'>'
            '{# <script>alert(1)</script> #}<p class="ok">one=1 onward</p>')
    assert inline_problems(good) == []
    assert inline_problems("<style>@page{}</style>", print_only=True) == []
    assert inline_problems("<script>x()</script>", print_only=True) != []


def test_issue20_no_template_holds_inline_script_or_style():
    failures, scanned = [], 0
    for path in templates():
        relative = str(path.relative_to(ROOT))
        scanned += 1
        for problem in inline_problems(path.read_text(encoding="utf-8"), print_only=relative.startswith(PRINT_ONLY)):
            failures.append(f"{relative}: {problem}")
    assert scanned > 100, "the scan found too few templates: is ROOT right?"
    assert not failures, "\n" + "\n".join(failures)
