"""Log formatters for the ``LOGGING`` setting: one JSON object per line (production) or plain text.

``CLEARCHECK_LOG_FORMAT=json`` (the default) writes every record as one line of JSON: ``time``, ``level``,
``logger``, ``message``, the current ``request_id``, the fields a caller passed as ``extra={"fields": {...}}``
(the request log's method, route, status ...) and ``exc`` for an exception's traceback. Standard library only.
"""

import json
import logging
from datetime import UTC, datetime

from .context import _request_id


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (a log shipper reads it without a parser of its own)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a line of JSON (non-ASCII kept readable; anything unserialisable as its ``str``)."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := _request_id.get():
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Plain lines for a developer's terminal (``make run``): the message, then the request's fields."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The standard text line, with ``key=value`` of the record's fields appended."""
        line = super().format(record)
        fields = getattr(record, "fields", None) or {}
        if fields:
            line += " " + " ".join(f"{key}={value}" for key, value in fields.items() if value not in (None, ""))
        return line
