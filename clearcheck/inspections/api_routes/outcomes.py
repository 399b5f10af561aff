"""API of the outcomes area of on-site work."""

from ninja import Router

router = Router(tags=["outcomes"])
