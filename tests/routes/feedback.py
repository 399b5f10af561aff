"""Route expectations of evaluations (事后评价, R27) and complaints (投诉举报), issue 6 §1–§2.

Individual evaluations: the bureau, discipline and the enterprise that wrote them; the agencies only the
aggregate (summary page and API: "too few" in the crawl's world, which holds one evaluation). Complaints:
the bureau and discipline all, an agency's admin/head/department head those forwarded to it, the
enterprise its own portal complaints.
"""

from tests.access import ok, post_only

FULL = ("bureau", "discipline")
AGENCY_READERS = ("agency_admin", "agency_head", "department_head")

EXPECTATIONS = {
    # --- enterprise portal (internet zone) --------------------------------------------------------
    "feedback_enterprise:visits": ok("enterprise"),
    "feedback_enterprise:visit_detail": ok("enterprise"),
    "feedback_enterprise:evaluation_list": ok("enterprise"),
    "feedback_enterprise:evaluation_create": ok("enterprise"),
    "feedback_enterprise:evaluation_detail": ok("enterprise"),
    "feedback_enterprise:complaint_list": ok("enterprise"),
    "feedback_enterprise:complaint_create": ok("enterprise"),
    "feedback_enterprise:complaint_detail": ok("enterprise"),
    # --- workspace --------------------------------------------------------------------------------
    "feedback:evaluation_list": ok(*FULL),
    "feedback:evaluation_summary": ok(*FULL, *AGENCY_READERS),
    "feedback:evaluation_detail": ok(*FULL),
    "feedback:complaint_list": ok(*FULL, *AGENCY_READERS),
    "feedback:complaint_create": ok("bureau"),
    "feedback:complaint_import": ok("bureau"),
    "feedback:complaint_import_template": ok("bureau"),
    "feedback:complaint_detail": ok(*FULL, *AGENCY_READERS),
    "feedback:complaint_action": post_only("bureau", "agency_admin", "agency_head"),
    # --- API --------------------------------------------------------------------------------------
    "GET /api/evaluations": ok(*FULL, "enterprise"),  # agencies: 403 (aggregates only)
    "GET /api/evaluations/summary": ok(*FULL, *AGENCY_READERS),
    "GET /api/evaluations/{evaluation_id}": ok(*FULL, "enterprise"),
    "GET /api/complaints": ok(*FULL, *AGENCY_READERS, "enterprise", empty=("government", "officer")),
    "GET /api/complaints/{complaint_id}": ok(*FULL, *AGENCY_READERS, "enterprise"),
}


def world_extend(world: dict) -> None:
    """A patrol (non-inspection visit, R26) of the users' agency at their enterprise, closed and evaluated
    by the enterprise; a portal complaint of the enterprise, accepted and forwarded to the users' agency.
    """
    from clearcheck.feedback import services
    from clearcheck.inspections.services.records import visit_close
    from clearcheck.inspections.services.visits import visit_start_non_inspection

    users, enterprise = world["users"], world["enterprise"]
    visit = visit_start_non_inspection(
        actor=users["officer"], kind="patrol", purpose="日常巡查(巡查用)", officer_ids=[],
        idempotency_key="crawl-feedback-patrol", enterprise_id=enterprise.pk,
        latitude=enterprise.latitude, longitude=enterprise.longitude)
    visit = visit_close(actor=users["officer"], visit_id=visit.pk, summary="巡查生产车间")
    evaluation = services.evaluation_submit(actor=users["enterprise"], visit_id=visit.pk, score=4, conduct_yes=[],
                                            duration_minutes=30, comment="检查规范")
    complaint = services.complaint_receive(actor=users["enterprise"], subject="检查过于频繁", content="一个月三次")
    services.complaint_accept(actor=users["bureau"], complaint_id=complaint.pk)
    services.complaint_forward(actor=users["bureau"], complaint_id=complaint.pk, agency_id=world["agency"].pk)
    per_route = world["per_route"]
    per_route.setdefault("feedback_enterprise:evaluation_create", {})["visit_id"] = visit.pk
    for key in ("feedback_enterprise:evaluation_detail", "feedback:evaluation_detail",
                "GET /api/evaluations/{evaluation_id}"):
        per_route.setdefault(key, {})["evaluation_id"] = evaluation.pk
    for key in ("feedback_enterprise:complaint_detail", "feedback:complaint_detail", "feedback:complaint_action",
                "GET /api/complaints/{complaint_id}"):
        per_route.setdefault(key, {})["complaint_id"] = complaint.pk
    world["feedback_visit"], world["evaluation"], world["complaint"] = visit, evaluation, complaint
