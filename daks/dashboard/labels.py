"""Dutch and English words for the server-drawn chart. The pages' own labels live in
`static/i18n.js`, next to the scripts that use them."""

from __future__ import annotations

from datetime import datetime

from daks.dashboard import UnknownLanguage

LANGUAGES = ("nl", "en")

METRICS: dict[str, dict[str, str]] = {
    "nl": {
        "pedestrians": "voetgangers",
        "bicycles": "fietsers",
        "cars": "auto's",
        "heavy_vehicles": "zwaar verkeer",
        "v85_kmh": "snelheid v85 (km/u)",
        "presence": "aanwezigen",
        "shop_entries": "binnenstappers",
        "transactions": "transacties",
        "unique_buyers": "unieke kopers",
        "spend_eur": "bestedingen (EUR)",
    },
    "en": {
        "pedestrians": "pedestrians",
        "bicycles": "cyclists",
        "cars": "cars",
        "heavy_vehicles": "heavy vehicles",
        "v85_kmh": "speed v85 (km/h)",
        "presence": "people present",
        "shop_entries": "shop entries",
        "transactions": "transactions",
        "unique_buyers": "unique buyers",
        "spend_eur": "spending (EUR)",
    },
}

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "per_hour": "per uur",
        "per_day": "per dag",
        "per_week": "per week",
        "per_month": "per maand",
        "suppressed": "afgeschermd (minder dan de drempel, niet gepubliceerd)",
        "gap": "geen gegevens (gat in de meting)",
        "incomplete": "onvolledig gemeten",
        "release": "release",
        "policy": "beleid",
        "method": "methode",
        "coverage": "dekking",
        "synthetic": "SYNTHETISCHE DEMOGEGEVENS, niet gemeten",
        "no_data": "Geen gepubliceerde cellen in deze periode.",
        "summary": "{metric} {per} in {place}, {first} tot {last}:"
        " {count} waarden, laagste {low}, hoogste {high}, totaal {total}.",
        "summary_hidden": " {suppressed} afgeschermd en {gaps} zonder gegevens, als gaten"
        " getoond, niet als nul.",
        "source": "Bron: daks, release {release}, beleid {policy}. Methoden in de gemeente: {methods}.",
        "unknown_method": "onbekend",
        "estimates": "Sensortellingen zijn schattingen: ze tonen trends, geen exacte aantallen.",
    },
    "en": {
        "per_hour": "per hour",
        "per_day": "per day",
        "per_week": "per week",
        "per_month": "per month",
        "suppressed": "suppressed (below the threshold, not published)",
        "gap": "no data (coverage gap)",
        "incomplete": "incomplete coverage",
        "release": "release",
        "policy": "policy",
        "method": "method",
        "coverage": "coverage",
        "synthetic": "SYNTHETIC DEMO DATA, not measured",
        "no_data": "No published cells in this period.",
        "summary": "{metric} {per} at {place}, {first} to {last}:"
        " {count} values, lowest {low}, highest {high}, total {total}.",
        "summary_hidden": " {suppressed} suppressed and {gaps} without data, drawn as gaps,"
        " not as zero.",
        "source": "Source: daks, release {release}, policy {policy}. Methods in the town: {methods}.",
        "unknown_method": "unknown",
        "estimates": "Sensor counts are estimates: they show trends, not exact totals.",
    },
}

MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def check(lang: str) -> str:
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"labels exist in {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def number(value: float, lang: str) -> str:
    """A count with the thousands separator of the language (Dutch 1.234, English 1,234)."""
    text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"
    if lang == "nl":
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def day(moment: datetime, lang: str) -> str:
    return f"{moment.day} {MONTHS[lang][moment.month - 1]} {moment.year}"


def short_day(moment: datetime, lang: str) -> str:
    return f"{moment.day} {MONTHS[lang][moment.month - 1]}"


def month(moment: datetime, lang: str) -> str:
    return f"{MONTHS[lang][moment.month - 1]} {moment.year}"
