"""Routes of planning coordination (R09, R20): the coordination page and API, joint inspections.

``world_extend`` builds, through the services, two overlapping tasks of the users' agency and another
agency at the users' enterprise in next month (the default period, so the coordination page and API show
a group to every county and agency role), and a joint inspection of two other tasks.
"""

from tests.access import AGENCY, COUNTY, INTERNAL, ok

EXPECTATIONS = {
    "planning:coordination": ok(INTERNAL),
    "planning:joint_inspection_list": ok(INTERNAL),
    "planning:joint_inspection_detail": ok(INTERNAL),
    "GET /api/coordination/groups": ok(COUNTY, AGENCY),
    "GET /api/joint-inspections": ok(INTERNAL, empty="enterprise"),
    "GET /api/joint-inspections/{joint_id}": ok(INTERNAL),
}


def world_extend(world: dict) -> None:
    """Overlapping tasks at the users' enterprise next month, and a joint inspection at the other one."""
    import datetime as dt

    from clearcheck.core import clock
    from clearcheck.planning.selectors.coordination import coordination_period_default
    from clearcheck.planning.services.coordination import joint_inspection_create
    from clearcheck.planning.tests.test_coordination_fixtures import agency_kit, task_make

    users = world["users"]
    bureau = users["bureau"]
    own = agency_kit(world["agency"], bureau=bureau, admin=users["agency_admin"], head=users["agency_head"], items=1,
                     officers=[world["officer"]])
    other = agency_kit(world["other_agency"], bureau=bureau, items=1)
    start, _ = coordination_period_default(clock.local_today())
    day = lambda n: start + dt.timedelta(days=n)  # noqa: E731
    task_make(own, world["enterprise"], day(2), day(12))
    task_make(other, world["enterprise"], day(6), day(16))
    a = task_make(own, world["other_enterprise"], day(2), day(12))
    b = task_make(other, world["other_enterprise"], day(6), day(16))
    joint = joint_inspection_create(actor=bureau, task_ids=[a.pk, b.pk], lead_agency_id=world["agency"].pk)
    world["params"]["joint_id"] = joint.pk
    world["joint_inspection"] = joint
