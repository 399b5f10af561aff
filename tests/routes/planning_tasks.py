"""Route expectations of planning's tiers, tasks, approvals and caps (issue 3, sections 1, 4, 5)."""

import datetime as dt

from tests.access import AGENCY, INTERNAL, ok, post_only

EXPECTATIONS = {
    # --- pages ----------------------------------------------------------------------------------
    "planning:task_list": ok(INTERNAL),
    "planning:task_create": ok("agency_admin", "agency_head", "department_head"),
    "planning:approval_inbox": ok("agency_head"),
    "planning:task_detail": ok(INTERNAL),
    "planning:task_action": post_only(INTERNAL),
    "planning:tier_scheme": ok(INTERNAL),  # county roles first pick an agency
    "planning:enterprise_tier_assign": ok(INTERNAL),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/tiers": ok(AGENCY),  # county roles name an agency (?agency_id=)
    "GET /api/enterprise-tiers": ok(INTERNAL, empty="enterprise"),
    "GET /api/tasks": ok(INTERNAL, empty="enterprise"),
    "GET /api/tasks/approval-inbox": ok(INTERNAL, empty="enterprise"),
    "GET /api/tasks/{task_id}": ok(INTERNAL),
}


def world_extend(world: dict) -> None:
    """A grade and a submitted task of the users' agency (in the approval inbox).

    The crawl's agency has one officer (other tests count them), so the task's item records the legal
    basis that lets one officer inspect (R14 除法律另有规定外).
    """
    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.planning.services.tasks import task_create, task_submit
    from clearcheck.planning.services.tiers import enterprise_tier_assign

    users, agency, today = world["users"], world["agency"], clock.local_today()
    admin = users["agency_admin"]
    item = catalog.item_create(actor=admin, code="SCJG-PT-1", name="价格公示情况检查", legal_basis="《价格法》第十三条",
                               object_scope="经营者", method="现场检查", single_officer_basis="《某办法》第八条:可由一名执法人员实施")
    catalog.item_list_publish(actor=admin, agency=agency, reason="新增事项")
    enterprise_tier_assign(actor=users["agency_admin"], agency=agency, enterprise=world["enterprise"],
                           tier_code="C", reason="食品生产企业,风险较高")
    task = task_create(
        actor=users["agency_admin"], agency=agency, enterprise=world["enterprise"], inspection_type="case",
        source="annual_plan", items=[item], officers=[world["officer"]],
        window_start=today + dt.timedelta(days=1), window_end=today + dt.timedelta(days=10), notice="请备好价目表",
    )
    task_submit(actor=users["agency_admin"], task_id=task.pk)
    world["params"]["task_id"] = task.pk
    world["task"] = task
