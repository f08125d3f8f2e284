"""The signature-list platform: URL ids, the paged walk (polite, incremental), removed lists, the CLI."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from aggregator_plugins.generic.definition import Extractor
from aggregator_plugins.signature_list import SignatureList
from aggregator_plugins.signature_list.platform import FULL_WALK_EVERY, PAGES_PER_POLL
from aggregator_plugins.signature_list.walk import WALK, settings_key
from click.testing import CliRunner

from aggregator.app import App
from aggregator.cases import load_cases, replay
from aggregator.cli import cli
from aggregator.config import ExtractorSettings, load_settings
from aggregator.errors import LayoutChanged, UnsupportedURL
from aggregator.localserver import LocalServer, Reply, Seen
from aggregator.records import EXTRACTOR_STATE, ResponseRecord
from aggregator.vocabulary import Status

SIGNATURES = SignatureList()
BASE = "http://ifjc.org/petition"
ROWS = "table.views-table tbody tr"


def definition(**settings):
    settings = {"platform": "signature-list", "rows_css": ROWS, **settings}
    return ExtractorSettings(**settings).model_dump(mode="json")


def drupal_page(rows, current, pages, *, first="Signer", pager=True):
    """A Drupal Views page: `rows` signer rows, and a pager to `pages` pages when there are several."""
    body = "".join(
        f"<tr><td>{first} {current}-{n}</td><td>France</td><td>Mar {n % 28 + 1} 2009 - 20:46</td></tr>"
        for n in range(rows)
    )
    links = ""
    if pager and pages > 1:
        items = [
            f'<li><a href="/petition{"" if n == 0 else f"?page={n}"}">{n + 1}</a></li>'
            for n in range(pages)
            if n != current
        ]
        if current < pages - 1:
            items.append(f'<li class="pager-next"><a href="/petition?page={current + 1}">next ›</a></li>')
        links = f'<ul class="pager">{"".join(items)}</ul>'
    return (
        "<html><head><title>Please Sign Our Petition | IFJC</title></head><body>"
        '<h2 class="petition-title">Tell China to Stop Killing its Own Citizens</h2>'
        f'<table class="views-table"><thead><tr><th>Country</th></tr></thead><tbody>{body}</tbody></table>'
        f"{links}</body></html>"
    )


def record(body, *, url=BASE, purpose="page", state=None, status=200, ext=None, final_url=None):
    return ResponseRecord(
        url=url,
        final_url=final_url or url,
        status=status,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body.encode("utf-8"),
        external_id=SIGNATURES.external_id(url),
        state={EXTRACTOR_STATE: ext or definition(), **(state or {})},
        purpose=purpose,
    )


class Site:
    """A list of signers spread over pages of `size` rows, walked the way the pipeline walks."""

    def __init__(self, total, size=30, pager=True, clamp=False):
        self.total, self.size, self.pager, self.clamp = total, size, pager, clamp
        self.requests: list[str] = []

    def body(self, url):
        self.requests.append(url)
        number = int(url.split("page=")[1]) if "page=" in url else 0
        pages = max(1, -(-self.total // self.size))
        if number >= pages:
            if not self.clamp:
                return drupal_page(0, number, pages, pager=self.pager)
            number = pages - 1
        rows = min(self.size, self.total - number * self.size)
        return drupal_page(rows, number, pages, pager=self.pager)

    def poll(self, state, ext=None):
        """One poll: plan, then steps until no next step; returns the merged result and the new state."""
        ext = ext or definition()
        full = {EXTRACTOR_STATE: ext, **state}
        step = SIGNATURES.plan(BASE, full)
        results = []
        for _ in range(10):
            result = SIGNATURES.parse(
                record(self.body(step.url), url=step.url, purpose=step.purpose, state=full, ext=ext)
            )
            results.append(result)
            full.update(result.state or {})
            if result.next_step is None:
                break
            step = result.next_step
        else:
            pytest.fail("the walk asked for more than 10 requests in one poll")
        kept = {k: v for k, v in full.items() if k != EXTRACTOR_STATE}
        return results, kept


# -- URL forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (BASE, BASE),
        ("http://ifjc.org/petition?page=1", BASE),
        ("HTTP://IFJC.org/petition?page=7&utm_source=mail#comments", BASE),
        ("https://example.org/?q=petition&page=2&fbclid=x", "https://example.org/?q=petition"),
    ],
)
def test_external_id_is_the_first_page(url, expected):
    assert SIGNATURES.external_id(url) == expected
    assert SIGNATURES.external_id(SIGNATURES.canonical_url(expected)) == expected


@pytest.mark.parametrize("url", ["ftp://ifjc.org/petition", "ifjc.org/petition", "https://user:pw@ifjc.org/"])
def test_non_page_urls_are_refused(url):
    with pytest.raises(UnsupportedURL, match="signature-list petition URL"):
        SIGNATURES.external_id(url)


def test_declares_a_configurable_platform_without_petition_states():
    assert SIGNATURES.uses_extractors and SIGNATURES.hosts == ()
    assert {"open", "closed", "victory"} <= set(SIGNATURES.states_not_applicable)
    assert "removed" not in SIGNATURES.states_not_applicable


def test_needs_a_signature_list_extractor():
    with pytest.raises(LayoutChanged, match=r"\[extractors\.NAME\].*rows_css"):
        SIGNATURES.plan(BASE, {})
    with pytest.raises(LayoutChanged, match="for platform 'generic'"):
        SIGNATURES.parse(record(drupal_page(3, 0, 1), ext={"platform": "generic", "count_css": ".n"}))
    with pytest.raises(LayoutChanged, match="needs rows_css"):
        SIGNATURES.parse(record(drupal_page(3, 0, 1), ext={"platform": "signature-list"}))


# -- one walk -----------------------------------------------------------------------------------


def test_a_single_page_is_counted_at_once():
    result = SIGNATURES.parse(record(drupal_page(17, 0, 1)))
    assert (result.supporters, result.status, result.method, result.next_step) == (
        17,
        Status.UNKNOWN,
        "rows",
        None,
    )
    assert result.title == "Please Sign Our Petition | IFJC"
    assert result.state[WALK]["url"] == BASE and result.state[WALK]["pages"] == 0
    assert pickle.loads(pickle.dumps(result)) == result


def test_earlier_pages_give_no_count_only_the_next_step():
    result = SIGNATURES.parse(record(drupal_page(30, 0, 3)))
    assert result.supporters is None and result.status is None
    assert (result.next_step.url, result.next_step.purpose) == (f"{BASE}?page=1", "next-page")
    assert result.state[WALK]["pages"] == 1 and result.state[WALK]["rows"] == 30


def test_a_three_page_walk_sums_the_rows():
    site = Site(77)
    results, state = site.poll({})
    assert site.requests == [BASE, f"{BASE}?page=1", f"{BASE}?page=2"]
    assert [r.supporters for r in results] == [None, None, 77]
    walk = state[WALK]
    assert (walk["url"], walk["pages"], walk["rows"], walk["size"]) == (f"{BASE}?page=2", 2, 60, 30)


def test_the_recorded_case_replays_to_77():
    case = next(c for c in load_cases(SIGNATURES) if c.name == "drupal-table-3-pages")
    got = replay(SIGNATURES, case.records, case.records[-1].external_id).as_json()
    assert (got["supporters"], got["status"], got["title"], got["next_step"]) == (
        77,
        "unknown",
        "Tell China to Stop Killing its Own Citizens",
        None,
    )


def test_title_css_and_the_page_title():
    ext = definition(title_css="h2.petition-title")
    result = SIGNATURES.parse(record(drupal_page(3, 0, 1), ext=ext))
    assert result.title == "Tell China to Stop Killing its Own Citizens"


def walk_at_page_1():
    """The walk state of a poll that counted a full page 0 and now asks for page 1."""
    key = settings_key(Extractor.from_state({EXTRACTOR_STATE: definition()}, "signature-list"))
    return {WALK: {"key": key, "url": f"{BASE}?page=1", "pages": 1, "rows": 30, "size": 30, "fetched": 1}}


def test_a_full_page_without_a_pager_probes_the_next_one():
    full = drupal_page(30, 1, 2, pager=False)
    first = SIGNATURES.parse(record(full, url=f"{BASE}?page=1", purpose="next-page", state=walk_at_page_1()))
    assert first.next_step.url == f"{BASE}?page=2" and first.supporters is None
    empty = drupal_page(0, 2, 2, pager=False)
    probe = SIGNATURES.parse(record(empty, url=f"{BASE}?page=2", purpose="next-page", state=first.state))
    assert probe.supporters == 60 and probe.state[WALK]["probe"] is True
    assert probe.state[WALK]["url"] == f"{BASE}?page=2"
    # later polls re-read the probe: still empty means nothing new; rows there are counted
    assert SIGNATURES.plan(BASE, {EXTRACTOR_STATE: definition(), **probe.state}).url == f"{BASE}?page=2"
    again = SIGNATURES.parse(record(empty, url=f"{BASE}?page=2", purpose="resume", state=probe.state))
    assert again.supporters == 60 and again.next_step is None
    grown = SIGNATURES.parse(
        record(drupal_page(4, 2, 2, pager=False), url=f"{BASE}?page=2", purpose="resume", state=probe.state)
    )
    assert grown.supporters == 64 and grown.state[WALK]["probe"] is False


def test_a_page_served_again_is_not_counted_twice():
    # Drupal clamps an out-of-range ?page=N to the last page: the probe after a full last page gets
    # the same rows again, which are not new rows.
    full = drupal_page(30, 1, 2, pager=False)
    first = SIGNATURES.parse(record(full, url=f"{BASE}?page=1", purpose="next-page", state=walk_at_page_1()))
    clamped = SIGNATURES.parse(record(full, url=f"{BASE}?page=2", purpose="next-page", state=first.state))
    assert clamped.supporters == 60 and clamped.next_step is None


def test_next_css_follows_the_sites_own_link():
    ext = definition(next_css="a.next-signers")
    page0 = drupal_page(10, 0, 1).replace(
        "</table>", '</table><a class="next-signers" href="/signers/2">More</a>'
    )
    result = SIGNATURES.parse(record(page0, ext=ext))
    assert result.next_step.url == "http://ifjc.org/signers/2"
    last = SIGNATURES.parse(
        record(
            drupal_page(4, 1, 1),
            url="http://ifjc.org/signers/2",
            purpose="next-page",
            state=result.state,
            ext=ext,
        )
    )
    assert last.supporters == 14 and last.state[WALK]["url"] == "http://ifjc.org/signers/2"


def test_custom_page_parameter_and_first_page():
    ext = definition(page_param="pg", first_page=1)
    page = drupal_page(5, 0, 1) + '<a href="/petition?pg=2">2</a>'
    result = SIGNATURES.parse(record(page, ext=ext))
    assert result.next_step.url == f"{BASE}?pg=2"


def test_max_pages_stops_the_walk_and_says_so():
    site = Site(200)
    results, _ = site.poll({}, ext=definition(max_pages=2))
    assert results[-1].supporters == 60 and "max_pages_reached" in results[-1].flags
    assert len(site.requests) == 2


def test_long_lists_are_walked_over_several_polls():
    site = Site(30 * 12 + 5)  # 13 pages
    results, state = site.poll({})
    assert len(site.requests) == PAGES_PER_POLL
    assert results[-1].supporters is None and "walk_paused" in results[-1].flags
    site.requests.clear()
    results, state = site.poll(state)
    assert site.requests[0] == f"{BASE}?page={PAGES_PER_POLL}" and len(site.requests) == 13 - PAGES_PER_POLL
    assert results[-1].supporters == 365


# -- later polls --------------------------------------------------------------------------------


def test_later_polls_start_again_at_the_last_page():
    site = Site(77)
    _, state = site.poll({})
    site.requests.clear()
    site.total = 80
    results, state = site.poll(state)
    assert site.requests == [f"{BASE}?page=2"]
    assert results[-1].supporters == 80
    site.requests.clear()
    site.total = 95  # page 2 fills up, page 3 appears
    results, state = site.poll(state)
    assert site.requests == [f"{BASE}?page=2", f"{BASE}?page=3"]
    assert results[-1].supporters == 95 and state[WALK]["url"] == f"{BASE}?page=3"


def test_a_shrunk_list_is_walked_again_from_the_first_page():
    site = Site(77)
    _, state = site.poll({})
    site.requests.clear()
    site.total = 55  # page 2 is now empty
    results, state = site.poll(state)
    assert site.requests == [f"{BASE}?page=2", BASE, f"{BASE}?page=1"]
    assert "walk_restarted" in results[0].flags and results[-1].supporters == 55


def test_a_gone_last_page_restarts_and_a_gone_list_is_removed():
    site = Site(77)
    _, state = site.poll({})
    resumed = SIGNATURES.parse(
        record("gone", url=f"{BASE}?page=2", purpose="resume", state=state, status=404)
    )
    assert resumed.next_step.url == BASE and resumed.supporters is None
    first = SIGNATURES.parse(record("gone", purpose="page", state=state, status=404))
    assert (first.status, first.gone, first.raw_status, first.supporters) == (
        Status.REMOVED,
        True,
        "404",
        None,
    )
    assert first.state == {WALK: None}
    home = SIGNATURES.parse(record("<html><body>Home</body></html>", final_url="http://ifjc.org/"))
    assert home.status is Status.REMOVED and home.gone


def test_an_empty_first_page_is_a_layout_change_not_zero():
    with pytest.raises(LayoutChanged, match="finds no rows on the first page"):
        SIGNATURES.parse(record(drupal_page(0, 0, 1)))


def test_changed_list_settings_start_a_new_walk():
    site = Site(77)
    _, state = site.poll({})
    step = SIGNATURES.plan(BASE, {EXTRACTOR_STATE: definition(rows_css="table tbody tr"), **state})
    assert (step.url, step.purpose) == (BASE, "page")
    assert SIGNATURES.plan(BASE, {EXTRACTOR_STATE: definition(), **state}).purpose == "resume"


def test_a_full_walk_now_and_then():
    site = Site(77)
    _, state = site.poll({})
    for _ in range(FULL_WALK_EVERY - 1):
        assert SIGNATURES.plan(BASE, {EXTRACTOR_STATE: definition(), **state}).purpose == "resume"
        _, state = site.poll(state)
    assert SIGNATURES.plan(BASE, {EXTRACTOR_STATE: definition(), **state}).purpose == "page"
    paused = {WALK: {**state[WALK], "done": False, "resumes": FULL_WALK_EVERY}}  # a long walk under way
    assert SIGNATURES.plan(BASE, {EXTRACTOR_STATE: definition(), **paused}).purpose == "resume"


def test_a_lost_walk_starts_again():
    result = SIGNATURES.parse(record(drupal_page(5, 2, 3), url=f"{BASE}?page=2", purpose="next-page"))
    assert result.next_step.url == BASE and result.supporters is None


# -- end to end through the command line --------------------------------------------------------


class ServedList:
    """The ifjc.org list on a local server: one handler for every `?page=N` (the server would
    otherwise answer an unrouted query with the page without it)."""

    def __init__(self, total):
        self.total = total

    def __call__(self, seen: Seen) -> Reply:
        number = int(seen.path.split("page=")[1]) if "page=" in seen.path else 0
        pages = max(1, -(-self.total // 30))
        rows = max(0, min(30, self.total - number * 30))
        return Reply(200, drupal_page(rows, number, pages), {"Content-Type": "text/html; charset=utf-8"})


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)

    return invoke


def test_cli_walks_three_pages_then_refetches_only_the_last(run, tmp_path):
    served = ServedList(77)
    with LocalServer() as server:
        server.route("/petition", served, host="ifjc.org")
        config = tmp_path / "petitions.toml"
        config.write_text(
            f'database_url = "sqlite:///{tmp_path / "p.db"}"\n'
            "[fetch]\n"
            f'host_overrides = {{ "ifjc.org" = "{server.address}" }}\n'
            "retries = 0\n"
            '[platforms.signature-list]\nspacing = "0s"\n'
            "[extractors.ifjc]\n"
            'platform = "signature-list"\nhosts = ["ifjc.org"]\n'
            f'rows_css = "{ROWS}"\ntitle_css = "h2.petition-title"\n'
        )
        added = run("add", "http://ifjc.org/petition?page=1")
        assert added.exit_code == 0 and "signature-list" in added.output, added.output

        def hits():
            paths = ("/petition", "/petition?page=1", "/petition?page=2", "/petition?page=3")
            return {path: sum(1 for seen in server.requests if seen.path == path) for path in paths}

        def stored():
            app = App.open(load_settings(str(config)))
            return app.store.latest([1])[1].supporters, app.store.find(1)

        assert run("poll", "--all").exit_code == 0
        assert hits() == {"/petition": 1, "/petition?page=1": 1, "/petition?page=2": 1, "/petition?page=3": 0}
        count, petition = stored()
        assert count == 77 and petition.extractor == "ifjc"
        assert petition.state[WALK]["url"] == "http://ifjc.org/petition?page=2"
        assert petition.title == "Tell China to Stop Killing its Own Citizens"

        assert run("poll", "--all").exit_code == 0  # nothing new: only the last page, unchanged
        assert hits() == {"/petition": 1, "/petition?page=1": 1, "/petition?page=2": 2, "/petition?page=3": 0}
        assert stored()[0] == 77

        served.total = 95  # page 2 fills up and page 3 appears
        assert run("poll", "--all").exit_code == 0
        assert hits() == {"/petition": 1, "/petition?page=1": 1, "/petition?page=2": 3, "/petition?page=3": 1}
        assert stored()[0] == 95

    saved = tmp_path / "page0.html"
    saved.write_text(drupal_page(12, 0, 1))
    parsed = run("parse", str(saved), "--url", BASE, "--extractor", "ifjc")
    data = json.loads(parsed.output)
    assert (data["platform"], data["supporters"], data["status"], data["method"]) == (
        "signature-list",
        12,
        "unknown",
        "rows",
    )


def test_recorded_case_files_are_the_walk_of_the_seed():
    folder = (
        Path(__file__).resolve().parents[1] / "plugins" / "signature_list" / "cases" / "drupal-table-3-pages"
    )
    meta = json.loads((folder / "meta.json").read_text())
    assert [s["url"] for s in meta["steps"]] == [BASE, f"{BASE}?page=1"] and meta["url"] == f"{BASE}?page=2"
    assert set(meta["state"]) == {EXTRACTOR_STATE}
