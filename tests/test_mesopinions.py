"""Unit tests of the bundled Mesopinions platform: URL forms, dot thousands on a French site, statuses."""

from __future__ import annotations

import pytest
from aggregator_plugins.mesopinions import Mesopinions
from platform_helpers import PetitionPage, refusal

from aggregator import LayoutChanged, NotThisPlatform, Status

PLATFORM = Mesopinions()
PATH = "environnement/sauvons-le-bois-de-la-garenne/187654"
URL = f"https://www.mesopinions.com/petition/{PATH}"
PAGE = PetitionPage(PLATFORM, URL, PATH)
record = PAGE.record
normalized = PAGE.normalized


def page(inside: str) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta property="og:site_name" content="MesOpinions.com">'
        '<meta property="og:title" content="Pétition : Sauvons le bois"></head><body>'
        '<header><a href="/">MesOpinions</a></header>'
        f'<main><h1>Sauvons le bois</h1>{inside}</main><aside class="petitions-similaires">'
        "<div>7.402 signatures</div></aside></body></html>"
    )


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"http://mesopinions.com/petition/{PATH}/",
        f"www.mesopinions.com/petition/{PATH}?utm_source=facebook&utm_medium=social#signer",
        f"https://www.mesopinions.com/petition/{PATH.upper()}",
        f"https://www.mesopinions.com/petition/{PATH}/signataires",
    ],
)
def test_mesopinions_external_id_forms(url):
    assert PLATFORM.external_id(url) == PATH
    assert PLATFORM.external_id(PLATFORM.canonical_url(PATH)) == PATH


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://www.mesopinions.com/", ["home page"]),
        ("https://www.mesopinions.com/petition/environnement", ["category"]),
        ("https://www.mesopinions.com/actualite/55123", ["news update"]),
        ("https://www.mesopinions.com/petition/environnement/sauvons-le-bois/abc", ["category"]),
        ("https://example.fr/petition/a/b/1", ["www.mesopinions.com"]),
    ],
)
def test_mesopinions_refuses_other_pages(url, words):
    message = refusal(PLATFORM, url)
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("inside", "count", "goal"),
    [
        ("<p><span>19.898</span> signatures</p><p>Objectif : 25.000 signatures</p>", 19898, 25000),
        ("<p>19 898 signatures</p>", 19898, None),
        ("<p>19\u202f898 signataires</p>", 19898, None),
        ("<p>1.204 sur 5.000 signatures</p>", 1204, 5000),
        ("<p>Signatures : 312</p>", 312, None),
        ("<p>Aidez-nous à atteindre 5.000 signatures</p><p>77 signatures</p>", 77, None),
    ],
)
def test_mesopinions_number_formats(inside, count, goal):
    got = normalized(page(inside))
    assert (got["supporters"], got["goal"], got["method"]) == (count, goal, "visible-text")


@pytest.mark.parametrize(
    "inside", ["<p>Objectif : 500 signatures</p>", "<p>Aidez-nous à atteindre 5.000 signatures</p>", ""]
)
def test_mesopinions_goal_and_similar_petitions_are_never_the_count(inside):
    with pytest.raises(LayoutChanged):
        PLATFORM.parse(record(page(inside)))


@pytest.mark.parametrize(
    ("inside", "status", "raw"),
    [
        ('<form id="form-signer-petition"></form>', Status.OPEN, "signable"),
        ("<div>Cette pétition est close.</div>", Status.CLOSED, "Cette pétition est close"),
        ("<div>Pétition terminée</div>", Status.CLOSED, "Pétition terminée"),
        ('<div class="bandeau-victoire">Bravo</div>', Status.VICTORY, "victoire"),
        ("<div>Victoire ! La mairie a cédé.</div>", Status.VICTORY, "victoire"),
        ("", Status.UNKNOWN, None),
    ],
)
def test_mesopinions_status_words(inside, status, raw):
    result = PLATFORM.parse(record(page(f"<p>10 signatures</p>{inside}")))
    assert (result.status, result.raw_status) == (status, raw)
    assert result.title == "Sauvons le bois"


def test_mesopinions_gone_and_list_redirect():
    result = PLATFORM.parse(record("<html></html>", status=404))
    assert (result.status, result.gone, result.supporters) == (Status.REMOVED, True, None)
    for final in ("https://www.mesopinions.com/", "https://www.mesopinions.com/petition/environnement"):
        moved = PLATFORM.parse(record(page(""), final_url=final))
        assert (moved.status, moved.gone) == (Status.REMOVED, True)
    login = PLATFORM.parse(
        record(page("<p>10 signatures</p>"), final_url="https://www.mesopinions.com/connexion")
    )
    assert login.status is not Status.REMOVED


def test_mesopinions_refuses_other_sites_pages():
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html><body>12 signatures</body></html>"))
