"""API of the records area of on-site work."""

from ninja import Router

router = Router(tags=["records"])
