"""The petition-aggregator platform contract, run over every recorded case of example-site."""

from aggregator.testing import PlatformContract

from petition_aggregator_example_site import ExampleSite


class TestExampleSite(PlatformContract):
    platform = ExampleSite()
