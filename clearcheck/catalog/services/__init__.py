"""Catalog writes: items and their published list versions (R02, R03), standards, checklists (R04),
no-penalty lists. Each service runs in one transaction with its audit event (R30).

Only an agency admin or agency head of the owning agency writes; department heads and officers read;
county roles read all. Another agency's record is NotFound (not yours = missing).
"""


from ..lists import item_snapshot, no_penalty_snapshot
from .checklists import (
    checklist_create,
    checklist_entry_add,
    checklist_entry_remove,
    checklist_new_version,
    checklist_publish,
)
from .items import (
    item_create,
    item_list_publish,
    item_update,
    item_withdraw,
)
from .no_penalty import (
    no_penalty_entry_create,
    no_penalty_entry_update,
    no_penalty_entry_withdraw,
    no_penalty_list_publish,
)
from .standards import (
    standard_create,
    standard_new_version,
    standard_publish,
    standard_update,
)

__all__ = [
    "item_snapshot",
    "no_penalty_snapshot",
    "item_create",
    "item_update",
    "item_withdraw",
    "item_list_publish",
    "standard_create",
    "standard_update",
    "standard_publish",
    "standard_new_version",
    "checklist_create",
    "checklist_entry_add",
    "checklist_entry_remove",
    "checklist_publish",
    "checklist_new_version",
    "no_penalty_entry_create",
    "no_penalty_entry_update",
    "no_penalty_entry_withdraw",
    "no_penalty_list_publish",
]
