"""Route expectations of the alert engine and inboxes and of special supervision (issue 6 §3, §4).

The crawl's world gets a supervision matter of the users' agency (so its admin and head see it) with a
directive to that agency, a published notice, and a referral to discipline naming the agency's officer.
Referrals are for the bureau and discipline only; notices' workspace pages for the county's readers.
"""

from tests.access import AGENCY_MANAGERS, EVERYONE, SIGNED_IN, ok, post_only

MATTER_READERS = ("bureau", "discipline", AGENCY_MANAGERS)
REFERRAL_READERS = ("bureau", "discipline")
NOT_MATTER_READERS = ("government", "department_head", "officer", "enterprise")

EXPECTATIONS = {
    # --- alert inbox ----------------------------------------------------------------------------
    "supervision:alert_run": post_only("bureau"),
    # --- special supervision (workspace) --------------------------------------------------------
    "supervision_matters:matter_list": ok(*MATTER_READERS),
    "supervision_matters:matter_create": ok("bureau"),
    "supervision_matters:matter_detail": ok(*MATTER_READERS),
    "supervision_matters:matter_action": post_only("bureau"),
    "supervision_matters:directive_reply": post_only(AGENCY_MANAGERS),
    "supervision_matters:notice_list": ok(*REFERRAL_READERS),
    "supervision_matters:notice_detail": ok(*REFERRAL_READERS),
    "supervision_matters:referral_list": ok(*REFERRAL_READERS),
    "supervision_matters:referral_detail": ok(*REFERRAL_READERS),
    # --- public notices (internet zone) ---------------------------------------------------------
    "supervision_public:notice_list": ok(EVERYONE),
    "supervision_public:notice_detail": ok(EVERYONE),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/alerts/counts": ok(SIGNED_IN),  # zeros outside the alert readers' scope
    "GET /api/alert-runs": ok(SIGNED_IN),  # a plain list: [] for everyone but the bureau
    "GET /api/supervision/matters": ok(*MATTER_READERS, empty=NOT_MATTER_READERS),
    "GET /api/supervision/matters/{matter_id}": ok(*MATTER_READERS),
    "GET /api/supervision/referrals": ok(SIGNED_IN),  # a plain list: [] outside bureau and discipline
    "GET /api/supervision/referrals/{referral_id}": ok(*REFERRAL_READERS),
    "GET /api/public/notices": ok(EVERYONE),
    "GET /api/public/notices/{notice_id}": ok(EVERYONE),
}


def world_extend(world: dict) -> None:
    """A matter of the users' agency with a directive, a published notice and a referral."""
    import datetime as dt

    from clearcheck.core import clock
    from clearcheck.supervision import services

    bureau = world["users"]["bureau"]
    matter = services.matter_open(actor=bureau, title="巡查用督办事项", summary="巡查", agency_id=world["agency"].pk,
                                  alert_id=world["alert"].pk)
    directive = services.directive_issue(actor=bureau, matter_id=matter.pk, instruction="整改并报告",
                                         deadline=clock.local_today() + dt.timedelta(days=10))
    notice = services.notice_draft(actor=bureau, matter_id=matter.pk, kind="praise", title="巡查用通报", body="规范检查")
    services.notice_publish(actor=bureau, notice_id=notice.pk)
    referral = services.referral_create(actor=bureau, matter_id=matter.pk, clue="巡查用线索",
                                        officer_ids=[world["officer"].pk], alert_ids=[world["alert"].pk])
    world["params"].update({"matter_id": matter.pk, "directive_id": directive.pk, "notice_id": notice.pk,
                            "referral_id": referral.pk})
