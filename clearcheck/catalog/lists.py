"""The sibling list kinds of the catalog: the inspection item list (检查事项清单) and the no-penalty list (免罚清单).

Both are lists an agency keeps of member rows: a member is drafted, changed while a draft, published with the
agency's other drafts as a new immutable list version (``PublishedList``), and withdrawn (a published one
leaves the list in a new version). What tells the kinds apart is written once, in a ``ListSpec``; the
selectors, the writes (``services.lists``) and the pages take the spec, so neither kind keeps its own copy
of the machinery. Rows, ids, actions and messages are those each kind had before the specs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet, TextChoices

from clearcheck.core.workflows import Machine

from . import workflows
from .choices import ItemCategory, ItemStatus, ListKind, NoPenaltyKind
from .models import InspectionItem, NoPenaltyEntry


@dataclass(frozen=True)
class ListSpec:
    """One kind of published list and its member rows."""

    kind: str                       # ``ListKind``: the ``PublishedList.kind`` of its versions
    model: type[Model]              # the member rows (with ``agency``, ``status``, ``published_at``, ``withdrawn_at``)
    workflow: Machine               # draft → published → withdrawn
    list_name: str                  # the list, in messages: "已发布检查事项清单第 2 版"
    order: tuple[str, ...]          # members within an agency's list (and its snapshots)
    search: tuple[str, ...]         # the fields a search ``q`` looks in
    facet: str                      # the choice field a list is narrowed by (public pages, filters)
    facet_choices: type[TextChoices]  # its values
    snapshot: Callable[[Model], dict]   # what a list version (and the audit trail) keeps of a member
    label: Callable[[Model], str]       # a member named in a refusal
    audit_noun: str                 # "inspection_item" → inspection_item.create / .update / .withdraw
    audit_list: str                 # "item_list" → item_list.publish
    members: str                    # "items": the publish's error field and its audit key ``published_items``
    no_drafts: str                  # the refusal of a publication with nothing to publish

    @property
    def noun(self) -> str:
        """A member, in messages ("检查事项不存在"): its workflow's noun."""
        return self.workflow.noun

    def search_q(self, q: str) -> Q:
        """Rows where any of the spec's search fields contains ``q``."""
        condition = Q()
        for name in self.search:
            condition |= Q(**{f"{name}__icontains": q})
        return condition

    def published(self, agency) -> QuerySet:
        """The published members of ``agency``: its current list, in list order."""
        return self.model.objects.filter(agency=agency, status=ItemStatus.PUBLISHED).order_by(*self.order)


def item_snapshot(item: InspectionItem) -> dict:
    """What a published list version keeps of an item."""
    return {
        "id": item.pk, "code": item.code, "name": item.name, "legal_basis": item.legal_basis,
        "object_scope": item.object_scope, "method": item.method, "category": item.category,
        "annual_cap": item.annual_cap, "licensing_onsite_allowed": item.licensing_onsite_allowed,
        "licensing_onsite_basis": item.licensing_onsite_basis, "single_officer_basis": item.single_officer_basis,
        "special_sector": item.special_sector,
        "status": item.status,
    }


def no_penalty_snapshot(entry: NoPenaltyEntry) -> dict:
    """What a published no-penalty list version keeps of an entry."""
    return {"id": entry.pk, "kind": entry.kind, "title": entry.title, "legal_basis": entry.legal_basis,
            "conditions": entry.conditions, "status": entry.status}


ITEM_LIST = ListSpec(
    kind=ListKind.ITEMS, model=InspectionItem, workflow=workflows.ITEM, list_name="检查事项清单",
    order=("code", "id"), search=("code", "name", "legal_basis"), facet="category", facet_choices=ItemCategory,
    snapshot=item_snapshot, label=str, audit_noun="inspection_item", audit_list="item_list",
    members="items", no_drafts="没有待发布的草稿事项",
)

NO_PENALTY_LIST = ListSpec(
    kind=ListKind.NO_PENALTY, model=NoPenaltyEntry, workflow=workflows.NO_PENALTY, list_name="免罚清单",
    order=("kind", "id"), search=("title", "legal_basis", "conditions"), facet="kind", facet_choices=NoPenaltyKind,
    snapshot=no_penalty_snapshot, label=lambda entry: entry.title, audit_noun="no_penalty_entry",
    audit_list="no_penalty_list", members="entries", no_drafts="没有待发布的草稿免罚事项",
)
