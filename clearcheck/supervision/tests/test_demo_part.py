"""The demo's supervision part builds a full matter through the services on a small county."""

import pytest

from clearcheck.alerts import services
from clearcheck.alerts.models import Alert
from clearcheck.demo.supervision import supervision_load
from clearcheck.supervision.models import Directive, Notice, Referral


@pytest.mark.django_db
def test_supervision_load_builds_alert_handling_and_a_matter(county):
    agency = county["agency"]
    for n, rule in enumerate(("R29", "R19", "R17", "R21")):
        services.alert_raise(rule_id=rule, subject=("x", n), facts={}, agency=agency, subject_label=f"示例 {rule}")
    result = supervision_load(progress=lambda _: None)
    assert result["run"] is not None
    states = set(Alert.objects.values_list("state", flat=True))
    assert {"acknowledged", "resolved"} <= states
    assert Alert.objects.filter(assignee__isnull=False).exists()
    assert result["matter"].alert.rule_id == "R29"
    assert Directive.objects.get().replied_at is not None
    assert Notice.objects.filter(published=True).count() == 2
    assert Referral.objects.count() == 1
