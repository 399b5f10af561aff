"""``{% load audit_labels %}``: an audit event as a person reads it (issue 19).

``{{ e.action|action_label }}`` (发出预警, never alert.raise), ``{{ e|subject_label }}`` (the subject's kind in
Chinese with a short id: a 36-character upload UUID would wrap letter by letter on a phone) and
``{{ value|short_id }}``.
"""

from django import template
from django.apps import apps
from django.utils.translation import gettext as _

from ..labels import ENTITY_LABELS
from ..labels import action_label as _action_label

register = template.Library()

# Subject types the chain records under a label that is no longer an installed model's (ADR 0019), or no model.
_SUBJECT_TYPES = {"supervision.alert": "alert", "demo": "demo"}
SHORT = 8


@register.filter
def action_label(action) -> str:
    """The Chinese label of an audit action code."""
    return _action_label(str(action or ""))


def subject_type_label(subject_type: str) -> str:
    """The kind of an audited subject in words: the model's verbose name, else the entity's label."""
    if subject_type in _SUBJECT_TYPES:
        return str(ENTITY_LABELS[_SUBJECT_TYPES[subject_type]])
    try:
        return str(apps.get_model(subject_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return _("对象")


@register.filter
def short_id(value) -> str:
    """An id short enough for a phone: numbers whole, long ids (UUIDs, hashes) by their first characters."""
    text = str(value or "")
    return text if len(text) <= SHORT + 2 else f"{text[:SHORT]}…"


@register.filter
def subject_label(event) -> str:
    """「企业 #12」, 「证据上传 #3f2a9c1e…」: what an event is about, without its dotted type."""
    return f"{subject_type_label(event.subject_type)} #{short_id(event.subject_id)}"
