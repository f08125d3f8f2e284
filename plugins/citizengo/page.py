"""What a CitizenGO page shows for one node: the signit counter and meter, title and status markers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator_plugins.page_text import SPACES, first_title, meta
from selectolax.lexbor import LexborHTMLParser, LexborNode

from aggregator import Status

COUNT = ".signit-signers .signatures-number"
METER_NUMBER = ".signit-meter .meter-count .number"
GOAL = ".signit-meter .range .high"
#: the site-wide member counter ("we are 9,023,630 active citizens"): never a petition count
SITE_COUNTER = ".cgo-info .counter"
_SIGNABLE = ".signit-link, .signit-form, form[id^='signit'], form[class*='signit']"
_VICTORY_MARKUP = "[class*='victor']"
_NODE_CLASS = re.compile(r"(?:^|\s)node-(\d+)(?:\s|$)")
_CLOSED = re.compile(
    r"\bthis petition (?:is|has been) closed\b|\bpetition closed\b|\bthis petition has (?:ended|finished)\b"
    r"|\bno longer (?:accepting|collecting) signatures\b|\bpetici[oó]n (?:cerrada|finalizada)\b"
    r"|\besta petici[oó]n (?:est[aá] cerrada|ha finalizado)\b",
    re.I,
)
_TITLE_SUFFIX = re.compile(r"\s*[|·-]\s*CitizenGO\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Scope:
    """The part of the page that belongs to the petition: its `article.node-<nid>`, or the page's
    main content when the page is the node's own (`body.page-node-<nid>`)."""

    node: LexborNode
    nid: str
    teaser: bool


def owner_nid(node: LexborNode) -> str | None:
    """The node id of the nearest `article.node-<nid>` around an element, or None."""
    current: LexborNode | None = node
    while current is not None:
        if current.tag == "article":
            match = _NODE_CLASS.search(current.attributes.get("class") or "")
            if match:
                return match.group(1)
        current = current.parent
    return None


def scope(tree: LexborHTMLParser, nid: str) -> Scope | None:
    """Where the petition's own numbers are: its node article (full page or teaser), else the
    body of its own page; None when the page shows no such node."""
    article = tree.css_first(f"article.node-{nid}")
    if article is not None:
        return Scope(article, nid, teaser="node-teaser" in (article.attributes.get("class") or "").split())
    body = tree.body
    if body is not None and f"page-node-{nid}" in (body.attributes.get("class") or "").split():
        return Scope(body, nid, teaser=False)
    return None


def own(area: Scope, selector: str) -> list[LexborNode]:
    """The elements matching `selector` in the scope that belong to no other node's article."""
    return [n for n in area.node.css(selector) if owner_nid(n) in (None, area.nid)]


def text(node: LexborNode) -> str:
    return SPACES.sub(" ", node.text(separator=" ")).strip()


def title(tree: LexborHTMLParser, area: Scope) -> str | None:
    """The node's RDFa `dc:title`, its heading, else (on its own page) `og:title` or `<title>`."""
    candidates: list[str | None] = []
    for node in own(area, "span[property='dc:title']"):
        candidates.append(node.attributes.get("content"))
    candidates += [text(n) for n in own(area, "h1, h2.node__title, .node-title, .title")]
    if not area.teaser:
        head = tree.css_first("title")
        candidates += [meta(tree, "og:title"), head.text() if head is not None else None]
    return first_title(candidates, _TITLE_SUFFIX, not_titles=("citizengo",))


def status(area: Scope) -> tuple[Status, str | None]:
    """Victory markup, closed wording (outside the petition text), a signing form or link, else unknown."""
    classes = area.node.attributes.get("class") or ""
    if "victor" in classes or own(area, _VICTORY_MARKUP):
        return Status.VICTORY, "victory"
    words = " ".join(text(n) for n in own(area, "[class*='signit'], .messages, .petition-status, .alert"))
    closed = _CLOSED.search(words)
    if closed:
        return Status.CLOSED, closed.group(0)
    if own(area, _SIGNABLE):
        return Status.OPEN, "signable"
    return Status.UNKNOWN, None
