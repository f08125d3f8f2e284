"""Action Network URLs: public petition pages (a slug) and OSDI API petitions (`api:<uuid>`)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aggregator_plugins.page_urls import RejectedURL, split_url

HOSTS: tuple[str, ...] = ("actionnetwork.org", "www.actionnetwork.org")
SITE = "https://actionnetwork.org"
EXAMPLE = f"{SITE}/petitions/<slug>"
API_EXAMPLE = f"{SITE}/api/v2/petitions/<id>"
#: the prefix that tells an API petition's id from a public page's slug
API_PREFIX = "api:"

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_OTHER_ACTIONS = {
    "forms": "a form",
    "letters": "a letter campaign",
    "events": "an event",
    "event_campaigns": "an event campaign",
    "fundraising": "a fundraising page",
    "advocacy_campaigns": "an advocacy campaign",
    "groups": "a group page",
    "campaigns": "a campaign page, which gathers several actions",
    "surveys": "a survey",
}


def id_from_url(url: str) -> str:
    """A public page's slug (`/petitions/<slug>`, `/petitions/<slug>/thankyou`, the embed widget
    `/widgets/v5/petition/<slug>?format=js`), or `api:<uuid>` for `/api/v2/petitions/<uuid>`
    (and its `/signatures`). Query strings (`?source=direct_link&`), fragments and trailing
    slashes are dropped. Raises `RejectedURL`."""
    host, segments = split_url(url)
    if host not in HOSTS:
        raise RejectedURL(f"an address on actionnetwork.org such as {EXAMPLE}")
    if segments[:1] == ["api"]:
        if len(segments) >= 4 and segments[2] == "petitions" and _UUID.fullmatch(segments[3]):
            return API_PREFIX + segments[3].lower()
        raise RejectedURL(f"one petition of the API, such as {API_EXAMPLE} (with the petition's id)")
    if segments[:1] == ["widgets"] and len(segments) >= 4 and segments[2] == "petition":
        segments = ["petitions", segments[3]]
    head = segments[0] if segments else ""
    if head in _OTHER_ACTIONS:
        raise RejectedURL(f"a petition such as {EXAMPLE}; this is {_OTHER_ACTIONS[head]}, not a petition")
    if head != "petitions" or len(segments) < 2 or not _SLUG.fullmatch(segments[1]):
        raise RejectedURL(f"a petition page such as {EXAMPLE}, or an API petition such as {API_EXAMPLE}")
    return segments[1]


def is_api_id(external_id: str) -> bool:
    return external_id.startswith(API_PREFIX)


def canonical_url(external_id: str) -> str:
    if is_api_id(external_id):
        return f"{SITE}/api/v2/petitions/{external_id.removeprefix(API_PREFIX)}"
    return f"{SITE}/petitions/{external_id}"


def is_api_url(url: str) -> bool:
    return [s for s in urlsplit(url).path.split("/") if s][:1] == ["api"]


def is_home_page(url: str) -> bool:
    return not [s for s in urlsplit(url).path.split("/") if s]
