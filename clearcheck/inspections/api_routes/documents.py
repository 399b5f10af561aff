"""API of the documents area of on-site work."""

from ninja import Router

router = Router(tags=["documents"])
