"""CitizenGO URLs: the numeric Drupal node id from every form users paste, and helpful refusals."""

from __future__ import annotations

import re

from aggregator_plugins.page_urls import RejectedURL, split_url

HOSTS: tuple[str, ...] = ("citizengo.org", "www.citizengo.org")
EXAMPLE = "https://citizengo.org/<lang>/<nid>-<slug>"
#: the petition segment: "<nid>-<slug>" (or a bare "<nid>")
_NODE_SEGMENT = re.compile(r"(\d+)(?:-[^/]*)?")
#: a language prefix (`en`, `en-us`, `pt-br`, `hazteoir`) or a topic code (`lf`, `fm`, `md`, ...)
_PREFIX = re.compile(r"[a-z]{2,3}(?:-[a-z]{2,4})?|hazteoir")
_OTHER_PAGES: dict[str, str] = {
    "victories": "the list of victories",
    "user-profile": "a user profile",
    "users": "a user profile",
    "create-your-petition": "the page for starting a petition",
    "join-us": "the sign-up page",
    "home": "the home page",
    "search": "a search page",
}


def node_id(url: str) -> str:
    """The node id of `/<lang>/<nid>-<slug>`, `/<lang>/<topic>/<nid>-<slug>`, `/<lang>/node/<nid>`
    and the malformed `/en//en/<nid>-<slug>` links of the site's own pages; query, fragment and
    anything after the petition segment (`/share`, `/sign`) are dropped. Raises `RejectedURL`."""
    host, segments = split_url(url)
    if host not in HOSTS:
        raise RejectedURL(f"a URL on citizengo.org such as {EXAMPLE}")
    for index, segment in enumerate(segments):
        lower = segment.lower()
        if lower == "node" and index + 1 < len(segments) and segments[index + 1].isdigit():
            return str(int(segments[index + 1]))
        match = _NODE_SEGMENT.fullmatch(segment)
        if match:
            return str(int(match.group(1)))
        if lower in _OTHER_PAGES:
            raise RejectedURL(f"a single petition's address ({EXAMPLE}); this is {_OTHER_PAGES[lower]}")
        if not _PREFIX.fullmatch(lower):
            break
    raise RejectedURL(f"a petition page such as {EXAMPLE} (the address has no numeric petition id)")


def canonical_url(nid: str) -> str:
    """Drupal's own path of the node, which the site answers or redirects to the petition's alias."""
    return f"https://citizengo.org/en/node/{nid}"


def is_home_page(url: str | None) -> bool:
    """Whether a URL is CitizenGO's home page (optionally with a language prefix)."""
    if not url:
        return False
    host, segments = split_url(url)
    if host not in HOSTS:
        return False
    rest = [s.lower() for s in segments if not _PREFIX.fullmatch(s.lower())]
    return not rest or rest == ["home"]
