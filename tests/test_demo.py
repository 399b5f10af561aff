"""The demo county loads through the services and shows the whole on-site loop (what `make run` serves)."""


from clearcheck.demo.loader import DEMO_ACCOUNTS, demo_load


def test_demo_county_loads_with_the_on_site_loop(demo_database):
    from clearcheck.accounts.models import User
    from clearcheck.alerts.models import Alert
    from clearcheck.inspections.models import Disposition, Visit
    from clearcheck.planning.models import InspectionTask

    assert demo_database is True  # the run's one load (tests.support.databases) loaded it
    assert demo_load(progress=lambda _: None) is False  # idempotent: loaded once
    assert set(User.objects.values_list("username", flat=True)) >= {name for name, *_ in DEMO_ACCOUNTS}

    statuses = sorted(Visit.objects.values_list("kind", "status"))
    assert statuses.count(("inspection", "closed")) == 2 and ("inspection", "open") in statuses
    assert ("patrol", "closed") in statuses  # a non-inspection visit (R26)
    kinds = set(Disposition.objects.values_list("kind", flat=True))
    # Every disposition that fits a finding (R19: "未发现问题(告知)" does not: a finding records a problem).
    assert kinds == {"correct_now", "correct_by_deadline", "refer", "case", "no_penalty"}
    recheck = Disposition.objects.get(kind="correct_by_deadline")
    assert recheck.status == "open" and recheck.recheck_task.status == "approved"  # a re-check is due
    assert Disposition.objects.get(kind="refer").referral_status == "handled"
    assert InspectionTask.objects.filter(status="completed", visits__isnull=False).exists()  # a closed loop
    assert Alert.objects.filter(rule_id="R19").exists()  # the overdue correction
    enterprise = User.objects.get(username="enterprise").enterprise
    assert Visit.objects.filter(enterprise=enterprise, status="open").exists()  # R28: the enterprise sees it


def test_demo_county_trail_verifies(demo_database):
    """R30: every step of the demo, the visits in the past included, is in a chain that verifies."""
    from clearcheck.audit.services import audit_seal
    from clearcheck.audit.verify import audit_verify

    audit_seal()
    report = audit_verify()
    assert report.ok, report.problems
    assert report.length > 500
