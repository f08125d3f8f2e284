"""Testing kit for platform plugins (pytest plugin): `class TestSite(PlatformContract): platform = Site()`."""

from __future__ import annotations

import asyncio
import pickle
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from .cases import RecordedCase, check_case, load_cases, replay
from .cases import cases_dir as default_cases_dir
from .platform import Platform
from .vocabulary import Health, Status

if TYPE_CHECKING:
    from .localserver import LocalServer
    from .store import PollRecord

__all__ = ["STATE_GROUPS", "PlatformContract", "poll_case", "recorded_cases", "replay_server", "serve_case"]

#: the states every platform records a case for, unless it declares them in `states_not_applicable`
STATE_GROUPS: Mapping[str, frozenset[str]] = {
    "open": frozenset({Status.OPEN.value}),
    "closed or successful": frozenset({Status.CLOSED.value, Status.VICTORY.value}),
    "gone": frozenset({Status.REMOVED.value}),
}
_KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_EVIDENCE = ("verified", "documented", "inferred")
_HOW_TO_RECORD = (
    "record one with `petitions record URL --platform NAME`, or write a folder holding meta.json, "
    "expected.json and a body.* file there"
)


@dataclass(frozen=True)
class _Loaded:
    """The recorded cases of one test class, or why they could not be read."""

    folder: Path | None
    cases: tuple[RecordedCase, ...] = ()
    problem: str | None = None


_LOADED = pytest.StashKey[dict[object, _Loaded]]()


def _load(owner: object) -> _Loaded:
    platform = getattr(owner, "platform", None)
    if not isinstance(platform, Platform):
        return _Loaded(
            None,
            problem=f"{getattr(owner, '__name__', owner)} must set `platform = MySite()` to an instance "
            f"of a Platform subclass; it has {platform!r}",
        )
    chosen = getattr(owner, "cases_dir", None)
    folder = Path(chosen) if isinstance(chosen, str | Path) else default_cases_dir(platform)
    try:
        return _Loaded(folder, tuple(load_cases(platform, folder)))
    except Exception as exc:
        return _Loaded(
            folder, problem=f"cannot load the recorded cases in {folder}: {type(exc).__name__}: {exc}"
        )


def _loaded(config: pytest.Config, owner: object) -> _Loaded:
    """The cases of a test class (or module), read once per pytest session."""
    cache = config.stash.setdefault(_LOADED, {})
    if owner not in cache:
        cache[owner] = _load(owner)
    return cache[owner]


@dataclass(frozen=True)
class _Unloadable:
    """The parameter a case test gets when the class's cases could not be read."""

    problem: str


def _parametrized(metafunc: pytest.Metafunc, name: str) -> bool:
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0] if marker.args else marker.kwargs.get("argnames", ())
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        if name in names:
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each `case` test of a `PlatformContract` subclass once per recorded case (ids: case names)."""
    cls = metafunc.cls
    if cls is None or not issubclass(cls, PlatformContract) or "case" not in metafunc.fixturenames:
        return
    if _parametrized(metafunc, "case"):
        return
    loaded = _loaded(metafunc.config, cls)
    if loaded.problem:
        params = [pytest.param(_Unloadable(loaded.problem), id="cases-not-loaded")]
    elif not loaded.cases:
        reason = f"no recorded cases in {loaded.folder}"
        params = [pytest.param(None, id="no-cases", marks=pytest.mark.skip(reason=reason))]
    else:
        params = [pytest.param(case, id=case.name) for case in loaded.cases]
    metafunc.parametrize("case", params)


@pytest.fixture
def recorded_cases(request: pytest.FixtureRequest) -> list[RecordedCase]:
    """The recorded cases of the test class's `platform` (read from its `cases_dir`, by default the
    `cases/` folder beside the platform's module), sorted by name. A test module with a `platform`
    attribute works too."""
    owner: object = request.cls if hasattr(request.cls, "platform") else request.module
    loaded = _loaded(request.config, owner)
    if loaded.problem:
        pytest.fail(loaded.problem, pytrace=False)
    return list(loaded.cases)


@pytest.fixture
def replay_server() -> Iterator[LocalServer]:
    """A started `aggregator.localserver.LocalServer` on 127.0.0.1, stopped after the test. Route a
    case on it with `serve_case(replay_server, case)` and send the case's hosts to it with the
    `fetch.host_overrides` that returns."""
    from .localserver import LocalServer

    with LocalServer() as server:
        yield server


def serve_case(server: LocalServer, case: RecordedCase) -> dict[str, str]:
    """Route every recorded response of `case` on `server` by virtual host and path (a record whose
    final URL differs from its URL is served as a 301 to it; `/robots.txt` allows everything on each
    host), and return the `fetch.host_overrides` map sending the case's hosts to the server."""
    from .testing_replay import serve_case as serve

    return serve(server, case)


async def poll_case(platform: Platform, case: RecordedCase, tmp_path: Path) -> PollRecord:
    """Follow the case's petition in a new SQLite database under `tmp_path` and poll it through the
    real fetcher and pipeline against a local server replaying the case (robots.txt allowed,
    `host_overrides` to the server, spacing 0, no retries); return the stored `PollRecord`.

    A first "gone" answer is polled once more, as the scheduler would. The case must start at the
    URL `platform.plan()` asks for and need no kept state, or `ValueError` says why not."""
    from .testing_replay import poll_case as poll

    return await poll(platform, case, tmp_path)


class PlatformContract:
    """The contract every platform passes, as a base test class. Write

        class TestMySite(PlatformContract):
            platform = MySite()
            cases_dir = Path(__file__).parent / "cases"   # optional

    and pytest runs: the declared attributes (kebab-case `name`, `hosts` or `url_patterns`,
    `parser_version`, `min_interval`, `politeness`, `data_sources` with valid evidence, a README.md
    beside the cases folder); at least one recorded case; a case for each state group (open; closed
    or successful; gone) unless declared in `states_not_applicable`; and for each case (test ids
    are case names): it parses to its expected.json, its canonical URL round-trips and is claimed,
    its results pickle, and a poll through the real fetcher and pipeline against a local server
    replaying it stores the expected supporters and status (an `"error"` case: `layout_changed`
    health and no stored count). `cases_dir` defaults to the `cases/` folder beside the module that
    defines the platform's class; a case that a poll cannot start from (not at `plan()`'s first
    request, or needing kept state) is skipped by the end-to-end test only. Add your own tests to
    the class as usual.

    The kit is loaded by the `pytest11` entry point `petition_aggregator` in every pytest run where
    petition-aggregator is installed: do not also list `aggregator.testing` in `pytest_plugins` or
    `-p` (pytest refuses a plugin registered twice); with `PYTEST_DISABLE_PLUGIN_AUTOLOAD` set, pass
    `-p petition_aggregator`.
    """

    platform: ClassVar[Platform]
    cases_dir: ClassVar[Path | str | None] = None

    def _platform(self) -> Platform:
        platform = getattr(self, "platform", None)
        if not isinstance(platform, Platform):
            pytest.fail(
                f"{type(self).__name__} must set `platform = MySite()` to an instance of a Platform "
                f"subclass; it has {platform!r}",
                pytrace=False,
            )
        return platform

    def _folder(self) -> Path:
        chosen = self.cases_dir
        return Path(chosen) if chosen is not None else default_cases_dir(self._platform())

    @staticmethod
    def _case(case: Any) -> RecordedCase:
        if isinstance(case, _Unloadable):
            pytest.fail(case.problem, pytrace=False)
        assert isinstance(case, RecordedCase), f"expected a RecordedCase, got {case!r}"
        return case

    def test_declares_the_contract(self) -> None:
        platform = self._platform()
        name = getattr(platform, "name", "")
        problems = []
        if not isinstance(name, str) or not _KEBAB.fullmatch(name):
            problems.append(f"name {name!r} must be kebab-case (lower-case words joined by '-')")
        if not (platform.hosts or platform.url_patterns or platform.uses_extractors):
            problems.append("declare the URLs it claims: `hosts` and/or `url_patterns`")
        if not platform.parser_version:
            problems.append("declare a `parser_version`")
        if not platform.min_interval.total_seconds() > 0:
            problems.append(f"`min_interval` must be positive, not {platform.min_interval}")
        if not platform.politeness.concurrency >= 1:
            problems.append(
                f"`politeness.concurrency` must be at least 1, not {platform.politeness.concurrency}"
            )
        if not platform.data_sources:
            problems.append("declare its `data_sources` and the evidence behind each")
        for source in platform.data_sources:
            if source.evidence not in _EVIDENCE:
                problems.append(
                    f"data source {source.name!r} has evidence {source.evidence!r}, not one of {_EVIDENCE}"
                )
        readme = self._folder().parent / "README.md"
        if not readme.is_file():
            problems.append(f"write a README.md beside the cases folder: {readme} is missing")
        if problems:
            pytest.fail(f"platform {name!r}:\n" + "\n".join(f"- {p}" for p in problems), pytrace=False)

    def test_has_recorded_cases(self, recorded_cases: list[RecordedCase]) -> None:
        if not recorded_cases:
            pytest.fail(f"no recorded cases in {self._folder()}: {_HOW_TO_RECORD}", pytrace=False)

    def test_has_a_case_for_each_state(self, recorded_cases: list[RecordedCase]) -> None:
        platform = self._platform()
        if not recorded_cases:
            pytest.skip(f"no recorded cases in {self._folder()}")
        seen = {str(case.expected.get("status")) for case in recorded_cases}
        declared = set(platform.states_not_applicable)
        missing = [
            f"no recorded {group} case (expected.json status {' or '.join(sorted(statuses))}); "
            f"{_HOW_TO_RECORD}, or list {sorted(statuses - declared)} in `states_not_applicable` "
            "if the platform cannot have them"
            for group, statuses in STATE_GROUPS.items()
            if not statuses & seen and not statuses <= declared
        ]
        if missing:
            pytest.fail(f"{platform.name} in {self._folder()}:\n" + "\n".join(missing), pytrace=False)

    def test_case_parses_to_expected(self, case: RecordedCase) -> None:
        case = self._case(case)
        problems = check_case(self._platform(), case)
        if problems:
            pytest.fail(
                f"{case.path / 'expected.json'} does not match what the platform reads now:\n"
                + "\n".join(problems),
                pytrace=False,
            )

    def test_case_url_round_trips(self, case: RecordedCase) -> None:
        case, platform = self._case(case), self._platform()
        external_id = case.records[-1].external_id
        canonical = platform.canonical_url(external_id)
        if not platform.uses_extractors:  # those claim the hosts their extractors list in the config
            assert platform.claims(canonical), (
                f"{platform.name} does not claim its own canonical URL {canonical}"
            )
        again = platform.external_id(canonical)
        assert again == external_id, (
            f"canonical URL {canonical} gives external id {again!r}, not {external_id!r}"
        )

    def test_case_results_pickle(self, case: RecordedCase) -> None:
        case, platform = self._case(case), self._platform()
        outcome = replay(platform, case.records, case.records[-1].external_id)
        assert pickle.loads(pickle.dumps(outcome.result)) == outcome.result, "the parse result must pickle"
        for record in case.records:
            assert pickle.loads(pickle.dumps(record)) == record, (
                f"the response record of {record.url} must pickle"
            )

    def test_case_polls_end_to_end(self, case: RecordedCase, tmp_path: Path) -> None:
        from .testing_replay import poll_problem, replay_poll

        case, platform = self._case(case), self._platform()
        problem = poll_problem(platform, case)
        if problem:
            pytest.skip(f"not polled end to end: {problem}")
        polled = asyncio.run(replay_poll(platform, case, tmp_path))
        record = polled.record
        where = f"polling {case.name} through the fetcher and pipeline"
        if "error" in case.expected:
            assert record.health is Health.LAYOUT_CHANGED, (
                f"{where}: expected layout_changed health for a case expecting {case.expected['error']}, "
                f"got {record.health.value} ({record.health_reason})"
            )
            assert record.normalized is None and not polled.observations, f"{where}: a count was stored"
            return
        if record.normalized is None:
            pytest.fail(
                f"{where}: nothing read, health {record.health.value}: {record.health_reason}", pytrace=False
            )
        assert polled.observations, f"{where}: the poll read {record.normalized} but stored nothing"
        stored = polled.observations[0]
        for key, got, kept in (
            ("supporters", record.normalized.supporters, stored.supporters),
            ("status", record.normalized.status.value, stored.status),
        ):
            if key in case.expected:
                want = case.expected[key]
                assert got == want, f"{where}: {key}: expected {want!r}, got {got!r}"
                assert kept == want, f"{where}: stored {key}: expected {want!r}, got {kept!r}"
