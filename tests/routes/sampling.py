"""Route expectations of double-random draws (issue 5, R24): pools, draws, the public draw pages and API.

The crawl's agency has one officer (other tests count them), and a draw needs teams of at least two, so
its own draw stays a draft (enough for every agency page). The public pages and the public document are
crawled with a revealed draw of ``other_agency``, which gets a second officer of its own.
"""

from tests.access import AGENCY_MANAGERS, EVERYONE, INTERNAL, SIGNED_IN, ok, post_only

PUBLIC_DRAW_ROUTES = ("sampling_public:draw_detail", "sampling_public:draw_verify", "sampling_public:draw_document",
                      "GET /api/public/draws/{draw_id}.json")

EXPECTATIONS = {
    # --- agency pages ---------------------------------------------------------------------------
    "sampling:pool_list": ok(INTERNAL),
    "sampling:pool_create": ok(AGENCY_MANAGERS),
    "sampling:pool_detail": ok(INTERNAL),
    "sampling:pool_edit": ok(AGENCY_MANAGERS),
    "sampling:draw_list": ok(INTERNAL),
    "sampling:draw_create": ok(AGENCY_MANAGERS),
    "sampling:draw_detail": ok(INTERNAL),
    "sampling:draw_commit": post_only(AGENCY_MANAGERS),
    "sampling:draw_action": post_only(INTERNAL),
    # --- public pages (internet zone) -----------------------------------------------------------
    "sampling_public:draw_list": ok(EVERYONE),
    "sampling_public:draw_detail": ok(EVERYONE),
    "sampling_public:draw_verify": ok(EVERYONE),
    "sampling_public:draw_document": ok(EVERYONE),
    "sampling_public:verifier": ok(EVERYONE),
    # --- enterprise portal (internet zone): its own entry in each public draw (ADR 0017) -------------
    "sampling_enterprise:draw_list": ok("enterprise"),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/pools": ok(INTERNAL, empty="enterprise"),
    "GET /api/draws": ok(SIGNED_IN),  # a plain list (not a page): the enterprise gets []
    "GET /api/draws/{draw_id}": ok(INTERNAL),
    # The users' draw is a draft (see the module docstring): nothing selected yet, so every page is empty.
    "GET /api/draws/{draw_id}/picks": ok(INTERNAL, empty=INTERNAL),
    "GET /api/public/draws/{draw_id}.json": ok(EVERYONE),
}


def world_extend(world: dict) -> None:
    """A pool and a draft draw of the users' agency; a revealed draw of ``other_agency`` for the public routes."""
    import datetime as dt
    from unittest import mock

    from clearcheck.accounts.services import user_create
    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.registry.services import officer_create
    from clearcheck.sampling import services

    users, today = world["users"], clock.local_today()
    window = {"window_start": today + dt.timedelta(days=1), "window_end": today + dt.timedelta(days=10)}
    pool = services.pool_create(actor=users["agency_admin"], name="全县市场主体(巡查用)", filters={})
    draft = services.draw_create(actor=users["agency_admin"], title="巡查用双随机抽取", pool_ids=[pool.pk],
                                 item_ids=[world["item"].pk], public_source="中国福利彩票快乐8 第2026901期",
                                 stratify="none", sample_mode="count", sample={"ALL": 1}, **window)
    world["params"].update({"pool_id": pool.pk, "draw_id": draft.pk})
    world["draw"] = draft

    other = world["other_agency"]
    admin = user_create(actor=None, username="draw-crawl-admin", password="Qingjian-2025!", role="agency_admin",
                        display_name="抽取巡查管理员", agency=other)
    officer_create(actor=users["bureau"], agency=other, name="赵敏", credential_no="37152499000901",
                   valid_from=(today - dt.timedelta(days=365)).isoformat(),
                   valid_to=(today + dt.timedelta(days=365)).isoformat())
    item = catalog.item_create(actor=admin, code="YJ-DRAW-1", name="安全生产责任制落实情况检查",
                               legal_basis="《安全生产法》第六十五条", object_scope="生产经营单位", method="现场检查")
    catalog.item_list_publish(actor=admin, agency=other, reason="新增事项")
    other_pool = services.pool_create(actor=admin, name="全县生产经营单位", filters={})
    public = services.draw_create(actor=admin, title="安全生产双随机抽查(巡查用)", pool_ids=[other_pool.pk],
                                  item_ids=[item.pk], public_source="中国福利彩票快乐8 第2026902期", stratify="none",
                                  sample_mode="count", sample={"ALL": 1}, max_per_team=1, **window)
    public, secret = services.draw_commit(actor=admin, draw_id=public.pk)
    services.draw_select(actor=admin, draw_id=public.pk, secret=secret,
                         public_value="01,05,09,13,17,21,25,29,33,37,41,45,49,53,57,61,65,69,73,77")
    after = clock.now() + dt.timedelta(days=12)
    with mock.patch.object(clock, "now", lambda: after):
        public = services.draw_reveal(actor=admin, draw_id=public.pk, secret=secret)
    for key in PUBLIC_DRAW_ROUTES:
        world["per_route"].setdefault(key, {})["draw_id"] = public.pk
    world["public_draw"] = public
