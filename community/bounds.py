"""Numbers that come from requests, bounded so they never reach the database out of range.

- API paging: a page number or offset is an integer in a range every database can count to,
  so `?page=2828724608423305728` is a 400, not a "bigint out of range" 500. (HTML pages use
  Django's `Paginator.get_page`, which turns any bad page number into a real page.)
- Ids in forms and query strings (`parse_id`): ASCII digits within a 64-bit signed integer, or
  None (`str.isdigit()` accepts "²", which `int()` refuses, and numbers SQLite cannot bind).
"""

import re

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, PageNumberPagination

MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """A database id from untrusted text, or None when it cannot be one."""
    text = str(value if value is not None else "").strip()
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(24, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
