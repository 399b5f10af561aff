"""Public API of the disclosure app (internet zone, no login): the published industry handbooks (一业一册).

``GET /api/public/handbooks`` lists the version in force of every published handbook;
``GET /api/public/handbooks/{handbook_id}`` returns the frozen document of the version in force (or of
``?version=N``), the exact snapshot text its SHA-256 covers, and the published history. Drafts are never served.
"""


from ninja import Router, Schema

from clearcheck.core.inputs import DbId

from . import selectors

public_router = Router(tags=["public"], auth=None)



class HandbookOut(Schema):
    """A published handbook, by its version in force."""

    id: int
    slug: str
    title: str
    industry_code: str
    industry_name: str
    version: int
    published_at: str
    sha256: str


class HandbookPage(Schema):
    """Every published handbook (a short list: one per industry at most)."""

    items: list[HandbookOut]


def _out(version) -> dict:
    handbook = version.handbook
    return {"id": handbook.pk, "slug": handbook.slug, "title": handbook.title, "industry_code": handbook.industry_id,
            "industry_name": handbook.industry.name, "version": version.number,
            "published_at": version.published_at.isoformat(), "sha256": version.sha256}


@public_router.get("/public/handbooks", response=HandbookPage, summary="Published industry handbooks")
def public_handbook_list(request):
    """The version in force of every published handbook."""
    return {"items": [_out(v) for v in selectors.handbooks_public()]}


@public_router.get("/public/handbooks/{handbook_id}", response=dict, summary="One published industry handbook")
def public_handbook_detail(request, handbook_id: DbId, version: DbId | None = None):
    """The frozen document of the version in force (or ``version``), its SHA-256 and the published history."""
    handbook = selectors.handbook_public_get(handbook_id=handbook_id)
    chosen = selectors.handbook_version_public_get(handbook=handbook, number=version)
    return {
        "document": selectors.version_public_document(chosen),
        "version": chosen.number, "status": chosen.status,
        # The exact text the SHA-256 is taken over, so anyone can check it and keep a copy.
        "snapshot": chosen.snapshot, "sha256": chosen.sha256,
        "history": [{"version": v.number, "status": v.status, "published_at": v.published_at.isoformat(),
                     "sha256": v.sha256, "change_note": v.change_note}
                    for v in selectors.handbook_versions_public(handbook)],
    }
