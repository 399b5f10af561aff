"""The registry of periodic alert checks, and the catalogue of where each ALERT rule is raised.

An ALERT rule is raised either by a periodic check (a function ``(*, today) -> int`` that looks for a situation
past its deadline: an unfiled plan, an overdue correction) or by a service when something happens (a late
filing, a refused entry). Each app above alerts names its own when it loads, in its ``AppConfig.ready``::

    periodic_check_register(rule_id="R19", name="corrections_overdue", function=corrections_overdue_alert)
    event_raiser_register(rule_id="R29", function=entry_refusal_record)

So alerts imports no app above it, and no app is called through a dotted name. The runner (supervision's
``engine.alerts_run``, which records each run) asks ``periodic_checks_select`` for the checks; the catalogue
(``raised_where``) shows that every ALERT rule of ``core.rules`` has a home.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from clearcheck.core.rules import RULES, rule_get


@dataclass(frozen=True)
class PeriodicCheck:
    """One periodic alert check of ``rule_id``: ``function(*, today)`` raises the alerts and returns how many."""

    rule_id: str
    name: str
    function: Callable[..., int]

    @property
    def key(self) -> str:
        """``rule:name``, the check's name in a run's counts and errors."""
        return f"{self.rule_id}:{self.name}"

    @property
    def target(self) -> str:
        """Where the check's function lives, ``module:function`` (for people reading the catalogue)."""
        return _where(self.function)


_checks: dict[str, PeriodicCheck] = {}
_raisers: dict[str, list[Callable]] = {}


def _where(function: Callable) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def _rule(rule_id: str) -> str:
    # A rule of the catalogue (not only the ALERT ones: a BLOCK rule may also raise an alert, e.g. R18 when stored
    # evidence no longer matches its hash).
    try:
        return rule_get(rule_id).id
    except KeyError:
        raise ImproperlyConfigured(f"{rule_id} is not a rule of clearcheck.core.rules") from None


def periodic_check_register(*, rule_id: str, name: str, function: Callable[..., int]) -> PeriodicCheck:
    """Register a periodic check of a rule (from the owning app's ``AppConfig.ready``). Registering the
    same check again is a no-op; another function under the same ``rule:name`` is a configuration error.
    """
    check = PeriodicCheck(_rule(rule_id), name, function)
    existing = _checks.get(check.key)
    if existing is not None and existing.function is not function:
        raise ImproperlyConfigured(f"periodic check {check.key} is already {existing.target}")
    _checks[check.key] = check
    return check


def event_raiser_register(*, rule_id: str, function: Callable) -> None:
    """Name a service that raises an alert of a rule when something happens (for the catalogue, ``raised_where``)."""
    raisers = _raisers.setdefault(_rule(rule_id), [])
    if function not in raisers:
        raisers.append(function)


def periodic_checks_select(rule_id: str | None = None) -> list[PeriodicCheck]:
    """The checks of one rule, or all, by rule (in the order registered within a rule); an unknown rule is a
    ValueError.
    """
    checks = sorted(_checks.values(), key=lambda c: c.rule_id)
    if not rule_id:
        return checks
    chosen = [c for c in checks if c.rule_id == rule_id.upper()]
    if not chosen:
        raise ValueError(f"no periodic check for {rule_id}; checks exist for "
                         f"{', '.join(sorted({c.rule_id for c in checks}))}")
    return chosen


def event_raisers() -> dict[str, list[Callable]]:
    """Rule ID → the services that raise it when something happens."""
    return {rule_id: list(functions) for rule_id, functions in sorted(_raisers.items())}


def alert_rules() -> list[str]:
    """IDs of the catalogue's rules whose mode includes ALERT."""
    return sorted(rule.id for rule in RULES.values() if "ALERT" in rule.mode)


def raised_where() -> dict[str, list[str]]:
    """Every place an alert rule is raised: rule ID → periodic checks and services."""
    table: dict[str, list[str]] = {}
    for check in periodic_checks_select():
        table.setdefault(check.rule_id, []).append(f"check {check.name} ({check.target})")
    for rule_id, functions in event_raisers().items():
        table.setdefault(rule_id, []).extend(f"service {_where(f)}" for f in functions)
    return dict(sorted(table.items()))
