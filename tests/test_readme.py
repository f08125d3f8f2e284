"""The README stays true: its table of platforms is the registry's."""

from __future__ import annotations

from pathlib import Path

from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.views import platforms_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_platform_table_matches_the_registry():
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- platforms:start -->\n", "<!-- platforms:end -->"
    assert start in text and end in text, "README.md lacks the platforms table markers"
    table = text.split(start, 1)[1].split(end, 1)[0]
    expected = platforms_markdown(PlatformRegistry.from_plugins(make_plugin_manager()), bundled_only=True)
    assert table == expected, "README's platform table is stale: paste `petitions plugins --markdown` in it"
