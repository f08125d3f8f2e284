"""The contract every platform plugin honours, run through the testing kit over every loaded platform."""

from __future__ import annotations

import pytest

from aggregator.cases import RecordedCase
from aggregator.platform import url_host
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.testing import PlatformContract

REGISTRY = PlatformRegistry.from_plugins(make_plugin_manager())


class BundledPlatformContract(PlatformContract):
    """The kit's contract plus what only holds among the loaded platforms."""

    def test_registry_sends_the_canonical_url_here(self, case: RecordedCase) -> None:
        case, platform = self._case(case), self._platform()
        canonical = platform.canonical_url(case.records[-1].external_id)
        if platform.uses_extractors:  # they get the hosts their extractors list in the config
            host_map = {url_host(canonical): platform.name}
            mapped = PlatformRegistry.from_plugins(make_plugin_manager(), host_map)
            assert mapped.for_url(canonical).name == platform.name
            return
        assert REGISTRY.for_url(canonical) is platform


def _class_name(platform_name: str) -> str:
    return "Test_" + platform_name.replace("-", "_")


# One test class per loaded platform, so a new platform enrols without touching this file.
for _entry in REGISTRY.entries():
    _name = _class_name(_entry.platform.name)
    globals()[_name] = type(_name, (BundledPlatformContract,), {"platform": _entry.platform})


def test_bundled_platforms_are_loaded():
    assert {"uk-parliament", "change-org", "we-the-people"} <= set(REGISTRY.names())


@pytest.mark.parametrize("name", REGISTRY.names())
def test_every_loaded_platform_runs_the_contract(name):
    cls = globals()[_class_name(name)]
    assert issubclass(cls, PlatformContract)
    assert cls.platform is REGISTRY.get(name)
