"""Routes of annual plans, filings (R05) and special plans (R08): who may reach them, and the crawl's objects."""

import datetime as dt

from tests.access import AGENCY_MANAGERS, COUNTY, EVERYONE, INTERNAL, ok, post_only

EXPECTATIONS = {
    # --- work pages ---------------------------------------------------------------------------------
    "planning:plan_list": ok(INTERNAL),
    "planning:plan_detail": ok(INTERNAL),
    "planning:plan_file": post_only(AGENCY_MANAGERS),
    "planning:filings_overview": ok(COUNTY),
    "planning:filing_detail": ok(INTERNAL),
    "planning:special_plan_list": ok(INTERNAL),
    "planning:special_plan_create": ok(AGENCY_MANAGERS),
    "planning:quotas": ok(COUNTY),
    "planning:special_plan_detail": ok(INTERNAL),
    # --- public pages -------------------------------------------------------------------------------
    "planning_public:special_plan_list": ok(EVERYONE),
    "planning_public:special_plan_detail": ok(EVERYONE),
    # --- API ----------------------------------------------------------------------------------------
    "GET /api/annual-plans": ok(INTERNAL, empty="enterprise"),
    "GET /api/annual-plans/{plan_id}": ok(INTERNAL),
    "GET /api/plan-filings": ok(INTERNAL, empty="enterprise"),  # discipline and bureau: every filing
    "GET /api/plan-filings/overview": ok(COUNTY),
    "GET /api/plan-filings/{filing_id}": ok(INTERNAL),
    "GET /api/special-plans": ok(INTERNAL, empty="enterprise"),
    "GET /api/special-plans/{special_plan_id}": ok(INTERNAL),
    "GET /api/public/special-plans": ok(EVERYONE),
    "GET /api/public/special-plans/{special_plan_id}": ok(EVERYONE),
}


def world_extend(world: dict) -> None:
    """A filed annual plan and an approved (published) special plan of the users' own agency."""
    from clearcheck.core import clock
    from clearcheck.planning.services import plans, special_plans

    users, agency = world["users"], world["agency"]
    admin, government = users["agency_admin"], users["government"]
    year = clock.local_year()
    plan = plans.annual_plan_create(actor=admin, agency=agency, year=year, basis="《优化营商环境条例》",
                                    goals="规范涉企检查", forms="双随机抽查", scope="食品生产企业", content="许可条件")
    entry = plans.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=world["item"].pk, month=5,
                                        target_count=3)
    filing = plans.annual_plan_file(actor=admin, plan_id=plan.pk)
    special = special_plans.special_plan_create(
        actor=admin, lead_agency=agency, year=year, title="阿胶生产企业专项检查", scope="阿胶生产企业",
        content="原料与生产过程", period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
        assessment="经过评估确需开展",
    )
    special_plans.special_plan_legal_review_record(actor=admin, plan_id=special.pk, opinion="合法")
    special_plans.special_plan_discussion_record(actor=admin, plan_id=special.pk, record="集体讨论同意",
                                                 discussed_on=clock.local_today())
    special_plans.special_plan_submit(actor=admin, plan_id=special.pk)
    special_plans.special_plan_approve(actor=government, plan_id=special.pk, note="同意")
    world["params"].update(plan_id=plan.pk, filing_id=filing.pk, special_plan_id=special.pk)
    world["per_route"].update({
        "planning_public:special_plan_detail": {"plan_id": special.pk},
        "DELETE /api/annual-plans/{plan_id}/entries/{entry_id}": {"entry_id": entry.pk},
    })
    world.update(annual_plan=plan, plan_filing=filing, special_plan=special)
