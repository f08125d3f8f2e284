"""MoveOn URLs: petition slugs from sign.moveon.org, legacy petitions.moveon.org pages and API URLs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aggregator_plugins.page_urls import RejectedURL, split_url

HOSTS: tuple[str, ...] = ("sign.moveon.org", "petitions.moveon.org")
CANONICAL_PREFIX = "https://sign.moveon.org/petitions/"
EXAMPLE = CANONICAL_PREFIX + "<slug>"
LEGACY_API = "https://petitions.moveon.org/api/v1/petitions"
#: hosts a removed petition may be sent to (their home pages mean "removed")
HOME_HOSTS: tuple[str, ...] = (*HOSTS, "moveon.org", "www.moveon.org", "front.moveon.org")

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
#: share suffixes of legacy links (`/sign/<slug>.fb48?source=s.icn.fb`) and `.html`/`.json`
_SUFFIX = re.compile(r"\.(?:(?:fb|tw|em|ig|sms|ml)\d*|html?|json)$", re.I)
_OTHER_PAGES = {
    "categories": "a category page, which lists many petitions",
    "category": "a category page, which lists many petitions",
    "search": "a search page",
    "dashboard": "a petition creator's dashboard",
    "create": "the page for starting a petition",
}


def slug_from_url(url: str) -> str:
    """The slug of `sign.moveon.org/petitions/<slug>`, `petitions.moveon.org/sign/<slug>` (share
    suffixes such as `.fb48` dropped) and `/api/v1/petitions/<slug>.json`; query strings
    (`source`, `r_by`, `utm_*`), fragments, trailing pages (`/thanks`) and slashes dropped.
    Raises `RejectedURL`."""
    host, segments = split_url(url)
    if host not in HOSTS:
        raise RejectedURL(f"a URL on {' or '.join(HOSTS)} such as {EXAMPLE}")
    if segments[:3] == ["api", "v1", "petitions"]:
        segments = segments[2:]
    head = segments[0].lower() if segments else ""
    if head in _OTHER_PAGES:
        raise RejectedURL(f"a single petition's address ({EXAMPLE}); this is {_OTHER_PAGES[head]}")
    if head not in ("petitions", "sign") or len(segments) < 2:
        raise RejectedURL(f"a petition page such as {EXAMPLE}")
    slug = _SUFFIX.sub("", segments[1])
    if slug.startswith("list") and slug[4:].isdigit():
        raise RejectedURL(f"the petition's page ({EXAMPLE}), not its signature list")
    if not _SLUG.fullmatch(slug):
        raise RejectedURL(f"a petition page such as {EXAMPLE} (the slug {slug!r} is not one)")
    return slug


def is_home_page(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return host in HOME_HOSTS and not [s for s in parts.path.split("/") if s]


def same_petition(url: str, slug: str) -> bool:
    try:
        return slug_from_url(url) == slug
    except RejectedURL:
        return False


def signatures_url(list_id: str) -> str:
    """The legacy signature list of a petition, whose `total_records` is the count."""
    return f"{LEGACY_API}/list{list_id}/signatures.json"


def is_signatures_url(url: str) -> bool:
    return urlsplit(url).path.endswith("/signatures.json")
