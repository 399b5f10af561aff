"""Parsing posted forms into service arguments (no rules here: the services check everything)."""

import datetime as dt

from clearcheck.core import clock


def _typed(post, key: str) -> str:
    """What was typed in ``key``, a line break as one character: browsers send a textarea's breaks as CR LF,
    which would count twice against a limit the counter showed as met (issue 19).
    """
    return post.get(key, "").replace("\r\n", "\n")


def evaluation_values(post) -> dict:
    """The evaluation form: score, the conduct questions answered yes, minutes, comment."""
    return {"score": post.get("score", ""), "conduct_yes": [c for c in post.getlist("conduct_yes") if c],
            "duration_minutes": post.get("duration_minutes", ""), "comment": _typed(post, "comment")}


def complaint_values(post) -> dict:
    """The complaint form (portal or the bureau's hand)."""
    keys = ("channel", "subject", "content", "complainant_name", "complainant_contact", "enterprise_id",
            "agency_id", "officer_named", "external_ref")
    return {k: _typed(post, k).strip() for k in keys}


def received_at_value(text: str) -> dt.datetime | None:
    """A local ``YYYY-MM-DDTHH:MM`` (datetime-local input) as an aware time; None when blank or bad."""
    try:
        return dt.datetime.fromisoformat((text or "").strip()).replace(tzinfo=clock.LOCAL_TZ)
    except ValueError:
        return None
