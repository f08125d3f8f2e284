"""Petition URLs as users paste them: a scheme added, host and path segments split, helpful refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from aggregator import Platform

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class RejectedURL(ValueError):
    """A URL that is not one of the platform's petition pages; `expected` says what to paste instead."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def with_scheme(url: str) -> str:
    """The URL, stripped, with `https:` added before a bare `//host` and `https://` before a bare host."""
    text = url.strip()
    if text.startswith("//"):
        return "https:" + text
    return text if _SCHEME.match(text) else "https://" + text


def http_url(url: str) -> str | None:
    """The stripped URL, with `https://` before it when it names no scheme; None unless http(s)."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    return text if urlsplit(text).scheme.lower() in ("http", "https") else None


def host_of(url: str) -> str:
    """The lower-case host name of a URL without a trailing dot ("" when there is none)."""
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def split_url(url: str, *, unquoted: bool = False) -> tuple[str, list[str]]:
    """The host of a pasted URL and its non-empty path segments (percent-decoded when `unquoted`)."""
    text = with_scheme(url)
    segments = [s for s in urlsplit(text).path.split("/") if s]
    return host_of(text), [unquote(s) for s in segments] if unquoted else segments


def accepted_id(platform: Platform, url: str, read: Callable[[str], str]) -> str:
    """The external id `read` finds in `url`; its `RejectedURL` becomes the platform's `UnsupportedURL`."""
    try:
        return read(url)
    except RejectedURL as exc:
        raise platform.unsupported(url, exc.expected) from None
