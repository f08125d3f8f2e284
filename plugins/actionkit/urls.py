"""ActionKit URLs: `<host>/<page>` ids from sign, thanks and progress URLs on any ActionKit host."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from aggregator_plugins.page_urls import RejectedURL, with_scheme

#: the ActionKit hosts claimed without configuration; others are mapped in the config's [hosts]
HOSTS: tuple[str, ...] = ("action.wemove.eu", "act.350.org")
EXAMPLE = "https://act.350.org/sign/<page>/"

#: ActionKit page names are Django slugs: letters, digits, `_` and `-` (WeMove: `2024-05-x-petition-DE`)
_PAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def _page(name: str | None) -> str:
    if not name or not _PAGE.fullmatch(name):
        raise RejectedURL(f"a petition page such as {EXAMPLE} (the page name {name!r} is not one)")
    return name


def id_from_url(url: str) -> str:
    """`<host>/<page>` for `/sign/<page>/`, `/cms/sign/<page>/`, `/cms/thanks/<page>/`,
    `/progress/<page>` and `/progress/?page=<page>`; query strings (`source`, `akid`, `lang`,
    `utm_*`), fragments and trailing slashes dropped. Raises `RejectedURL`."""
    parts = urlsplit(with_scheme(url))
    host = (parts.hostname or "").rstrip(".").lower()
    if not _HOST.fullmatch(host):
        raise RejectedURL(f"an http(s) address such as {EXAMPLE}")
    segments = [s for s in parts.path.split("/") if s]
    if segments[:1] == ["cms"] and len(segments) >= 2 and segments[1] in ("sign", "thanks"):
        segments = segments[1:]
    head = segments[0].lower() if segments else ""
    if head == "act":
        raise RejectedURL(
            f"the petition's own address ({EXAMPLE}); /act/ is the form's submission endpoint, which "
            "robots.txt disallows"
        )
    if head == "cms" and len(segments) >= 2 and segments[1] == "view_by_page_id":
        raise RejectedURL(
            f"the address a page id leads to ({EXAMPLE}): open this link in a browser and paste the "
            "/sign/ address it redirects to"
        )
    if head == "progress":
        name = segments[1] if len(segments) >= 2 else (parse_qs(parts.query).get("page") or [None])[0]
        return f"{host}/{_page(name)}"
    if head in ("sign", "thanks") and len(segments) >= 2:
        return f"{host}/{_page(segments[1])}"
    raise RejectedURL(f"an ActionKit petition page such as {EXAMPLE} (a /sign/<page>/ address)")


def split_id(external_id: str) -> tuple[str, str]:
    """The host and the page name of an external id."""
    host, _, page = external_id.partition("/")
    if not host or not page:
        raise ValueError(f"{external_id!r} is not an ActionKit id of the form <host>/<page>")
    return host, page


def sign_url(external_id: str) -> str:
    host, page = split_id(external_id)
    return f"https://{host}/sign/{page}/"


def progress_url(external_id: str) -> str:
    host, page = split_id(external_id)
    return f"https://{host}/progress/{page}"


def is_progress(url: str) -> bool:
    """Whether a URL is a progress counter (`/progress/<page>` or `/progress/?page=`)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return bool(segments) and segments[0] == "progress"


def is_home_page(url: str) -> bool:
    """Whether a URL is a site's home page (or a bare language root such as `/de/`)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return not segments or (
        len(segments) == 1 and re.fullmatch(r"[a-z]{2}(-[a-z]{2})?", segments[0]) is not None
    )


def same_page(url: str, external_id: str) -> bool:
    """Whether a URL still shows the petition's own page (the same host and page name)."""
    try:
        return id_from_url(url) == external_id
    except RejectedURL:
        return False
