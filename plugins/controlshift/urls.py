"""ControlShift URLs: `<host>/<slug>` ids from petition pages and their `.json` on any ControlShift host."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aggregator_plugins.page_urls import RejectedURL, with_scheme

#: ControlShift hosts claimed without configuration; others are mapped in the config's [hosts]
HOSTS: tuple[str, ...] = ("you.38degrees.org.uk",)
EXAMPLE = "https://you.38degrees.org.uk/petitions/<slug>"

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_LOCALE = re.compile(r"[a-z]{2}(?:[-_][A-Za-z]{2})?")
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
#: pages under /petitions/ that are not a petition
_NOT_PETITIONS = frozenset({"new", "search", "featured", "mine", "near"})
_AGGREGATES = {
    "efforts": "an effort page, whose counter adds up many petitions",
    "categories": "a category page, which lists many petitions",
    "partnerships": "a partnership page, which lists many petitions",
}


def id_from_url(url: str) -> str:
    """`<host>/<slug>` for `/petitions/<slug>` with a `.json` suffix, a language prefix (`/fr/`),
    trailing pages (`/share`, `/thanks`, `/signatures/new`), query strings and fragments dropped.
    Raises `RejectedURL`."""
    parts = urlsplit(with_scheme(url))
    host = (parts.hostname or "").rstrip(".").lower()
    if not _HOST.fullmatch(host):
        raise RejectedURL(f"an http(s) address such as {EXAMPLE}")
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and _LOCALE.fullmatch(segments[0]) and segments[1] in ("petitions", *_AGGREGATES):
        segments = segments[1:]
    if segments and segments[0] in _AGGREGATES:
        raise RejectedURL(
            f"a single petition's address ({EXAMPLE}); this is {_AGGREGATES[segments[0]]}: open one "
            "petition and paste its address"
        )
    if len(segments) < 2 or segments[0] != "petitions":
        raise RejectedURL(f"a ControlShift petition page such as {EXAMPLE}")
    slug = segments[1].removesuffix(".json")
    if slug.lower() in _NOT_PETITIONS or not _SLUG.fullmatch(slug):
        raise RejectedURL(f"a single petition's address such as {EXAMPLE}, not {parts.path!r}")
    return f"{host}/{slug}"


def split_id(external_id: str) -> tuple[str, str]:
    """The host and the slug of an external id."""
    host, _, slug = external_id.partition("/")
    if not host or not slug:
        raise ValueError(f"{external_id!r} is not a ControlShift id of the form <host>/<slug>")
    return host, slug


def page_url(external_id: str) -> str:
    host, slug = split_id(external_id)
    return f"https://{host}/petitions/{slug}"


def json_url(external_id: str) -> str:
    return page_url(external_id) + ".json"


def is_json_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith(".json")


def is_home_page(url: str) -> bool:
    """Whether a URL is a site's home page, where some sites send removed petitions."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return not segments or (len(segments) == 1 and _LOCALE.fullmatch(segments[0]) is not None)


def same_petition(url: str, external_id: str) -> bool:
    try:
        return id_from_url(url) == external_id
    except RejectedURL:
        return False
