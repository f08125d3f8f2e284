"""Helpers the bundled platforms' tests share: responses built from a body, replayed results, outcomes."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from aggregator import Outcome, ParseResult, Platform, ResponseRecord, UnsupportedURL
from aggregator.cases import RecordedCase, replay


def json_record(
    body: Any,
    *,
    url: str,
    pid: str,
    final_url: str | None = None,
    status: int = 200,
    purpose: str = "petition",
    headers: Mapping[str, str] | None = None,
    state: Mapping[str, Any] | None = None,
) -> ResponseRecord:
    """A response to `url` for petition `pid` whose body is `body`, JSON-encoded unless already bytes."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return ResponseRecord(
        url=url,
        final_url=final_url or url,
        status=status,
        headers=headers or {},
        body=raw,
        external_id=pid,
        state=state or {},
        purpose=purpose,
    )


#: the headers of a UTF-8 HTML page
HTML_HEADERS = {"content-type": "text/html; charset=utf-8"}


def html_record(
    html: str | bytes,
    *,
    url: str,
    pid: str,
    status: int = 200,
    final_url: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> ResponseRecord:
    """A response to `url` for petition `pid` carrying `html` (encoded as UTF-8 unless bytes already)."""
    body = html.encode("utf-8") if isinstance(html, str) else html
    return ResponseRecord(url, final_url or url, status, dict(headers or {}), body, pid)


def page_record(platform: Platform, html: str | bytes, url: str, **kwargs: Any) -> ResponseRecord:
    """A UTF-8 HTML response to `url` for the petition `platform` finds in it (`headers` may differ)."""
    kwargs.setdefault("headers", HTML_HEADERS)
    return html_record(html, url=url, pid=platform.external_id(url), **kwargs)


def replayed(platform: Platform, record: ResponseRecord) -> dict[str, Any]:
    """The normalised JSON of one response replayed through `platform`."""
    return replay(platform, [record], record.external_id).as_json()


class PetitionPage:
    """One petition page of a platform: responses carrying an HTML body, and their replayed results."""

    def __init__(self, platform: Platform, url: str, pid: str) -> None:
        self.platform, self.url, self.pid = platform, url, pid

    def record(self, html: str, **kwargs: Any) -> ResponseRecord:
        """A response for the page carrying `html` (`status`, `final_url` as `html_record` takes them)."""
        return html_record(html, url=self.url, pid=self.pid, **kwargs)

    def normalized(self, html: str, **kwargs: Any) -> dict[str, Any]:
        """The normalised JSON of that response replayed through the platform."""
        return replayed(self.platform, self.record(html, **kwargs))


def by_kind(result: ParseResult) -> dict[str, Outcome]:
    """A result's outcomes by kind."""
    return {o.kind: o for o in result.outcomes}


def refusal(platform: Platform, url: str) -> str:
    """The message of the `UnsupportedURL` that `platform.external_id(url)` must raise."""
    with pytest.raises(UnsupportedURL) as caught:
        platform.external_id(url)
    return str(caught.value)


def assert_cases_pickle(platform: Platform, cases: Iterable[RecordedCase]) -> None:
    """Every recorded case replays through `platform`, and its result survives pickling."""
    for case in cases:
        outcome = replay(platform, case.records, case.records[-1].external_id)
        assert pickle.loads(pickle.dumps(outcome.result)) == outcome.result
