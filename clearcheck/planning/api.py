"""Planning API: tiers, plans, special plans, tasks, coordination and the working-day calendar (one module per
area).
"""

from ninja import Router

from .api_routes import calendar, coordination, plans, tasks, tiers

router = Router()
router.add_router("", tiers.router)
router.add_router("", plans.router)
router.add_router("", tasks.router)
router.add_router("", coordination.router)
router.add_router("", calendar.router)
