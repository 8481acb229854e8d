"""Structured logs: one JSON object per line, and the id of the request each line belongs to.

`LOG_FORMAT=json` (the production default) turns every log line into JSON; `RequestLogMiddleware`
(config/middleware.py) writes one `cocreo.request` line per request with its id, method, path,
status and duration, and every other line logged while a request runs carries the same id.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request being served (set by RequestLogMiddleware; asgiref copies context
# variables into the threads that run sync code, so it follows the request there too).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# What every LogRecord has; anything else was passed in `extra=` and goes into the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# Objects some loggers attach (django.request passes the request) that are not log data.
_SKIPPED = {"request", "server_time", "color_message"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key in _SKIPPED or key.startswith("_") or value is None:
                continue
            entry[key] = value if isinstance(value, int | float | bool | str) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
