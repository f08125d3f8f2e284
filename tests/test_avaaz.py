"""Unit tests of the bundled Avaaz platform: URL forms, the page-then-stats poll, placeholders, removal."""

from __future__ import annotations

import json
import pickle

import pytest
from aggregator_plugins.avaaz import Avaaz
from aggregator_plugins.avaaz.platform import PAGE_EVERY, ladder_goal
from platform_helpers import refusal
from protego import Protego

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status
from aggregator.cases import replay
from aggregator.plugins import PlatformRegistry, make_plugin_manager

PLATFORM = Avaaz()
BASE = "https://secure.avaaz.org"
PH = "Stand_with_the_Philippines"
SLUG = "Save_the_Bees_of_Hollow_Lane"
PETITION_ID = f"community_petitions/en/{SLUG}"
PAGE_URL = f"https://secure.avaaz.org/{PETITION_ID}/"
STATS_URL = "https://secure.avaaz.org/stats/petition/4410021_stats.json"
#: the rules of avaaz.org's robots.txt that matter here (platform notes, section 1.5)
ROBOTS = Protego.parse(
    "User-agent: *\nDisallow: /api/\nDisallow: /campaigns/\nDisallow: /community-petitions/\n"
)


def page(body: str = "", script: str = "var petitionId = 4410021;", title: str = "Save the Bees") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>Avaaz - {title}</title>'
        f'<meta property="og:site_name" content="Avaaz"><meta property="og:title" content="{title}">'
        f"<script>{script}</script></head><body>"
        f'<h1 class="petition-page-title">{title}</h1>'
        '<div class="counter">1 have signed. Let\'s get to 50 Supporters</div>'
        f"{body}</body></html>"
    )


def record(
    body: str | bytes,
    *,
    url: str = PAGE_URL,
    status: int = 200,
    final_url: str | None = None,
    purpose: str = "page",
    state: dict | None = None,
    external_id: str = PETITION_ID,
) -> ResponseRecord:
    return ResponseRecord(
        url=url,
        final_url=final_url or url,
        status=status,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body.encode() if isinstance(body, str) else body,
        external_id=external_id,
        state=state or {},
        purpose=purpose,
    )


def stats(data: object, *, purpose: str = "stats", state: dict | None = None, status: int = 200):
    body = data if isinstance(data, str) else json.dumps(data)
    return PLATFORM.parse(record(body, url=STATS_URL, purpose=purpose, state=state, status=status))


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("url", "external_id"),
    [
        (PAGE_URL, PETITION_ID),
        (f"https://secure.avaaz.org/community_petitions/en/{SLUG}", PETITION_ID),
        (f"http://avaaz.org/community_petitions/en/{SLUG}/?utm_source=sharetools&utm_medium=x", PETITION_ID),
        (f"https://www.avaaz.org/community_petitions/en/{SLUG}/#sign", PETITION_ID),
        (f"secure.avaaz.org/community_petitions/en/{SLUG}/", PETITION_ID),
        (f"https://secure.avaaz.org/en/community_petitions/{SLUG}/", PETITION_ID),
        (f"https://secure.avaaz.org/en/community_petitions/{SLUG}/details/", PETITION_ID),
        (f"https://secure.avaaz.org/en/community_petitions/{SLUG}/share-page/?tYVsAlb", PETITION_ID),
        (f"https://secure.avaaz.org/en/petition/{SLUG}", PETITION_ID),
        (f"https://secure.avaaz.org/community-petitions/en/{SLUG}/", PETITION_ID),
        (f"https://secure.avaaz.org/community_petitions/EN/{SLUG}/", PETITION_ID),
        (f"{BASE}/community_petitions/de/Stand_with_the_Philippines/", "community_petitions/de/" + PH),
        (f"{BASE}/campaign/de/land_rights_evergreen_2026/?fpbr", "campaign/de/land_rights_evergreen_2026"),
        (f"{BASE}/campaign/en/save_the_bees_canada_loc/?pv=1&rc=fb", "campaign/en/save_the_bees_canada_loc"),
    ],
)  # fmt: skip
def test_avaaz_external_id_forms(url, external_id):
    assert PLATFORM.external_id(url) == external_id
    assert PLATFORM.external_id(PLATFORM.canonical_url(external_id)) == external_id


def test_avaaz_keeps_the_slug_case_and_the_language():
    assert PLATFORM.external_id(f"{PAGE_URL}") != PLATFORM.external_id(PAGE_URL.replace("/en/", "/de/"))
    assert PLATFORM.canonical_url(PETITION_ID) == PAGE_URL


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://secure.avaaz.org/community_petitions/en/", ["single petition"]),
        ("https://secure.avaaz.org/community_petitions/en/popular_petitions.json", ["single petition"]),
        ("https://secure.avaaz.org/community_petitions/en/start_a_petition/", ["help page"]),
        ("https://secure.avaaz.org/campaign/de/donate/", ["help page"]),
        ("https://secure.avaaz.org/campaigns/en/save_the_bees/", ["robots.txt"]),
        ("https://secure.avaaz.org/stats/petition/1023506_stats.json", ["stats endpoint"]),
        ("https://secure.avaaz.org/api/petitions/1023506", ["robots.txt"]),
        ("https://avaaz.org/en/", ["single petition"]),
        ("https://example.org/community_petitions/en/x/", ["secure.avaaz.org"]),
        ("https://secure.avaaz.org/community_petitions/english/x/", ["language code"]),
    ],
)
def test_avaaz_refuses_other_pages_saying_what_to_paste(url, words):
    message = refusal(PLATFORM, url)
    assert "avaaz" in message
    for word in words:
        assert word in message


def test_avaaz_claims_its_hosts():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert registry.for_url(PAGE_URL).name == "avaaz"
    assert registry.for_url("https://avaaz.org/en/community_petitions/X/").name == "avaaz"
    assert not PLATFORM.claims("https://avaaz.org.example.com/community_petitions/en/x/")


# --------------------------------------------------------------------------- plan


def test_avaaz_plan_reads_the_page_first_then_the_stats_json_directly():
    assert PLATFORM.plan(PETITION_ID, {}).url == PAGE_URL
    step = PLATFORM.plan(PETITION_ID, {"stats_id": "4410021", "stats_polls": 3})
    assert (step.url, step.purpose) == (STATS_URL, "stats")
    campaign = PLATFORM.plan("campaign/de/x_loc", {"stats_id": "48213"})
    assert campaign.url == "https://secure.avaaz.org/stats/campaign/48213_stats.json"


def test_avaaz_plan_reads_the_page_again_every_so_often():
    assert PLATFORM.plan(PETITION_ID, {"stats_id": "4410021", "stats_polls": PAGE_EVERY}).url == PAGE_URL
    assert PLATFORM.plan(PETITION_ID, {"stats_id": None, "stats_polls": 0}).url == PAGE_URL


@pytest.mark.parametrize(
    "url", [PAGE_URL, f"https://secure.avaaz.org/community-petitions/en/{SLUG}/", "https://secure.avaaz.org/en/petition/X"]
)  # fmt: skip
def test_avaaz_never_plans_a_robots_disallowed_path(url):
    external_id = PLATFORM.external_id(url)
    for state in ({}, {"stats_id": "1", "stats_polls": 0}):
        assert ROBOTS.can_fetch(PLATFORM.plan(external_id, state).url, "*")
    result = PLATFORM.parse(record(page(), external_id=external_id, url=PLATFORM.canonical_url(external_id)))
    assert ROBOTS.can_fetch(result.next_step.url, "*")


# --------------------------------------------------------------------------- the page


def test_avaaz_page_gives_the_id_and_asks_the_stats_json_never_the_placeholder():
    result = PLATFORM.parse(
        record(page(script="var petitionId = 4410021; var createdAtTimestamp = 1588608000000;"))
    )
    assert result.supporters is None and result.goal is None
    assert result.next_step.url == STATS_URL and result.next_step.purpose == "stats-after-page"
    assert result.state == {"stats_id": "4410021", "stats_polls": 0}
    assert result.status is Status.OPEN and result.title == "Save the Bees"
    assert "placeholder_ignored" in result.flags
    assert result.outcomes[0].kind == "opened" and result.outcomes[0].occurred_at.year == 2020


def test_avaaz_share_link_id_is_ours_not_a_recommended_petitions():
    links = (
        f'<a href="https://wa.me/?text=https%3A%2F%2Fsecure.avaaz.org%2Fcommunity_petitions%2Fen%2F{SLUG}'
        f'%2F%3Futm_campaign%3Dpetition-4410021-{SLUG}">share</a>'
        '<a href="https://secure.avaaz.org/community_petitions/en/Other/?utm_campaign=petition-771045-Other">'
        "Other</a><p>3,208 have signed. Let's get to 5,000</p>"
    )
    result = PLATFORM.parse(record(page(links, script="")))
    assert result.state["stats_id"] == "4410021"


def test_avaaz_share_links_of_other_petitions_only_are_not_used():
    links = (
        '<a href="/community_petitions/en/A/?utm_campaign=petition-771045-A">A</a>'
        '<a href="/community_petitions/en/B/?utm_campaign=petition-902311-B">B</a>'
    )
    with pytest.raises(LayoutChanged, match="placeholder"):
        PLATFORM.parse(record(page(links, script="")))


def test_avaaz_page_without_an_id_is_refused_never_counted_as_1():
    with pytest.raises(LayoutChanged, match="1 have signed"):
        PLATFORM.parse(record(page(script="")))
    got = replay(PLATFORM, [record(page(script=""))], PETITION_ID).as_json()
    assert got["error"] == "LayoutChanged" and "supporters" not in got


def test_avaaz_campaign_counter_and_donor_counters():
    campaign_id = "campaign/de/x_loc"
    url = PLATFORM.canonical_url(campaign_id)
    signing = (
        '<script>new MCounter({element: "#c", campaign_id: 48213, text: "haben unterzeichnet"});</script>'
    )
    result = PLATFORM.parse(record(page(signing, script=""), url=url, external_id=campaign_id))
    assert result.next_step.url == "https://secure.avaaz.org/stats/campaign/48213_stats.json"
    for text in ("haben gespendet", "have donated"):
        donors = f'<script>new MCounter({{campaign_id: 51877, text: "{text}"}});</script>'
        with pytest.raises(LayoutChanged, match="donors"):
            PLATFORM.parse(record(page(donors, script=""), url=url, external_id=campaign_id))


def test_avaaz_campaign_title_skips_share_headings():
    campaign_id = "campaign/de/x_loc"
    html = (
        "<html><head><title>Avaaz - Kanada: Rettet die Bienen</title></head><body>"
        "<h1>FREUNDE UND BEKANNTE INFORMIEREN</h1>"
        "<script>new MCounter({campaign_id: 1, text: 'haben unterzeichnet'});</script></body></html>"
    )
    result = PLATFORM.parse(record(html, url=PLATFORM.canonical_url(campaign_id), external_id=campaign_id))
    assert result.title == "Kanada: Rettet die Bienen"


@pytest.mark.parametrize(("status", "raw"), [(404, "404"), (410, "410")])
def test_avaaz_gone_statuses(status, raw):
    result = PLATFORM.parse(record("<html>Avaaz</html>", status=status))
    assert (result.status, result.raw_status, result.gone, result.supporters) == (
        Status.REMOVED,
        raw,
        True,
        None,
    )


@pytest.mark.parametrize(
    "final",
    [
        "https://secure.avaaz.org/community_petitions/en/",
        "https://avaaz.org/en/",
        "https://secure.avaaz.org/",
    ],
)
def test_avaaz_redirect_away_from_the_petition_is_removed(final):
    result = PLATFORM.parse(record(page(), final_url=final))
    assert result.status is Status.REMOVED and result.gone


def test_avaaz_redirect_to_another_language_of_the_same_petition_is_not_removed():
    result = PLATFORM.parse(record(page(), final_url=PAGE_URL.replace("/en/", "/de/")))
    assert result.status is Status.OPEN


def test_avaaz_not_valid_shell_with_200_is_removed():
    shell = (
        '<html><head><meta http-equiv="Refresh" content="0; url=https://secure.avaaz.org/community_petitions/'
        'de/"></head><body>This page is not valid</body></html>'
    )
    result = PLATFORM.parse(record(shell))
    assert (result.status, result.raw_status, result.gone) == (Status.REMOVED, "This page is not valid", True)


def test_avaaz_foreign_body_is_not_this_platform():
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html><body><h1>Hello</h1></body></html>"))


# --------------------------------------------------------------------------- the stats JSON


@pytest.mark.parametrize(
    ("data", "count"),
    [({"signatures": 2318}, 2318), ({"count": 2401}, 2401), ({"signatures": "12,044"}, 12044),
     ({"signatures": "470.240"}, 470240), ({"signatures": 1}, 1)],
)  # fmt: skip
def test_avaaz_stats_json_count_and_ladder_goal(data, count):
    result = stats(data)
    assert result.supporters == count and result.method == "json-api"
    assert result.goal == ladder_goal(count) and result.goal_computed


def test_avaaz_campaign_target_is_the_goal():
    result = stats({"signatures": 1204377, "target": 1500000})
    assert (result.goal, result.goal_computed) == (1500000, False)
    assert stats({"signatures": 120, "target": 0}).goal == 200


@pytest.mark.parametrize(
    "body", ["{}", '{"signatures": null}', '{"signatures": "n/a"}', "[]", "<html>x</html>"]
)
def test_avaaz_stats_without_a_count_is_refused(body):
    with pytest.raises(LayoutChanged):
        stats(body)


def test_avaaz_stats_polls_are_counted_and_a_stale_id_sends_back_to_the_page():
    assert stats({"signatures": 5}, state={"stats_id": "1", "stats_polls": 4}).state == {"stats_polls": 5}
    assert stats({"signatures": 5}, purpose="stats-after-page").state == {"stats_polls": 0}
    stale = stats("", status=404, state={"stats_id": "1", "stats_polls": 4})
    assert stale.state == {"stats_id": None, "stats_polls": 0}
    assert stale.next_step.url == PAGE_URL and stale.supporters is None
    with pytest.raises(LayoutChanged, match="404"):
        stats("", status=404, purpose="stats-after-page")


@pytest.mark.parametrize(
    ("count", "goal"),
    [(0, 50), (1, 50), (49, 50), (50, 100), (2318, 3000), (7499, 7500), (124147, 200000),
     (999_999, 1_000_000), (1_000_000, 1_100_000), (1_234_567, 1_300_000)],
)  # fmt: skip
def test_avaaz_ladder(count, goal):
    assert ladder_goal(count) == goal


def test_avaaz_a_whole_poll_then_a_later_poll_from_kept_state():
    first = [
        record(page()),
        record('{"signatures": 2318}', url=STATS_URL, purpose="stats-after-page"),
    ]
    got = replay(PLATFORM, first, PETITION_ID)
    assert got.as_json()["supporters"] == 2318 and got.as_json()["status"] == "open"
    kept = dict(got.result.state)
    assert PLATFORM.plan(PETITION_ID, kept).url == STATS_URL
    later = replay(
        PLATFORM, [record('{"signatures": 2400}', url=STATS_URL, purpose="stats", state=kept)], PETITION_ID
    )
    assert later.as_json()["supporters"] == 2400 and later.result.state == {"stats_polls": 1}
    assert pickle.loads(pickle.dumps(later.result)) == later.result
