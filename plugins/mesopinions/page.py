"""What a Mesopinions page shows: JSON-LD counters, "19.898 signatures" (dot thousands), goal, status."""

from __future__ import annotations

import re

from aggregator_plugins.page_text import CountWords, StatusWords, TextSite, number

#: dot thousands ("19.898 signatures" on a French site), also spaces, NBSP and thin spaces
_NUMBER = number(r". ,\u00a0\u202f")
SITE = TextSite(
    name="Mesopinions",
    counts=CountWords(
        number=_NUMBER,
        words=r"(?:signatures|signataires|soutiens|personnes\s+ont\s+sign[ée])",
        # "1.204 sur 5.000 signatures": the count, then the goal
        of=r"\s*(?:sur|/)\s*",
        labels=r"signatures|signataires",
        goal_labels=r"\bobjectif\s*(?::|de)\s*(?:de\s+)?",
        goal_words=r"(?:à\s+atteindre|objectif)",
        goal_before=r"(?:\bsur|\bobjectif\s*:?(?:\s*de)?|\batteindre|\bbut\s*:?|/)\s*$",
        # "5.000 signatures à atteindre" (but not "1.204 signatures Objectif : 2.000")
        goal_after=r"\s+(?:à\s+atteindre\b|objectif\b(?!\s*:))",
    ),
    statuses=StatusWords(
        victory=re.compile(
            r"\bvictoire\s*!|\bpétition (?:gagnée|victorieuse)\b"
            r"|\bcette pétition a (?:gagné|obtenu gain de cause)\b",
            re.I,
        ),
        closed=re.compile(
            r"\b(?:cette )?pétition (?:est )?(?:fermée|close|clôturée|terminée)\b"
            r"|\bles signatures sont (?:closes|fermées)\b|\bn'accepte plus de signatures\b",
            re.I,
        ),
        signable="form[action*='sign'], form[id*='sign'], form[class*='sign']",
        victory_markup="[class*='victoire'], [class*='victory']",
        victory_word="victoire",
    ),
    title_suffix=re.compile(r"\s*[|·-]\s*Mes\s?opinions(?:\.com)?\s*$", re.I),
    title_prefix=re.compile(r"^\s*(?:Pétition|Petition)\s*[:·|-]\s*", re.I),
    not_titles=("mesopinions", "pétition", "petition"),
    elsewhere="other petitions",
)
