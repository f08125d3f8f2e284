"""A fetched page as the extractors read it: decoded text, HTML tree, visible text, selectors, title."""

from __future__ import annotations

import json
import re
from functools import cached_property
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from aggregator import LayoutChanged, ResponseRecord

from .definition import compiled

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_ATTR = re.compile(r"^(?P<css>.*?)\s*::attr\(\s*(?P<name>[\w:.-]+)\s*\)\s*$", re.S)
_SPACES = re.compile(r"\s+")
_INVISIBLE = ["script", "style", "noscript", "template"]
#: words that make the number after them a rounded figure in prose, never a count (seed 004)
_QUALIFIER = re.compile(
    r"(?:\b(?:almost|nearly|about|around|approximately|roughly|over|some|more than|close to|upwards of"
    r"|in excess of|up to|under|fewer than|less than|fast|knapp|rund|etwa|ungefähr|über|mehr als|circa"
    r"|ca\.|près de|presque|environ|plus de|quelque|casi|cerca de|más de|unos)|[~≈>])\s*$",
    re.I,
)
_NUMBER_RUN = re.compile(r"\d(?:[\d.,'\u00a0\u202f\u2009 ]*\d)?")


def collapse(text: str) -> str:
    """Text with every run of whitespace (NBSP included) made one space, trimmed."""
    return _SPACES.sub(" ", text).strip()


def _decode(body: bytes, content_type: str | None) -> str:
    found = _CHARSET.search((content_type or "").encode("latin-1", "replace")) or _CHARSET.search(body[:2048])
    encoding = found.group(1).decode("ascii", "replace") if found else "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


class Page:
    """One response body, decoded once; the HTML tree and the visible text are made when first asked."""

    def __init__(self, response: ResponseRecord) -> None:
        self.url = response.final_url
        self.content_type = (response.header("content-type") or "").lower()
        self.source = _decode(response.body, response.header("content-type"))

    @cached_property
    def is_json(self) -> bool:
        """Whether the body is JSON (by its content type, else by its first character)."""
        if "json" in self.content_type:
            return True
        return "html" not in self.content_type and self.source.lstrip()[:1] in ("{", "[")

    @cached_property
    def json(self) -> Any:
        """The body as JSON; `LayoutChanged` when it is not."""
        try:
            return json.loads(self.source)
        except ValueError as exc:
            raise LayoutChanged(f"{self.url} did not answer JSON ({exc})") from None

    @cached_property
    def tree(self) -> LexborHTMLParser:
        return LexborHTMLParser(self.source)

    @cached_property
    def text(self) -> str:
        """The visible text (scripts and styles left out), whitespace collapsed; the raw body for JSON."""
        if self.is_json:
            return self.source
        tree = LexborHTMLParser(self.source)
        tree.strip_tags(_INVISIBLE)
        root = tree.body or tree.root
        return collapse(root.text(separator=" ")) if root is not None else ""

    def select(self, selector: str, what: str) -> list[str]:
        """The text of every element a CSS selector matches, or the attribute `sel::attr(name)` names."""
        if self.is_json:
            raise LayoutChanged(f"{what} {selector!r} is a CSS selector, but {self.url} answered JSON")
        matched = _ATTR.match(selector)
        css, attribute = (matched["css"], matched["name"]) if matched else (selector, None)
        nodes = self.nodes(css, what)
        if attribute is None:
            return [collapse(node.text(separator=" ")) for node in nodes]
        return [collapse(value) for node in nodes if (value := node.attributes.get(attribute)) is not None]

    def nodes(self, css: str, what: str) -> list[LexborNode]:
        """The elements a CSS selector matches; `LayoutChanged` for a selector that cannot be read."""
        try:
            return list(self.tree.css(css))
        except Exception as exc:  # selectolax raises several types for a bad selector
            raise LayoutChanged(f"{what} {css!r} is not a CSS selector lexbor can read: {exc}") from None

    def search(self, pattern: str) -> tuple[str, str, int] | None:
        """The first match of a regex (its first group, else the whole match) in the visible text, else
        in the raw body (markup, scripts): (haystack, matched text, start of the matched text)."""
        regex = compiled(pattern)
        for haystack in dict.fromkeys((self.text, self.source)):
            found = regex.search(haystack)
            if found is None:
                continue
            group = 1 if regex.groups else 0
            if found.group(group) is None:
                continue
            return haystack, found.group(group), found.start(group)
        return None

    def title(self, title_css: str | None) -> str | None:
        """`title_css`, else `og:title`, else `<title>`; None for JSON."""
        if self.is_json:
            return None
        if title_css:
            for text in self.select(title_css, "title_css"):
                if text:
                    return text
        for node in self.tree.css('meta[property="og:title"]'):
            content = collapse(node.attributes.get("content") or "")
            if content:
                return content
        node = self.tree.css_first("title")
        if node is None:
            return None
        return collapse(node.text()) or None

    def json_blocks(self) -> list[Any]:
        """JSON held in the page's `<script type="application/json">`, `__NEXT_DATA__` and JSON-LD blocks."""
        found = []
        for node in self.tree.css('script[type*="json"], script#__NEXT_DATA__'):
            text = (node.text() or "").strip()
            text = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?:-->|//\s*\]\]>)\s*$", "", text).strip()
            try:
                found.append(json.loads(text, strict=False))
            except ValueError:
                continue
        return found


def rounded(haystack: str, start: int, text: str) -> str | None:
    """The qualifier that makes the number in `text` (found at `start` of `haystack`) a rounded figure
    in prose ("almost 150,000", "10,000+"), or None when it reads as a counter."""
    digit = _NUMBER_RUN.search(text)
    if digit is None:
        return None
    begin = start + digit.start()
    before = _QUALIFIER.search(haystack[max(0, begin - 40) : begin])
    if before is not None:
        return before.group(0).strip()
    after = haystack[start + digit.end() : start + digit.end() + 3]
    return "+" if after.lstrip().startswith("+") else None
