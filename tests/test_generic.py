"""The generic platform: URL ids, each count source, number formats, placeholders refused, status map, CLI."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from aggregator_plugins.generic import Generic
from aggregator_plugins.generic.jsonpath import PathError, parse_path, read_path
from click.testing import CliRunner

from aggregator.app import App
from aggregator.cases import replay
from aggregator.cli import cli
from aggregator.config import ExtractorSettings, load_settings
from aggregator.errors import LayoutChanged, UnsupportedURL
from aggregator.localserver import LocalServer, Reply
from aggregator.records import EXTRACTOR_STATE, ResponseRecord
from aggregator.vocabulary import Status

GENERIC = Generic()
URL = "https://petition.fofg.org.uk/organharvesting/"
CASES = Path(__file__).resolve().parents[1] / "plugins" / "generic" / "cases"
FOFG_REGEX = r"Total Signatures to Date\s*=\s*([\d.,]+)"


def definition(**settings):
    """An extractor as the core hands it over: validated by the config, then dumped."""
    return ExtractorSettings(**settings).model_dump(mode="json")


def record(body, ext, *, url=URL, final_url=None, status=200, content_type="text/html; charset=utf-8"):
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    return ResponseRecord(
        url=url,
        final_url=final_url or url,
        status=status,
        headers={"content-type": content_type},
        body=raw,
        external_id=GENERIC.external_id(url),
        state={EXTRACTOR_STATE: ext} if ext is not None else {},
    )


def page(inner, head=""):
    return f"<!DOCTYPE html><html><head><title>Page title</title>{head}</head><body>{inner}</body></html>"


def parse(inner, head="", **settings):
    return GENERIC.parse(record(page(inner, head), definition(**settings)))


# -- URL forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (URL, URL),
        ("HTTPS://Petition.FOFG.org.uk:443/organharvesting/#sign-here", URL),
        ("https://petition.fofg.org.uk./organharvesting/?utm_source=fb&utm_medium=social", URL),
        (f"{URL}?fbclid=IwAR0abc&gclid=Cj0K&mc_cid=1a2b&mc_eid=3c4d&msclkid=9", URL),
        (
            "  https://stoporganharvesting.org.uk/?page_id=11&utm_campaign=x  ",
            "https://stoporganharvesting.org.uk/?page_id=11",
        ),
        ("https://example.org/p?b=2&a=1&utm_term=z", "https://example.org/p?b=2&a=1"),
        ("http://example.org", "http://example.org/"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("http://example.org:80/x", "http://example.org/x"),
        ("https://example.org/Case/Kept?Q=Kept", "https://example.org/Case/Kept?Q=Kept"),
    ],
)
def test_external_id_normalises_the_page_url(url, expected):
    assert GENERIC.external_id(url) == expected
    assert GENERIC.canonical_url(expected) == expected
    assert GENERIC.external_id(GENERIC.canonical_url(expected)) == expected


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/petition",
        "mailto:petitions@example.org",
        "https:///nohost",
        "https://u:p@example.org/",
    ],
)
def test_non_page_urls_are_refused(url):
    with pytest.raises(UnsupportedURL, match="generic petition URL"):
        GENERIC.external_id(url)


def test_declares_a_configurable_platform():
    assert GENERIC.uses_extractors and GENERIC.hosts == () and GENERIC.url_patterns == ()
    assert not GENERIC.claims(URL)
    assert {s.name for s in GENERIC.data_sources} >= {"css", "regex", "json", "json-ld"}


# -- the extractor in the state -----------------------------------------------------------------


def test_plan_is_the_page_and_needs_an_extractor():
    ext = definition(count_regex=FOFG_REGEX)
    step = GENERIC.plan(URL, {EXTRACTOR_STATE: ext})
    assert step.url == URL and step.headers == {}
    assert (
        GENERIC.plan(URL, {EXTRACTOR_STATE: definition(count_json="$.n")})
        .headers["Accept"]
        .startswith("application/json")
    )
    with pytest.raises(LayoutChanged, match=r"\[extractors\.NAME\]"):
        GENERIC.plan(URL, {})


def test_parse_without_an_extractor_says_what_to_configure():
    with pytest.raises(LayoutChanged, match=r"configure|\[extractors\.NAME\]"):
        GENERIC.parse(record(page("Total Signatures to Date = 4138"), None))


@pytest.mark.parametrize(
    ("ext", "message"),
    [
        ({"platform": "signature-list", "rows_css": "tr"}, "for platform 'signature-list'"),
        ({"platform": "generic"}, "exactly one of"),
        ({"platform": "generic", "count_css": ".a", "count_regex": "(1)"}, "exactly one of"),
        ({"platform": "generic", "count_regex": "(unclosed"}, "not a valid regular expression"),
        (
            {"platform": "generic", "count_css": ".a", "status_map": {"x": "won"}},
            "status_map.*won.*use one of",
        ),
        ({"platform": "generic", "count_css": 7}, "count_css: Input should be a valid string"),
    ],
)
def test_unusable_extractors_are_refused(ext, message):
    with pytest.raises(LayoutChanged, match=message):
        GENERIC.parse(record(page("<p class=a>5</p>"), ext))


# -- each data source ---------------------------------------------------------------------------


def test_regex_reads_visible_text_across_tags():
    result = parse("<p>Total Signatures to Date = <strong>4138</strong></p>", count_regex=FOFG_REGEX)
    assert (result.supporters, result.method, result.status) == (4138, "regex", Status.UNKNOWN)


def test_regex_falls_back_to_the_markup():
    script = "<script>var counter = {signatures: 2719};</script>"
    result = parse(f"<p>Sign now</p>{script}", count_regex=r"signatures:\s*(\d+)")
    assert result.supporters == 2719


def test_regex_without_groups_reads_the_whole_match():
    assert parse("<p>4,138 people</p>", count_regex=r"[\d,]+(?= people)").supporters == 4138


def test_css_reads_text_and_attributes():
    html = '<div class="counter" data-signatures="5321"><span class="n">5.321</span> Unterschriften</div>'
    assert parse(html, count_css="div.counter span.n").supporters == 5321
    assert parse(html, count_css="div.counter::attr(data-signatures)").supporters == 5321
    assert parse(html, count_css="div.counter").supporters == 5321
    assert parse(html, count_css=".n").method == "css"


def test_css_skips_empty_matches():
    html = '<span class="count"></span><span class="count">812</span>'
    assert parse(html, count_css=".count").supporters == 812


def test_json_path_into_a_json_body():
    body = {"data": {"items": [{"count": "128.011"}, {"count": 3}], "odd key": {"n": 17}}}
    ext = definition(count_json="$.data.items[0].count")
    result = GENERIC.parse(record(json.dumps(body), ext, content_type="application/json"))
    assert (result.supporters, result.method, result.title) == (128011, "json", None)
    for path, want in (
        ("$.data.items[-1].count", 3),
        ("$.data['odd key'].n", 17),
        ('data["odd key"]["n"]', 17),
    ):
        got = GENERIC.parse(
            record(json.dumps(body), definition(count_json=path), content_type="application/json")
        )
        assert got.supporters == want


def test_json_path_into_the_pages_script_blocks():
    state = json.dumps({"props": {"pageProps": {"petition": {"signatureCount": 9876}}}})
    html = f'<script id="__NEXT_DATA__" type="application/json">{state}</script><p>Sign</p>'
    assert parse(html, count_json="$.props.pageProps.petition.signatureCount").supporters == 9876


def test_json_path_that_leads_nowhere_names_where_it_stops():
    ext = definition(count_json="$.data.total")
    with pytest.raises(LayoutChanged, match=r"count_json '\$\.data\.total'.*\$\.data has no key 'total'"):
        GENERIC.parse(record('{"data": {"count": 5}}', ext, content_type="application/json"))
    with pytest.raises(LayoutChanged, match="holds None, not a number"):
        GENERIC.parse(record('{"data": {"total": null}}', ext, content_type="application/json"))


def test_json_ld_interaction_counters_skip_comments_and_shares():
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "Org"},
            {
                "@type": "WebPage",
                "interactionStatistic": [
                    {
                        "@type": "InteractionCounter",
                        "interactionType": "https://schema.org/CommentAction",
                        "userInteractionCount": 57,
                    },
                    {
                        "@type": "InteractionCounter",
                        "interactionType": {"@type": "ShareAction"},
                        "userInteractionCount": 99,
                    },
                    {
                        "@type": "InteractionCounter",
                        "interactionType": "https://schema.org/AgreeAction",
                        "userInteractionCount": "9,312",
                    },
                ],
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    result = parse("<p>Keep the library</p>", head, count_jsonld=True)
    assert (result.supporters, result.method) == (9312, "json-ld")


def test_json_ld_without_a_counter_is_a_layout_change():
    head = '<script type="application/ld+json">{"@type": "WebPage", "name": "x"}</script>'
    with pytest.raises(LayoutChanged, match="no JSON-LD InteractionCounter"):
        parse("<p>x</p>", head, count_jsonld=True)


# -- number formats -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "count", "flags"),
    [
        ("4138", 4138, set()),
        ("3,713", 3713, set()),
        ("470.240", 470240, set()),
        ("36 967 717", 36967717, set()),
        ("12&nbsp;480", 12480, set()),
        ("12\u202f480", 12480, set()),
        ("1'234", 1234, set()),
        ("12K", 12000, {"approximate"}),
        ("1,2 k", 1200, {"approximate"}),
        ("1.5M", 1500000, {"approximate"}),
    ],
)
def test_number_formats(shown, count, flags):
    result = parse(f'<span class="n">{shown}</span> signatures', count_css=".n")
    assert result.supporters == count and set(result.flags) == flags


# -- placeholders and missing counters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("inner", "settings", "message"),
    [
        ('<span class="n">0</span> have signed', {"count_css": ".n"}, "placeholder"),
        ("<p>0 have signed. Let's get to 150,000!</p>", {"count_regex": r"(\d+) have signed"}, "placeholder"),
        (
            "<p>The petition, with almost 150,000 signatures, prompted the debate.</p>",
            {"count_regex": r"([\d,]+) signatures"},
            "almost",
        ),
        ("<p>Over 12,000 people have signed</p>", {"count_regex": r"(?i)over ([\d,]+)"}, "Over"),
        ('<span class="n">10,000+</span> supporters', {"count_css": ".n"}, r"'\+'"),
        ("<p>knapp 20.000 Unterschriften</p>", {"count_regex": r"([\d.]+) Unterschriften"}, "knapp"),
        ('<span class="n">Sign today</span>', {"count_css": ".n"}, "no number"),
        ('<span class="x">4138</span>', {"count_css": ".n"}, "no element matches count_css '.n'"),
        (
            "<p>Signatures: 4138</p>",
            {"count_regex": r"Total = (\d+)"},
            r"count_regex 'Total = \(\\d\+\)' matches nothing",
        ),
        ('<span class="n">4138</span>', {"count_css": ".n", "goal_css": ".n"}, "a goal is never a count"),
    ],
)
def test_placeholders_prose_and_missing_counters_are_never_counts(inner, settings, message):
    with pytest.raises(LayoutChanged, match=message):
        parse(inner, **settings)


def test_a_json_zero_is_a_machine_value():
    result = GENERIC.parse(
        record('{"count": 0}', definition(count_json="$.count"), content_type="application/json")
    )
    assert result.supporters == 0


# -- status, title, goal ------------------------------------------------------------------------

STATUS_MAP = {"open": "open", "closed": "closed", "we won": "victory", "open for signatures": "pending"}


@pytest.mark.parametrize(
    ("shown", "status"),
    [
        ("Open for signatures", Status.PENDING),  # exact match wins over the shorter "open"
        ("  OPEN  ", Status.OPEN),
        ("This petition is now closed", Status.CLOSED),
        ("We WON! Thank you", Status.VICTORY),
        ("Under review", Status.UNKNOWN),
    ],
)
def test_status_css_through_the_status_map(shown, status):
    result = parse(
        f'<p class="s">{shown}</p><b class="n">50</b>', count_css=".n", status_css=".s", status_map=STATUS_MAP
    )
    assert result.status is status and result.raw_status == " ".join(shown.split())


def test_status_regex_and_no_status_source():
    body = '{"state": "closed", "count": 5}'
    ext = definition(
        count_json="$.count", status_regex=r'"state"\s*:\s*"(\w+)"', status_map={"closed": "closed"}
    )
    result = GENERIC.parse(record(body, ext, content_type="application/json"))
    assert (result.status, result.raw_status) == (Status.CLOSED, "closed")
    result = parse('<b class="n">50</b>', count_css=".n")
    assert (result.status, result.raw_status) == (Status.UNKNOWN, None)
    result = parse('<b class="n">50</b>', count_css=".n", status_css=".missing", status_map={"x": "open"})
    assert (result.status, result.raw_status) == (Status.UNKNOWN, None)


def test_title_precedence():
    og = '<meta property="og:title" content="From og:title">'
    assert parse('<h1>From h1</h1><b class="n">5</b>', og, count_css=".n", title_css="h1").title == "From h1"
    assert parse('<b class="n">5</b>', og, count_css=".n").title == "From og:title"
    assert parse('<b class="n">5</b>', count_css=".n").title == "Page title"


def test_author_goal_is_not_computed_and_a_missing_goal_is_flagged():
    html = '<b class="n">12,480</b> of <i class="g">20,000</i>'
    result = parse(html, count_css=".n", goal_css=".g")
    assert (result.supporters, result.goal, result.goal_computed) == (12480, 20000, False)
    result = parse(html, count_css=".n", goal_regex=r"Goal: (\d+)")
    assert result.goal is None and "goal_not_found" in result.flags
    result = parse("<p>Total = 12 of 100</p>", count_regex=r"Total = (\d+)", goal_regex=r"of (\d+)")
    assert (result.supporters, result.goal) == (12, 100)


# -- HTTP answers -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_are_removed(status):
    result = GENERIC.parse(record(page("Not found"), definition(count_css=".n"), status=status))
    assert (result.status, result.gone, result.raw_status, result.supporters) == (
        Status.REMOVED,
        True,
        str(status),
        None,
    )


def test_a_redirect_to_the_home_page_is_removed():
    ext = definition(count_css=".n")
    result = GENERIC.parse(record(page("Welcome"), ext, final_url="https://petition.fofg.org.uk/"))
    assert result.status is Status.REMOVED and result.gone
    moved = GENERIC.parse(
        record(page('<b class="n">7</b>'), ext, final_url="https://petition.fofg.org.uk/new/")
    )
    assert moved.supporters == 7


def test_other_error_statuses_are_layout_changes():
    with pytest.raises(LayoutChanged, match="HTTP 400"):
        GENERIC.parse(record(page('<b class="n">7</b>'), definition(count_css=".n"), status=400))


def test_css_on_a_json_body_is_refused():
    with pytest.raises(LayoutChanged, match="answered JSON"):
        GENERIC.parse(record('{"n": 5}', definition(count_css=".n"), content_type="application/json"))


def test_results_pickle():
    result = parse('<b class="n">5</b>', count_css=".n")
    assert pickle.loads(pickle.dumps(result)) == result


def test_charset_from_the_meta_tag():
    head = '<head><meta charset="windows-1252"><title>P\xe9tition</title></head>'
    body = f'<html>{head}<body><b class="n">5</b></body></html>'
    result = GENERIC.parse(
        record(body.encode("cp1252"), definition(count_css=".n"), content_type="text/html")
    )
    assert result.title == "Pétition"


# -- the JSON path reader -----------------------------------------------------------------------


def test_json_path_syntax():
    assert parse_path("$.a.b[0].c") == ("a", "b", 0, "c")
    assert parse_path("a.b") == ("a", "b")
    assert parse_path("$['a b'][\"c\"][-1]") == ("a b", "c", -1)
    assert parse_path("$") == ()
    for bad in ("$.a[", "$..a", "$.a[*]", "$.a[?(@.x)]"):
        with pytest.raises(PathError, match="cannot read the JSON path"):
            parse_path(bad)
    with pytest.raises(PathError, match=r"\$\.a has no item \[2\]"):
        read_path({"a": [1]}, "$.a[2]")


# -- recorded cases and the command line --------------------------------------------------------


def test_rounded_prose_case_explains_itself():
    case = CASES / "prose-rounded-number-refused"
    meta = json.loads((case / "meta.json").read_text())
    rec = ResponseRecord(
        url=meta["url"],
        final_url=meta["url"],
        status=200,
        headers=meta["headers"],
        body=(case / "body.html").read_bytes(),
        external_id=meta["url"],
        state=meta["state"],
    )
    got = replay(GENERIC, [rec], meta["url"]).as_json()
    assert got["error"] == "LayoutChanged" and "almost" in got["message"]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)

    return invoke


def write_config(tmp_path, server: LocalServer) -> Path:
    config = tmp_path / "petitions.toml"
    config.write_text(
        f'database_url = "sqlite:///{tmp_path / "p.db"}"\n'
        'contact = "tests@example.org"\n'
        "[fetch]\n"
        f'host_overrides = {{ "petition.fofg.org.uk" = "{server.address}" }}\n'
        "retries = 0\n"
        "[platforms.generic]\n"
        'spacing = "0s"\n'
        "[extractors.fofg]\n"
        'hosts = ["petition.fofg.org.uk"]\n'
        f"count_regex = '{FOFG_REGEX}'\n"
        'title_css = ".entry-title"\n'
    )
    return config


def test_cli_add_poll_and_parse_with_a_named_extractor(run, tmp_path):
    body = (CASES / "regex-wordpress-total-to-date" / "body.html").read_bytes()
    with LocalServer() as server:
        server.route("/organharvesting/", Reply(200, body, {"Content-Type": "text/html; charset=UTF-8"}))
        config = write_config(tmp_path, server)
        added = run("add", f"{URL}?utm_source=newsletter#sign")
        assert added.exit_code == 0, added.output
        assert "generic" in added.output
        polled = run("poll", "--all")
        assert polled.exit_code == 0, polled.output
        assert "1 ok" in polled.output
        assert server.hits("/organharvesting/", host="petition.fofg.org.uk") == 1
    app = App.open(load_settings(str(config)))
    petition = app.store.find(1)
    assert petition is not None
    assert (petition.platform, petition.external_id, petition.extractor) == ("generic", URL, "fofg")
    latest = app.store.latest([1])[1]
    assert (latest.supporters, latest.status, latest.method) == (4138, "unknown", "regex")
    assert petition.title == "STOP the Organ Harvesting and Persecution against FALUN GONG Practitioners"

    saved = tmp_path / "page.html"
    saved.write_bytes(body)
    parsed = run("parse", str(saved), "--url", "https://elsewhere.example/copy", "--extractor", "fofg")
    assert parsed.exit_code == 0, parsed.output
    data = json.loads(parsed.output)
    assert (data["platform"], data["supporters"], data["method"]) == ("generic", 4138, "regex")
    by_host = json.loads(run("parse", str(saved), "--url", URL).output)
    assert by_host["supporters"] == 4138


def test_cli_parse_of_a_page_without_the_counter_fails_clearly(run, tmp_path):
    with LocalServer() as server:
        write_config(tmp_path, server)
    saved = tmp_path / "page.html"
    saved.write_bytes((CASES / "counter-gone-layout-changed" / "body.html").read_bytes())
    result = CliRunner().invoke(
        cli,
        [
            "parse",
            str(saved),
            "--url",
            "https://stoporganharvesting.org.uk/?page_id=11",
            "--extractor",
            "fofg",
        ],
        obj={},
    )
    assert result.exit_code == 1
    assert "matches nothing" in result.output
