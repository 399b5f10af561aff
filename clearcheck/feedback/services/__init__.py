"""Writes of feedback: evaluations (R27) and complaints, each a service in one audited transaction."""

from .complaints import (  # noqa: F401
    complaint_accept,
    complaint_close,
    complaint_forward,
    complaint_from_hotline,
    complaint_receive,
    complaint_reject,
    complaint_reply,
    complaint_report,
)
from .evaluations import evaluation_submit  # noqa: F401
