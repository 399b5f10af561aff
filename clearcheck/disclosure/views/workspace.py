"""The workspace (/work/): the signed-in user's entry page. It leads with what is the user's own today (an
officer: visits waiting for their confirmation, visits in progress and today's approved tasks) and then
shows the role only the cards of the pages it uses (issue 19).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.core import clock
from clearcheck.inspections.selectors.visits import my_tasks_for_actor

TODAY_SHOWN = 5


def _officer_today(user) -> dict:
    """An officer's day: to confirm, in progress, and today's tasks (those starting today first)."""
    mine = my_tasks_for_actor(user)
    day = clock.local_today()
    today = sorted(mine.today, key=lambda t: (t.active_visit_id is None, t.window_start != day, t.enterprise.name))
    return {"to_confirm": mine.to_confirm, "current": mine.current, "tasks": today[:TODAY_SHOWN],
            "more": max(0, len(today) - TODAY_SHOWN), "day": day}


@never_cache
@login_required
def workspace(request):
    """The signed-in user's entry page: today's own work first, then the cards of the role."""
    context = {}
    if actor_has_role(request.user, Role.OFFICER):
        context["today"] = _officer_today(request.user)
    return render(request, "disclosure/workspace.html", context)
