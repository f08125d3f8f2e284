"""change.org URLs: petition slugs from the many forms users paste, and helpful refusals."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from aggregator_plugins.page_urls import RejectedURL, split_url

HOSTS: tuple[str, ...] = ("www.change.org", "change.org")
SHORT_HOSTS: tuple[str, ...] = ("chng.it", "www.chng.it")
CANONICAL_PREFIX = "https://www.change.org/p/"
EXAMPLE = "https://www.change.org/p/<slug>"

#: `/en-GB/petitions/<slug>`, `/es-419/p/<slug>`: a language prefix before the petition path
_LOCALE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,4})?")
_PETITION_SEGMENTS = ("p", "petitions")
#: characters kept as they are in a slug (RFC 3986 path characters; `%` handled separately)
_SAFE = "-._~!$&'()*+,;=:@%"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

_OTHER_PAGES: dict[str, str] = {
    "o": "an organisation page (/o/...), whose counter adds up all the organisation's petitions",
    "t": "a topic page (/t/...), which lists many petitions",
    "decision-makers": "a decision-maker page (/decision-makers/...), which lists many petitions",
    "u": "a user profile (/u/...)",
    "search": "a search page",
    "start-a-petition": "the page for starting a petition",
}


def normalise_slug(raw: str) -> str:
    """A slug as change.org writes it: non-ASCII as percent-encoded UTF-8 with uppercase hex,
    unreserved characters unescaped, existing escapes kept (so `verm%c3%b6gens`, `vermögens` and
    `verm%C3%B6gens` are one slug)."""
    text = _STRAY_PERCENT.sub("%25", raw.strip())
    text = quote(text, safe=_SAFE)

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(fix, text)


def slug_from_url(url: str) -> str:
    """The petition slug of a change.org URL: `/p/<slug>`, `/petitions/<slug>` and
    `/<locale>/petitions/<slug>`, with query, fragment and anything after the slug (share suffixes
    `/exp/...`, updates `/u/<id>`, comments `/c`, `/sign`) dropped. Raises `RejectedURL`."""
    host, segments = split_url(url)
    if host in SHORT_HOSTS:
        raise RejectedURL(
            f"the full petition address ({EXAMPLE}); chng.it short links are not followed: open the "
            "short link in a browser and paste the change.org address it leads to"
        )
    if host not in HOSTS:
        raise RejectedURL(f"a URL on {' or '.join(HOSTS)} such as {EXAMPLE}")
    if len(segments) >= 2 and _LOCALE.fullmatch(segments[0]) and segments[1] in _PETITION_SEGMENTS:
        segments = segments[1:]
    if segments and segments[0].lower() in _OTHER_PAGES:
        page = _OTHER_PAGES[segments[0].lower()]
        raise RejectedURL(
            f"a single petition's address ({EXAMPLE}); this is {page}: open the petition itself "
            "and paste its address"
        )
    if len(segments) < 2 or segments[0] not in _PETITION_SEGMENTS:
        raise RejectedURL(f"a petition page such as {EXAMPLE}")
    slug = normalise_slug(segments[1])
    if not unquote(slug).strip():
        raise RejectedURL(f"a petition page such as {EXAMPLE} (the slug is empty)")
    return slug


def slug_or_none(url: str | None) -> str | None:
    """The slug of a URL, or None when it is not a change.org petition URL."""
    if not url:
        return None
    try:
        return slug_from_url(url)
    except RejectedURL:
        return None


def is_home_page(url: str | None) -> bool:
    """Whether a URL is change.org's home page (optionally with a language prefix), where some
    sites send requests for petitions that no longer exist."""
    if not url:
        return False
    host, segments = split_url(url)
    if host not in HOSTS:
        return False
    return not segments or (len(segments) == 1 and bool(_LOCALE.fullmatch(segments[0])))
