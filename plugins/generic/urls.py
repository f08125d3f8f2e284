"""Page URLs of self-hosted sites: normalised ids, tracking parameters dropped, query parameters set."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

#: query parameters that only say where a visitor came from (exact names, lower case)
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "igshid", "yclid", "_hsenc", "_hsmi"}
    | {"mkt_tok"}
)
#: prefixes of tracking parameters: `utm_source`, `mc_cid`, `mc_eid`...
TRACKING_PREFIXES = ("utm_", "mc_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class BadURL(ValueError):
    """A URL that cannot stand for a page; the message says what was expected."""


def _key(piece: str) -> str:
    return unquote_plus(piece.split("=", 1)[0]).strip().lower()


def is_tracking(key: str) -> bool:
    """Whether a query parameter name is a tracking parameter."""
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def normalise_url(url: str, drop: Iterable[str] = ()) -> str:
    """The page URL as an id: scheme and host lower-cased, default port, fragment, tracking
    parameters (`utm_*`, `fbclid`, `gclid`, `mc_*`...) and the parameters in `drop` removed; the
    rest of the query is kept as written, in order. Raises `BadURL` for anything but http(s)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"an http(s) page URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BadURL("an http(s) page URL such as https://www.example.org/petition/")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise BadURL("an http(s) page URL with a host name")
    if parts.username is not None or parts.password is not None:
        raise BadURL("a page URL without a user name or password in it")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    dropped = {name.lower() for name in drop}
    pieces = [
        piece
        for piece in parts.query.split("&")
        if piece and not is_tracking(_key(piece)) and _key(piece) not in dropped
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(pieces), ""))


def with_param(url: str, name: str, value: str | None) -> str:
    """`url` with query parameter `name` set to `value` (replacing it where it is), or removed for None."""
    parts = urlsplit(url)
    pieces = [piece for piece in parts.query.split("&") if piece and _key(piece) != name.lower()]
    if value is not None:
        pieces.append(f"{quote(name, safe='')}={quote(value, safe='')}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(pieces), ""))


def query_value(url: str, name: str) -> str | None:
    """The value of query parameter `name` in `url` (the first one), or None."""
    for piece in urlsplit(url).query.split("&"):
        if piece and _key(piece) == name.lower():
            return unquote_plus(piece.split("=", 1)[1]) if "=" in piece else ""
    return None


def _bare_host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".").lower().removeprefix("www.")


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    query = [p for p in parts.query.split("&") if p and not is_tracking(_key(p))]
    return parts.path.rstrip("/") in ("", "/index.php", "/index.html") and not query


def redirected_home(url: str, final_url: str) -> bool:
    """Whether a request for a petition page ended on the same site's home page (a removed page)."""
    return _is_home(final_url) and not _is_home(url) and _bare_host(url) == _bare_host(final_url)
