"""What an iPetitions page shows: JSON-LD counters, "N signatures" (space thousands), goal, status."""

from __future__ import annotations

import re

from aggregator_plugins.page_text import (
    ENGLISH_TITLE_PREFIX,
    NOT_THIS_PETITION,
    CountWords,
    StatusWords,
    TextSite,
    number,
)

#: the site-wide "Live signatures" total of the home page: never a petition's count
SITE_TOTAL = "#signaturesTotal"
SITE = TextSite(
    name="iPetitions",
    # space thousands ("36 967 717" on the home page), also commas, dots, NBSP and thin spaces
    counts=CountWords.english(number(r" ,.\u00a0\u202f")),
    statuses=StatusWords.english(
        "form[action*='sign'], form[id*='sign'], form[class*='sign'], a[href$='/sign']"
    ),
    title_suffix=re.compile(r"\s*[|·-]\s*iPetitions(?:\.com)?\s*$", re.I),
    title_prefix=ENGLISH_TITLE_PREFIX,
    not_titles=("ipetitions", "petition"),
    not_this_petition=NOT_THIS_PETITION + ", [id*='signaturesTotal'], [class*='signatures-total']",
    elsewhere=f"the site total {SITE_TOTAL}",
)
