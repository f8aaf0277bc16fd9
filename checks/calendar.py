"""The steering calendar (styrkalender): when the decisions of an operating year are due.

Written once as days of the year, not per year: the catalogue's default (`rules/kalender/
standard.yaml`, the yearly wheel of seed 000) and an organisation's `styrkalender` in its
configuration use the same Swedish form, and the calendar of any year is generated from it:

    styrkalender:
      verksamhetsplan: {från: 1 december året före, till: 31 januari}
      tertialrapport_1: {från: 1 maj, till: 31 maj}
      årsrapport: {från: 1 januari året efter, till: sista februari året efter}

A day is `<dag> <månad>`, optionally `året före` or `året efter` the operating year; `sista`
is the month's last day (28 or 29 February). `händelse` names the decision; `{år}`,
`{året_före}` and `{året_efter}` in it become the years. The windows are facts (see
`checks.facts`); rule P6 judges a decision against them.
"""

from __future__ import annotations

import calendar as _days
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from checks.loading import InputError

# the decisions the calendar has a window for (the `Concerns` of a memo, except "annat")
DECISIONS = ("verksamhetsplan", "tertialrapport_1", "tertialrapport_2", "årsrapport")
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_OFFSETS = {"året före": -1, "": 0, "året efter": 1}
_DAY = re.compile(
    r"^(?:den )?(?P<day>\d{1,2}|sista) (?P<month>[a-zåäö]+)(?: (?P<year>året före|året efter))?$"
)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
PLACEHOLDERS = ("{år}", "{året_före}", "{året_efter}")
# the event named when an organisation moves a window and does not name it
GENERIC_EVENTS = {
    "verksamhetsplan": "Beslut om verksamhetsplan {år}",
    "tertialrapport_1": "Beslut om tertialrapport 1 {år}",
    "tertialrapport_2": "Beslut om tertialrapport 2 {år}",
    "årsrapport": "Beslut om verksamhetsberättelse {år}",
}
FORM_SV = '"1 december", "sista februari" eller "1 januari året efter"'
FORM_EN = '"1 december", "sista februari" or "1 januari året efter"'

Fail = Callable[[tuple[str | int, ...], str, str], InputError]


@dataclass(frozen=True)
class Day:
    """A day of the operating year: `day` of `month` (0 = the month's last), `offset` years off."""

    day: int
    month: int
    offset: int = 0

    def of(self, year: int) -> date:
        y = year + self.offset
        last = _days.monthrange(y, self.month)[1]
        return date(y, self.month, last if self.day == 0 else self.day)

    def text(self, lang: str = "sv") -> str:
        if lang != "sv":
            month = MONTHS_EN[self.month - 1]
            day = f"last day of {month}" if self.day == 0 else f"{self.day} {month}"
            return day + {-1: " the year before", 0: "", 1: " the year after"}[self.offset]
        day = "sista" if self.day == 0 else str(self.day)
        after = {-1: " året före", 0: "", 1: " året efter"}[self.offset]
        return f"{day} {MONTHS[self.month - 1]}{after}"

    def key(self) -> tuple[int, int, int]:
        return (self.offset, self.month, 32 if self.day == 0 else self.day)


@dataclass(frozen=True)
class WindowRule:
    """When one kind of decision is due, as days of the operating year."""

    concerns: str
    start: Day
    end: Day
    event: str

    def text(self, lang: str = "sv") -> str:
        return f"{self.start.text(lang)}–{self.end.text(lang)}"


@dataclass(frozen=True)
class Window:
    """A period of one year's steering calendar in which a kind of decision is due."""

    concerns: str
    event: str
    start: date
    end: date


@dataclass(frozen=True)
class Calendar:
    """The steering calendar of one operating year."""

    year: int
    source: str
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class CalendarSpec:
    """The steering calendar as days of the year: every year's calendar comes from it."""

    source: str
    windows: tuple[WindowRule, ...]

    def for_year(self, year: int) -> Calendar:
        windows = tuple(
            Window(w.concerns, _event(w.event, year), w.start.of(year), w.end.of(year))
            for w in self.windows
        )
        return Calendar(year, self.source, windows)

    def window(self, concerns: str) -> WindowRule | None:
        return next((w for w in self.windows if w.concerns == concerns), None)

    def as_dict(self, year: int) -> dict[str, Any]:
        """The calendar of one year as plain data, with the days each window was made from."""
        rules = {w.concerns: w.text() for w in self.windows}
        return {
            "source": self.source,
            "year": year,
            "windows": [
                {
                    "concerns": w.concerns,
                    "event": w.event,
                    "from": w.start.isoformat(),
                    "to": w.end.isoformat(),
                    "days": rules[w.concerns],
                }
                for w in self.for_year(year).windows
            ],
        }

    def canonical(self) -> dict[str, Any]:
        """What the content hash covers: every window's days and event, and the source."""
        return {
            "source": self.source,
            "windows": [
                {
                    "concerns": w.concerns,
                    "start": w.start.key(),
                    "end": w.end.key(),
                    "event": w.event,
                }
                for w in self.windows
            ],
        }


def _event(template: str, year: int) -> str:
    return (
        template.replace("{år}", str(year))
        .replace("{året_före}", str(year - 1))
        .replace("{året_efter}", str(year + 1))
    )


# --- the file form ----------------------------------------------------------------------------


class WindowFile(BaseModel):
    """One decision's period as written: `från`, `till`, `händelse`."""

    model_config = ConfigDict(extra="forbid")

    start: object = Field(default=None, alias="från")
    end: object = Field(default=None, alias="till")
    event: str | None = Field(default=None, alias="händelse", min_length=1, max_length=300)


class CalendarFile(BaseModel):
    """A steering calendar as written: the catalogue's default, or an organisation's changes."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(default=None, alias="källa", min_length=1, max_length=300)
    plan: WindowFile | None = Field(default=None, alias="verksamhetsplan")
    report_1: WindowFile | None = Field(default=None, alias="tertialrapport_1")
    report_2: WindowFile | None = Field(default=None, alias="tertialrapport_2")
    annual: WindowFile | None = Field(default=None, alias="årsrapport")

    def written(self) -> dict[str, WindowFile | None]:
        windows = (self.plan, self.report_1, self.report_2, self.annual)
        return dict(zip(DECISIONS, windows, strict=True))


def parse_day(value: object, at: tuple[str | int, ...], fail: Fail) -> Day:
    """`1 december året före`, `sista februari året efter`, `31 maj` → a `Day`."""
    if not isinstance(value, str):
        raise fail(at, f"skriv dagen som {FORM_SV}", f"write the day as {FORM_EN}")
    m = _DAY.match(" ".join(value.lower().split()))
    if m is None or m["month"] not in MONTHS:
        raise fail(
            at,
            f'"{value}" är ingen dag i styrkalendern; skriv den som {FORM_SV}',
            f'"{value}" is not a day of the steering calendar; write it as {FORM_EN}',
        )
    month = MONTHS.index(m["month"]) + 1
    day = 0 if m["day"] == "sista" else int(m["day"])
    longest = _days.monthrange(2001, month)[1]  # a common year: 29 February is not every year's
    if not 0 <= day <= longest:
        hint_sv = '; skriv "sista februari"' if month == 2 else ""
        hint_en = '; write "sista februari"' if month == 2 else ""
        raise fail(
            at,
            f"{m['month']} har inte {day} dagar varje år{hint_sv}",
            f"{MONTHS_EN[month - 1]} does not have {day} days every year{hint_en}",
        )
    return Day(day, month, _OFFSETS[m["year"] or ""])


def read_calendar(
    written: CalendarFile, base: CalendarSpec | None, fail: Fail, source: str = ""
) -> CalendarSpec:
    """A calendar from its file form. With `base` (the catalogue's) the file changes only what it
    names; without, it must name every decision's `från`, `till` and `händelse`."""
    windows: list[WindowRule] = []
    for concerns, window in written.written().items():
        old = base.window(concerns) if base is not None else None
        if window is None:
            if old is None:
                raise fail((concerns,), "fältet saknas", "the field is missing")
            windows.append(old)
            continue
        days: list[Day] = []
        for key, value in (("från", window.start), ("till", window.end)):
            if value is not None:
                days.append(parse_day(value, (concerns, key), fail))
            elif old is not None:
                days.append(old.start if key == "från" else old.end)
            else:
                raise fail((concerns, key), "fältet saknas", "the field is missing")
        start, end = days
        if end.key() < start.key():
            raise fail(
                (concerns, "till"),
                f"{end.text()} är före {start.text()} (från)",
                f"{end.text('en')} is before {start.text('en')} (från)",
            )
        event = window.event
        if event is None:
            moved = old is None or (start, end) != (old.start, old.end)
            event = GENERIC_EVENTS[concerns] if moved or old is None else old.event
        for placeholder in _PLACEHOLDER.findall(event):
            if placeholder not in PLACEHOLDERS:
                known = ", ".join(PLACEHOLDERS)
                raise fail(
                    (concerns, "händelse"),
                    f"okänd platshållare {placeholder} (kända: {known})",
                    f"unknown placeholder {placeholder} (known: {known})",
                )
        windows.append(WindowRule(concerns, start, end, " ".join(event.split())))
    if written.source is not None:
        source = written.source
    elif base is not None:
        source = base.source
    if not source:
        raise fail(("källa",), "fältet saknas", "the field is missing")
    return CalendarSpec(source, tuple(windows))


def changes(spec: CalendarSpec, default: CalendarSpec, lang: str = "sv") -> list[str]:
    """One line per window an organisation changed: its days (and the default's), its event."""
    sv = lang == "sv"
    out: list[str] = []
    for window in spec.windows:
        old = default.window(window.concerns)
        if old == window:
            continue
        label = "Styrkalender" if sv else "Steering calendar"
        line = f"{label}, {window.concerns.replace('_', ' ')}: {window.text(lang)}"
        if old is not None and (window.start, window.end) != (old.start, old.end):
            line += f" ({'standard' if sv else 'default'} {old.text(lang)})"
        if old is None or window.event != old.event:
            line += f', {"händelse" if sv else "event"} "{window.event}"'
        out.append(line)
    return out
