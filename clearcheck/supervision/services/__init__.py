"""Writes of the supervision app (alerts, the alert engine's runs, special supervision); every one audited (R30).

``from clearcheck.supervision.services import alert_raise`` is how every app raises an ALERT rule.
"""

from .alerts import (  # noqa: F401
    alert_acknowledge,
    alert_assign,
    alert_facts,
    alert_periodic_pass,
    alert_raise,
    alert_reopen,
    alert_resolve,
)
from .matters import (  # noqa: F401
    directive_issue,
    directive_reply,
    interview_record,
    matter_conclude,
    matter_open,
    notice_draft,
    notice_publish,
    notice_update,
    referral_create,
    referral_receive,
)
