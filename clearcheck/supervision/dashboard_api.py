"""``/api/dashboards/...``: dashboard panels as JSON."""

from ninja import Router

router = Router(tags=["dashboards"])
