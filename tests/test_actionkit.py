"""The actionkit platform: host-qualified ids, the /progress/ counter, dynamic goals, sign-page status."""

from __future__ import annotations

import json
import pickle

import pytest
from aggregator_plugins.actionkit import ActionKit
from aggregator_plugins.actionkit.platform import read_progress
from protego import Protego

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status, UnsupportedURL
from aggregator.cases import replay
from aggregator.plugins import PlatformRegistry, make_plugin_manager

AK = ActionKit()
ID = "act.350.org/harbor-bank-gas-terminals"
PROGRESS = "https://act.350.org/progress/harbor-bank-gas-terminals"
SIGN = "https://act.350.org/sign/harbor-bank-gas-terminals/"
#: ActionKit hosts' robots.txt (platform notes, ngo.md section 1.5)
ROBOTS = Protego.parse("User-agent: *\nDisallow: /act/\n")


def progress(data: dict | str, *, callback: str = "onProgressLoaded") -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    return f"{callback}({text});".encode() if callback else text.encode()


def record(body: bytes | str, *, url: str = PROGRESS, status: int = 200, final_url: str | None = None):
    raw = body.encode() if isinstance(body, str) else body
    return ResponseRecord(url, final_url or url, status, {}, raw, AK.external_id(url))


def sign_page(body: str, head: str = '<meta property="og:title" content="Stop the gas terminals">') -> str:
    return (
        f'<html><head>{head}<script src="/resources/actionkit.js"></script></head><body>{body}</body></html>'
    )


FORM = '<form name="act" action="/act/" method="post"><input type="hidden" name="page" value="x"></form>'


# -- URL forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SIGN, ID),
        ("https://act.350.org/sign/harbor-bank-gas-terminals", ID),
        ("act.350.org/sign/harbor-bank-gas-terminals/?source=email&akid=12.345.AbCd#form", ID),
        ("http://ACT.350.ORG/sign/harbor-bank-gas-terminals/", ID),
        ("https://act.350.org/cms/sign/harbor-bank-gas-terminals/", ID),
        ("https://act.350.org/cms/thanks/harbor-bank-gas-terminals/?action_id=9", ID),
        (PROGRESS, ID),
        ("https://act.350.org/progress/?page=harbor-bank-gas-terminals&callback=cb", ID),
        (
            "https://action.wemove.eu/sign/2024-05-alpine-bees-petition-DE?lang=de&utm_source=fb",
            "action.wemove.eu/2024-05-alpine-bees-petition-DE",
        ),
        ("https://act.demandprogress.org/sign/save_the_net/", "act.demandprogress.org/save_the_net"),
    ],
)
def test_actionkit_external_id_forms(url, expected):
    assert AK.external_id(url) == expected


def test_actionkit_language_pages_stay_distinct_petitions():
    de = AK.external_id("https://action.wemove.eu/sign/2024-05-bees-petition-DE/")
    en = AK.external_id("https://action.wemove.eu/sign/2024-05-bees-petition-EN/")
    assert de != en


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://act.350.org/act/", "robots.txt"),
        ("https://act.350.org/cms/view_by_page_id/1234", "redirects to"),
        ("https://act.350.org/", "/sign/"),
        ("https://act.350.org/donate/give-monthly/", "/sign/"),
        ("https://act.350.org/sign/", "page"),
        ("https://act.350.org/progress/", "page"),
        ("https://act.350.org/sign/bad%20name/", "page name"),
        ("not a url at all", "address"),
    ],
)
def test_actionkit_refuses_other_pages_saying_what_to_paste(url, words):
    with pytest.raises(UnsupportedURL, match="actionkit") as caught:
        AK.external_id(url)
    assert words in str(caught.value)


def test_actionkit_canonical_url_keeps_the_host():
    assert AK.canonical_url("act.demandprogress.org/save_the_net") == (
        "https://act.demandprogress.org/sign/save_the_net/"
    )
    assert AK.external_id(AK.canonical_url(ID)) == ID


def test_actionkit_plan_asks_the_progress_counter_and_never_act():
    step = AK.plan(ID, {})
    assert step.url == PROGRESS and step.purpose == "progress"
    assert ROBOTS.can_fetch(step.url, "petition-aggregator")
    follow = AK.parse(record(progress({"total": {"actions": 5}, "goal": 100}))).next_step
    assert follow is not None and follow.url == SIGN and ROBOTS.can_fetch(follow.url, "petition-aggregator")


def test_actionkit_claims_its_hosts_and_mapped_hosts_via_the_registry():
    assert AK.claims(SIGN) and AK.claims("https://action.wemove.eu/sign/x/")
    assert not AK.claims("https://act.demandprogress.org/sign/x/")
    mapped = PlatformRegistry.from_plugins(make_plugin_manager(), {"act.demandprogress.org": "actionkit"})
    assert mapped.for_url("https://act.demandprogress.org/sign/save_the_net/").name == "actionkit"


def test_actionkit_declarations():
    assert AK.name == "actionkit" and AK.api_version == 1
    assert {s.evidence for s in AK.data_sources} <= {"documented", "inferred"}
    assert "victory" in AK.states_not_applicable and "closed" not in AK.states_not_applicable


# -- the progress counter -----------------------------------------------------------------------


@pytest.mark.parametrize("callback", ["onProgressLoaded", "jQuery3410_17", "/**/cb", ""])
def test_actionkit_progress_any_callback_or_bare_json(callback):
    body = progress({"total": {"actions": 1864}, "goal": 5000, "goal_type": "actions"}, callback=callback)
    result = AK.parse(record(body))
    assert result.supporters == 1864 and result.goal == 5000 and not result.goal_computed
    assert result.method == "json-api" and result.status is None


def test_actionkit_progress_count_in_a_string():
    assert AK.parse(record(progress({"total": {"actions": "12,604"}}))).supporters == 12604


def test_actionkit_progress_zero_is_a_real_count_not_a_goal():
    result = AK.parse(record(progress({"total": {"actions": 0}, "goal": 100})))
    assert result.supporters == 0 and result.goal == 100


def test_actionkit_dynamic_goal_is_not_stored():
    result = AK.parse(record(progress({"total": {"actions": 812}, "goal": 1, "goal_type": "actions"})))
    assert result.goal is None and result.flags == {"dynamic_goal"}


def test_actionkit_dollar_goal_is_not_a_signature_goal():
    result = AK.parse(record(progress({"total": {"actions": 40}, "goal": 2500, "goal_type": "dollars"})))
    assert result.goal is None and result.flags == {"goal_in_dollars"}


@pytest.mark.parametrize("data", [{"goal": 20000}, {"total": {}, "goal": 1}, {"total": {"actions": True}}])
def test_actionkit_progress_without_actions_never_reads_the_goal(data):
    with pytest.raises(LayoutChanged, match=r"total\.actions"):
        AK.parse(record(progress(data)))


@pytest.mark.parametrize(
    "body", ["<html><body>Not an ActionKit site</body></html>", "onProgressLoaded([1, 2]);"]
)
def test_actionkit_progress_that_is_not_progress(body):
    with pytest.raises(NotThisPlatform):
        AK.parse(record(body))


@pytest.mark.parametrize("status", [404, 410])
def test_actionkit_progress_gone(status):
    result = AK.parse(record("Not Found", status=status))
    assert result.status is Status.REMOVED and result.gone and result.next_step is None


def test_actionkit_progress_other_errors_are_layout_changes():
    with pytest.raises(LayoutChanged, match="HTTP 400"):
        AK.parse(record("Bad request", status=400))


def test_read_progress_tolerates_whitespace_and_bom():
    assert read_progress('\ufeff  onProgressLoaded( {"total": {"actions": 3}} ) ;\n') == {
        "total": {"actions": 3}
    }


# -- the sign page ------------------------------------------------------------------------------


def test_actionkit_sign_page_with_form_is_open():
    result = AK.parse(record(sign_page(f"<h1>Stop the gas terminals</h1>{FORM}"), url=SIGN))
    assert result.status is Status.OPEN and result.raw_status == "action form"
    assert result.title == "Stop the gas terminals" and result.supporters is None


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("This page is no longer active.", "no longer active"),
        ("We are no longer accepting signatures.", "no longer accepting"),
        ("This petition has ended. Thank you!", "this petition has ended"),
        ("Diese Petition ist beendet.", "ist beendet"),
        ("Cette pétition n'est plus active.", "n'est plus active"),
    ],
)
def test_actionkit_inactive_wording_is_closed(text, raw):
    result = AK.parse(record(sign_page(f"<p>{text}</p>"), url=SIGN))
    assert result.status is Status.CLOSED and result.raw_status == raw


def test_actionkit_page_without_form_or_wording_is_unknown():
    result = AK.parse(record(sign_page("<p>Thanks for visiting.</p>"), url=SIGN))
    assert result.status is Status.UNKNOWN


def test_actionkit_title_falls_back_to_h1():
    result = AK.parse(record(sign_page(f"<h1> Save   the  pier </h1>{FORM}", head=""), url=SIGN))
    assert result.title == "Save the pier"


def test_actionkit_sign_page_redirects():
    home = AK.parse(record(sign_page(""), url=SIGN, final_url="https://act.350.org/"))
    assert home.status is Status.REMOVED and home.gone
    other = AK.parse(record(sign_page(FORM), url=SIGN, final_url="https://act.350.org/sign/new-campaign/"))
    assert other.status is Status.CLOSED and not other.gone
    slash = AK.parse(record(sign_page(FORM), url=SIGN, final_url=SIGN.rstrip("/")))
    assert slash.status is Status.OPEN


def test_actionkit_sign_page_gone_and_foreign_pages():
    assert AK.parse(record("", url=SIGN, status=404)).status is Status.REMOVED
    with pytest.raises(NotThisPlatform):
        AK.parse(record("<html><body><p>A blog post.</p></body></html>", url=SIGN))


def test_actionkit_poll_merges_progress_then_page_and_pickles():
    first = record(progress({"total": {"actions": 2048}, "goal": 3000}))
    second = record(sign_page(FORM), url=SIGN)
    outcome = replay(AK, [first, second], ID)
    got = outcome.as_json()
    assert (got["supporters"], got["status"], got["goal"], got["method"]) == (2048, "open", 3000, "json-api")
    assert pickle.loads(pickle.dumps(outcome.result)) == outcome.result
