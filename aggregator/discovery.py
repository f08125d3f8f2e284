"""Discovery: walk a platform's own list pages politely and follow every petition that matches."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .app import App
from .errors import AggregatorError, LayoutChanged
from .following import Entry, Followed, follow
from .platform import Platform
from .records import ListedPetition, Listing, ResponseRecord

#: list pages walked at most, whatever the list's own links say
MAX_PAGES = 200


@dataclass
class Discovered:
    """What a discovery run found and followed."""

    pages: int = 0
    seen: int = 0
    matched: list[ListedPetition] = field(default_factory=list)
    followed: list[Followed] = field(default_factory=list)


async def discover(
    app: App,
    platform_name: str,
    query: Mapping[str, str],
    *,
    min_supporters: int | None = None,
    tags: tuple[str, ...] = (),
    max_pages: int = MAX_PAGES,
    follow_matches: bool = True,
    on_page: Callable[[int, int], None] | None = None,
) -> Discovered:
    """Walk the list pages (following their own pagination links) and follow the matching petitions."""
    platform = app.registry.get(platform_name)
    step = platform.discovery(query)
    found = Discovered()
    urls: set[str] = set()
    visited: set[str] = set()
    while step is not None and found.pages < max_pages:
        if step.url in visited:
            raise LayoutChanged(f"the {platform.name} list links back to a page already read: {step.url}")
        visited.add(step.url)
        fetched = await app.fetcher.get(step, platform=platform, external_id="", state={}, validators=None)
        listing = _listing(platform, fetched.record)
        found.pages += 1
        for item in listing.items:
            found.seen += 1
            if item.url in urls:
                continue  # lists sorted by popularity reshuffle while we walk them
            urls.add(item.url)
            if min_supporters is not None and (item.supporters is None or item.supporters < min_supporters):
                continue
            found.matched.append(item)
        if on_page is not None:
            on_page(found.pages, len(found.matched))
        step = listing.next_step
    if follow_matches:
        found.followed = [follow(app, Entry(item.url, tags), platform.name) for item in found.matched]
    return found


def _listing(platform: Platform, record: ResponseRecord) -> Listing:
    try:
        return platform.parse_listing(record)
    except AggregatorError:
        raise
    except Exception as exc:
        raise LayoutChanged(
            f"the {platform.name} list page at {record.final_url} could not be read "
            f"({type(exc).__name__}: {exc}); the list format may have changed"
        ) from exc
