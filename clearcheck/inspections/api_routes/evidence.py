"""API of the evidence area of on-site work."""

from ninja import Router

router = Router(tags=["evidence"])
