"""The registry of periodic checks: every ALERT rule has a home (a check registered by its app, or a named
service), each registered function exists and raises its rule, and registration is checked.
"""

import inspect

import pytest
from django.core.exceptions import ImproperlyConfigured

from clearcheck.alerts import checks


def test_every_alert_rule_is_raised_by_a_check_or_a_named_service():
    """Catalogue completeness: no ALERT rule of core/rules.py is forgotten by the apps' registrations."""
    table = checks.raised_where()
    missing = [rule for rule in checks.alert_rules() if rule not in table]
    assert not missing, f"ALERT rules with no check or service raising them: {missing}"
    assert "R27" in checks.event_raisers()  # raised by feedback.evaluation_submit


@pytest.mark.parametrize("target", [c.target for c in checks.periodic_checks_select()])
def test_every_periodic_check_exists(target):
    [check] = [c for c in checks.periodic_checks_select() if c.target == target]
    assert callable(check.function), target
    source = inspect.getsource(inspect.getmodule(inspect.unwrap(check.function)))
    assert "alert_raise" in source and f'"{check.rule_id}"' in source, f"{target} does not raise {check.rule_id}"


@pytest.mark.parametrize(("rule_id", "target"), [(rule, checks._where(f)) for rule, functions
                                                 in checks.event_raisers().items() for f in functions])
def test_every_named_service_exists_and_raises_its_rule(rule_id, target):
    """The table is not just names: each service exists and its module raises that rule (directly or through a
    helper of the same module)."""
    [function] = [f for f in checks.event_raisers()[rule_id] if checks._where(f) == target]
    assert callable(function), target
    source = inspect.getsource(inspect.getmodule(inspect.unwrap(function)))
    assert "alert_raise" in source and f'"{rule_id}"' in source, f"{target} does not raise {rule_id}"


def test_each_app_registers_its_own_checks_when_it_loads():
    """No dotted names: the checks are the apps' own functions, registered by their AppConfig.ready."""
    owners = {c.key: c.function.__module__ for c in checks.periodic_checks_select()}
    assert owners == {
        "R05:annual_plans_unfiled": "clearcheck.planning.jobs.plans",
        "R09:overlapping_plans": "clearcheck.planning.jobs.coordination",
        "R10:urgent_approvals_overdue": "clearcheck.planning.jobs.urgent",
        "R10:work_calendar_missing": "clearcheck.planning.jobs.calendar",  # issue 20
        "S01:login_lockouts": "clearcheck.supervision.security",  # issue 20: a security check, not a rule
        "R19:corrections_overdue": "clearcheck.inspections.jobs",
        "R24:draws_unselected": "clearcheck.sampling.jobs",
        "R24:draws_unrevealed": "clearcheck.sampling.jobs",
    }
    assert [c.key for c in checks.periodic_checks_select("r24")] == ["R24:draws_unselected", "R24:draws_unrevealed"]


def test_registration_refuses_an_unknown_rule_and_a_second_function_under_one_name(monkeypatch):
    monkeypatch.setattr(checks, "_checks", dict(checks._checks))
    with pytest.raises(ImproperlyConfigured):
        checks.periodic_check_register(rule_id="R99", name="x", function=lambda *, today: 0)
    [r05] = checks.periodic_checks_select("R05")
    assert checks.periodic_check_register(rule_id="R05", name=r05.name, function=r05.function) == r05  # again: no-op
    with pytest.raises(ImproperlyConfigured):
        checks.periodic_check_register(rule_id="R05", name=r05.name, function=lambda *, today: 0)
    with pytest.raises(ValueError):
        checks.periodic_checks_select("R99")
