"""Unit tests of the bundled change.org platform: URLs, every data source, placeholders, statuses."""

from __future__ import annotations

import json
import pickle
from urllib.parse import urlsplit

import pytest
from aggregator_plugins.change_org import ChangeOrg
from aggregator_plugins.change_org.js_values import js_to_json, value_after
from platform_helpers import HTML_HEADERS, page_record, refusal, replayed
from protego import Protego

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status
from aggregator.plugins import PlatformRegistry, make_plugin_manager

PLATFORM = ChangeOrg()
SLUG = "save-the-wetlands-at-marsh-end"
URL = f"https://www.change.org/p/{SLUG}"
#: the rules of change.org's robots.txt that concern petition pages (platform notes, section 1.5)
ROBOTS = Protego.parse("User-agent: *\nDisallow: /api-proxy/\nDisallow: /p/*/sign\n")


def page(body: str = "", head: str = "", og_title: str | None = "Save the wetlands at Marsh End") -> str:
    og = f'<meta property="og:title" content="{og_title}">' if og_title is not None else ""
    return (
        '<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8">'
        '<meta property="og:site_name" content="Change.org">'
        f'{og}<link rel="canonical" href="{URL}">{head}</head><body>{body}</body></html>'
    )


def apollo(petition: dict, *others: dict) -> str:
    state = {"ROOT_QUERY": {"__typename": "Query"}}
    for index, node in enumerate((*others, petition)):
        state[f"Petition:{index}"] = {"__typename": "Petition", **node}
    return f"<script>window.__APOLLO_STATE__ = {json.dumps(state)};</script>"


def record(html: str | bytes, *, url: str = URL, headers: dict | None = None, **kwargs) -> ResponseRecord:
    return page_record(PLATFORM, html, url, headers=headers or HTML_HEADERS, **kwargs)


def parse(html: str | bytes, **kwargs):
    return PLATFORM.parse(record(html, **kwargs))


def normalized(html: str, **kwargs) -> dict:
    return replayed(PLATFORM, record(html, **kwargs))


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        (URL, SLUG),
        (f"http://change.org/p/{SLUG}", SLUG),
        (f"https://www.change.org/p/{SLUG}/", SLUG),
        (f"https://WWW.Change.org/p/{SLUG}#comments", SLUG),
        (f"www.change.org/p/{SLUG}", SLUG),
        (f"//www.change.org/p/{SLUG}", SLUG),
        (f"  {URL}  ", SLUG),
        (f"{URL}?utm_source=share_petition&utm_medium=copylink&utm_campaign=x", SLUG),
        (f"{URL}?recruiter=918273645&recruited_by_id=ab-12&source_location=petition_show", SLUG),
        (f"{URL}/exp/cl_/cl_sharecopy_41877120_en-GB/8/918273645?recruiter=918273645#x", SLUG),
        (f"{URL}/u/33012345", SLUG),
        (f"{URL}/c", SLUG),
        (f"{URL}/c/998877", SLUG),
        (f"{URL}/sign", SLUG),
        (f"http://www.change.org/petitions/{SLUG}", SLUG),
        (f"https://www.change.org/en-GB/petitions/{SLUG}", SLUG),
        (f"https://www.change.org/es-419/petitions/{SLUG}/", SLUG),
        (f"https://www.change.org/de-DE/p/{SLUG}", SLUG),
        ("https://www.change.org/p/verm%C3%B6gens-steuer-jetzt", "verm%C3%B6gens-steuer-jetzt"),
        ("https://www.change.org/p/verm%c3%b6gens-steuer-jetzt", "verm%C3%B6gens-steuer-jetzt"),
        ("https://www.change.org/p/vermögens-steuer-jetzt", "verm%C3%B6gens-steuer-jetzt"),
        (
            "https://www.change.org/p/verm%C3%B6gens-steuer-jetzt/exp/x?utm_source=y",
            "verm%C3%B6gens-steuer-jetzt",
        ),
        ("https://www.change.org/p/caf%C3%A9-de-la-place%2Dnord", "caf%C3%A9-de-la-place-nord"),
        ("https://www.change.org/p/100%-renewable", "100%25-renewable"),
    ],
)
def test_change_org_external_id_forms(url, slug):
    assert PLATFORM.external_id(url) == slug
    assert PLATFORM.external_id(PLATFORM.canonical_url(slug)) == slug


def test_change_org_percent_encoding_is_never_truncated():
    slug = "barrierefreiheit-in-k%C3%B6ln-porz-f%C3%BCr-alle-%C3%A4mter"
    assert PLATFORM.external_id(f"https://www.change.org/p/{slug}") == slug
    assert PLATFORM.canonical_url(slug) == f"https://www.change.org/p/{slug}"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://www.change.org/o/torchlight_uyghur_group", ["organisation", "/p/<slug>"]),
        ("https://www.change.org/t/animals-en-us", ["topic", "/p/<slug>"]),
        ("https://www.change.org/decision-makers/county-council", ["decision-maker", "/p/<slug>"]),
        ("https://chng.it/Ab3dEf9Gh", ["chng.it", "short link", "/p/<slug>"]),
        ("https://www.change.org/", ["/p/<slug>"]),
        ("https://www.change.org/p/", ["/p/<slug>"]),
        ("https://www.change.org/search?q=bees", ["search"]),
        ("https://www.change.org/u/33012345", ["user profile"]),
        ("https://example.org/p/save-the-bees", ["www.change.org"]),
    ],
)
def test_change_org_rejected_urls_say_what_to_paste(url, words):
    message = refusal(PLATFORM, url)
    assert "change-org" in message
    for word in words:
        assert word in message


def test_change_org_claims_hosts_and_short_links():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert registry.for_url(URL).name == "change-org"
    assert registry.for_url("https://change.org/p/x").name == "change-org"
    assert registry.for_url("https://chng.it/Ab3dEf9Gh").name == "change-org"
    assert PLATFORM.claims("HTTPS://CHNG.IT/Ab3dEf9Gh")
    assert not PLATFORM.claims("https://www.chng.itx.com/p/x")
    assert not PLATFORM.claims("https://www.avaaz.org/p/x")


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"{URL}/sign",
        f"{URL}/exp/cl_/cl_sharecopy/1/2?recruiter=1&utm_source=sign",
        "https://www.change.org/petitions/sign",
        "https://www.change.org/p/api-proxy",
        "https://www.change.org/p/sign-for-the-api-proxy%2Fsign",
        "https://www.change.org/p/vermögens-steuer",
    ],
)
def test_change_org_plan_never_targets_disallowed_paths(url):
    step = PLATFORM.plan(PLATFORM.external_id(url), {})
    parts = urlsplit(step.url)
    assert (parts.scheme, parts.hostname) == ("https", "www.change.org")
    assert parts.path.startswith("/p/") and parts.path.count("/") == 2
    assert "/api-proxy/" not in parts.path and not parts.path.endswith("/sign/")
    assert not (parts.path.endswith("/sign") and parts.path != "/p/sign")  # `/p/sign` is a slug
    assert not parts.query and not parts.fragment
    assert ROBOTS.can_fetch(step.url, "petition-aggregator")


def test_change_org_declarations():
    assert PLATFORM.name == "change-org"
    assert {"www.change.org", "change.org"} <= set(PLATFORM.hosts)
    assert PLATFORM.politeness.concurrency == 1
    assert PLATFORM.politeness.spacing.total_seconds() == 5
    assert PLATFORM.min_interval.total_seconds() == 15 * 60
    assert PLATFORM.parser_version == "1"
    evidence = {source.name: source.evidence for source in PLATFORM.data_sources}
    assert evidence["visible-text"] == "inferred"
    assert "verified" not in evidence.values()  # no saved petition page backs any source


# --------------------------------------------------------------------------- data sources


def test_change_org_apollo_prefers_total_over_displayed():
    html = page(
        apollo(
            {
                "slug": SLUG,
                "ask": "Save the wetlands",
                "status": "PUBLISHED",
                "signatureCount": {"displayed": 1200, "total": 1234},
                "signatureGoal": {"displayed": 1500},
            }
        )
    )
    result = parse(html)
    assert result.supporters == 1234
    assert (result.status, result.raw_status) == (Status.OPEN, "PUBLISHED")
    assert (result.goal, result.goal_computed) == (1500, True)
    assert result.method == "embedded-state"
    assert result.title == "Save the wetlands"


def test_change_org_apollo_falls_back_to_displayed():
    html = page(apollo({"slug": SLUG, "signatureCount": {"displayed": 1200, "total": None}}))
    assert parse(html).supporters == 1200


def test_change_org_apollo_skips_recommended_petitions_and_milestones():
    other = {"slug": "another-petition", "ask": "Another", "signatureCount": {"displayed": 9, "total": 99999}}
    mine = {
        "slug": SLUG,
        "ask": "Mine",
        "signatureCount": {"displayed": 5, "total": 7},
        "updatesConnection": {"nodes": [{"__typename": "MilestonePetitionUpdate", "signatureCount": 5000}]},
    }
    result = parse(page(apollo(mine, other)))
    assert (result.supporters, result.title) == (7, "Mine")


def test_change_org_apollo_via_json_parse_and_json_script():
    state = json.dumps({"Petition:1": {"slug": SLUG, "signatureCount": {"displayed": 41, "total": 42}}})
    via_parse = f"<script>window.__APOLLO_STATE__=JSON.parse({json.dumps(state)});</script>"
    via_script = f'<script type="application/json" id="state">{state}</script>'
    assert parse(page(via_parse)).supporters == 42
    assert parse(page(via_script)).supporters == 42


def test_change_org_apollo_undecodable_state_uses_the_signature_block():
    script = (
        '<script>window.__STATE__ = {"petition":{"ask":"X","render":function(){return 1},'
        '"signatureCount":{"displayed":300,"total":301}}};</script>'
    )
    result = parse(page(script))
    assert (result.supporters, result.method) == (301, "embedded-state")


def test_change_org_targeting_data_tolerates_javascript():
    script = (
        "<script>window.changeTargetingData = {reactFe: true, 'appState': {'locale': 'es-419'}, "
        "viewer: {user: undefined}, petition: {id: '28767136', organization: undefined, "
        "signatureCount: {total: 24845, __typename: 'SignatureCount', displayed: 24840, goal: 25000,},"
        ' weeklySignatureCount: 5261, note: "undefined stays text"}, recruiter: {}};</script>'
    )
    result = parse(page(head=script))
    assert result.supporters == 24845
    assert (result.goal, result.goal_computed) == (25000, True)
    assert result.status is Status.OPEN and result.raw_status is None
    assert result.state == {"petition_id": "28767136"}
    assert result.title == "Save the wetlands at Marsh End"


def test_change_org_targeting_data_with_closed_markup():
    script = (
        '<script>window.changeTargetingData = {"petition":{"id":"1","signatureCount":'
        '{"total":880,"displayed":880,"goal":1000}}};</script>'
    )
    html = page("<div>Petition Closed</div><p>This petition had 880 supporters</p>", head=script)
    result = parse(html)
    assert (result.supporters, result.status, result.raw_status) == (880, Status.CLOSED, "Petition Closed")


def test_change_org_next_data():
    data = {
        "props": {
            "pageProps": {
                "petition": {
                    "slug": SLUG,
                    "ask": "From next",
                    "signatureCount": {"displayed": 70, "total": 71},
                }
            }
        }
    }
    html = page(f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>')
    result = parse(html)
    assert (result.supporters, result.title, result.method) == (71, "From next", "embedded-state")


def test_change_org_json_ld_interaction_counter():
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": "From JSON-LD",
        "url": URL,
        "interactionStatistic": [
            {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/CommentAction",
                "userInteractionCount": 12,
            },
            {
                "@type": "InteractionCounter",
                "interactionType": {"@type": "JoinAction"},
                "userInteractionCount": "5,321",
            },
        ],
    }
    html = page(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    result = parse(html)
    assert (result.supporters, result.title) == (5321, "From JSON-LD")


def test_change_org_state_order_apollo_first():
    targeting = (
        '<script>window.changeTargetingData = {"petition":{"signatureCount":'
        '{"total":1,"displayed":1}}};</script>'
    )
    html = page(apollo({"slug": SLUG, "signatureCount": {"total": 2, "displayed": 2}}), head=targeting)
    assert parse(html).supporters == 2


def test_change_org_visible_text_only_when_no_state():
    html = page(
        "<h1>Save the wetlands</h1><p><strong>1,204</strong> have signed. Let’s get to 1,500!</p>"
        "<p>Join Marsh End Trust and 1,203 supporters today.</p>"
    )
    result = parse(html)
    assert (result.supporters, result.status, result.method) == (1204, Status.OPEN, "visible-text")
    assert (result.goal, result.goal_computed) == (1500, True)


def test_change_org_visible_victory_text():
    html = page(
        '<div class="ribbon-victory">Victory</div><p>This petition made change with 15,022 supporters!</p>'
    )
    result = parse(html)
    assert (result.supporters, result.status) == (15022, Status.VICTORY)


# --------------------------------------------------------------------------- placeholders, off-by-one


def test_change_org_header_not_footer_off_by_one():
    html = page(
        "<div>Petition Closed</div><p>This petition had <b>3,713</b> supporters</p>"
        "<p>Join Torchlight Uyghur Group and 3,712 supporters today.</p>"
    )
    got = normalized(html)
    assert (got["supporters"], got["status"], got["raw_status"]) == (3713, "closed", "Petition Closed")


def test_change_org_footer_alone_is_never_a_count():
    html = page("<p>Join Torchlight Uyghur Group and 3,712 supporters today.</p>")
    with pytest.raises(LayoutChanged, match="have signed"):
        parse(html)


def test_change_org_visible_zero_placeholder_raises():
    html = page("<p><strong>0</strong> have signed. Let's get to 1,500!</p>")
    with pytest.raises(LayoutChanged, match="placeholder") as caught:
        parse(html)
    assert "1,500" in str(caught.value)
    got = normalized(html)
    assert got["error"] == "LayoutChanged" and "supporters" not in got


def test_change_org_goal_is_never_read_as_count():
    with pytest.raises(LayoutChanged):
        parse(
            page(
                "<p>Let’s get to 150,000!</p><p>At 150,000 signatures, this petition becomes one "
                "of the top signed on Change.org!</p>"
            )
        )


def test_change_org_state_zero_with_goal_is_a_placeholder():
    state = apollo(
        {"slug": SLUG, "signatureCount": {"displayed": 0, "total": 0}, "signatureGoal": {"displayed": 1500}}
    )
    with pytest.raises(LayoutChanged, match="placeholder"):
        parse(page(state + "<p>0 have signed. Let's get to 1,500!</p>"))
    result = parse(page(state + "<div>Petition Closed</div><p>This petition had 212 supporters</p>"))
    assert (result.supporters, result.method) == (212, "visible-text")
    assert "placeholder_ignored" in result.flags
    got = normalized(page(state + "<p>This petition had 212 supporters</p>"))
    assert "placeholder_ignored" in got["flags"]


def test_change_org_state_zero_without_goal_is_a_count():
    result = parse(page(apollo({"slug": SLUG, "signatureCount": {"displayed": 0, "total": 0}})))
    assert result.supporters == 0


def test_change_org_text_goal_beside_placeholder_is_not_used_under_the_count():
    state = apollo({"slug": SLUG, "signatureCount": {"displayed": 3000, "total": 3000}})
    result = parse(page(state + "<p>0 have signed. Let's get to 1,500!</p>"))
    assert (result.supporters, result.goal) == (3000, None)


# --------------------------------------------------------------------------- statuses


@pytest.mark.parametrize(
    ("fields", "status", "raw"),
    [
        ({"status": "published"}, Status.OPEN, "published"),
        ({"petition_status": "active"}, Status.OPEN, "active"),
        ({"status": "CLOSED"}, Status.CLOSED, "CLOSED"),
        ({"status": "victory"}, Status.VICTORY, "victory"),
        ({"status": "published", "is_victory": True}, Status.VICTORY, "is_victory"),
        ({"status": "published", "deleted_at": "2024-01-02T03:04:05Z"}, Status.REMOVED, "deleted_at"),
        ({"status": "victory", "deletedAt": "2024-01-02T03:04:05Z"}, Status.REMOVED, "deleted_at"),
        ({"status": "mysterious"}, Status.UNKNOWN, "mysterious"),
    ],
)
def test_change_org_status_from_state(fields, status, raw):
    html = page(apollo({"slug": SLUG, "signatureCount": {"total": 10, "displayed": 10}, **fields}))
    result = parse(html)
    assert (result.status, result.raw_status) == (status, raw)
    assert result.supporters == 10 and not result.gone


def test_change_org_victory_outcome_and_end_date():
    html = page(
        apollo(
            {
                "slug": SLUG,
                "status": "victory",
                "victoryDate": "2024-11-19",
                "endDate": "2024-12-31T23:59:59Z",
                "signatureCount": {"total": 10},
            }
        )
    )
    got = normalized(html)
    assert got["outcomes"] == [{"kind": "victory", "occurred_at": "2024-11-19T00:00:00Z"}]
    assert got["closes_at"] == "2024-12-31T23:59:59Z"


@pytest.mark.parametrize("status", [404, 410])
def test_change_org_gone(status):
    result = parse(b"<html><body>Not found</body></html>", status=status)
    assert (result.status, result.gone, result.supporters) == (Status.REMOVED, True, None)
    assert result.raw_status == f"HTTP {status}"


def test_change_org_redirect_to_home_page_is_removed():
    result = parse(page("<h1>The world's platform for change</h1>"), final_url="https://www.change.org/")
    assert (result.status, result.gone) == (Status.REMOVED, True)


# --------------------------------------------------------------------------- other platforms, errors


def test_change_org_rejects_other_sites():
    article = (
        "<html><head><title>News</title></head><body><p>A petition on "
        '<a href="https://www.change.org/p/x">change.org</a> has 150,000 signatures; '
        "1,204 have signed today.</p></body></html>"
    )
    with pytest.raises(NotThisPlatform):
        parse(article)


def test_change_org_cloudflare_challenge_is_not_the_page():
    challenge = (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        "<script>window._cf_chl_opt={cvId:'3'};</script>"
        "<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
    )
    with pytest.raises(NotThisPlatform, match="Cloudflare"):
        parse(challenge, status=403)


def test_change_org_page_without_count_names_what_was_looked_for():
    with pytest.raises(LayoutChanged) as caught:
        parse(page("<h1>Save the wetlands</h1><p>Sign this petition</p>"))
    message = str(caught.value)
    for expected in (
        "signatureCount",
        "changeTargetingData",
        "__NEXT_DATA__",
        "userInteractionCount",
        "have signed",
        "This petition had",
    ):
        assert expected in message


# --------------------------------------------------------------------------- titles


def test_change_org_title_entities_are_unescaped_once():
    result = parse(page("<p>5 have signed</p>", og_title="Tom &amp;amp; Jerry &amp; friends"))
    assert result.title == "Tom &amp; Jerry & friends"


def test_change_org_hostile_titles_stay_text():
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;"
    result = parse(page(f"<h1>{hostile}</h1><p>5 have signed</p>", og_title=None))
    assert result.title == "<script>alert(1)</script> <b>bold</b>"
    state_title = '<img src=x onerror="alert(1)"> & co'
    html = page(apollo({"slug": SLUG, "ask": state_title, "signatureCount": {"total": 5}}))
    assert parse(html).title == state_title
    escaped = html.replace("<img", "\\u003cimg")  # as servers write "<" inside inline JSON
    assert parse(escaped).title == state_title


def test_change_org_title_fallbacks_strip_site_decoration():
    generic = page("<h1> Save   the\nwetlands </h1><p>5 have signed</p>", og_title="Sign the Petition")
    assert normalized(generic)["title"] == "Save the wetlands"
    head = "<title>Petition · Save the wetlands - United Kingdom · Change.org</title>"
    titled = page("<p>5 have signed</p>", head=head, og_title=None)
    assert parse(titled).title == "Save the wetlands - United Kingdom"


# --------------------------------------------------------------------------- plumbing


def test_change_org_result_pickles_and_respects_charset():
    html = page("<h1>Caf\u00e9 des Arts</h1><p>7 have signed</p>", og_title=None)
    result = parse(html.encode("latin-1"), headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    assert result.title == "Café des Arts"
    assert pickle.loads(pickle.dumps(result)) == result


def test_change_org_js_to_json():
    assert json.loads(js_to_json("{a: undefined, 'b': 'it\\'s', c: [1, 2,], d: \"undefined\"}")) == {
        "a": None,
        "b": "it's",
        "c": [1, 2],
        "d": "undefined",
    }
    assert value_after("x.changeTargetingData = {p: {q: NaN}};", "changeTargetingData") == {"p": {"q": None}}
    assert value_after("var y = 1;", "changeTargetingData") is None


def test_change_org_undecodable_state_picks_the_block_beside_our_slug():
    other = '"Petition:1":{"slug":"another","signatureCount":{"displayed":0,"total":0}}'
    mine = f'"Petition:2":{{"slug":"{SLUG}","ask":"Mine","signatureCount":{{"displayed":90,"total":91}}}}'
    script = f"<script>window.__STATE__ = {{render: function(){{}}, {other}, {mine}}};</script>"
    assert parse(page(script)).supporters == 91
    only_others = f"<script>window.__STATE__ = {{render: function(){{}}, {other}}};</script>"
    with pytest.raises(LayoutChanged):
        parse(page(only_others))
