"""ThePetitionSite (Care2) URLs: the 9-digit petition id from the three 3-digit groups of a URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from aggregator_plugins.page_urls import RejectedURL, host_of, with_scheme

HOSTS: tuple[str, ...] = ("www.thepetitionsite.com", "thepetitionsite.com")
EXAMPLE = "https://www.thepetitionsite.com/<ddd>/<ddd>/<ddd>/<slug>/"
COUNT_PATH = "/servlets/petitions/signatures.php"
_GROUP = re.compile(r"\d{3}")
_ID = re.compile(r"\d{9}")
#: `/de-de/`, `/fr-fr/`, `/en-gb/`: a language prefix before the petition path
_LOCALE = re.compile(r"[a-z]{2}-[a-z]{2}")


def split(url: str) -> tuple[str, str, list[str], str]:
    """Host, path, non-empty path segments and query of a URL pasted with or without a scheme."""
    text = with_scheme(url)
    parts = urlsplit(text)
    return host_of(text), parts.path, [s for s in parts.path.split("/") if s], parts.query


def petition_id(url: str) -> str:
    """The 9-digit id of `/<ddd>/<ddd>/<ddd>/<slug>/`, `/takeaction/<ddd>/<ddd>/<ddd>/` (with or
    without a language prefix such as `/de-de/`) or of the count endpoint
    `/servlets/petitions/signatures.php?petitionID=<id>`; slug, query and fragment are dropped.
    Raises `RejectedURL`."""
    host, path, segments, query = split(url)
    if host not in HOSTS:
        raise RejectedURL(f"a URL on www.thepetitionsite.com such as {EXAMPLE}")
    if path.rstrip("/").lower() == COUNT_PATH:
        given = (parse_qs(query).get("petitionID") or [""])[0].strip()
        if not _ID.fullmatch(given):
            raise RejectedURL(f"the count endpoint with a 9-digit petitionID, or a page such as {EXAMPLE}")
        return given
    if segments and _LOCALE.fullmatch(segments[0].lower()):
        segments = segments[1:]
    if segments and segments[0].lower() == "takeaction":
        segments = segments[1:]
    if len(segments) >= 3 and all(_GROUP.fullmatch(s) for s in segments[:3]):
        return "".join(segments[:3])
    what = "a list of petitions" if segments else "the home page"
    raise RejectedURL(f"a single petition's address ({EXAMPLE}, with three 3-digit groups); this is {what}")


def page_url(petition: str) -> str:
    """The petition's page, `/takeaction/<ddd>/<ddd>/<ddd>/` (the site serves or redirects it)."""
    return f"https://www.thepetitionsite.com/takeaction/{petition[:3]}/{petition[3:6]}/{petition[6:]}/"


def count_url(petition: str) -> str:
    """The count endpoint of a petition."""
    return f"https://www.thepetitionsite.com{COUNT_PATH}?petitionID={petition}"


def is_count_url(url: str) -> bool:
    return split(url)[1].rstrip("/").lower() == COUNT_PATH


def is_home_page(url: str | None) -> bool:
    """Whether a URL is the site's home page or petition browser (where removed petitions may land)."""
    if not url:
        return False
    host, _, segments, _ = split(url)
    if host not in HOSTS:
        return False
    if segments and _LOCALE.fullmatch(segments[0].lower()):
        segments = segments[1:]
    return not segments or segments[0].lower() in ("browse-petitions", "index.html")
