"""The canada-commons platform: e-petition URL forms, the details page, the XML export, statuses, dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aggregator_plugins.canada_commons import CanadaCommons
from aggregator_plugins.canada_commons.statuses import site_date, status_of
from platform_helpers import HTML_HEADERS, assert_cases_pickle, html_record

from aggregator.cases import load_cases
from aggregator.errors import LayoutChanged, NotThisPlatform, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.records import Breakdown
from aggregator.vocabulary import OutcomeKind, Status

CA = CanadaCommons()
DETAILS = "https://www.ourcommons.ca/petitions/en/Petition/Details?Petition="
URL = DETAILS + "e-6301"


def page(fields, heading="e-6301 (Fisheries)", extra=""):
    rows = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in fields)
    return f"""<!DOCTYPE html><html lang="en"><head><title>Petition e-6301</title></head><body>
<nav><a href="/petitions/en/Home/Index">Petitions</a> Open for signature</nav>
<main id="StartOfContent"><h1>{heading}</h1><dl>{rows}</dl>{extra}</main></body></html>"""


def record(body, *, url=URL, external_id="e-6301", **kwargs):
    return html_record(body, url=url, pid=external_id, headers=HTML_HEADERS, **kwargs)


# -- declaration and URLs ------------------------------------------------------------------------


def test_declares_the_platform():
    assert CA.name == "canada-commons"
    assert CA.api_version == 1
    assert CA.timezone == "America/Toronto"
    assert CA.thresholds == {OutcomeKind.THRESHOLD.value: 500}
    evidence = {s.name: s.evidence for s in CA.data_sources}
    assert evidence == {"details-page": "inferred", "export-xml": "documented", "http-status": "inferred"}


def test_registered_and_claims_only_petition_pages():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert isinstance(registry.get("canada-commons"), CanadaCommons)
    assert registry.for_url(URL).name == "canada-commons"
    assert CA.claims("https://petitions.ourcommons.ca/en/Petition/Details?Petition=e-6301")
    assert not CA.claims("https://www.ourcommons.ca/members/en/votes")


@pytest.mark.parametrize(
    "url",
    [
        URL,
        DETAILS + "E-6301",
        DETAILS + "e6301",
        DETAILS + "e-06301&utm_source=facebook#sign",
        "https://www.ourcommons.ca/petitions/en/Petition/Details?petition=e-6301",
        "https://www.noscommunes.ca/petitions/fr/Petition/Details?Petition=e-6301",
        "https://petitions.ourcommons.ca/en/Petition/Details?Petition=e-6301",
        "https://petitions.noscommunes.ca/fr/Petition/Details?Petition=e-6301",
        "https://petitions.ourcommons.ca/en/Petition/Sign/e-6301",
        "https://www.ourcommons.ca/petitions/en/Petition/Sign/e-6301",
        "http://ourcommons.ca/petitions/en/Petition/Details?Petition=e-6301",
        "www.ourcommons.ca/petitions/en/Petition/Details?Petition=e-6301",
    ],
)
def test_external_id_from_url_forms(url):
    assert CA.external_id(url) == "e-6301"


def test_the_2015_host_is_accepted():
    assert CA.external_id("https://petitions.parl.gc.ca/en/Petition/Details?Petition=e-411") == "e-411"


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("https://www.ourcommons.ca/petitions/en/Petition/Search?Category=Open", "e-petition page"),
        ("https://www.ourcommons.ca/petitions/en/Home/Index", "e-petition page"),
        ("https://www.ourcommons.ca/members/en/votes", "e-petition page"),
        (DETAILS + "451-00231", "paper petitions"),
        (DETAILS, "e-petition page"),
        ("https://www.parl.ca/legisinfo/en/overview", "e-petition page"),
    ],
)
def test_other_urls_are_refused(url, hint):
    with pytest.raises(UnsupportedURL, match=hint):
        CA.external_id(url)


def test_canonical_url_and_plan():
    assert CA.canonical_url("e-6301") == URL
    assert CA.external_id(CA.canonical_url("e-6301")) == "e-6301"
    assert CA.plan("e-6301", {}).url == URL


# -- statuses and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("Open for signature", Status.OPEN),
        ("Ouverte pour signature", Status.OPEN),
        ("Closed for signature", Status.CLOSED),
        ("Not certified", Status.CLOSED),
        ("Non certifiée", Status.CLOSED),
        ("Certified", Status.CLOSED),
        ("Presented to the House of Commons", Status.CLOSED),
        ("Government response tabled", Status.CLOSED),
        ("Réponse du gouvernement déposée", Status.CLOSED),
        ("Closed upon dissolution", Status.CLOSED),
    ],
)
def test_status_names(name, status):
    assert status_of(name) == (status, name)


def test_status_names_not_known():
    assert status_of("Withdrawn by the petitioner") is None
    assert status_of("Response tabled on May 2, 2026")[0] is Status.CLOSED


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("July 25, 2024, at 2:40 p.m. (EDT)", datetime(2024, 7, 25, 18, 40, tzinfo=UTC)),
        ("January 30, 2026, at 12:05 a.m. (EST)", datetime(2026, 1, 30, 5, 5, tzinfo=UTC)),
        ("February 3, 2026", datetime(2026, 2, 3, 5, tzinfo=UTC)),
        ("25 juillet 2024 à 14 h 40 (HAE)", datetime(2024, 7, 25, 18, 40, tzinfo=UTC)),
        ("1er mars 2026", datetime(2026, 3, 1, 5, tzinfo=UTC)),
        ("soon", None),
    ],
)
def test_site_dates(text, moment):
    assert site_date(text) == moment


# -- the details page ----------------------------------------------------------------------------


def test_open_details_page():
    fields = [
        ("Status", "Open for signature"),
        ("Open for signature", "May 12, 2026, at 10:15 a.m. (EDT)"),
        ("Closed for signature", "September 9, 2026, at 10:15 a.m. (EDT)"),
        ("Signatures", "1,842"),
    ]
    result = CA.parse(record(page(fields)))
    assert (result.supporters, result.method) == (1842, "css")
    assert (result.status, result.raw_status) == (Status.OPEN, "Open for signature")
    assert result.title == "e-6301 (Fisheries)"
    assert result.closes_at == datetime(2026, 9, 9, 14, 15, tzinfo=UTC)
    assert [o.kind for o in result.outcomes] == [OutcomeKind.OPENED.value]


@pytest.mark.parametrize(
    ("markup", "count", "method"),
    [
        ("<table><tr><th>Number of signatures</th><td>12 406</td></tr></table>", 12406, "css"),
        ('<span class="signature-count">2,001</span>', 2001, "css"),
        ("<div data-signature-count='77'></div>", 77, "css"),
        ("<p>This petition has 3,210 signatures.</p>", 3210, "visible-text"),
        (
            "<p>A petition needs 500 signatures to be certified. It has 2,345 signatures.</p>",
            2345,
            "visible-text",
        ),
        ("<p><strong>Signatures:</strong> 640</p>", 640, "css"),
    ],
)
def test_count_sources(markup, count, method):
    result = CA.parse(record(page([("Status", "Certified")], extra=markup)))
    assert (result.supporters, result.method) == (count, method)


@pytest.mark.parametrize("shown", ["", "&mdash;", "N/A", "1.5"])
def test_a_missing_count_is_refused_never_zero(shown):
    with pytest.raises(LayoutChanged, match="without a count"):
        CA.parse(record(page([("Status", "Open for signature"), ("Signatures", shown)])))


def test_a_rule_in_the_text_is_not_a_count():
    with pytest.raises(LayoutChanged):
        CA.parse(record(page([("Status", "Open")], extra="<p>It requires at least 500 signatures.</p>")))


def test_no_status_field_is_unknown_not_guessed_from_the_menu():
    result = CA.parse(record(page([("Signatures", "12")])))
    assert result.status is Status.UNKNOWN
    assert result.raw_status is None


def test_closed_stages_become_outcomes():
    fields = [
        ("Status", "Government response tabled"),
        ("Closed for signature", "January 30, 2026, at 3:05 p.m. (EST)"),
        ("Certified", "February 3, 2026"),
        ("Presented to the House of Commons", "February 24, 2026"),
        ("Government response tabled", "April 9, 2026"),
        ("Signatures", "12,406"),
    ]
    kinds = [o.kind for o in CA.parse(record(page(fields))).outcomes]
    assert kinds == [
        "certified",
        "presented",
        OutcomeKind.GOVERNMENT_RESPONSE.value,
        OutcomeKind.CLOSED.value,
    ]


def test_a_page_about_another_petition_is_refused():
    with pytest.raises(LayoutChanged, match="does not mention"):
        CA.parse(record(page([("Signatures", "5")], heading="e-7000 (Housing)").replace("e-6301", "e-7000")))


# -- the export ----------------------------------------------------------------------------------

EXPORT = """\ufeff<?xml version="1.0" encoding="utf-8"?>
<ArrayOfPetition>
  <Petition Id="1" Title="e-6000 (Other)" SignatureCount="9">
    <PetitionNumber>e-6000</PetitionNumber></Petition>
  <Petition Id="2" Title="e-6301  (Fisheries)" SignatureCount="1842">
    <PetitionNumber>e-6301</PetitionNumber>
    <StatusName>Open for signature</StatusName>
    <SignatureOpeningDateTime>2026-05-12T10:15:00</SignatureOpeningDateTime>
    <SignatureClosingDateTime>2026-09-09T10:15:00</SignatureClosingDateTime>
    <ProvinceSignatures Province="NS" SignatureCount="1500" />
    <ProvinceSignatures Province="NB" SignatureCount="342" />
  </Petition>
</ArrayOfPetition>"""


def test_export_picks_the_petition_by_number():
    result = CA.parse(
        record(
            EXPORT.encode("utf-8"), url="https://www.ourcommons.ca/petitions/en/Petition/Search?output=xml"
        )
    )
    assert (result.supporters, result.status, result.method) == ("1842", Status.OPEN, "xml-export")
    assert result.title == "e-6301 (Fisheries)"
    assert result.closes_at == datetime(2026, 9, 9, 14, 15, tzinfo=UTC)
    assert set(result.breakdowns) == {
        Breakdown("province", "NS", "NS", 1500),
        Breakdown("province", "NB", "NB", 342),
    }


def test_export_without_the_petition_or_its_count():
    with pytest.raises(NotThisPlatform, match="without petition e-6302"):
        CA.parse(record(EXPORT.encode(), external_id="e-6302"))
    broken = EXPORT.replace(' SignatureCount="1842"', "")
    with pytest.raises(LayoutChanged, match="SignatureCount"):
        CA.parse(record(broken.encode()))


# -- HTTP handling -------------------------------------------------------------------------------


def test_gone_and_redirects():
    for status in (404, 410):
        result = CA.parse(record("<html>not found</html>", status=status))
        assert (result.status, result.gone) == (Status.REMOVED, True)
    search = CA.parse(
        record("<html>Search</html>", final_url="https://www.ourcommons.ca/petitions/en/Petition/Search")
    )
    assert (search.status, search.gone) == (Status.REMOVED, True)
    french = CA.parse(
        record(
            page([("Statut", "Non certifiée"), ("Signatures", "312")]),
            final_url="https://www.noscommunes.ca/petitions/fr/Petition/Details?Petition=e-6301",
        )
    )
    assert (french.status, french.supporters) == (Status.CLOSED, 312)
    with pytest.raises(NotThisPlatform):
        CA.parse(record("<html></html>", final_url="https://example.org/"))


def test_recorded_cases_replay_and_pickle():
    cases = load_cases(CA)
    assert {c.expected.get("status") for c in cases} >= {"open", "closed", "removed"}
    assert_cases_pickle(CA, cases)
