"""Conformance over the real saved responses in ../shared/corpus, for the platforms that exist."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aggregator.cases import replay
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.records import ResponseRecord

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(
    not (CORPUS / "MANIFEST.tsv").is_file(), reason="../shared/corpus not available"
)
REGISTRY = PlatformRegistry.from_plugins(make_plugin_manager())


def _rows() -> list[dict[str, str]]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [r for r in rows if r["use"] == "conformance" and r["platform"] in REGISTRY.names()]


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["file"])
def test_corpus_row_parses_to_manifest_values(row):
    platform = REGISTRY.get(row["platform"])
    external_id = platform.external_id(row["parse_url"])
    record = ResponseRecord(
        url=row["parse_url"],
        final_url=row["parse_url"],
        status=int(row["http_status"] or 200),
        headers={},
        body=(CORPUS / row["file"]).read_bytes(),
        external_id=external_id,
    )
    got = replay(platform, [record], external_id).as_json()
    want = int(row["expected_count"]) if row["expected_count"] else None
    assert got.get("supporters") == want
    assert got.get("status") == row["canonical_status"]
    if row["expected_title"] and not row["expected_title"].endswith(")"):
        assert got.get("title") == row["expected_title"].strip()


def test_every_existing_platform_row_is_covered():
    assert _rows(), "the manifest has conformance rows for uk-parliament"
