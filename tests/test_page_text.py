"""Issue 19: no page a person reads in Chinese shows the machine's words.

Every HTML page of the role × route crawl (not the API, not ``/admin/``, not ``/api/docs``) is requested by
each role and anonymously with ``Accept-Language: zh-CN``; its visible text (without scripts and styles,
with the ``title``, ``placeholder``, ``aria-label`` and ``alt`` a reader meets) must contain none of:

- a model's field name: ``field:`` for any field of the clearcheck apps, and a bare snake_case field name
  (``occurred_at``, ``annual_cap``) anywhere;
- a username (people are shown by name and role, ``{{ username|person }}``);
- a raw ISO-8601 time (``2026-12-07T14:04``);
- a dotted event code (``enterprise_code.issue``, ``alert.raise``), file names and domains excepted.

A failure names the page, the role and the offending text.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps

from tests.crawl_pages import CRAWL_ROLES, html_pages

pytestmark = pytest.mark.sqlite_only

SKIPPED_ELEMENTS = {"script", "style", "template", "noscript"}
READABLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
DOTTED = re.compile(r"(?<![\w.@/:-])[a-z_]+(?:\.[a-z_]+)+(?![\w-])")
# Legitimately dotted: a file's extension or a domain's last label. Keep this short.
DOTTED_EXEMPT_ENDINGS = {"csv", "xlsx", "pdf", "json", "png", "svg", "py", "zip", "txt", "pem", "com", "cn", "org"}


class _VisibleText(HTMLParser):
    """Collects what a reader sees: text outside scripts and styles, and readable attribute values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        for name, value in attrs:
            if name in READABLE_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_startendtag(self, tag, attrs):
        for name, value in attrs:
            if name in READABLE_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def model_field_names() -> tuple[set[str], set[str]]:
    """(every concrete field name, the snake_case ones) of the clearcheck apps' models."""
    names: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("clearcheck."):
            continue
        for model in config.get_models():
            names.update(f.name for f in model._meta.concrete_fields)
    return names, {n for n in names if "_" in n.strip("_")}


def _field_patterns() -> list[tuple[str, re.Pattern]]:
    names, snake = model_field_names()
    labelled = re.compile(r"(?<![\w.-])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True))
                          + r")\s*[:：]", re.ASCII)
    bare = re.compile(r"(?<![\w.-])(" + "|".join(sorted(map(re.escape, snake), key=len, reverse=True))
                      + r")(?![\w-])", re.ASCII)
    return [("field name", labelled), ("snake_case field name", bare)]


def _snippet(text: str, match: re.Match) -> str:
    start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
    return text[start:end].replace("\n", " ⏎ ")


def machine_words(text: str, usernames: set[str], field_patterns) -> list[str]:
    """What in ``text`` is a field name, a username, a raw ISO time or a dotted code (with its context)."""
    found = []
    for what, pattern in field_patterns:
        found += [f"{what} {m.group(1)!r}: …{_snippet(text, m)}…" for m in pattern.finditer(text)]
    if usernames:
        users = re.compile(r"(?<![\w.@-])(" + "|".join(map(re.escape, sorted(usernames, key=len, reverse=True)))
                           + r")(?![\w-])")
        found += [f"username {m.group(1)!r}: …{_snippet(text, m)}…" for m in users.finditer(text)]
    found += [f"ISO time: …{_snippet(text, m)}…" for m in ISO_TIME.finditer(text)]
    found += [f"dotted code {m.group(0)!r}: …{_snippet(text, m)}…" for m in DOTTED.finditer(text)
              if m.group(0).rsplit(".", 1)[1] not in DOTTED_EXEMPT_ENDINGS]
    return found


def test_the_scan_finds_what_it_looks_for():
    """The patterns catch the defects issue 19 saw, and pass their Chinese replacements."""
    patterns = _field_patterns()
    html = ('<p title="occurred_at: 发生时间">x</p><script>var a = "alert.raise";</script>'
            "<dd>scjg_officer 批准 2026-12-07T14:04:05Z enterprise_code.issue enterprises.csv</dd>")
    text = visible_text(html)
    assert "alert.raise" not in text
    found = " | ".join(machine_words(text, {"scjg_officer"}, patterns))
    for word in ("'occurred_at'", "username 'scjg_officer'", "ISO time", "'enterprise_code.issue'"):
        assert word in found
    assert "'enterprises.csv'" not in found
    assert machine_words("张明(执法人员)于 2026-12-07 22:04 批准;东阿县阿胶街 78 号", {"scjg_officer"}, patterns) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", CRAWL_ROLES)
def test_issue19_no_machine_words_on_a_zh_cn_page(world, role):
    from clearcheck.accounts.models import User

    usernames = set(User.objects.values_list("username", flat=True)) - {""}
    usernames |= {u.username for u in world["users"].values()}
    patterns = _field_patterns()
    failures, pages = [], 0
    for key, path, response in html_pages(role, world):
        pages += 1
        for word in machine_words(visible_text(response.content.decode()), usernames, patterns):
            failures.append(f"{key} ({path}) as {role}: {word}")
    assert pages, f"no HTML page answered {role}"
    assert not failures, f"\n{len(failures)} machine words on zh-CN pages:\n" + "\n".join(failures)
