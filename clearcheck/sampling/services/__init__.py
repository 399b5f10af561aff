"""Writes of the sampling app (pools, draws, tasks from draws); every one audited (R30)."""

from .draws import (  # noqa: F401
    draw_cancel,
    draw_commit,
    draw_create,
    draw_frame_tamper_report,
    draw_reveal,
    draw_select,
    frame_checked,
    stored_outcome,
)
from .pools import pool_create, pool_update  # noqa: F401
from .tasks import draw_tasks_approve, draw_tasks_make  # noqa: F401
