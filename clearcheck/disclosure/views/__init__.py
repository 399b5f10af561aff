"""Disclosure pages: the platform's own public pages, the 一公开 portal, outcomes, rights guide, handbooks."""

from .handbooks import (  # noqa: F401
    handbook_create,
    handbook_detail,
    handbook_draft_start,
    handbook_list,
    handbook_publish,
    handbook_version_edit,
    handbook_work_detail,
    handbook_work_list,
)
from .outcomes import outcome_detail, outcome_list  # noqa: F401
from .platform import (  # noqa: F401
    audit_archived_head,
    audit_checkpoint_json,
    audit_head,
    audit_heads_json,
    audit_keys_json,
    home,
    rules,
)
from .portal import portal, rights  # noqa: F401
from .workspace import workspace  # noqa: F401
