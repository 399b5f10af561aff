"""``{{ version.snapshot|agency_snapshot }}``: an agency's recorded state (canonical JSON) as labelled facts a
person reads — each field by its Chinese name, each choice by its label — never the raw JSON (issue 19).
"""

import json

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from clearcheck.registry.choices import RegisterAuthority
from clearcheck.registry.models import Agency

register = template.Library()


def _value(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.name == "register_authorities":
        labels = dict(RegisterAuthority.choices)
        return "、".join(str(labels.get(code, code)) for code in str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


@register.filter
def agency_snapshot(snapshot: str) -> list[tuple[str, str]]:
    """(label, value) of each recorded field of an agency version, in the snapshot's order."""
    try:
        state = json.loads(snapshot)
    except (TypeError, ValueError):
        return []
    rows = []
    for name, value in state.items():
        try:
            field = Agency._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a field the model no longer has: its value is kept in the audit trail
        rows.append((str(field.verbose_name), _value(field, value)))
    return rows
