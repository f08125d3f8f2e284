"""The walk over a paged list of signers, kept in the petition's state between steps and polls."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from aggregator_plugins.generic.definition import Extractor
from aggregator_plugins.generic.pages import Page, collapse
from aggregator_plugins.generic.urls import query_value, with_param
from selectolax.lexbor import LexborNode

#: the state key holding the walk
WALK = "walk"


def settings_key(extractor: Extractor) -> str:
    """A short digest of the settings that decide which pages exist; a walk made under others restarts."""
    text = "\x1f".join(
        str(v) for v in (extractor.rows_css, extractor.next_css, extractor.page_param, extractor.first_page)
    )
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def rows_digest(rows: Sequence[LexborNode]) -> str:
    """A digest of a page's rows, to tell a page served again (a clamped out-of-range page) from a new one."""
    text = "\x1f".join(collapse(row.text(separator=" ")) for row in rows)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Walk:
    """Where a walk stands: the page at `url` comes after `pages` complete pages holding `rows` rows.

    After a finished walk (`done`) `url` is the last page (re-read first on the next poll), or, with
    `probe`, the page after a full last page (an empty answer there means nothing new); otherwise the
    walk is under way (paused between polls for long lists). `fetched` counts the pages fetched in
    the current poll; `resumes` the polls that resumed a finished walk since the last walk from the
    first page; `previous` is the digest of the page before `url`."""

    key: str
    url: str
    pages: int = 0
    rows: int = 0
    size: int = 0
    probe: bool = False
    previous: str | None = None
    previous_url: str | None = None
    previous_rows: int = 0
    fetched: int = 0
    resumes: int = 0
    done: bool = False

    @classmethod
    def load(cls, raw: Any, key: str) -> Walk | None:
        """The walk kept in the state, or None when there is none, it is unreadable or made under
        other list settings."""
        if not isinstance(raw, Mapping) or raw.get("key") != key or not isinstance(raw.get("url"), str):
            return None
        try:
            return cls(
                key=key,
                url=raw["url"],
                pages=_count(raw.get("pages")),
                rows=_count(raw.get("rows")),
                size=_count(raw.get("size")),
                probe=bool(raw.get("probe")),
                previous=raw.get("previous") if isinstance(raw.get("previous"), str) else None,
                previous_url=raw.get("previous_url") if isinstance(raw.get("previous_url"), str) else None,
                previous_rows=_count(raw.get("previous_rows")),
                fetched=_count(raw.get("fetched")),
                resumes=_count(raw.get("resumes")),
                done=bool(raw.get("done")),
            )
        except ValueError:
            return None

    def dump(self) -> dict[str, Any]:
        """Plain JSON for the petition's state."""
        return asdict(self)

    def after(self, url: str, rows: int, digest: str, next_url: str) -> Walk:
        """The walk at the page after this one (`url`, holding `rows` rows with `digest`)."""
        return replace(
            self,
            url=next_url,
            pages=self.pages + 1,
            rows=self.rows + rows,
            size=self.size or rows,
            probe=False,
            previous=digest,
            previous_url=url,
            previous_rows=rows,
            fetched=self.fetched + 1,
            done=False,
        )


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(value)
    return value


def page_url(base: str, extractor: Extractor, index: int) -> str:
    """The URL of page `index` of the list (0: the petition URL itself, without the page parameter)."""
    if index == 0:
        return with_param(base, extractor.page_param, None)
    return with_param(base, extractor.page_param, str(extractor.first_page + index))


def _same_page(one: str, other: str) -> bool:
    a, b = urlsplit(one), urlsplit(other)
    host = (a.hostname or "").removeprefix("www."), (b.hostname or "").removeprefix("www.")
    return host[0] == host[1] and (a.path.rstrip("/") or "/") == (b.path.rstrip("/") or "/")


def next_page(page: Page, extractor: Extractor, base: str, index: int, rows: int, size: int) -> str | None:
    """The URL of the page after page `index`, or None at the last page.

    With `next_css`: the link it selects. Otherwise `?page_param=N+1` when the page links to it (a
    pager), or, on a page with no pager link at all, when it is full (as many rows as the first page).
    """
    here = urlsplit(page.url)._replace(fragment="").geturl()
    if extractor.next_css:
        for node in page.nodes(extractor.next_css, "next_css"):
            href = node.attributes.get("href")
            if href and (target := urljoin(page.url, href.strip())) != here:
                return urlsplit(target)._replace(fragment="").geturl()
        return None
    wanted = str(extractor.first_page + index + 1)
    paged = [
        value
        for node in page.tree.css("a[href]")
        if _same_page(link := urljoin(page.url, node.attributes.get("href") or ""), base)
        and (value := query_value(link, extractor.page_param)) is not None
    ]
    if wanted in paged:
        return page_url(base, extractor, index + 1)
    if not paged and index > 0 and size and rows >= size:
        return page_url(base, extractor, index + 1)
    return None
