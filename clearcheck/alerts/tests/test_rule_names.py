"""Rules are shown with their names (issue 19): «R05 年度计划备案», from the one catalogue in core.rules."""

from django.utils import translation

from clearcheck.alerts.checks import periodic_checks_select
from clearcheck.alerts.templatetags.rule_names import CHECK_NAMES, check_title, rule_title
from clearcheck.core.rules import RULES


def test_every_rule_has_a_short_name_in_both_languages():
    for rule in RULES.values():
        assert rule.name_zh and rule.name_en and len(rule.name_zh) <= 10, rule.id
    with translation.override("zh-hans"):
        assert rule_title("R05") == "R05 年度计划备案"
        assert rule_title("R99") == "R99"
    with translation.override("en"):
        assert rule_title("R05") == "R05 Annual plan filing"


def test_every_periodic_check_has_a_name():
    for check in periodic_checks_select(None):
        assert check.name in CHECK_NAMES, check.key
    with translation.override("zh-hans"):
        assert check_title("R24:draws_unrevealed") == "R24 双随机抽取 · 抽取结果未公开"
