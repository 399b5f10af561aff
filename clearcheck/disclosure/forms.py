"""Parsing the handbook forms into service arguments (no business logic: the services validate)."""

from .models import SECTION_FIELDS


def handbook_values(data) -> dict:
    """The new-handbook form: industry code, slug, title."""
    return {"industry_code": data.get("industry_code", ""), "slug": data.get("slug", ""),
            "title": data.get("title", "")}


def version_values(data) -> dict:
    """The draft form: every section, the linked items and no-penalty entries, the change note."""
    return {
        "sections": {name: data.get(name, "") for name in SECTION_FIELDS},
        "item_ids": data.getlist("item_ids"),
        "no_penalty_ids": data.getlist("no_penalty_ids"),
        "change_note": data.get("change_note", ""),
    }
