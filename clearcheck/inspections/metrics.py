"""Open evidence uploads, for ``/metrics`` (issue 21, part 6): one aggregate at scrape time."""

from django.db.models import Count, Min

from clearcheck.core import clock
from clearcheck.core.metrics import Metric

from .choices import UploadStatus
from .models import EvidenceUpload


def inspection_metrics() -> list[Metric]:
    """Chunked uploads still receiving, and how long the least recently touched one has been idle."""
    row = EvidenceUpload.objects.filter(status=UploadStatus.RECEIVING).aggregate(n=Count("pk"), idle=Min("updated_at"))
    idle = (clock.now() - row["idle"]).total_seconds() if row["idle"] else 0
    return [
        Metric("clearcheck_evidence_uploads_open", "gauge", "Chunked evidence uploads still receiving",
               [({}, row["n"])]),
        Metric("clearcheck_evidence_upload_oldest_idle_seconds", "gauge",
               "Seconds since the least recently touched open upload received a chunk (0 when none is open)",
               [({}, idle)]),
    ]
