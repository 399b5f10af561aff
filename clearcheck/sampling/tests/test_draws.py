"""Draw services (R24, clause 五(十五)): commit → select → reveal, the bad inputs the issue lists, the
exclusions (R21 cap, R13 recusal, rotation), joint draws, roles, the audit trail (R30) and query counts.

Everything runs on SQLite and on PostgreSQL. State is built through the services; the only rows made
by hand are closed visits (the rotation input), whose full on-site flow is tested in ``inspections``.
"""

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from clearcheck.alerts.models import Alert
from clearcheck.audit.models import AuditEvent
from clearcheck.core import blobs, clock
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearcheck.sampling import algorithm
from clearcheck.sampling import services as svc
from clearcheck.sampling.documents import draw_document
from clearcheck.sampling.models import Draw, DrawPick, DrawTeam
from clearcheck.sampling.selectors import draw_get, draws_for_actor
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)
from clearcheck.sampling.tests.draw_fixtures import KENO, KENO_OTHER, agency_kit
from clearcheck.sampling.tests.draw_helpers import (  # noqa: F401  (the autouse fixture and shared helpers)
    OTHER_SECRET,
    _reference_codes,
    blob_files,
    closed_visit,
    commit,
    draw_events,
    frame_of,
    freeze_at,
    picks_of,
    recusal_grant,
    select,
    tamper,
)

pytestmark = pytest.mark.django_db


# --- The full flow -----------------------------------------------------------------------------------


def test_r24_commit_select_tasks_approve_reveal(draw_county, make_draw, monkeypatch, settings):
    county = draw_county
    draw = make_draw()
    assert draw.status == "draft" and draw_events(draw) == ["draw.create"]

    draw, secret = commit(county, draw)
    draw.refresh_from_db()
    assert draw.status == "committed" and len(secret) == 64 and int(secret, 16) >= 0
    assert draw.commitment == hashlib.sha256(bytes.fromhex(secret)).hexdigest()
    frame = blobs.blob_read(draw.frame_sha256)
    assert hashlib.sha256(frame).hexdigest() == draw.frame_sha256
    enterprises, officers, exclusions = algorithm.frame_parse(frame)
    assert sorted(u for _, u in enterprises) == sorted(e.uscc for e in county["enterprises"])
    assert {s for s, _ in enterprises} == {"B", "C", "D"}  # A (low risk) never enters the frame (R21)
    assert sorted(c for _, c in officers) == sorted(o.credential_no for o in county["officers"])
    assert (draw.frame_enterprises, draw.frame_officers, draw.frame_exclusions, draw.excluded_at_cap) == (24, 6, 0, 2)
    assert draw.parameters["algorithm"] == algorithm.ALGORITHM
    assert draw.parameters["sample"] == {"mode": "count", "counts": {"B": 2, "C": 2, "D": 2}}
    assert draw.parameters["public_value"]["source"] == draw.public_source
    assert draw.secret == "" and draw.public_value == "" and not draw.picks.exists()

    draw = select(county, draw, secret, KENO.replace(",", " "))
    draw.refresh_from_db()
    assert draw.status == "selected" and draw.public_value == KENO
    outcome = algorithm.draw_compute(frame=frame, parameters=draw.parameters, secret_hex=secret, public_value=KENO)
    assert draw.seed == outcome.seed
    assert [(p.uscc, p.stratum, p.rank) for p in draw.picks.order_by("position")] == \
        [(p.uscc, p.stratum, p.rank) for p in outcome.picks]
    assert [p.stratum for p in outcome.picks].count("B") == 2 and len(outcome.picks) == 6
    stored_teams = [[m.officer.credential_no for m in t.members.order_by("position")]
                    for t in DrawTeam.objects.filter(draw=draw).order_by("number")]
    assert stored_teams == outcome.teams and len(stored_teams) == 3

    task_ids = svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    assert len(task_ids) == 6
    result = svc.draw_tasks_approve(actor=county["head"], draw_id=draw.pk)
    assert result == {"approved": 6, "refused": []}

    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 9)
    draw = svc.draw_reveal(actor=county["admin"], draw_id=draw.pk, secret=secret.upper())
    draw.refresh_from_db()
    assert draw.status == "revealed" and draw.secret == secret and draw.revealed_at == clock.now()
    document = draw_document(draw)
    assert document["secret"] == secret and len(document["selection"]) == 6
    assert algorithm.verify_document(document) == []
    assert draw_events(draw) == ["draw.create", "draw.commit", "draw.select", "draw.tasks_make", "draw.reveal"]


def test_r30_draw_events_carry_what_the_public_needs(draw_county, selected_draw):
    draw, secret = selected_draw
    events = {e.action: e for e in AuditEvent.objects.filter(subject_type="sampling.draw", subject_id=str(draw.pk))}
    body = events["draw.commit"].body
    assert draw.frame_sha256 in body and draw.commitment in body
    assert algorithm.sha256_hex(algorithm.canonical_json(draw.parameters)) in body
    select_body = events["draw.select"].body
    assert draw.public_value in select_body and '"picks":6' in select_body
    assert events["draw.commit"].actor_label == draw_county["admin"].username


@pytest.mark.parametrize("step", ["commit", "select"])
def test_r30_a_failing_audit_write_undoes_the_draw_step(draw_county, make_draw, monkeypatch, step):
    """The audit event is written in the same transaction as the change: no event, no change."""
    from clearcheck.sampling.services import draws as draws_module

    draw = make_draw()
    secret = None
    if step == "select":
        draw, secret = commit(draw_county, draw)

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(draws_module, "audit_record", broken)
    with pytest.raises(RuntimeError):
        if step == "commit":
            commit(draw_county, draw)
        else:
            select(draw_county, draw, secret)
    draw.refresh_from_db()
    if step == "commit":
        assert draw.status == "draft" and draw.commitment == "" and draw.frame_sha256 == ""
    else:
        assert draw.status == "committed" and draw.public_value == "" and draw.seed == ""
        assert not DrawPick.objects.filter(draw=draw).exists() and not DrawTeam.objects.filter(draw=draw).exists()


def test_r24_the_secret_is_never_stored_before_reveal(draw_county, selected_draw, settings, monkeypatch):
    draw, secret = selected_draw
    svc.draw_tasks_make(actor=draw_county["admin"], draw_id=draw.pk)
    draw.refresh_from_db()
    needles = (secret, secret.upper())

    def stored_anywhere() -> list[str]:
        found = []
        for row in Draw.objects.all():
            text = repr(model_to_dict(row)) + repr(row.parameters)
            found += [f"draw {row.pk}" for n in needles if n in text]
        for body in AuditEvent.objects.values_list("body", flat=True):
            found += ["audit" for n in needles if n in body]
        for facts in Alert.objects.values_list("facts", flat=True):
            found += ["alert" for n in needles if n in facts]
        for path in (settings.MEDIA_ROOT).rglob("*"):
            if path.is_file():
                found += [str(path) for n in needles if n.encode() in path.read_bytes()]
        return found

    assert stored_anywhere() == []
    assert "secret" not in draw_document(draw) and "seed" not in draw_document(draw)
    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 10)
    svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret)
    assert stored_anywhere()  # published now: the draw row and the reveal event hold it


# --- Workflow ------------------------------------------------------------------------------------------


def test_r24_draw_state_machine(draw_county, make_draw):
    draw = make_draw()
    with pytest.raises(Conflict):
        select(draw_county, draw, OTHER_SECRET)
    draw, secret = commit(draw_county, draw)
    with pytest.raises(Conflict):
        commit(draw_county, draw)
    draw = select(draw_county, draw, secret)
    with pytest.raises(Conflict):
        svc.draw_cancel(actor=draw_county["admin"], draw_id=draw.pk, reason="不想查了")
    draw.refresh_from_db()
    assert draw.status == "selected"


def test_r24_cancel_needs_a_reason_and_is_audited(draw_county, make_draw):
    draw = make_draw()
    with pytest.raises(ValidationFailed):
        svc.draw_cancel(actor=draw_county["admin"], draw_id=draw.pk, reason=" ")
    draw, _ = commit(draw_county, draw)
    cancelled = svc.draw_cancel(actor=draw_county["admin"], draw_id=draw.pk, reason="对象库筛选条件有误")
    assert cancelled.status == "cancelled" and draw_events(draw)[-1] == "draw.cancel"


# --- Exclusions: R21 cap, R13 recusal, rotation -----------------------------------------------------


def test_r21_r24_enterprises_at_their_cap_are_excluded_and_counted(draw_county, make_draw, selected_draw):
    county = draw_county
    first, _ = selected_draw
    svc.draw_tasks_make(actor=county["admin"], draw_id=first.pk)
    assert svc.draw_tasks_approve(actor=county["head"], draw_id=first.pk)["approved"] == 6
    # B's cap is 1 a year: the two B enterprises inspected are now at their cap; C (2) and D (4) are not.
    capped = set(first.picks.filter(stratum="B").values_list("uscc", flat=True))
    second, _ = commit(county, make_draw())
    usccs = {u for _, u in frame_of(second)[0]}
    assert second.excluded_at_cap == 2 + 2 and second.frame_enterprises == 22 == len(usccs)
    assert not usccs & capped
    assert not usccs & {e.uscc for e in county["tiers"]["A"]}
    assert set(first.picks.exclude(stratum="B").values_list("uscc", flat=True)) <= usccs


def test_r21_an_item_cap_lower_than_the_tier_cap_applies(draw_county, make_draw, selected_draw):
    """An item's own annual cap (here 1) excludes a D enterprise (tier cap 4) already inspected once."""
    from clearcheck.catalog import services as catalog

    county = draw_county
    first, _ = selected_draw
    svc.draw_tasks_make(actor=county["admin"], draw_id=first.pk)
    svc.draw_tasks_approve(actor=county["head"], draw_id=first.pk)
    item = catalog.item_create(actor=county["admin"], code="SJCAP-01", name="计量器具检查", annual_cap=1,
                               legal_basis="《计量法》第九条", object_scope="使用计量器具的单位", method="现场检查")
    catalog.item_list_publish(actor=county["admin"], agency=county["agency"], reason="增补")
    second, _ = commit(county, make_draw(item_ids=[item.pk]))
    usccs = {u for _, u in frame_of(second)[0]}
    assert second.excluded_at_cap == 2 + 6 and not usccs & set(first.picks.values_list("uscc", flat=True))


def test_r13_r24_recused_and_rotated_officers_are_exclusions_and_never_assigned(
        draw_county, make_draw, make_user_plain, make_agency, make_officer):
    county = draw_county
    officers = county["officers"]
    recused_at, rotated_at, refused_at = county["tiers"]["B"][0], county["tiers"]["C"][0], county["tiers"]["D"][0]
    recusal_grant(county, make_user_plain, recused_at, officers[0])
    recusal_grant(county, make_user_plain, recused_at, officers[1])
    recusal_grant(county, make_user_plain, refused_at, officers[2], grant=False)  # refused: no exclusion
    now = clock.now()
    closed_visit(county["agency"], rotated_at, officers[4:6], now - dt.timedelta(days=200))  # older: not the last
    closed_visit(county["agency"], rotated_at, officers[2:4], now - dt.timedelta(days=30))  # the last inspection
    stranger = make_agency("东阿县卫生健康局")
    closed_visit(stranger, rotated_at, [make_officer(stranger)] * 1, now - dt.timedelta(days=5))  # other agency
    # Select every enterprise, so each excluded one is certainly assigned a team.
    draw, secret = commit(county, make_draw(sample={"B": 8, "C": 8, "D": 8}, max_per_team=10))
    exclusions = frame_of(draw)[2]
    assert sorted(exclusions) == sorted([
        (officers[0].credential_no, recused_at.uscc, "recused"),
        (officers[1].credential_no, recused_at.uscc, "recused"),
        (officers[2].credential_no, rotated_at.uscc, "rotation"),
        (officers[3].credential_no, rotated_at.uscc, "rotation"),
    ])
    assert draw.frame_exclusions == 4
    draw = select(county, draw, secret)
    teams = {uscc: members for uscc, _, members in picks_of(draw)}
    assert len(teams) == 24
    assert not teams[recused_at.uscc] & {officers[0].credential_no, officers[1].credential_no}
    assert not teams[rotated_at.uscc] & {officers[2].credential_no, officers[3].credential_no}
    # And the tasks carry those teams (R13 is checked again when they are made).
    from clearcheck.planning.models import InspectionTask

    svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    task = InspectionTask.objects.get(enterprise=recused_at, source="draw")
    assert not set(task.officers.values_list("pk", flat=True)) & {officers[0].pk, officers[1].pk}


def test_r24_team_balance_over_the_whole_pool(draw_county, make_draw):
    draw, secret = commit(draw_county, make_draw(sample={"B": 8, "C": 8, "D": 8}, max_per_team=10))
    draw = select(draw_county, draw, secret)
    loads = sorted(DrawTeam.objects.filter(draw=draw).values_list("picks__team", flat=True))
    counts = [loads.count(t) for t in set(loads)]
    assert sorted(counts) == [8, 8, 8]
    members = [m for team in DrawTeam.objects.filter(draw=draw) for m in team.members.values_list("officer", flat=True)]
    assert len(members) == len(set(members)) == 6


# --- Joint draws ---------------------------------------------------------------------------------------


@pytest.fixture
def partner(draw_county, make_agency, make_user_plain, make_officer):
    """A second agency with four officers, its items and a pool over every enterprise."""
    kit = agency_kit(make_agency("东阿县应急管理局"), make_user_plain, make_officer, officers=4, prefix="YJ")
    kit["pool"] = svc.pool_create(actor=kit["admin"], name="应急全县对象库", filters={})
    return kit


def test_r24_joint_draw_teams_have_officers_of_each_agency(draw_county, partner, make_draw):
    county = draw_county
    draw = make_draw(pool_ids=[partner["pool"].pk, county["pool"].pk],
                     item_ids=[county["routine"].pk, partner["routine"].pk])
    assert list(draw.pools.order_by("pk").values_list("agency_id", flat=True)) == \
        sorted([county["agency"].pk, partner["agency"].pk])
    draw, secret = commit(county, draw)
    assert draw.is_joint and draw.parameters["lead"] == county["agency"].code
    assert draw.parameters["agencies"] == sorted([county["agency"].code, partner["agency"].code])
    assert draw.frame_officers == 10 and draw.frame_enterprises == 24
    draw = select(county, draw, secret)
    agency_of = {o.credential_no: o.agency_id for o in county["officers"] + partner["officers"]}
    teams = list(DrawTeam.objects.filter(draw=draw).order_by("number"))
    assert len(teams) == 2  # min(6 // 2, 4 // 2)
    for team in teams:
        members = [agency_of[c] for c in team.members.values_list("officer__credential_no", flat=True)]
        assert members.count(county["agency"].pk) == 2 and members.count(partner["agency"].pk) == 2
    # The partner reads the joint draw but does not run it.
    assert draw_get(actor=partner["admin"], draw_id=draw.pk) == draw
    with pytest.raises(NotFound):
        svc.draw_cancel(actor=partner["admin"], draw_id=draw.pk, reason="x")


def test_r24_joint_draw_frame_is_the_intersection_of_the_pools(draw_county, partner, make_draw, officials):
    from clearcheck.registry import services as registry
    from clearcheck.sampling.selectors import pseudonym_map
    from clearcheck.sampling.services import pool_update

    county = draw_county
    chosen = county["tiers"]["C"][:3] + county["tiers"]["D"][:2]
    # The partner's pool: only the chosen enterprises (by entity type) and only two listed officers.
    for enterprise in chosen:
        registry.enterprise_update(actor=officials("bureau"), enterprise_id=enterprise.pk,
                                   entity_type="individual_business")
    pool_update(actor=partner["admin"], pool_id=partner["pool"].pk,
                data={"officer_ids": [o.pk for o in partner["officers"][:2]],
                      "filters": {"entity_types": ["individual_business"]}})
    draw, _ = commit(county, make_draw(pool_ids=[county["pool"].pk, partner["pool"].pk],
                                       item_ids=[county["routine"].pk, partner["routine"].pk],
                                       sample={"C": 1, "D": 1}))
    # Individual businesses: in the frame under their pseudonyms (ADR 0017), which the private map resolves.
    usccs = pseudonym_map(draw)
    assert sorted(usccs[u] for _, u in frame_of(draw)[0]) == sorted(e.uscc for e in chosen)
    assert draw.frame_pseudonyms == 5 and draw.parameters["pseudonyms"]["key_sha256"]
    assert draw.frame_officers == 6 + 2


def test_r24_a_joint_draw_needs_an_item_of_each_agency(draw_county, partner, make_draw):
    with pytest.raises(ValidationFailed) as caught:
        make_draw(pool_ids=[draw_county["pool"].pk, partner["pool"].pk], item_ids=[draw_county["routine"].pk])
    assert caught.value.errors[0].field == "items"
    with pytest.raises(ValidationFailed):
        make_draw(pool_ids=[partner["pool"].pk], item_ids=[partner["routine"].pk])  # no pool of one's own


# --- Roles ---------------------------------------------------------------------------------------------


def test_r24_other_agencies_get_not_found(draw_county, make_draw, make_agency, make_user_plain):
    draw = make_draw()
    stranger = make_user_plain("agency_admin", agency=make_agency())
    for call in (lambda: draw_get(actor=stranger, draw_id=draw.pk),
                 lambda: svc.draw_commit(actor=stranger, draw_id=draw.pk),
                 lambda: svc.draw_cancel(actor=stranger, draw_id=draw.pk, reason="x")):
        with pytest.raises(NotFound):
            call()
    assert list(draws_for_actor(actor=stranger)) == []
    draw.refresh_from_db()
    assert draw.status == "draft"


def test_r24_a_strangers_draw_cannot_be_selected_or_revealed(draw_county, selected_draw, make_agency,
                                                             make_user_plain, monkeypatch):
    draw, secret = selected_draw
    stranger = make_user_plain("agency_admin", agency=make_agency())
    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 10)
    with pytest.raises(NotFound):
        svc.draw_reveal(actor=stranger, draw_id=draw.pk, secret=secret)
    with pytest.raises(NotFound):
        svc.draw_tasks_make(actor=stranger, draw_id=draw.pk)


@pytest.mark.parametrize("role", ["officer", "department_head"])
def test_r24_only_the_agency_admin_or_head_runs_a_draw(draw_county, make_draw, role):
    county = draw_county
    user = county["users"][role] if role != "officer" else county["users"]["officer"]
    draw = make_draw()
    with pytest.raises(PermissionDenied):
        svc.draw_commit(actor=user, draw_id=draw.pk)
    with pytest.raises(PermissionDenied):
        make_draw(actor=user)
    draw.refresh_from_db()
    assert draw.status == "draft"


def test_r24_the_agency_head_may_run_a_draw(draw_county, make_draw):
    draw, secret = svc.draw_commit(actor=draw_county["head"], draw_id=make_draw().pk)
    assert svc.draw_select(actor=draw_county["head"], draw_id=draw.pk, secret=secret,
                           public_value=KENO).status == "selected"


def test_r24_bureau_reads_every_draw_but_runs_none(draw_county, make_draw, partner):
    mine = make_draw()
    theirs = svc.draw_create(
        actor=partner["admin"], title="应急抽查", pool_ids=[partner["pool"].pk], item_ids=[partner["routine"].pk],
        window_start=clock.local_today() + dt.timedelta(days=2), window_end=clock.local_today() + dt.timedelta(days=9),
        public_source="中国福利彩票快乐8 第2026555期", sample_mode="count", sample={"B": 1})
    bureau = draw_county["bureau"]
    assert {d.pk for d in draws_for_actor(actor=bureau)} == {mine.pk, theirs.pk}
    assert draw_get(actor=bureau, draw_id=theirs.pk) == theirs
    with pytest.raises(PermissionDenied):
        svc.draw_commit(actor=bureau, draw_id=mine.pk)
    with pytest.raises(NotFound):
        make_draw(actor=bureau)


# --- Query count -----------------------------------------------------------------------------------------


def test_r24_commit_queries_do_not_grow_with_the_pool(draw_county, make_draw, make_enterprise):
    """The frame is one set-based scan: 10 or 40 enterprises, the same number of queries."""
    from clearcheck.sampling.services import pool_create

    county = draw_county
    pool = pool_create(actor=county["admin"], name="冠县对象库", filters={"regions": ["371525"]})

    def commit_counted() -> int:
        draw = make_draw(pool_ids=[pool.pk], sample={"B": 1})
        with CaptureQueriesContext(connection) as queries:
            committed, _ = commit(county, draw)
        assert committed.status == "committed"
        return len(queries), committed.frame_enterprises

    for _ in range(10):
        make_enterprise(region="371525")
    small, size = commit_counted()
    assert size == 10
    for _ in range(30):
        make_enterprise(region="371525")
    large, size = commit_counted()
    assert size == 40
    assert large == small, f"{small} queries for 10 enterprises, {large} for 40"


def test_r24_two_draws_selected_in_one_transaction(draw_county, make_draw):
    """The picks' staging table is dropped after each draw, so one transaction may select several."""
    from django.db import transaction

    with transaction.atomic():
        for value in (KENO, KENO_OTHER):
            draw, secret = svc.draw_commit(actor=draw_county["admin"], draw_id=make_draw().pk)
            draw = svc.draw_select(actor=draw_county["admin"], draw_id=draw.pk, secret=secret, public_value=value)
            assert draw.picks.count() == 6
