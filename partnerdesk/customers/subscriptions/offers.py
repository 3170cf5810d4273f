"""Which catalog service a subscription gives, from its offer name, when the vendor does not
say. Pure: the rules are ordered, the first that matches wins; no match means no service."""

from __future__ import annotations

import re

# (pattern on the case-folded offer name, service code); more specific rules first.
OFFER_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), code)
    for pattern, code in (
        (r"\b(entra|azure active directory|azure ad)\b", "entra-id"),
        (r"\bazure\b", "azure"),
        (r"\b(dynamics|crm online|power apps|power automate)\b", "dynamics-365"),
        (r"\bexchange online\b|\bexchange\b", "exchange-online"),
        (r"\bsharepoint\b", "sharepoint-online"),
        (r"\bonedrive\b", "onedrive"),
        (r"\bteams\b", "teams"),
        (r"\bintune\b", "intune"),
        (r"\benterprise mobility|\bems\b", "ems"),
        (r"\b(microsoft|office) 365 apps\b|\bapps for (business|enterprise)\b", "m365-apps"),
        (r"\boffice 365\b", "office-365"),
        (r"\bmicrosoft 365\b|\bm365\b", "m365"),
        (r"\b(windows server|sql server|system center|on-premises)\b", "on-premises"),
    )
)

# Suites sold without Teams ("Microsoft 365 E3 (no Teams)") are still the suite.
_NO_TEAMS = re.compile(r"\(?\s*(no|without) teams\s*\)?")


def service_for_offer(offer_name: str, *, known: frozenset[str] | None = None) -> str:
    """The catalog code an offer gives ("" when none matches). `known` limits the answer to
    codes the workspace's catalog has ("" when the matched one is not there).

    >>> service_for_offer("Microsoft 365 Business Premium")
    'm365'
    >>> service_for_offer("Exchange Online (Plan 1)")
    'exchange-online'
    """
    text = " ".join(_NO_TEAMS.sub(" ", offer_name.casefold()).split())
    if not text:
        return ""
    for pattern, code in OFFER_RULES:
        if pattern.search(text):
            return code if known is None or code in known else ""
    return ""
