"""Sign-in lockouts, for ``/metrics`` (issue 21, part 6): one aggregate at scrape time, no account named."""

from datetime import timedelta

from django.db.models import Count, Q, Sum

from clearcheck.core import clock
from clearcheck.core.metrics import Metric

from .models import LoginThrottle


def account_metrics() -> list[Metric]:
    """Accounts and client addresses held by the sign-in throttle now, and lockouts whose last failure was
    in the last hour.
    """
    moment = clock.now()
    held = Q(locked_until__gt=moment)
    row = LoginThrottle.objects.aggregate(
        accounts=Count("pk", filter=held & Q(key__startswith="user:")),
        addresses=Count("pk", filter=held & Q(key__startswith="address:")),
        recent=Sum("lockouts", filter=Q(last_failure_at__gte=moment - timedelta(hours=1), lockouts__gt=0)),
    )
    return [
        Metric("clearcheck_login_locked", "gauge", "Accounts and client addresses the sign-in throttle holds now",
               [({"kind": "account"}, row["accounts"]), ({"kind": "address"}, row["addresses"])]),
        Metric("clearcheck_login_lockouts_last_hour", "gauge",
               "Lockouts of keys whose last failed sign-in was within the last hour",
               [({}, row["recent"] or 0)]),
    ]
