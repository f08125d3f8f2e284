"""Avaaz URLs: (section, language, slug) ids from the forms users paste, and helpful refusals."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aggregator_plugins.page_urls import RejectedURL, split_url, with_scheme

HOSTS: tuple[str, ...] = ("secure.avaaz.org", "avaaz.org", "www.avaaz.org", "www2.avaaz.org")
BASE = "https://secure.avaaz.org"
PETITIONS = "community_petitions"
CAMPAIGNS = "campaign"
EXAMPLE = f"{BASE}/community_petitions/<lang>/<slug>/ or {BASE}/campaign/<lang>/<slug>/"

_LANG = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,4})?", re.IGNORECASE)
_SLUG = re.compile(r"[A-Za-z0-9_-]+")
#: path words naming a community petition; the hyphenated one is a legacy path robots.txt disallows
_PETITION_WORDS = frozenset({"community_petitions", "community-petitions"})
#: pages under /community_petitions/<lang>/ and /campaign/<lang>/ that are not one petition
_NOT_PETITIONS = frozenset(
    {
        "about",
        "how_to_create_petition",
        "my_account",
        "start_a_petition",
        "popular_petitions",
        "recent_petitions",
        "search",
        "sitemap",
        "create",
        "dashboard",
    }
)
_NOT_CAMPAIGNS = frozenset({"donate"})
_REFUSED_SECTIONS: dict[str, str] = {
    "campaigns": "/campaigns/ (plural) is not a campaign page and Avaaz's robots.txt disallows it",
    "stats": "a stats endpoint; the plugin finds it itself from the petition page",
    "api": "Avaaz's /api/, which robots.txt disallows",
}


def _checked(section: str, lang: str, slug: str) -> str:
    if not _LANG.fullmatch(lang):
        raise RejectedURL(f"a page such as {EXAMPLE}; {lang!r} is not a language code")
    if not _SLUG.fullmatch(slug):
        raise RejectedURL(f"a single petition or campaign page such as {EXAMPLE}")
    excluded = _NOT_PETITIONS if section == PETITIONS else _NOT_CAMPAIGNS
    if slug.lower() in excluded:
        raise RejectedURL(
            f"a single petition or campaign page such as {EXAMPLE}; this is a list or help page"
        )
    return f"{section}/{lang.lower().replace('_', '-')}/{slug}"


def id_from_url(url: str) -> str:
    """`community_petitions/<lang>/<Slug>` or `campaign/<lang>/<slug>` from any known form:
    the current paths, the older `/<lang>/community_petitions/<Slug>/` and `/<lang>/petition/<Slug>`,
    the legacy hyphenated path, share suffixes (`/details/`, `/share-page/`), any host of Avaaz's,
    query and fragment. The slug's case is kept. Raises `RejectedURL`."""
    host, segments = split_url(url)
    if host not in HOSTS:
        raise RejectedURL(f"a URL on secure.avaaz.org such as {EXAMPLE}")
    if not segments:
        raise RejectedURL(f"a single petition or campaign page such as {EXAMPLE}")
    first = segments[0].lower()
    if first in _REFUSED_SECTIONS:
        raise RejectedURL(
            f"a petition or campaign page such as {EXAMPLE}; this is {_REFUSED_SECTIONS[first]}"
        )
    if first in _PETITION_WORDS and len(segments) >= 3:
        return _checked(PETITIONS, segments[1], segments[2])
    if first == CAMPAIGNS and len(segments) >= 3:
        return _checked(CAMPAIGNS, segments[1], segments[2])
    if len(segments) >= 3 and _LANG.fullmatch(segments[0]):
        second = segments[1].lower()
        if second in _PETITION_WORDS or second == "petition":
            return _checked(PETITIONS, segments[0], segments[2])
    raise RejectedURL(f"a single petition or campaign page such as {EXAMPLE}")


def split_id(external_id: str) -> tuple[str, str, str]:
    """(section, lang, slug) of an external id."""
    section, lang, slug = external_id.split("/", 2)
    return section, lang, slug


def page_url(external_id: str) -> str:
    """The petition or campaign page of an id, on secure.avaaz.org, with its trailing slash."""
    return f"{BASE}/{external_id}/"


def stats_url(section: str, stats_id: str) -> str:
    """The count endpoint: `/stats/petition/<id>_stats.json` or `/stats/campaign/<id>_stats.json`."""
    kind = "campaign" if section == CAMPAIGNS else "petition"
    return f"{BASE}/stats/{kind}/{stats_id}_stats.json"


def left_the_page(url: str, final_url: str) -> bool:
    """Whether a request for a petition page ended elsewhere on Avaaz (the home page, a list page,
    another section): Avaaz sends requests for petitions that no longer exist there."""
    if final_url.rstrip("/") == url.rstrip("/"):
        return False
    try:
        here, there = split_id(id_from_url(url)), split_id(id_from_url(final_url))
    except RejectedURL:
        return url_is_avaaz(final_url)
    # another language version of the same petition is still the petition
    return (here[0], here[2].lower()) != (there[0], there[2].lower())


def url_is_avaaz(url: str) -> bool:
    return (urlsplit(with_scheme(url)).hostname or "").rstrip(".").lower() in HOSTS
