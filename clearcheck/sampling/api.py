"""``/api/pools``, ``/api/draws``: pools and double-random draws (R24); ``/api/public/draws``: what anyone
may read and re-verify.
"""

import datetime as dt
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from clearcheck.core.api import Page, keyset_page
from clearcheck.core.inputs import Day, DbId, Int64, PageSize

from . import selectors, services
from .documents import draw_document
from .models import Draw, Pool

router = Router(tags=["sampling"])
public_router = Router(tags=["public"], auth=None)



class PoolFilters(Schema):
    """A pool's filters (codes; regions and industries include everything below them)."""

    regions: list[str] = []
    industries: list[str] = []
    entity_types: list[str] = []
    tiers: list[str] = []
    exclude_special_sectors: bool = False


class PoolIn(Schema):
    """A new pool of the caller's agency."""

    name: str
    filters: PoolFilters = PoolFilters()
    officer_ids: list[DbId] = []
    note: str = ""


class PoolPatch(Schema):
    """Changes to a pool (only the fields sent)."""

    name: str | None = None
    filters: PoolFilters | None = None
    officer_ids: list[DbId] | None = None
    note: str | None = None
    active: bool | None = None


class PoolOut(Schema):
    """A pool and its definition."""

    id: int
    agency_id: int
    name: str
    filters: dict
    officer_ids: list[int]
    note: str
    active: bool

    @staticmethod
    def resolve_officer_ids(obj: Pool) -> list[int]:
        return sorted(obj.officers.values_list("pk", flat=True))


class PoolPage(Page):
    """A page of pools."""

    items: list[PoolOut]


class DrawIn(Schema):
    """A new draw (joint when pools of other agencies are included; the caller's pool leads)."""

    title: str
    pool_ids: list[DbId]
    item_ids: list[DbId]
    window_start: Day
    window_end: Day
    public_source: str = Field(description="which future public value will be mixed in, e.g. 中国福利彩票快乐8 第2026318期")
    public_kind: Literal["keno", "witness"] = "keno"
    stratify: Literal["tier", "none"] = "tier"
    sample_mode: Literal["ratio", "count"] = "ratio"
    sample: dict[str, str | Int64] | None = Field(
        None, description='per stratum: {"B": "0.05"} (ratio) or {"ALL": 20} (count); empty ratio = the tier scheme')
    team_size: Annotated[int, Field(ge=2, le=10)] = 2
    max_per_team: Annotated[int, Field(ge=1, le=100000)] = 10


class DrawOut(Schema):
    """A draw as its agency sees it (the secret only after reveal)."""

    id: int
    agency_id: int
    title: str
    status: str
    window_start: dt.date
    window_end: dt.date
    stratify: str
    sample_mode: str
    sample: dict
    team_size: int
    max_per_team: int
    public_kind: str
    public_source: str
    parameters: dict | None
    frame_sha256: str
    frame_enterprises: int
    frame_officers: int
    frame_exclusions: int
    excluded_at_cap: int
    excluded_unstaffed: int
    commitment: str
    public_value: str
    secret: str
    picks: int
    tasks_created_at: dt.datetime | None

    @staticmethod
    def resolve_picks(obj: Draw) -> int:
        return obj.picks.count()


class CommitOut(Schema):
    """The committed draw and its secret: shown once, never stored by the platform. Keep it safe."""

    draw: DrawOut
    secret: str


class SelectIn(Schema):
    """The secret (64 hex digits) and the public value (快乐8: 20 numbers)."""

    secret: str
    public_value: str


class SecretIn(Schema):
    """The secret, to reveal the draw."""

    secret: str


class DrawReasonIn(Schema):
    """Why."""

    reason: str


class PickOut(Schema):
    """One selected enterprise and its team (the agency's view)."""

    position: int
    enterprise_id: int
    uscc: str
    entry: str  # in the frame: the USCC, or an individual business's pseudonym (ADR 0017)
    stratum: str
    rank: str
    team: int
    task_ids: list[int]

    @staticmethod
    def resolve_team(obj) -> int:
        return obj.team.number

    @staticmethod
    def resolve_task_ids(obj) -> list[int]:
        return sorted(t.pk for t in obj.tasks.all())


class PickPage(Page):
    """A page of selected enterprises."""

    items: list[PickOut]


class TasksOut(Schema):
    """Tasks made or approved from a draw."""

    task_ids: list[int] = []
    approved: int = 0
    refused: list[dict] = []


class ListFilter(Schema):
    """Keyset paging."""

    cursor: DbId | None = None
    limit: PageSize = 50


@router.get("/pools", response=PoolPage, summary="List pools")
def pool_list(request, filters: Query[ListFilter]):
    """The caller's agency's pools (county readers: all)."""
    items, cursor = keyset_page(selectors.pools_for_actor(actor=request.user), cursor=filters.cursor,
                                limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("/pools", response={201: PoolOut}, summary="Create a pool")
def pool_create(request, payload: PoolIn):
    """Define an enterprise and officer pool of the caller's agency."""
    return Status(201, services.pool_create(actor=request.user, name=payload.name, filters=payload.filters.dict(),
                                            officer_ids=payload.officer_ids, note=payload.note))


@router.patch("/pools/{pool_id}", response=PoolOut, summary="Change a pool")
def pool_update(request, pool_id: DbId, payload: PoolPatch):
    """Change a pool's definition (draws already committed keep their frozen frames)."""
    data = payload.dict(exclude_unset=True)
    if payload.filters is not None:
        data["filters"] = payload.filters.dict()
    return services.pool_update(actor=request.user, pool_id=pool_id, data=data)


@router.get("/draws", response=list[DrawOut], summary="List draws")
def draw_list(request, filters: Query[ListFilter]):
    """The caller's agency's draws, newest first (county readers: all)."""
    qs = selectors.draws_for_actor(actor=request.user)
    if filters.cursor:
        qs = qs.filter(pk__lt=filters.cursor)
    return list(qs.order_by("-id")[: max(1, min(filters.limit, 200))])


@router.post("/draws", response={201: DrawOut}, summary="Draft a draw")
def draw_create(request, payload: DrawIn):
    """Draft a draw (R24); nothing is frozen until commit."""
    return Status(201, services.draw_create(actor=request.user, **payload.dict()))


@router.get("/draws/{draw_id}", response=DrawOut, summary="Read a draw")
def draw_detail(request, draw_id: DbId):
    """One draw of the caller's agency."""
    return selectors.draw_get(actor=request.user, draw_id=draw_id)


@router.post("/draws/{draw_id}/commit", response=CommitOut, summary="Freeze the pool and publish the commitment")
def draw_commit(request, draw_id: DbId):
    """Freeze the frame, publish its hash, the parameters and SHA-256(secret); the secret is returned once."""
    draw, secret = services.draw_commit(actor=request.user, draw_id=draw_id)
    return {"draw": draw, "secret": secret}


@router.post("/draws/{draw_id}/select", response=DrawOut, summary="Enter the public value and draw")
def draw_select(request, draw_id: DbId, payload: SelectIn):
    """Enter the secret and the public value (once) and select enterprises and teams."""
    return services.draw_select(actor=request.user, draw_id=draw_id, secret=payload.secret,
                                public_value=payload.public_value)


@router.post("/draws/{draw_id}/reveal", response=DrawOut, summary="Publish the secret and the selection")
def draw_reveal(request, draw_id: DbId, payload: SecretIn):
    """After the inspection window: publish the secret, the frame and the selection."""
    return services.draw_reveal(actor=request.user, draw_id=draw_id, secret=payload.secret)


@router.post("/draws/{draw_id}/cancel", response=DrawOut, summary="Cancel a draft or committed draw")
def draw_cancel(request, draw_id: DbId, payload: DrawReasonIn):
    """Cancel before selection, with a reason."""
    return services.draw_cancel(actor=request.user, draw_id=draw_id, reason=payload.reason)


@router.get("/draws/{draw_id}/picks", response=PickPage, summary="The selected enterprises")
def draw_picks(request, draw_id: DbId, filters: Query[ListFilter]):
    """The selection and teams (the agency sees them before reveal; the public only after)."""
    draw = selectors.draw_get(actor=request.user, draw_id=draw_id)
    qs = draw.picks.select_related("team").prefetch_related("tasks")
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit, key="position")
    return {"items": items, "next_cursor": cursor}


@router.post("/draws/{draw_id}/tasks", response={201: TasksOut}, summary="File the tasks of a draw")
def draw_tasks_make(request, draw_id: DbId):
    """One routine task (source = draw) per selected enterprise and agency, filed for approval."""
    return Status(201, {"task_ids": services.draw_tasks_make(actor=request.user, draw_id=draw_id)})


@router.post("/draws/{draw_id}/tasks/approve", response=TasksOut, summary="Approve the tasks of a draw")
def draw_tasks_approve(request, draw_id: DbId):
    """The agency head approves the draw's filed tasks of the agency (R07, R21 per task)."""
    return services.draw_tasks_approve(actor=request.user, draw_id=draw_id)


@public_router.get("/public/draws/{draw_id}.json", response=dict, summary="A published draw (JSON)")
def public_draw_document(request, draw_id: DbId):
    """The published document: commitment and parameters from commit; frame, secret, selection after reveal."""
    return draw_document(selectors.draw_public_get(draw_id))
