"""What a GoPetition page shows: JSON-LD counters, the "N signatures" text, goal, title and status words."""

from __future__ import annotations

import re

from aggregator_plugins.page_text import ENGLISH_TITLE_PREFIX, CountWords, StatusWords, TextSite, number

SITE = TextSite(
    name="GoPetition",
    counts=CountWords.english(number(r",.\u00a0\u202f")),
    statuses=StatusWords.english(
        "form[action*='sign'], form[id*='sign'], form[class*='sign'], a[href$='/sign.html']"
    ),
    title_suffix=re.compile(r"\s*[|·-]\s*GoPetition(?:\.com)?\s*$", re.I),
    title_prefix=ENGLISH_TITLE_PREFIX,
    not_titles=("gopetition", "petition"),
)
