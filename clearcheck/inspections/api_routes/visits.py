"""API of the visits area of on-site work."""

from ninja import Router

router = Router(tags=["visits"])
