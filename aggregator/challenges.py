"""Recognise bot-challenge and block pages (Cloudflare, DataDome, PerimeterX, Incapsula, Akamai, captchas)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: statuses with which block pages are served; weak markers only count with one of these
BLOCKING_STATUSES = frozenset({401, 403, 405, 406, 429, 503})
#: only the start of a body is scanned: challenge pages are small, petition pages may be large
SCAN_BYTES = 256 * 1024

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Signature:
    """One way a vendor's challenge shows itself. Every condition given must hold.

    Strings are matched case-insensitively as substrings.
    """

    vendor: str
    evidence: str
    #: a response header that must be present, and a substring its value must contain
    header: str | None = None
    header_value: str = ""
    #: substrings that must all appear in the body
    body: tuple[str, ...] = ()
    #: a substring that must appear in the page's <title>
    title: str | None = None
    #: only at these statuses (None: any status, a challenge served with 200 included)
    statuses: frozenset[int] | None = None
    #: only when the body is at most this long (interstitials are tiny; real pages embed the same script)
    max_body: int | None = None


SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "Cloudflare", "cf-mitigated: challenge header", header="cf-mitigated", header_value="challenge"
    ),
    Signature("Cloudflare", '"Just a moment..." interstitial', title="just a moment"),
    Signature(
        "Cloudflare",
        '"Attention Required! | Cloudflare" block page',
        body=("attention required! | cloudflare",),
    ),
    Signature("Cloudflare", "challenge-platform page", body=("/cdn-cgi/challenge-platform/h/",)),
    Signature(
        "Cloudflare",
        "challenge-platform page",
        body=("/cdn-cgi/challenge-platform",),
        statuses=BLOCKING_STATUSES,
    ),
    Signature(
        "Vercel",
        "x-vercel-mitigated: challenge header",
        header="x-vercel-mitigated",
        header_value="challenge",
    ),
    Signature("Vercel", '"Vercel Security Checkpoint" page', title="vercel security checkpoint"),
    Signature("DataDome", "captcha-delivery.com page", body=("captcha-delivery.com",)),
    Signature(
        "DataDome", "redirect to captcha-delivery.com", header="location", header_value="captcha-delivery.com"
    ),
    Signature("DataDome", "x-datadome header", header="x-datadome", statuses=BLOCKING_STATUSES),
    Signature("PerimeterX", "px-captcha page", body=("px-captcha",)),
    Signature("PerimeterX", "_pxCaptcha page", body=("_pxcaptcha",)),
    Signature("Incapsula", "incident page", body=("incapsula incident id",)),
    Signature("Incapsula", "_Incapsula_Resource interstitial", body=("_incapsula_resource",), max_body=8192),
    Signature(
        "Incapsula", "_Incapsula_Resource page", body=("_incapsula_resource",), statuses=BLOCKING_STATUSES
    ),
    Signature(
        "Akamai", '"Access Denied" page with a "Reference #"', title="access denied", body=("reference #",)
    ),
    Signature(
        "Akamai",
        '"Access Denied" page with a "Reference #"',
        title="access denied",
        body=("reference&#32;&#35;",),
    ),
    Signature("captcha", "captcha page", title="captcha"),
    Signature("captcha", '"are you a robot" page', title="are you a robot"),
    Signature("captcha", '"verify you are human" page', title="verify you are human"),
    Signature("captcha", "human verification page", title="human verification"),
    Signature("captcha", "captcha in a refusal", body=("captcha",), statuses=BLOCKING_STATUSES),
)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _matches(
    sig: Signature, status: int, headers: Mapping[str, str], text: bytes, title: bytes, size: int
) -> bool:
    if sig.statuses is not None and status not in sig.statuses:
        return False
    if sig.max_body is not None and size > sig.max_body:
        return False
    if sig.header is not None:
        value = _header(headers, sig.header)
        if value is None or sig.header_value not in value.lower():
            return False
    if sig.title is not None and sig.title.encode() not in title:
        return False
    return all(marker.encode() in text for marker in sig.body)


def detect_challenge(status: int, headers: Mapping[str, str], body: bytes) -> str | None:
    """A short reason (`"Cloudflare: cf-mitigated: challenge header"`) when the response is a bot
    challenge or block page, else None."""
    text = body[:SCAN_BYTES].lower()
    found = _TITLE.search(text)
    title = found.group(1).strip() if found else b""
    for sig in SIGNATURES:
        if _matches(sig, status, headers, text, title, len(body)):
            return f"{sig.vendor}: {sig.evidence}"
    return None


def challenge_vendor(reason: str) -> str:
    """The vendor part of a reason returned by `detect_challenge`."""
    return reason.split(":", 1)[0]
