"""Demo county, dashboards: fold the rollups once the demo's visits exist (the lead calls this last).

The demo has few visits (those the on-site part builds through the check-in services): the charts show
them as they are; nothing is invented here. After this, panels read the rollups plus the live tail.
"""

from collections.abc import Callable


def dashboards_load(*, progress: Callable[[str], None]) -> dict:
    """Fold every final demo visit into the dashboard rollups; returns the counts."""
    from clearcheck.inspections.models import Visit
    from clearcheck.supervision.dashboards.fold import rollups_fold, watermark

    progress("看板:汇总入企检查记录 …")
    folded = rollups_fold()
    mark = watermark()
    counts = {"visits": Visit.objects.count(), "folded": folded, "floor": mark.floor_id}
    progress(f"看板:共 {counts['visits']} 条入企记录,本次汇总 {folded} 条")
    return counts
