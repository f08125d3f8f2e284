"""Reading an Avaaz petition or campaign page: the numeric id for the stats JSON, title, dates."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser

_PETITION_ID = re.compile(r"""\bpetitionId\s*[=:]\s*["']?(\d+)""")
#: share links carry the id too: `...?utm_campaign=petition-1023506-the_slug...`
_SHARE_LINK = re.compile(
    r"""(?P<link>[^"'\s<>]*utm_campaign(?:=|%3D)petition-(?P<id>\d+)-[^"'\s<>]*)""", re.IGNORECASE
)
_MCOUNTER = re.compile(r"MCounter\(\s*\{(?P<body>.*?)\}\s*\)", re.DOTALL)
_CAMPAIGN_ID = re.compile(r"""\bcampaign_id\s*:\s*["']?(\d+)""")
_COUNTER_TEXT = re.compile(r"""\btext\s*:\s*(["'])(?P<text>.*?)(?<!\\)\1""", re.DOTALL)
_CREATED = re.compile(r"\bcreatedAtTimestamp\s*[=:]\s*(\d{10,13})")
#: the "This page is not valid" shell Avaaz serves with HTTP 200 for some unknown slugs
_INVALID = re.compile(r"This page is not valid", re.IGNORECASE)
_REFRESH = re.compile(r"""http-equiv=["']?refresh["']?[^>]*?url=\s*["']?([^"'>\s]+)""", re.IGNORECASE)
#: words of a counter that counts donors ("haben gespendet" on German pages) rather than signers
_DONOR_WORDS = ("gespendet", "spender", "donated", "donors", "donations", "ont donné", "han donado")
_PLACEHOLDER = re.compile(r"\b([01])\s+(?:have|has)\s+signed\b", re.IGNORECASE)
_TITLE_BRAND = (
    re.compile(r"^\s*Avaaz\s*[-\u2013\u2014|:]\s*", re.IGNORECASE),
    re.compile(r"\s*[-\u2013\u2014|]\s*Avaaz\s*$", re.IGNORECASE),
)
#: h1 texts of share blocks, never a title
_GENERIC_H1 = frozenset(
    {"share", "tell your friends", "sign now", "sign the petition", "weitersagen", "teilen"}
    | {"jetzt unterschreiben", "freunde und bekannte informieren"}
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PageReading:
    """What a page says: the id its counter uses, where that id was found, and the rest."""

    stats_id: str | None
    id_source: str | None
    title: str | None
    created_at: datetime | None
    counts_donors: bool
    shows_placeholder: bool


def is_avaaz(html: str) -> bool:
    """Whether a body is an Avaaz page at all (its name, assets or counter code appear in it)."""
    lowered = html[:400_000].lower()
    return "avaaz" in lowered


def is_invalid_shell(html: str, requested: str) -> bool:
    """Avaaz's "This page is not valid" shell, or a meta refresh away from the requested page."""
    if _INVALID.search(html):
        return True
    match = _REFRESH.search(html)
    return bool(match and match.group(1).rstrip("/") != requested.rstrip("/"))


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = _SPACES.sub(" ", html_lib.unescape(text)).strip()
    for brand in _TITLE_BRAND:
        cleaned = brand.sub("", cleaned).strip()
    return cleaned if cleaned and cleaned.lower() != "avaaz" else None


def _meta(tree: LexborHTMLParser, prop: str) -> str | None:
    node = tree.css_first(f"meta[property='{prop}'], meta[name='{prop}']")
    return node.attributes.get("content") if node is not None else None


def _title(tree: LexborHTMLParser, campaign: bool) -> str | None:
    """Petitions: `h1.petition-page-title`, then `og:title`, then `<title>` without "Avaaz - ".
    Campaigns: the first `h1` unless it heads a share block, then `<title>` (kept current on
    re-used "evergreen" campaign URLs, where `og:title` goes stale), then `og:title`."""
    head = tree.css_first("title")
    head_title = head.text() if head is not None else None
    if campaign:
        h1 = tree.css_first("h1")
        h1_text = _clean(h1.text(separator=" ")) if h1 is not None else None
        if h1_text and h1_text.lower() in _GENERIC_H1:
            h1_text = None
        candidates = (h1_text, head_title, _meta(tree, "og:title"))
    else:
        h1 = tree.css_first("h1.petition-page-title")
        candidates = (h1.text(separator=" ") if h1 is not None else None, _meta(tree, "og:title"), head_title)
    for candidate in candidates:
        cleaned = _clean(candidate)
        if cleaned:
            return cleaned
    return None


def _scripts(tree: LexborHTMLParser) -> str:
    return "\n".join(node.text() or "" for node in tree.css("script"))


def _created(scripts: str) -> datetime | None:
    match = _CREATED.search(scripts)
    if match is None:
        return None
    value = int(match.group(1))
    seconds = value / 1000 if len(match.group(1)) == 13 else value
    return datetime.fromtimestamp(seconds, UTC)


def _share_id(html: str, slug: str) -> str | None:
    """The id in share links: those naming our slug win (a share page also links to recommended
    petitions, with their own ids); otherwise only an id that every share link agrees on."""
    found = [(m.group("link"), m.group("id")) for m in _SHARE_LINK.finditer(html)]
    ours = {pid for link, pid in found if slug.lower() in unquote(html_lib.unescape(link)).lower()}
    if len(ours) == 1:
        return ours.pop()
    every = {pid for _, pid in found}
    return every.pop() if len(every) == 1 and not ours else None


def read_page(html: str, campaign: bool, slug: str) -> PageReading:
    """Read a community petition page (`petitionId = N`, else a share link's
    `utm_campaign=petition-N-`) or a campaign page (`MCounter({campaign_id: N, text: "..."})`).
    The counter shown in the markup is never read: it is a placeholder ("1 have signed")."""
    tree = LexborHTMLParser(html)
    scripts = _scripts(tree)
    stats_id = source = None
    donors = False
    if campaign:
        for counter in _MCOUNTER.finditer(scripts):
            found = _CAMPAIGN_ID.search(counter.group("body"))
            if found is None:
                continue
            stats_id, source = found.group(1), "MCounter campaign_id"
            text = _COUNTER_TEXT.search(counter.group("body"))
            label = text.group("text").lower() if text else ""
            donors = any(word in label for word in _DONOR_WORDS)
            break
    else:
        found = _PETITION_ID.search(scripts)
        if found is not None:
            stats_id, source = found.group(1), "petitionId"
        else:
            shared = _share_id(html, slug)
            if shared is not None:
                stats_id, source = shared, "share link utm_campaign"
    body = tree.body.text(separator=" ") if tree.body is not None else ""
    return PageReading(
        stats_id=stats_id,
        id_source=source,
        title=_title(tree, campaign),
        created_at=_created(scripts),
        counts_donors=donors,
        shows_placeholder=bool(_PLACEHOLDER.search(_SPACES.sub(" ", body))),
    )
