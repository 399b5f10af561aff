"""Models of on-site work: requests (recusal R13, refusal R29), visits (check-in), on-site records,
evidence and outcomes (findings and dispositions).
"""

from .evidence import Evidence, EvidenceUpload  # noqa: F401
from .outcomes import Disposition, Finding  # noqa: F401
from .records import OnSiteRecord, RecordEntry, Signature  # noqa: F401
from .requests import EntryRefusal  # noqa: F401
from .visits import Visit, VisitOfficer, VisitTask  # noqa: F401
