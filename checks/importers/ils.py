"""The ILS-webb operating-plan export (as text) → a `verksamhetsplan` document.

The export is a sequence of headings the planning system always writes (KF:s INRIKTNINGSMÅL N:,
KF:s MÅL FÖR VERKSAMHETSOMRÅDET:, the KF indicator table, NÄMNDMÅL:, Nämndens aktiviteter,
ÅTAGANDE: with its five sections, Enhetens aktiviteter, the budget table) with text wrapped over
lines and pages. The parser is a line-by-line state machine: each heading opens a place, and every
following line is placed there until the next heading. Page furniture is dropped; every other line
is either placed or listed as not placed, with its line number.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from checks.importers import Imported, ImportReport
from checks.importers.text import Line, join_lines
from checks.loading import InputError, SourceMap
from checks.model import Path

FURNITURE = re.compile(
    r"^(SID \d+ \(\d+\)|Sida \d+( av \d+)?|Verksamhetsplan Enhet|Box \d+,.*|Telefon \d.*|"
    r"\S+@stockholm\.se.*|TJÄNSTEUTLÅTANDE|DNR [\d.-]+)$"
)
SG = re.compile(r"^KF:s INRIKTNINGSMÅL (\d+):?$")
CG = re.compile(r"^KF:s MÅL FÖR VERKSAMHETSOMRÅDET:?$")
KF_TABLE = re.compile(r"^KF:s indikatorer\s+Årsmål\s+KF:s årsmål\s+Periodicitet$")
BG = re.compile(r"^NÄMNDMÅL:?$")
COM = re.compile(r"^ÅTAGANDE:?$")
ACTS = re.compile(r"^(Nämndens|Enhetens) aktiviteter\s+Startdatum\s+Slutdatum$")
SECTIONS = {
    "Förväntat resultat": "förväntat_resultat",
    "Arbetssätt": "arbetssätt",
    "Resursanvändning": "resursanvändning",
    "Uppföljning": "uppföljning",
    "Utveckling": "utveckling",
}
INTRO = {
    "Inledning": "inledning",
    "Personal": "personal",
    "Budget": "budget",
    "Viktiga frågor": "viktiga_frågor",
}
BUDGET_TABLE = re.compile(r"^Budget (\d{4})$")
PERIOD = re.compile(r"(?:^|\s)(År|Tertial|Halvår|Månad)$")
TARGET = re.compile(
    r"(?:[+-]/[+-] ?)?\d+(?:[ ,.]\d+)*\s?(?:%|st\b|procent\b)|\böka\b|\bminska\b|"
    r"fastställs \d{4}|tas fram av nämnden/ ?styrelsen|tas fram av \S+"
)
DATES = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{4}-\d{2}-\d{2})$")
AMOUNT = re.compile(r"^-?\d{1,3}(?: \d{3})*(?:,\d+)?$")
APT = re.compile(
    r"behandlats på arbetsplatsträff(?:ar)?\s+den\s+(?P<dates>.+?(?P<year>\d{4}))", re.IGNORECASE
)
MONTH_NAMES = (
    "januari februari mars april maj juni juli augusti september oktober november december"
)
MONTHS = {m: i for i, m in enumerate(MONTH_NAMES.split(), start=1)}


class _Parser:
    def __init__(
        self, text: str, source: str, year: int | None = None, committee: str | None = None
    ) -> None:
        self.source = source
        self.given_year = year  # --year / the upload's field: used only where the text is silent
        self.given_committee = committee
        self.lines = [Line(i, raw) for i, raw in enumerate(text.splitlines(), start=1)]
        self.report = ImportReport(kind="verksamhetsplan")
        self.smap = SourceMap()
        self.plan: dict[str, Any] = {"dokument": "verksamhetsplan"}
        self.texts: dict[str, Any] = {}
        self.mode = "title"
        self.buffer: list[Line] = []  # lines of the place being filled
        self.target: tuple[dict[str, Any], str, Path] | None = None  # where buffered text goes
        self.sg: dict[str, Any] | None = None
        self.cg: dict[str, Any] | None = None
        self.bg: dict[str, Any] | None = None
        self.com: dict[str, Any] | None = None
        self.paths: dict[int, Path] = {}  # id(element dict) -> its path
        self.title_lines: list[Line] = []
        self.in_goals = False
        self.budget: dict[str, Any] | None = None
        self.pending: tuple[str, Line] | None = None
        self.budget_part = ""
        self.org_lines: list[str] = []
        self.acts_level = ""

    # --- placing ------------------------------------------------------------------------------

    def placed(self, line: Line) -> None:
        self.report.placed_chars += len(line.text)

    def mark(self, path: Path, line: Line) -> None:
        self.smap.lines.setdefault(path, line.number)

    def flush(self) -> None:
        """Write the buffered lines to their place."""
        lines, self.buffer = self.buffer, []
        if self.mode in ("kf_table", "acts") and lines:
            for line in lines:
                self.report.unplaced.append((line.number, line.text))
            return
        if not lines:
            return
        if self.target is None:
            for line in lines:
                self.report.unplaced.append((line.number, line.text))
            return
        holder, key, path = self.target
        text = join_lines([ln.raw for ln in lines])
        holder[key] = f"{holder[key]}\n{text}" if holder.get(key) else text
        self.mark(path, lines[0])
        for line in lines:
            self.placed(line)

    def open_text(self, holder: dict[str, Any], key: str, path: Path, mode: str) -> None:
        self.flush()
        self.mode = mode
        self.target = (holder, key, path)

    # --- structure ----------------------------------------------------------------------------

    def path_of(self, element: dict[str, Any]) -> Path:
        return self.paths[id(element)]

    def add(
        self, parent: dict[str, Any], key: str, element: dict[str, Any], base: Path, line: Line
    ) -> Path:
        items = parent.setdefault(key, [])
        items.append(element)
        path: Path = (*base, key, len(items) - 1)
        self.paths[id(element)] = path
        self.mark(path, line)
        return path

    def run(self) -> Imported:
        for line in self.lines:
            text = line.text
            if not text:
                continue
            self.report.total_chars += len(text)
            if FURNITURE.match(text):
                self.placed(line)
                continue
            self.step(line)
        self.flush()
        if not self.in_goals and not self.texts:
            raise InputError(
                self.source,
                "texten liknar varken en verksamhetsplan ur ILS-webb (inga rubriker som "
                "Inledning eller KF:s INRIKTNINGSMÅL) eller ett tjänsteutlåtande",
                "the text is neither an ILS-webb operating plan nor a decision memo",
            )
        self.finish()
        return Imported(self.plan, self.smap, self.report)

    def step(self, line: Line) -> None:  # noqa: C901 - one branch per heading of the export
        text = line.text
        if m := SG.match(text):
            self.flush()
            self.in_goals = True
            self.sg = {"nummer": int(m[1]), "titel": "", "mål": []}
            self.add(self.plan, "inriktningsmål", self.sg, (), line)
            self.cg = self.bg = self.com = None
            self.open_text(self.sg, "titel", self.path_of(self.sg), "title_text")
            self.placed(line)
            return
        if CG.match(text) and self.sg is not None:
            self.flush()
            self.cg = {"nummer": "", "titel": "", "indikatorer": [], "nämndmål": []}
            self.add(self.sg, "mål", self.cg, self.path_of(self.sg), line)
            self.bg = self.com = None
            self.open_text(self.cg, "titel", self.path_of(self.cg), "title_text")
            self.placed(line)
            return
        if KF_TABLE.match(text) and self.cg is not None:
            self.flush()
            self.mode = "kf_table"
            self.target = None
            self.placed(line)
            return
        if BG.match(text) and self.cg is not None:
            self.flush()
            self.bg = {"titel": ""}
            self.add(self.cg, "nämndmål", self.bg, self.path_of(self.cg), line)
            self.com = None
            self.open_text(self.bg, "titel", self.path_of(self.bg), "title_text")
            self.placed(line)
            return
        if COM.match(text) and self.bg is not None:
            self.flush()
            self.com = {"titel": ""}
            self.add(self.bg, "åtaganden", self.com, self.path_of(self.bg), line)
            self.open_text(self.com, "titel", self.path_of(self.com), "title_text")
            self.placed(line)
            return
        if m := ACTS.match(text):
            if self.mode == "acts" and not self.buffer and self.acts_level == m[1]:
                self.placed(line)  # the header repeated at a page break
                return
            self.flush()
            self.mode = "acts"
            self.acts_level = m[1]
            self.target = None
            self.placed(line)
            return
        if text in SECTIONS and self.com is not None and self.mode != "budget":
            key = SECTIONS[text]
            self.open_text(self.com, key, (*self.path_of(self.com), key), "section")
            self.placed(line)
            return
        if not self.in_goals and text in INTRO:
            key = INTRO[text]
            self.plan["texter"] = self.texts
            self.open_text(self.texts, key, ("texter", key), "intro")
            self.placed(line)
            return
        if (m := BUDGET_TABLE.match(text)) and self.in_goals and self.budget is None:
            self.flush()
            self.mode = "budget"
            self.target = None
            self.budget = {"enhet": "tkr", "intäkter": [], "kostnader": []}
            self.plan["budget"] = self.budget
            self.mark(("budget",), line)
            self.placed(line)
            return
        if self.mode == "title":
            self.title_lines.append(line)
            self.placed(line)
            return
        if self.mode == "kf_table":
            self.table_row(line)
            return
        if self.mode == "acts":
            self.activity_row(line)
            return
        if self.mode == "budget":
            self.budget_line(line)
            return
        self.buffer.append(line)

    # --- tables -------------------------------------------------------------------------------

    def table_row(self, line: Line) -> None:
        self.buffer.append(line)
        if not PERIOD.search(line.raw.rstrip()):
            return
        rows, self.buffer = self.buffer, []
        assert self.cg is not None
        period = PERIOD.search(rows[-1].raw.rstrip())
        assert period is not None
        last = rows[-1].raw.rstrip()[: period.start(1)]
        raws = [r.raw.rstrip() for r in rows[:-1]] + [last]
        joined = ""
        starts: list[int] = []  # offset in `joined` where each raw line begins
        for raw in raws:
            if joined and not joined.endswith("/"):
                joined += " "
            starts.append(len(joined))
            joined += raw.strip()
        targets = list(TARGET.finditer(joined))
        name = joined[: targets[0].start()].strip() if targets else joined.strip()
        indicator: dict[str, Any] = {"namn": name, "periodicitet": period[1]}
        if len(targets) >= 2:
            indicator["årsmål"] = targets[0][0]
            indicator["kf_årsmål"] = " ".join(t[0] for t in targets[1:])
        elif len(targets) == 1:
            value = targets[0][0]
            # Which column? An empty first column shows as a line that starts with blanks or
            # as a wide gap before the value; without either sign the row is ambiguous.
            offset = targets[0].start()
            index = max(i for i, s in enumerate(starts) if s <= offset)
            raw = raws[index]
            column_gap = raw.startswith((" ", "\t")) if offset == starts[index] else False
            local = raw.strip()
            at = offset - starts[index]
            column_gap = (
                column_gap
                or local[:at].endswith("  ")
                or bool(re.search(r"\S\s{2,}" + re.escape(value), raw))
            )
            if column_gap:
                indicator["kf_årsmål"] = value
                self.report.notes.append(
                    (
                        rows[0].number,
                        f'indikatorn "{name}": ett värde, "{value}", i kolumnen '
                        "KF:s årsmål (kolumnen Årsmål är tom)",
                    )
                )
            else:
                indicator["årsmål"] = value
                self.report.notes.append(
                    (
                        rows[0].number,
                        f'indikatorn "{name}": ett värde, "{value}", tvetydigt – '
                        "tolkat som Årsmål; kontrollera mot originalet",
                    )
                )
        if not name:
            for r in rows:
                self.report.unplaced.append((r.number, r.text))
            return
        self.add(self.cg, "indikatorer", indicator, self.path_of(self.cg), rows[0])
        for r in rows:
            self.placed(r)

    def activity_row(self, line: Line) -> None:
        done = dated_row(self.buffer, line)
        if done is None:
            return
        rows, activity = done
        title = activity["titel"]
        owner = self.com if self.acts_level == "Enhetens" else self.bg
        if owner is None or not title:
            for r in rows:
                self.report.unplaced.append((r.number, r.text))
            return
        self.add(owner, "aktiviteter", activity, self.path_of(owner), rows[0])
        for r in rows:
            self.placed(r)

    def budget_line(self, line: Line) -> None:
        text = line.text
        budget = self.budget
        assert budget is not None
        if self.pending is not None and AMOUNT.match(text):
            name, at = self.pending
            self.pending = None
            amount = text
            if name == "Summa intäkter":
                budget["summa_intäkter"] = amount
            elif name == "Summa kostnader":
                budget["summa_kostnader"] = amount
            elif name == "Summa netto":
                budget["summa_netto"] = amount
                self.mode = "budget_comment"
                self.target = (budget, "kommentar", ("budget", "kommentar"))
            else:
                part = "intäkter" if self.budget_part == "income" else "kostnader"
                self.add(budget, part, {"namn": name, "belopp": amount}, ("budget",), at)
            self.placed(line)
            return
        if m := re.match(r"^Budgetår:\s*(\d{4})$", text):
            budget["år"] = int(m[1])
        elif m := re.match(r"^Enhetschef:\s*(.+)$", text):
            self.plan["enhetschef"] = m[1].strip()
        elif re.match(r"^Enhet\s*:", text) or re.match(r"^Beloppen anges i T?kr$", text, re.I):
            pass
        elif text == "Budget":
            pass
        elif text == "Intäkter":
            self.budget_part = "income"
        elif text == "Kostnader":
            self.budget_part = "cost"
        elif not self.budget_part and "år" not in budget:
            self.org_lines.append(text)  # the administration's name above the table
        else:
            self.pending = (text, line)
        self.placed(line)

    # --- the whole plan -----------------------------------------------------------------------

    def finish(self) -> None:
        title = join_lines([ln.raw for ln in self.title_lines])
        unit = re.sub(r"^Verksamhetsplan\s+", "", title).strip()
        plan = self.plan
        plan["enhet"] = unit[:1].upper() + unit[1:] if unit else "Okänd enhet"
        if self.org_lines:
            administration = " ".join(self.org_lines)
            plan["förvaltning"] = administration
            plan["nämnd"] = re.sub(r"förvaltning$", "nämnd", administration)
        elif self.given_committee is not None:
            plan["nämnd"] = self.given_committee
            self.report.notes.append((1, "nämnden framgår inte av texten; --nämnd"))
        else:
            raise InputError(
                self.source,
                "planen anger inte vilken nämnd den hör till (ingen förvaltning ovanför "
                "tabellen); ange nämnden med --nämnd",
                "the plan does not state its committee; give it with --nämnd",
                line=1,
            )
        for sg in plan.get("inriktningsmål", []):
            sg["titel"] = re.sub(rf"^{sg['nummer']}\.\s*", "", sg["titel"])
            for cg in sg["mål"]:
                m = re.match(r"^(\d+\.\d+)\s+(.*)$", cg["titel"], re.S)
                if m:
                    cg["nummer"], cg["titel"] = m[1], m[2]
        year = (self.budget or {}).get("år")
        apt = APT.search(" ".join(self.texts.values()) if self.texts else "")
        if apt:
            apt_year = int(apt["year"])
            dates = []
            for day, month in re.findall(r"(\d{1,2})\s+([a-zåäö]+)", apt["dates"]):
                if month in MONTHS:
                    dates.append(date(apt_year, MONTHS[month], int(day)).isoformat())
            plan["process"] = {"apt": dates}
            if year is None:
                year = apt_year + 1
        if year is None:  # the title's year, else the one given; never today's
            from checks.importers.detect import TITLE_CHARS, YEAR_IN_TITLE

            titled = YEAR_IN_TITLE.search(" ".join(ln.raw for ln in self.lines)[:TITLE_CHARS])
            if titled is not None:
                year = int(titled[1])
                self.report.notes.append((1, f'året {year}: rubriken: "{titled[0].strip()}"'))
            elif self.given_year is not None:
                year = self.given_year
                self.report.notes.append((1, f"året {year}: --year"))
            else:
                raise InputError(
                    self.source,
                    "planen anger inte vilket år den gäller: ingen budget, inga APT-datum och "
                    "inget årtal i rubriken; ange året med --year",
                    "the plan does not state its year; give it with --year",
                    line=1,
                )
        plan["år"] = year
        # keys in the model's order, for a readable YAML file
        order = [
            "dokument",
            "år",
            "nämnd",
            "förvaltning",
            "enhet",
            "enhetschef",
            "texter",
            "inriktningsmål",
            "budget",
            "process",
        ]
        self.plan = {k: plan[k] for k in order if k in plan}
        counts = self.report.counts
        sgs = self.plan.get("inriktningsmål", [])
        cgs = [cg for sg in sgs for cg in sg["mål"]]
        bgs = [bg for cg in cgs for bg in cg.get("nämndmål", [])]
        coms = [c for bg in bgs for c in bg.get("åtaganden", [])]
        counts["inriktningsmål"] = len(sgs)
        counts["KF-mål"] = len(cgs)
        counts["KF-indikatorer"] = sum(len(cg.get("indikatorer", [])) for cg in cgs)
        counts["nämndmål"] = len(bgs)
        counts["nämndaktiviteter"] = sum(len(bg.get("aktiviteter", [])) for bg in bgs)
        counts["åtaganden"] = len(coms)
        counts["enhetsaktiviteter"] = sum(len(c.get("aktiviteter", [])) for c in coms)
        budget = self.plan.get("budget") or {}
        counts["budgetrader"] = len(budget.get("intäkter", [])) + len(budget.get("kostnader", []))


def dated_row(buffer: list[Line], line: Line) -> tuple[list[Line], dict[str, Any]] | None:
    """An activity row of a table "Aktivitet Startdatum Slutdatum": its title may wrap over
    lines, the row ends with the two dates. Lines wait in `buffer` until the dates come; then
    the row's lines (the buffer is emptied) and the activity as document data."""
    buffer.append(line)
    m = DATES.search(line.text)
    if not m:
        return None
    rows = buffer[:]
    buffer.clear()
    title = join_lines([r.raw for r in rows[:-1]] + [line.text[: m.start()]])
    return rows, {"titel": title, "startdatum": m[1], "slutdatum": m[2]}


def is_ils_plan(text: str) -> bool:
    """The ILS-webb plan export: its goal headings stand on lines of their own."""
    return any(SG.match(line.strip()) or CG.match(line.strip()) for line in text.splitlines())


def parse_plan(
    text: str, source: str, year: int | None = None, committee: str | None = None
) -> Imported:
    """The text of an ILS-webb plan export → plan data, line map and import report; `year` and
    `committee` (given at import) only where the text does not state them."""
    return _Parser(text, source, year, committee).run()
