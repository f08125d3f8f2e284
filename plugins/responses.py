"""What any platform reads first from a response: its text in the declared charset, and a gone petition."""

from __future__ import annotations

import re
from collections.abc import Callable

from aggregator import ParseResult, ResponseRecord, Status

#: statuses of a petition the site no longer serves (hidden, deleted or never there)
GONE = (404, 410)
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)


def decode(response: ResponseRecord) -> str:
    """The body as text, in the charset the headers name (UTF-8 otherwise)."""
    match = _CHARSET.search(response.header("content-type") or "")
    try:
        return response.body.decode(match.group(1) if match else "utf-8", errors="replace")
    except LookupError:
        return response.body.decode("utf-8", errors="replace")


def removed(raw_status: str, method: str | None = "http-status") -> ParseResult:
    """A petition the site no longer shows; the core records `removed` once that repeats."""
    return ParseResult(status=Status.REMOVED, raw_status=raw_status, gone=True, method=method)


def gone(
    response: ResponseRecord,
    is_home_page: Callable[[str], bool] | None = None,
    *,
    redirect: str = "home page redirect",
    method: str | None = "http-status",
) -> ParseResult | None:
    """`removed` for a 404 or 410, or for a petition URL redirected to a page `is_home_page` knows
    (raw status `redirect`); None for any other response."""
    if response.status in GONE:
        return removed(str(response.status), method)
    if is_home_page is not None and is_home_page(response.final_url) and not is_home_page(response.url):
        return removed(redirect, method)
    return None
