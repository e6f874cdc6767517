"""Emergency, urgent-care and crisis numbers by country (spec §0.4). Never hard-coded in text.

The catalogue holds the words; this table holds only which service each country uses, by
catalogue key, so another language translates the service names too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Services:
    """Catalogue keys for a country's emergency, urgent-care and crisis lines."""

    code: str
    emergency: str
    urgent: str
    crisis: str


COUNTRIES: dict[str, Services] = {
    "GB": Services("GB", "service.gb.emergency", "service.gb.urgent", "service.gb.crisis"),
    "EU": Services("EU", "service.eu.emergency", "service.eu.urgent", "service.eu.crisis"),
    "US": Services("US", "service.na.emergency", "service.na.urgent", "service.na.crisis"),
    "CA": Services("CA", "service.na.emergency", "service.na.urgent", "service.na.crisis"),
}

FALLBACK = Services(
    "OTHER", "service.other.emergency", "service.other.urgent", "service.other.crisis"
)
"""Unknown country: "your local emergency number (999 in the UK, 112 in the EU, 911 ...)"."""


def services_for(country: str | None) -> Services:
    return COUNTRIES.get(country or "", FALLBACK)
