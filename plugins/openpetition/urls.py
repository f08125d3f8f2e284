"""openPetition URLs: the petition slug (and its site, off openpetition.de) from the forms users paste."""

from __future__ import annotations

import re

from aggregator_plugins.page_urls import RejectedURL, split_url

#: the three sites; a two-letter country segment (`/at/`) may precede `/petition/...` on .eu and .org
DOMAINS: tuple[str, ...] = ("de", "eu", "org")
HOSTS: tuple[str, ...] = tuple(
    host for tld in DOMAINS for host in (f"www.openpetition.{tld}", f"openpetition.{tld}")
)
EXAMPLE = "https://www.openpetition.de/petition/online/<slug>"

_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_COUNTRY = re.compile(r"[a-z]{2}")
_TAB = re.compile(r"[a-z_-]+")
#: pages that list many petitions or belong to no petition, with what to say about them
_OTHER_PAGES: dict[str, str] = {
    "petitionen": "the list of petitions",
    "suche": "a search page",
    "user": "a user profile",
    "profil": "a user profile",
    "kampagne": "a campaign page, which groups many petitions",
    "petition-starten": "the page for starting a petition",
}


def site_of(host: str) -> str | None:
    """The top-level domain (`de`, `eu`, `org`) of an openPetition host, or None."""
    return host.rsplit(".", 1)[-1] if host in HOSTS else None


def petition_id(url: str) -> str:
    """`<slug>` on openpetition.de, `<tld>/<slug>` or `<tld>/<country>/<slug>` on the other sites.

    Accepts the detail page `/petition/online/<slug>` and its tabs (`/petition/<tab>/<slug>`:
    signers, comments, arguments, blog posts `/petition/blog/<slug>/<n>`), with query
    (`utm_*`, `?language=en_GB.utf8`, which only switches the UI language) and fragment dropped.
    Raises `RejectedURL`."""
    host, segments = split_url(url, unquoted=True)
    tld = site_of(host)
    if tld is None:
        raise RejectedURL(f"a URL on {', '.join(HOSTS[::2])} such as {EXAMPLE}")
    if segments and segments[0].startswith("!"):
        raise RejectedURL(
            f"the full petition address ({EXAMPLE}); short links (/!{segments[0][1:]}) are not "
            "followed: open it in a browser and paste the address it leads to"
        )
    country = None
    if len(segments) >= 2 and _COUNTRY.fullmatch(segments[0].lower()) and segments[1].lower() == "petition":
        country, segments = segments[0].lower(), segments[1:]
    if segments and segments[0].lower() in _OTHER_PAGES:
        page = _OTHER_PAGES[segments[0].lower()]
        raise RejectedURL(f"a single petition's address ({EXAMPLE}); this is {page}")
    if len(segments) < 3 or segments[0].lower() != "petition" or not _TAB.fullmatch(segments[1].lower()):
        raise RejectedURL(f"a petition page such as {EXAMPLE}")
    slug = segments[2].lower()
    if not _SLUG.fullmatch(slug):
        raise RejectedURL(f"a petition page such as {EXAMPLE} ({slug!r} is not a petition slug)")
    prefix = [tld] + ([country] if country else [])
    return slug if prefix == ["de"] else "/".join([*prefix, slug])


def canonical_url(external_id: str) -> str:
    """The detail page of a petition id, on the site (and country) it came from."""
    *prefix, slug = external_id.split("/")
    tld = prefix[0] if prefix else "de"
    country = f"/{prefix[1]}" if len(prefix) > 1 else ""
    return f"https://www.openpetition.{tld}{country}/petition/online/{slug}"


def petition_id_or_none(url: str | None) -> str | None:
    """The id of a URL, or None when it is not an openPetition petition URL."""
    if not url:
        return None
    try:
        return petition_id(url)
    except RejectedURL:
        return None


def is_home_page(url: str | None) -> bool:
    """Whether a URL is an openPetition home or list page, where removed petitions may redirect."""
    if not url:
        return False
    host, segments = split_url(url, unquoted=True)
    if site_of(host) is None:
        return False
    if segments and _COUNTRY.fullmatch(segments[0].lower()):
        segments = segments[1:]
    return not segments or (len(segments) == 1 and segments[0].lower() in ("petitionen", "index.php"))
