"""Inspections API: recusals and refusals, visits, records, evidence, outcomes and documents (one module
per area).
"""

from ninja import Router

from .api_routes import documents, evidence, outcomes, records, requests, visits

router = Router()
for area in (requests, visits, records, evidence, outcomes, documents):
    router.add_router("", area.router)
