"""Fixtures shared by the top-level tests: a small county with one object of every kind."""

import pytest


@pytest.fixture
def world(county):
    """``county`` plus one object of every kind a route takes an id of, all in the users' own scope."""
    from clearcheck.alerts.services import alert_raise
    from clearcheck.catalog import services as catalog

    users = county["users"]
    admin = users["agency_admin"]
    item = catalog.item_create(
        actor=admin, code="SCJG-001", name="食品生产许可条件保持情况检查", legal_basis="《食品安全法》第一百一十条",
        object_scope="食品生产企业", method="现场检查",
    )
    version = catalog.item_list_publish(actor=admin, agency=county["agency"], reason="首次公布")
    item.refresh_from_db()
    standard = catalog.standard_create(actor=admin, code="BZ-001", title="阿胶生产卫生规范", content="车间清洁")
    catalog.standard_publish(actor=admin, standard_id=standard.pk)
    checklist = catalog.checklist_create(actor=admin, code="BD-001", name="阿胶生产企业检查表", object_type="食品生产企业")
    entry = catalog.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=item.pk, content="查看许可证")
    catalog.checklist_publish(actor=admin, checklist_id=checklist.pk)
    draft_checklist = catalog.checklist_create(actor=admin, code="BD-002", name="草稿表单", object_type="食品生产企业")
    no_penalty = catalog.no_penalty_entry_create(
        actor=admin, kind="first_violation", title="未按规定公示许可证", legal_basis="《行政处罚法》第三十三条",
        conditions="首次违法且危害后果轻微并及时改正",
    )
    catalog.no_penalty_list_publish(actor=admin, agency=county["agency"], reason="首次公布")
    no_penalty.refresh_from_db()
    from clearcheck.registry.models import AgencyList

    agency_list = AgencyList.objects.order_by("-number").first()
    alert = alert_raise(rule_id="R05", subject=county["agency"], facts={"year": 2025}, agency=county["agency"])
    other_alert = alert_raise(rule_id="R05", subject=county["other_agency"], facts={"year": 2025},
                              agency=county["other_agency"])
    from clearcheck.audit.services import audit_seal
    from clearcheck.exchange.services import import_run, import_template

    job = import_run(actor=admin, kind="enterprises", filename="enterprises.csv",
                     data=import_template("enterprises", "csv"), mode="good_rows")
    from clearcheck.accounts.services import api_token_issue

    _, token = api_token_issue(username=users["officer"].username, password="Qingjian-2025!")
    audit_seal()  # so that the public checkpoint exists
    params = {
        "agency_id": county["agency"].pk,
        "officer_id": county["officer"].pk,
        "enterprise_id": county["enterprise"].pk,
        "alert_id": alert.pk,
        "item_id": item.pk,
        "version_id": version.pk,
        "standard_id": standard.pk,
        "checklist_id": checklist.pk,
        "entry_id": no_penalty.pk,
        "job_id": job.pk,
        "kind": "enterprises",
        "fmt": "csv",
        "token_id": token.pk,
        "list_id": agency_list.pk,
    }
    # The same parameter name means different things on some routes.
    per_route = {
        "catalog:checklist_entry_remove": {"entry_id": entry.pk},
    }
    world = {**county, "params": params, "per_route": per_route, "alert": alert, "other_alert": other_alert,
             "item": item, "checklist": checklist, "draft_checklist": draft_checklist, "no_penalty": no_penalty,
             "item_version": version}
    from tests.routes import world_extend

    world_extend(world)
    return world


@pytest.fixture
def wsgi_keeps_the_test_transaction():
    """Calls through the WSGI handler inside the test's transaction (schemathesis, fuzzing): the handler closes
    "old" connections at the start and end of each request, which would end it. Django's own test client
    unhooks these signals the same way.
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
