"""ActionKit sites: the count from the /progress/ counter, then title and status from the sign page."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_urls import accepted_id
from aggregator_plugins.responses import GONE, decode, removed
from selectolax.lexbor import LexborHTMLParser

from aggregator import (
    DataSource,
    LayoutChanged,
    NotThisPlatform,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
    parse_count,
)

from .urls import (
    EXAMPLE,
    HOSTS,
    id_from_url,
    is_home_page,
    is_progress,
    progress_url,
    same_page,
    sign_url,
    split_id,
)

_JSONP = re.compile(r"^\s*(?:/\*\*/\s*)?[A-Za-z_$][\w$.]*\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)
#: ActionKit's form posts to /act/; its templates carry a hidden `page` input and actionkit.js
_FORM = "form[action*='/act/'], form[name='act'], input[name='page']"
_MARKERS = ("actionkit", "/act/", "ak-")
#: wording of an inactive page (inferred; English, German, French, Spanish, Italian, Polish)
_CLOSED_TEXT = re.compile(
    r"no longer (?:active|accepting|available|collecting)|(?:petition|page|action) (?:is|has) "
    r"(?:now )?(?:closed|ended)|this (?:petition|campaign) has ended|nicht mehr aktiv|ist beendet|"
    r"ist geschlossen|n'est plus active|est (?:maintenant )?(?:close|fermée|terminée)|ya no está "
    r"activa|ha finalizado|non è più attiva|è chiusa|nie jest już aktywna|została zakończona",
    re.I,
)
_SPACES = re.compile(r"\s+")


def read_progress(body: str) -> dict[str, Any]:
    """The object of a progress answer: `onProgressLoaded({...})`, any other callback, or bare JSON."""
    text = body.strip().lstrip("\ufeff")
    match = _JSONP.match(text)
    payload = match.group(1) if match and not text.startswith("{") else text
    try:
        data = json.loads(payload)
    except ValueError:
        raise NotThisPlatform(
            f"not an ActionKit progress answer (expected onProgressLoaded({{...}})): {text[:60]!r}"
        ) from None
    if not isinstance(data, dict):
        raise NotThisPlatform(f"an ActionKit progress answer is an object, not {type(data).__name__}")
    return data


class ActionKit(Platform):
    """Petition pages of ActionKit sites. Two requests per poll: `/progress/<page>` (count, goal),
    then `/sign/<page>/` (title, open or closed). `/act/` is disallowed by robots.txt: never asked."""

    name: ClassVar[str] = "actionkit"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=3))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("pending", "victory", "rejected")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "progress-jsonp",
            "/progress/<page>: JSONP onProgressLoaded({...}); total.actions is the count, goal the "
            "page's goal (1 = dynamic: the front end picks the next milestone, no goal stored); as "
            "read by public front-end counters (data.total.actions) and PetitionsManager's WeMove "
            "and 350.org scrapers; no saved response",
            "documented",
        ),
        DataSource(
            "sign-page",
            "/sign/<page>/: title (og:title, h1); the action form (posting to /act/) means open, "
            "'no longer active' wording or a redirect to another page means closed",
            "inferred",
        ),
        DataSource("http-status", "404/410, or a redirect to the home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """`<host>/<page>`: the page name is only unique on its host."""
        return accepted_id(self, url, id_from_url)

    def canonical_url(self, external_id: str) -> str:
        return sign_url(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The progress counter first: the machine endpoint, robots.txt allows `/progress/`."""
        return Step(progress_url(external_id), purpose="progress")

    def parse(self, response: ResponseRecord) -> ParseResult:
        if is_progress(response.url):
            return self._progress(response)
        return self._sign_page(response)

    def _progress(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status), method=None)
        if not 200 <= response.status < 300:
            raise LayoutChanged(f"the progress counter {response.url} answered HTTP {response.status}")
        data = read_progress(decode(response))
        total = data.get("total")
        actions = total.get("actions") if isinstance(total, dict) else None
        if actions is None or isinstance(actions, bool):
            raise LayoutChanged(
                f"the progress answer of {response.url} has no total.actions (keys: {sorted(data)}); the "
                "goal is never read as the count"
            )
        goal, flags = _goal(data)
        return ParseResult(
            supporters=parse_count(actions).value,
            goal=goal,
            method="json-api",
            flags=flags,
            next_step=Step(sign_url(response.external_id), purpose="page"),
        )

    def _sign_page(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status), method=None)
        if not 200 <= response.status < 300:
            raise LayoutChanged(f"the sign page {response.url} answered HTTP {response.status}")
        if response.final_url != response.url and not same_page(response.final_url, response.external_id):
            if is_home_page(response.final_url):
                return removed("redirected to the home page", method=None)
            return ParseResult(status=Status.CLOSED, raw_status="redirected to another page")
        html = decode(response)
        tree = LexborHTMLParser(html)
        open_form = tree.css_first(_FORM) is not None
        if not open_form and not any(marker in html.lower() for marker in _MARKERS):
            raise NotThisPlatform(
                f"{response.final_url} is not an ActionKit page (no action form, no ActionKit assets); "
                f"expected a page such as {EXAMPLE}"
            )
        body = tree.body.text(separator=" ") if tree.body is not None else ""
        closed = _CLOSED_TEXT.search(_SPACES.sub(" ", body))
        if closed is not None:
            status, raw = Status.CLOSED, closed.group(0).lower()
        elif open_form:
            status, raw = Status.OPEN, "action form"
        else:
            status, raw = Status.UNKNOWN, "no action form"
        return ParseResult(
            status=status, raw_status=raw, title=_title(tree, split_id(response.external_id)[1])
        )


def _goal(data: Mapping[str, Any]) -> tuple[int | None, frozenset[str]]:
    """The page's goal; `1` is ActionKit's "dynamic goal" (the front end shows its next milestone),
    and a goal counted in anything but actions (dollars) is not a signature goal."""
    raw = data.get("goal")
    kind = data.get("goal_type")
    if raw in (None, "", 0, "0") or isinstance(raw, bool):
        return None, frozenset()
    if kind not in (None, "", "actions"):
        return None, frozenset({f"goal_in_{kind}"})
    goal = parse_count(raw).value
    if goal == 1:
        return None, frozenset({"dynamic_goal"})
    return (goal or None), frozenset()


def _title(tree: LexborHTMLParser, page: str) -> str | None:
    for selector in ("meta[property='og:title']", "meta[name='twitter:title']"):
        node = tree.css_first(selector)
        content = (node.attributes.get("content") or "").strip() if node is not None else ""
        if content:
            return content
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        text = _SPACES.sub(" ", node.text()).strip() if node is not None else ""
        if text and text != page:
            return text
    return None
