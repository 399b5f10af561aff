"""Reads of the supervision app, scoped by actor ("missing" and "not yours" are both NotFound). An alert is read
through ``clearcheck.alerts.selectors``.
"""

from .engine import alert_runs_recent  # noqa: F401
from .matters import (  # noqa: F401
    MATTER_READERS,
    directive_get_for_actor,
    directive_list_for_actor,
    matter_directives,
    matter_get_for_actor,
    matter_interviews,
    matter_list_for_actor,
    matter_notices,
    matter_referrals,
    matter_source_label,
    notice_get_for_actor,
    notice_get_public,
    notice_list_for_actor,
    notice_list_public,
    referral_get_for_actor,
    referral_list_for_actor,
)
