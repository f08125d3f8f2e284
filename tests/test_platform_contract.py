"""The contract every platform plugin honours, run over every loaded platform and recorded case."""

from __future__ import annotations

import pickle
import re

import pytest

from aggregator.cases import cases_dir, check_case, load_cases, replay
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.vocabulary import Status

REGISTRY = PlatformRegistry.from_plugins(make_plugin_manager())
PLATFORMS = [entry.platform for entry in REGISTRY.entries()]
CASES = [(p, case) for p in PLATFORMS for case in load_cases(p)]
STATE_GROUPS = {
    "open": {Status.OPEN},
    "closed or successful": {Status.CLOSED, Status.VICTORY},
    "gone": {Status.REMOVED},
}


def test_bundled_platforms_are_loaded():
    assert {"uk-parliament", "change-org"} <= set(REGISTRY.names())


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.name)
def test_platform_declares_the_contract(platform):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", platform.name), "names are kebab-case"
    assert platform.hosts or platform.url_patterns
    assert platform.parser_version
    assert platform.min_interval.total_seconds() > 0
    assert platform.politeness.concurrency >= 1
    assert platform.data_sources, "declare the data sources and their evidence"
    for source in platform.data_sources:
        assert source.evidence in {"verified", "documented", "inferred"}
    assert (cases_dir(platform) / "..").resolve().joinpath("README.md").is_file()


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.name)
def test_platform_has_a_case_for_each_state(platform):
    seen = set()
    for case in load_cases(platform):
        status = case.expected.get("status")
        if status:
            seen.add(Status(status))
    for group, statuses in STATE_GROUPS.items():
        if statuses & seen:
            continue
        declared = {s for s in platform.states_not_applicable}
        assert {s.value for s in statuses} <= declared, f"{platform.name} has no recorded {group} case"


@pytest.mark.parametrize(("platform", "case"), CASES, ids=lambda x: getattr(x, "name", ""))
def test_recorded_case_parses_to_expected(platform, case):
    assert check_case(platform, case) == []


@pytest.mark.parametrize(("platform", "case"), CASES, ids=lambda x: getattr(x, "name", ""))
def test_case_url_round_trips_and_results_pickle(platform, case):
    external_id = case.records[-1].external_id
    canonical = platform.canonical_url(external_id)
    assert platform.claims(canonical)
    assert platform.external_id(canonical) == external_id
    assert REGISTRY.for_url(canonical) is platform
    outcome = replay(platform, case.records, external_id)
    assert pickle.loads(pickle.dumps(outcome.result)) == outcome.result
    assert pickle.loads(pickle.dumps(case.records[-1])) == case.records[-1]
