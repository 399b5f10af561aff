"""Pool and draw pages (agency) and the public draw pages (R24): who sees what, the secret shown once and
never stored, refusals shown with their rule and clause, and the public verification.
"""

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.test import Client

from clearcheck.audit.models import AuditEvent
from clearcheck.sampling import algorithm
from clearcheck.sampling.models import Draw, DrawPick, Pool
from clearcheck.sampling.services import draw_cancel, draw_commit, draw_reveal, draw_tasks_make

from .draw_fixtures import *  # noqa: F403 (the shared fixtures)
from .draw_fixtures import KENO, freeze

pytestmark = pytest.mark.django_db

SECRET_RE = re.compile(r'<code id="secret">([0-9a-f]{64})</code>')


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response) -> str:
    return response.content.decode()


def _revealed(draw_county, selected_draw, monkeypatch) -> Draw:
    draw, secret = selected_draw
    freeze(monkeypatch, draw.window_end + dt.timedelta(days=1))
    return draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret)


# --- Pools -----------------------------------------------------------------------------------------


def test_pool_pages_render_for_agency_and_county_readers(draw_county):
    pool = draw_county["pool"]
    users = draw_county["users"]
    for user in (users["agency_admin"], users["agency_head"], users["department_head"], users["officer"],
                 draw_county["bureau"]):
        client = _client(user)
        assert "全县市场主体" in _text(client.get("/work/sampling/pools/"))
        page = _text(client.get(f"/work/sampling/pools/{pool.pk}/"))
        # 24 enterprises graded B–D; the two of tier A (lowest risk) get no proactive inspection (R21).
        assert "24 户" in page and "6 名今日持有效执法证" in page
        assert "本对象库尚未用于抽取" in page
    assert 'id="pool-edit"' in _text(_client(users["agency_admin"]).get(f"/work/sampling/pools/{pool.pk}/"))
    assert 'id="pool-edit"' not in _text(_client(users["officer"]).get(f"/work/sampling/pools/{pool.pk}/"))
    assert _client(users["officer"]).get("/work/sampling/pools/new/").status_code == 404
    assert _client(draw_county["bureau"]).get(f"/work/sampling/pools/{pool.pk}/edit/").status_code == 404


def test_pool_is_created_and_edited_on_the_form(draw_county):
    client = _client(draw_county["admin"])
    officers = draw_county["officers"]
    response = client.post("/work/sampling/pools/new/", {
        "name": "高风险企业库", "regions": "371524", "entity_types": ["legal_person"], "tiers": ["C", "D"],
        "officers": [officers[0].pk, officers[1].pk], "note": "C、D 级企业",
    }, follow=True)
    pool = Pool.objects.get(name="高风险企业库")
    assert response.redirect_chain[-1][0] == f"/work/sampling/pools/{pool.pk}/"
    assert pool.filters == {"regions": ["371524"], "entity_types": ["legal_person"], "tiers": ["C", "D"]}
    assert set(pool.officers.all()) == {officers[0], officers[1]}
    page = _text(response)
    assert "16 户" in page and "2 名今日持有效执法证" in page and "371524 东阿县" in page
    edit = _text(client.get(f"/work/sampling/pools/{pool.pk}/edit/"))
    assert 'value="371524"' in edit and f'value="{officers[0].pk}" checked' in edit
    client.post(f"/work/sampling/pools/{pool.pk}/edit/", {"name": "高风险企业库", "tiers": ["D"]})
    pool.refresh_from_db()
    assert pool.filters == {"tiers": ["D"]} and not pool.active and not pool.officers.exists()


def test_pool_form_shows_errors_as_messages(draw_county):
    response = _client(draw_county["admin"]).post("/work/sampling/pools/new/", {"name": "错误库", "regions": "999999"})
    assert response.status_code == 200
    assert "行政区划不存在:999999" in _text(response)
    assert 'value="999999"' in _text(response)
    assert not Pool.objects.filter(name="错误库").exists()


def test_pool_shows_changes_since_the_last_draw(draw_county, make_draw, make_enterprise):
    from .draw_fixtures import grade

    draw_commit(actor=draw_county["admin"], draw_id=make_draw().pk)
    newcomer = make_enterprise("东阿县新开业测试企业")
    grade(draw_county, [newcomer], "C")
    page = _text(_client(draw_county["admin"]).get(f"/work/sampling/pools/{draw_county['pool'].pk}/"))
    assert "自上次抽取以来的变化" in page and newcomer.uscc in page


# --- Draws (agency) --------------------------------------------------------------------------------


def test_draw_form_defaults_to_the_tier_scheme_ratios_and_creates_a_draft(draw_county):
    from clearcheck.planning.selectors.tiers import tier_scheme

    client = _client(draw_county["admin"])
    form = _text(client.get("/work/sampling/draws/new/"))
    for tier in tier_scheme(draw_county["agency"].pk):
        assert f'name="sample_{tier.code}" value="{format(tier.sampling_ratio.normalize(), "f")}"' in form
    assert draw_county["routine"].name in form and "全县市场主体" in form
    start = dt.date.today() + dt.timedelta(days=3)
    response = client.post("/work/sampling/draws/new/", {
        "title": "2026年第一批双随机抽查", "pools": [draw_county["pool"].pk], "items": [draw_county["routine"].pk],
        "window_start": start.isoformat(), "window_end": (start + dt.timedelta(days=20)).isoformat(),
        "stratify": "tier", "sample_mode": "count", "sample_B": "1", "sample_C": "2", "sample_D": "",
        "team_size": "2", "max_per_team": "5", "public_kind": "keno", "public_source": "中国福利彩票快乐8 第2026001期",
    }, follow=True)
    draw = Draw.objects.get(title="2026年第一批双随机抽查")
    assert response.redirect_chain[-1][0] == f"/work/sampling/draws/{draw.pk}/"
    assert draw.status == "draft" and draw.sample == {"B": 1, "C": 2} and draw.max_per_team == 5
    assert 'id="draw-commit"' in _text(response)
    assert "2026年第一批双随机抽查" in _text(client.get("/work/sampling/draws/?q=第一批"))
    assert "2026年第一批双随机抽查" not in _text(client.get("/work/sampling/draws/?q=第九批"))


def test_joint_draw_is_drafted_with_another_agencys_pool_and_items(draw_county, make_agency, make_officer,
                                                                   make_user_plain):
    from clearcheck.sampling.services import pool_create

    from .draw_fixtures import agency_kit

    other = agency_kit(make_agency("东阿县应急管理局"), make_user_plain, make_officer, prefix="YJ")
    other_pool = pool_create(actor=other["admin"], name="全县生产经营单位", filters={})
    client = _client(draw_county["admin"])
    form = _text(client.get("/work/sampling/draws/new/"))
    assert 'id="joint-pools"' in form and "全县生产经营单位" in form and other["routine"].name in form
    start = dt.date.today() + dt.timedelta(days=3)
    client.post("/work/sampling/draws/new/", {
        "title": "市场监管与应急管理联合抽查", "pools": [draw_county["pool"].pk, other_pool.pk],
        "items": [draw_county["routine"].pk, other["routine"].pk], "window_start": start.isoformat(),
        "window_end": (start + dt.timedelta(days=20)).isoformat(), "stratify": "none", "sample_mode": "count",
        "sample_ALL": "3", "team_size": "2", "max_per_team": "5", "public_kind": "keno",
        "public_source": "中国福利彩票快乐8 第2026002期",
    })
    draw = Draw.objects.get(title="市场监管与应急管理联合抽查")
    assert {p.pk for p in draw.pools.all()} == {draw_county["pool"].pk, other_pool.pk}
    assert draw.agency_id == draw_county["agency"].pk and draw.sample == {"ALL": 3}
    # The other agency takes part: it reads the draw, but only the lead agency runs it.
    page = _text(_client(other["admin"]).get(f"/work/sampling/draws/{draw.pk}/"))
    assert "联合抽查" in page and 'id="draw-commit"' not in page


def test_r24_draw_form_refusal_is_shown_and_nothing_is_drawn(draw_county, make_draw):
    used = make_draw()
    start = dt.date.today() + dt.timedelta(days=3)
    response = _client(draw_county["admin"]).post("/work/sampling/draws/new/", {
        "title": "重复使用开奖号码", "pools": [draw_county["pool"].pk], "items": [draw_county["routine"].pk],
        "window_start": start.isoformat(), "window_end": start.isoformat(), "stratify": "tier",
        "sample_mode": "ratio", "team_size": "2", "max_per_team": "5", "public_kind": "keno",
        "public_source": used.public_source,
    })
    page = _text(response)
    assert response.status_code == 200 and "R24(五(十五))" in page and "每期号码只能用于一次抽取" in page
    assert 'value="重复使用开奖号码"' in page
    assert not Draw.objects.filter(title="重复使用开奖号码").exists()


def test_r24_commit_of_a_sample_larger_than_the_pool_is_refused_on_the_page(draw_county, make_draw):
    draw = make_draw(sample={"B": 9})
    response = _client(draw_county["admin"]).post(f"/work/sampling/draws/{draw.pk}/commit/", follow=True)
    page = _text(response)
    assert "R24(五(十五))" in page and "超过检查对象库中的 8 户" in page
    assert 'id="secret"' not in page
    draw.refresh_from_db()
    assert draw.status == "draft" and not draw.commitment


def test_commit_shows_the_secret_once_and_the_platform_stores_none(draw_county, make_draw):
    draw = make_draw()
    client = _client(draw_county["admin"])
    response = client.post(f"/work/sampling/draws/{draw.pk}/commit/")
    page = _text(response)
    secret = SECRET_RE.search(page).group(1)
    assert "密钥只显示这一次" in page and "no-store" in response["Cache-Control"]
    href = re.search(r'id="secret-download" href="([^"]+)" download="draw-\d+-secret.txt"', page).group(1)
    assert href.startswith("data:text/plain;charset=utf-8,") and secret in href
    draw.refresh_from_db()
    assert draw.status == "committed" and draw.secret == ""
    assert draw.commitment == hashlib.sha256(bytes.fromhex(secret)).hexdigest()
    assert not any(secret in str(value) for value in Draw.objects.filter(pk=draw.pk).values().get().values())
    assert not AuditEvent.objects.filter(body__contains=secret).exists()
    detail = _text(client.get(f"/work/sampling/draws/{draw.pk}/"))
    assert secret not in detail and draw.commitment in detail and 'id="form-select"' in detail
    again = client.post(f"/work/sampling/draws/{draw.pk}/commit/", follow=True)
    assert secret not in _text(again) and SECRET_RE.search(_text(again)) is None
    assert "当前为“已固化承诺”,不能固化对象库并公布承诺值" in _text(again)


def test_r24_select_with_a_wrong_secret_shows_the_rule(draw_county, make_draw):
    draw, _secret = draw_commit(actor=draw_county["admin"], draw_id=make_draw().pk)
    response = _client(draw_county["admin"]).post(f"/work/sampling/draws/{draw.pk}/action/", {
        "action": "select", "secret": "0" * 64, "public_value": KENO}, follow=True)
    page = _text(response)
    assert "R24(五(十五))" in page and "密钥与公布的承诺值不符" in page
    draw.refresh_from_db()
    assert draw.status == "committed" and not draw.public_value and not draw.picks.exists()


def test_select_make_and_approve_tasks_from_the_detail_page(draw_county, make_draw):
    draw, secret = draw_commit(actor=draw_county["admin"], draw_id=make_draw().pk)
    admin = _client(draw_county["admin"])
    page = _text(admin.post(f"/work/sampling/draws/{draw.pk}/action/", {
        "action": "select", "secret": secret, "public_value": KENO.replace(",", " ")}, follow=True))
    assert "已抽取:6 户企业、3 个检查组" in page
    picks = list(DrawPick.objects.filter(draw=draw).select_related("enterprise", "team"))
    assert len(picks) == 6
    for pick in picks:
        assert pick.uscc in page and pick.enterprise.name in page
    for team in draw.teams.all():
        assert f'id="team-{team.number}"' in page
        for officer in team.officers.all():
            assert officer.name in page and officer.credential_no in page
    assert 'id="form-reveal"' not in page and 'id="reveal-wait"' in page
    page = _text(admin.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "tasks_make"}, follow=True))
    assert "已生成 6 项检查任务" in page and "/work/planning/tasks/" in page
    # R24 public value entered twice: refused, the selection stands.
    page = _text(admin.post(f"/work/sampling/draws/{draw.pk}/action/", {
        "action": "select", "secret": secret, "public_value": KENO}, follow=True))
    assert "R24(五(十五))" in page and "不能再次录入" in page
    assert DrawPick.objects.filter(draw=draw).count() == 6
    # R07: the department head is refused; the agency head approves them all.
    dept = _client(draw_county["department_head"])
    assert "R07" in _text(dept.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "tasks_approve"},
                                    follow=True))
    head = _client(draw_county["head"])
    assert 'id="draw-tasks-approve"' in _text(head.get(f"/work/sampling/draws/{draw.pk}/"))
    page = _text(head.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "tasks_approve"}, follow=True))
    assert "已批准 6 项检查任务" in page
    assert {t.status for p in draw.picks.all() for t in p.tasks.all()} == {"approved"}


def test_reveal_after_the_window_from_the_page(draw_county, selected_draw, monkeypatch):
    draw, secret = selected_draw
    admin = _client(draw_county["admin"])
    early = _text(admin.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "reveal", "secret": secret},
                             follow=True))
    assert "结束前抽取结果只对本机关可见" in early
    freeze(monkeypatch, draw.window_end + dt.timedelta(days=1))
    wrong = _text(admin.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "reveal", "secret": "ab" * 32},
                             follow=True))
    assert "R24(五(十五))" in wrong and "密钥与公布的承诺值不符" in wrong
    page = _text(admin.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "reveal", "secret": secret},
                            follow=True))
    assert "已公开密钥" in page and secret in page
    draw.refresh_from_db()
    assert draw.status == "revealed" and draw.secret == secret


def test_cancel_needs_a_reason(draw_county, make_draw):
    draw = make_draw()
    admin = _client(draw_county["admin"])
    assert "请填写作废理由" in _text(admin.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "cancel"},
                                               follow=True))
    admin.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "cancel", "reason": "事项调整"})
    draw.refresh_from_db()
    assert draw.status == "cancelled" and draw.cancel_reason == "事项调整"


def test_draw_pages_render_for_each_reader_and_actions_for_managers_only(draw_county, selected_draw):
    draw, _secret = selected_draw
    users = draw_county["users"]
    pick = draw.picks.select_related("enterprise").first()
    for user in (users["agency_admin"], users["agency_head"], users["department_head"], users["officer"],
                 draw_county["bureau"]):
        client = _client(user)
        assert draw.title in _text(client.get("/work/sampling/draws/"))
        page = _text(client.get(f"/work/sampling/draws/{draw.pk}/"))
        assert draw.commitment in page and draw.frame_sha256 in page and pick.uscc in page
        assert ('id="draw-tasks-make"' in page) == (user in (users["agency_admin"], users["agency_head"]))
    assert _client(users["officer"]).get("/work/sampling/draws/new/").status_code == 404
    assert _client(draw_county["bureau"]).get("/work/sampling/draws/new/").status_code == 404
    assert _client(users["officer"]).post(f"/work/sampling/draws/{draw.pk}/commit/").status_code == 404


def test_other_agencies_get_404(draw_county, selected_draw, make_agency, make_user_plain):
    draw, secret = selected_draw
    stranger = _client(make_user_plain("agency_admin", agency=make_agency("东阿县交通运输局")))
    pool = draw_county["pool"]
    for url in (f"/work/sampling/pools/{pool.pk}/", f"/work/sampling/pools/{pool.pk}/edit/",
                f"/work/sampling/draws/{draw.pk}/"):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(f"/work/sampling/draws/{draw.pk}/action/", {"action": "tasks_make"}).status_code == 404
    assert stranger.post(f"/work/sampling/draws/{draw.pk}/commit/").status_code == 404
    assert "全县市场主体" not in _text(stranger.get("/work/sampling/pools/"))
    assert draw.title not in _text(stranger.get("/work/sampling/draws/"))
    draw.refresh_from_db()
    assert draw.tasks_created_at is None


# --- Public pages ----------------------------------------------------------------------------------


def test_public_list_hides_drafts_and_shows_committed_draws_even_once_cancelled(draw_county, make_draw):
    draft = make_draw(title="草稿中的抽取")
    dropped = make_draw(title="草稿阶段作废的抽取")
    draw_cancel(actor=draw_county["admin"], draw_id=dropped.pk, reason="事项调整")
    committed, _secret = draw_commit(actor=draw_county["admin"], draw_id=make_draw(title="已公布承诺的抽取").pk)
    cancelled, _secret = draw_commit(actor=draw_county["admin"], draw_id=make_draw(title="公布承诺后作废的抽取").pk)
    draw_cancel(actor=draw_county["admin"], draw_id=cancelled.pk, reason="参数有误")
    visitor = _client()
    page = _text(visitor.get("/public/draws/"))
    assert "已公布承诺的抽取" in page and committed.commitment in page
    # A draw cancelled after its commitment stays public, so a re-roll cannot go unseen.
    assert "公布承诺后作废的抽取" in page and cancelled.commitment in page
    assert "草稿中的抽取" not in page and "草稿阶段作废的抽取" not in page
    for hidden in (draft, dropped):
        assert visitor.get(f"/public/draws/{hidden.pk}/").status_code == 404
        assert visitor.get(f"/public/draws/{hidden.pk}/document.json").status_code == 404
    assert "理由:参数有误" in _text(visitor.get(f"/public/draws/{cancelled.pk}/"))
    assert "双随机抽查公示" in _text(visitor.get("/"))


def test_public_detail_hides_the_selection_before_reveal(draw_county, selected_draw):
    draw, secret = selected_draw
    visitor = _client()
    page = _text(visitor.get(f"/public/draws/{draw.pk}/"))
    assert draw.commitment in page and draw.frame_sha256 in page and draw.public_source in page
    assert draw.public_value in page
    for pick in draw.picks.select_related("enterprise"):
        assert pick.uscc not in page and pick.enterprise.name not in page
    assert draw.seed not in page and secret not in page and 'id="public-picks"' not in page
    document = json.loads(visitor.get(f"/public/draws/{draw.pk}/document.json").content)
    assert "selection" not in document and "secret" not in document and "frame" not in document
    assert "抽取结果公开后方可重算校验" in _text(visitor.get(f"/public/draws/{draw.pk}/verify/"))


def test_public_detail_after_reveal_shows_selection_outcomes_and_verifies(draw_county, selected_draw, monkeypatch):
    draw = _revealed(draw_county, selected_draw, monkeypatch)
    draw_tasks_make(actor=draw_county["admin"], draw_id=draw.pk)
    visitor = _client()
    page = _text(visitor.get(f"/public/draws/{draw.pk}/"))
    assert draw.secret in page and draw.seed in page
    for pick in draw.picks.select_related("enterprise", "team"):
        assert pick.uscc in page and pick.enterprise.name in page
    assert "已提报待审批" in page
    for officer in draw_county["officers"]:
        assert officer.name not in page
    verified = _text(visitor.get(f"/public/draws/{draw.pk}/verify/"))
    assert 'id="verify-result">一致</span>' in verified
    response = visitor.get(f"/public/draws/{draw.pk}/document.json")
    assert response["Content-Disposition"] == f'attachment; filename="draw-{draw.pk}.json"'
    document = json.loads(response.content)
    assert algorithm.verify_document(document) == [] and len(document["selection"]) == 6
    verifier = visitor.get("/public/draws/clearcheck_draw_verify.py")
    assert verifier["Content-Type"].startswith("text/x-python")
    assert verifier["Content-Disposition"] == 'attachment; filename="clearcheck_draw_verify.py"'
    assert verifier.content == Path(algorithm.__file__).read_bytes()


def test_r24_public_verify_names_the_first_difference_of_a_changed_selection(draw_county, selected_draw,
                                                                             monkeypatch):
    draw = _revealed(draw_county, selected_draw, monkeypatch)
    first = draw.picks.order_by("position").first()
    DrawPick.objects.filter(pk=first.pk).update(rank="0" * 64)  # someone edits the stored selection
    page = _text(_client().get(f"/public/draws/{draw.pk}/verify/"))
    assert "不一致" in page and "抽取结果第 1 条不符" in page
