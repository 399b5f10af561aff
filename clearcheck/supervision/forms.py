"""Form parsing for the supervision pages. Forms only turn GET/POST data into the arguments of the selectors
and services; every required-field check and refusal lives in the services, so the web and the API agree.
"""

from clearcheck.alerts.selectors import AlertFilters
from clearcheck.core.inputs import int_or_none


def alert_filters_from(data) -> AlertFilters:
    """The inbox filters from a query string (unknown values filter nothing)."""
    return AlertFilters(
        state=data.get("state") or None, rule_id=(data.get("rule") or "").strip() or None,
        severity=data.get("severity") or None, agency_id=int_or_none(data.get("agency")),
        assigned_to_me=data.get("mine") in ("1", "on", "true"), q=(data.get("q") or "").strip() or None,
    )


def ids_from(data, name: str) -> list[int]:
    """The integer ids of a multi-value field (blank and non-numeric values dropped)."""
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
    ids = []
    for value in values:
        for part in str(value).replace(",", " ").split():
            if (number := int_or_none(part)) is not None:
                ids.append(number)
    return ids


def int_from(data, name: str) -> int | None:
    """An optional integer field."""
    return int_or_none(data.get(name))
