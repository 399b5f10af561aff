"""``/api/evaluations``, ``/api/complaints``, ``/api/hotline/work-orders``: evaluations and complaints."""

from ninja import Router

router = Router(tags=["feedback"])
