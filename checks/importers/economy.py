"""The economy of a report: amounts with their signs, read as budget, outcome or deviation.

An amount is a figure in mnkr, mkr, mdkr, tkr or kronor (or in the unit its economy heading
gives), made tkr with the sign as written (`+`, `−`, `-9,3`, `minus`, `plus`); a dash and a space
before a figure is a list dash, never a minus. The words before an amount classify it: a budget,
an outcome or a prognosis (net figures only, never a result or a change), or a deviation
(underskott/överskott, avvikelse) with the sign its words imply. A run of figures without their
headers and a figure the text lost ("till mnkr") are notes, never values. `EconomyReader` is the
part of the report reader that does this; `economy_data` gives `budget_netto`/`utfall_netto`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, NamedTuple

from checks.loading import SourceMap

_UNIT = r"mnkr|mkr|mdkr|tkr|miljoner kronor|miljarder kronor|tusen kronor|kronor|kr"
_FACTOR = {"tkr": 1.0, "mnkr": 1e3, "mkr": 1e3, "mdkr": 1e6, "kronor": 1e-3, "kr": 1e-3}
_FACTOR |= {"tusen kronor": 1.0, "miljoner kronor": 1e3, "miljarder kronor": 1e6}
_AMOUNT = re.compile(
    r"(?P<sign>\bminus\s+|\bplus\s+|[+\u2212]\s?|(?<![\w-])[-–](?=\d))?"
    r"(?<![\d,])(?P<num>\d{1,3}(?: \d{3})+(?!\d)|\d+)(?:,(?P<dec>\d+))?"
    rf"(?:\s*(?P<unit>{_UNIT})\b)?(?!\s*(?:%|procent))",
    re.I,
)
_MISSING = re.compile(rf"(?<!\S)(?P<prev>[^\s\d]*[^\W\d])\s+(?P<unit>{_UNIT})\b", re.I)
NET = re.compile(r"\bnetto(?!invest)|\b(?:budget|utfall) netto", re.I)
_ROLE = re.compile(
    r"(?P<budget>(?:netto)?budget(?!avvik)\w*(?:\s+nettokostnad\w*)?)|"
    r"(?P<prognosis>(?:helårs)?prognos\w*)|(?P<outcome>nettokostnad\w*|utfall\w*)",
    re.I,
)
_DEVIATION = re.compile(r"(?P<w>över|under)skott|avvik\w*", re.I)
_NOT_LEVEL = re.compile(r"\bmed\b|\bök|\bminsk|lägre|högre|resultat|invest|intäkt|skatt", re.I)


def short(text: str) -> str:
    return text if len(text) <= 200 else text[:200].rstrip() + " …"


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”])", text) if s.strip()]


def rounded(value: float) -> float | int:
    return int(value) if value == int(value) else round(value, 3)


def _fmt(tkr: float) -> str:
    text = f"{abs(tkr):,.3f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")
    return ("-" if tkr < 0 else "") + text


class _Amount(NamedTuple):
    start: int
    end: int
    tkr: float  # without sign
    sign: int  # -1, +1, or 0 where none is written
    raw: str
    list_dash: bool  # "- 9,3 mnkr": a dash and a space before the figure


class EconomyReader:
    """The economy of the report reader: its state is set by the reader it is part of."""

    kind: str
    section: str
    unit: str  # the unit the section's heading gives, "" where none
    net: bool  # the section's heading says netto
    no_amount: int | None  # the line of a legend "- = Inget belopp"
    figures: defaultdict[str, list[tuple[float, int, str]]]

    def note(self, n: int, text: str) -> None:
        raise NotImplementedError

    def economy(self, n: int, text: str) -> None:
        for m in _MISSING.finditer(text):
            if m["prev"].lower() not in ("i", "miljoner", "miljarder", "tusen", "per"):
                self.note(n, f'beloppet saknas i texten ("{m[0]}"); inget värde läses')
        if re.search(r"\s[-–]\s*$", text) and _ROLE.search(text):
            why = f" enligt teckenförklaringen på rad {self.no_amount}" if self.no_amount else ""
            self.note(n, f'"{short(text)}": "-" är inget belopp{why}')
        for s in sentences(text):
            amounts, i, prev = self.amounts(s), 0, 0
            while i < len(amounts):
                j = i
                while j + 1 < len(amounts) and not s[amounts[j].end : amounts[j + 1].start].strip():
                    j += 1
                if j > i:  # a flattened table: the figures have lost their headers
                    run = " ".join(a.raw for a in amounts[i : j + 1])
                    self.note(n, f"{j - i + 1} belopp i följd utan egna rubriker ({run}); oparade")
                elif not re.match(r"\s*(?:lägre|högre|mer|mindre) än", s[amounts[i].end :]):
                    self.classify(n, amounts[i], s[prev : amounts[i].start][-70:], s)
                prev, i = amounts[j].end, j + 1

    def amounts(self, s: str) -> list[_Amount]:
        out = []
        for m in _AMOUNT.finditer(s):
            unit = (m["unit"] or self.unit).lower()
            year = re.fullmatch(r"(?:19|20)\d\d", m[0])
            counted = re.match(r"\s+[a-zåäö]", s[m.end() :])  # "3 månader", "30 april"
            if not unit or not m["unit"] and (self.section != "economy" or year or counted):
                continue  # a bare number is an amount only in an economy section with its unit
            number = float(m["num"].replace(" ", "") + "." + (m["dec"] or "0")) * _FACTOR[unit]
            written = (m["sign"] or "").strip().lower()
            sign = -1 if written in ("-", "–", "\u2212", "minus") else 1 if written else 0
            dash = not sign and bool(re.search(r"(?:^|\s)[-–]\s+$", s[: m.start()]))
            raw = m[0].strip() + ("" if m["unit"] else f" {unit}")
            out.append(_Amount(m.start(), m.end(), number, sign, raw, dash))
        return out

    def classify(self, n: int, a: _Amount, window: str, sentence: str) -> None:
        """An amount by the words before it: a deviation, a net figure, or nothing we read."""
        roles, devs = list(_ROLE.finditer(window)), list(_DEVIATION.finditer(window))
        role, dev = roles[-1] if roles else None, devs[-1] if devs else None
        if a.list_dash:
            self.note(n, f'"- {a.raw}": ett fristående tankstreck är inget minustecken; oläst')
        elif dev and "resultat" in window[: dev.start()].lower():
            return  # a result described as an underskott: not a deviation from the budget
        elif dev and (not role or dev.start() > role.start() or re.search(r"\bmot\b", window)):
            low, said = window.lower(), f"{window[dev.start() :].strip()} {a.raw}"
            minus = dev["w"] in ("under", "Under") or "negativ" in low
            implied = -1 if minus else int(dev["w"] in ("över", "Över") or "positiv" in low)
            if a.sign and implied and a.sign != implied:
                self.note(n, f'"{said}": ordet och tecknet säger emot varandra; oläst')
            elif a.sign or implied:
                self.figures["deviation"].append((a.tkr * (a.sign or implied), n, said))
        elif role and len(window) - role.end() <= 40:
            said = f"{window[role.start() :].strip()} {a.raw}"
            if _NOT_LEVEL.search(window[role.start() :]) or "resultat" in window.lower():
                return
            if not (self.net or NET.search(sentence)):
                self.note(n, f'"{short(said)}" anger inte netto och läses inte som nettobelopp')
                return
            kind = "prognosis" if any(r["prognosis"] for r in roles) else str(role.lastgroup)
            self.figures[kind].append((a.tkr * (a.sign or 1), n, said))

    def economy_data(self, smap: SourceMap) -> dict[str, Any]:
        out: dict[str, Any] = {}
        later = ["prognosis", "outcome"][:: 1 if self.kind == "tertialrapport" else -1]
        what = {"prognosis": "helårsprognosen", "outcome": "utfallet", "budget": "budgeten"}
        for key, roles in (("budget_netto", ["budget"]), ("utfall_netto", later)):
            if role := next((r for r in roles if self.figures.get(r)), None):
                value, n, said = self.figures[role][0]
                out[key], smap.lines[("ekonomi", key)] = rounded(value), n
                self.note(n, f'{key} {_fmt(value)} tkr ur "{short(said)}" ({what[role]})')
        budget, outcome = out.get("budget_netto"), out.get("utfall_netto")
        for deviation, n, said in self.figures["deviation"][:1]:
            if budget is None or outcome is None:
                said = f'avvikelsen {_fmt(deviation)} tkr ("{short(said)}")'
                self.note(n, f"{said}: budget och utfall netto står inte båda; inget räknas fram")
            else:
                agree = "stämmer" if abs(budget - outcome - deviation) <= 1 else "stämmer inte"
                self.note(n, f"avvikelsen {_fmt(deviation)} tkr {agree} med budget minus utfall")
        return out
