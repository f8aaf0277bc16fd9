"""Numbers, amounts, percentages, dates and lists as a Swedish (or English) reader writes them:
"1 234 tkr", "12 %", "3 december 2026", "a, b och c". A space that groups digits or binds a
number to its unit is a no-break space, so a line never breaks inside an amount."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NBSP = "\u00a0"
MONTHS_SV = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


def local_zone() -> ZoneInfo | None:
    """Swedish time, where the system has the zone database."""
    try:
        return ZoneInfo("Europe/Stockholm")
    except ZoneInfoNotFoundError:  # pragma: no cover - Debian and the wheels ship it
        return None


def local(value: datetime) -> datetime:
    """A stored time (UTC; SQLite drops the zone) as Swedish wall-clock time, without a zone:
    what a spreadsheet cell holds."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    zone = local_zone()
    return (aware.astimezone(zone) if zone else aware.astimezone(UTC)).replace(tzinfo=None)


def number(value: float, decimals: int = 0, lang: str = "sv") -> str:
    """Digits grouped by thousands: "1 234" and "5,2" in Swedish, "1,234" and "5.2" in English."""
    text = f"{value:,.{decimals}f}"
    if lang != "sv":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", NBSP).replace("-", "−")


def tkr(value: float, lang: str = "sv") -> str:
    """An amount in thousands of kronor: "1 234 tkr"."""
    return f"{number(value, 0, lang)}{NBSP}tkr"


def signed_tkr(value: float, lang: str = "sv") -> str:
    """A deviation with its sign: "+1 700 tkr", "−300 tkr"."""
    return ("+" if value > 0 else "") + tkr(value, lang)


def percent(value: float, lang: str = "sv", decimals: int = 0) -> str:
    """A percentage: "12 %" in Swedish (with a space, as the language council writes it),
    "12%" in English."""
    return f"{number(value, decimals, lang)}{NBSP if lang == 'sv' else ''}%"


def share(part: int, whole: int, lang: str = "sv") -> str:
    """What share a part is of a whole, rounded: "86 %"; nothing when the whole is zero."""
    return percent(100 * part / whole, lang) if whole else ""


def long_date(value: date, lang: str = "sv") -> str:
    """ "3 december 2026" / "3 December 2026"."""
    months = MONTHS_SV if lang == "sv" else MONTHS_EN
    return f"{value.day} {months[value.month - 1]} {value.year}"


def short_date(value: date) -> str:
    """ISO 8601, as Swedish dates are written in tables: 2026-12-03."""
    return value.isoformat()


def listing(items: Sequence[str], lang: str = "sv") -> str:
    """ "a, b och c" / "a, b and c"."""
    word = "och" if lang == "sv" else "and"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def plural(n: int, one: str, many: str) -> str:
    """The count with the right form of the noun: "1 enhet", "3 enheter"."""
    return f"{number(n)}{NBSP}{one if n == 1 else many}"
