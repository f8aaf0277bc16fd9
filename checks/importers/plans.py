"""Operating plans in layouts other than the ILS-webb export of 2008–2012 → a `verksamhetsplan`.

Layouts read, from lines already normalised (`checks.importers.text.normalise` with `HEADINGS`):

* the ILS-webb planning system of 2013–2018: goals headed `Nämndmål`/`NÄMNDMÅL`/`Nämndens mål`,
  the table `Indikator Årsmål KF:s årsmål Periodicitet` (a row: name, the unit's target, the
  council's target, a periodicity), the table `Aktivitet Startdatum Slutdatum` (a row ends in two
  ISO dates), commitments headed `Åtagande`/`ÅTAGANDE` with the sections Förväntat resultat,
  Arbetssätt, Resursanvändning, Uppföljning and Utveckling;
* numbered plans: `5.1 Målområde 1 …` opens a goal area, `5.1.1 …` under it is a board goal;
  a table-of-contents line (`… 9` with dotted leaders) is recognised and skipped;
* Stratsys published views: a bullet line followed by `Målvärde` is a board goal; a `Målvärde`
  with a value is read as the target of an indicator named after the goal, an empty one means
  the target is absent (nothing is invented);
* run-on goal lists (`Kommunstyrelsen - goal - goal Socialnämnden - goal`): the goals of the
  plan's committee are read, the others are named in a note.

Indicators, activities and commitments attach to the goal they stand under. A committee's plan
has no unit of its own: `enhet` is the committee. Every line is placed or listed as not placed.
"""

from __future__ import annotations

import re
from typing import Any

from checks.importers import Imported, ImportReport
from checks.importers.ils import DATES, TARGET, dated_row
from checks.importers.text import Head, Line, join_lines
from checks.loading import InputError, SourceMap
from checks.model import Path

HEADINGS: tuple[str, ...] = (
    "NÄMNDMÅL", "Nämndmål", "Nämndens mål", "ÅTAGANDE", "Åtagande", "Förväntat resultat",
    "Arbetssätt", "Resursanvändning", "Uppföljning", "Utveckling", "Målvärde",
    "Indikator Årsmål", "Aktivitet Startdatum",
)  # fmt: skip

GOAL = re.compile(r"^(?:NÄMNDMÅL|Nämndmål|Nämndens mål)(?:\s+\d+(?:\.\d+)*)?\s*(:)?\s*(.*)$")
COMMITMENT = re.compile(r"^(?:ÅTAGANDE|Åtagande)(?:\s+\d+(?:\.\d+)*)?\s*(:)?\s*(.*)$")
SECTIONS = {
    "Förväntat resultat": "förväntat_resultat",
    "Arbetssätt": "arbetssätt",
    "Resursanvändning": "resursanvändning",
    "Uppföljning": "uppföljning",
    "Utveckling": "utveckling",
}
INDICATOR_TABLE = re.compile(
    r"^(?:Indikator(?:er)?|Nämndens indikatorer|Enhetens indikatorer)\s+Årsmål\s+KF:s årsmål"
    r"\s+Periodicitet$",
    re.IGNORECASE,
)
ACTIVITY_TABLE = re.compile(
    r"^(?:Aktivitet(?:er)?|Nämndens aktiviteter|Enhetens aktiviteter)\s+Startdatum\s+Slutdatum$",
    re.IGNORECASE,
)
PERIOD = re.compile(r"(?:^|\s)(År|Tertial|Halvår|Kvartal|Månad)$")
TARGET_VALUE = re.compile(r"^Målvärde\b\s*:?\s*(.*)$")
BULLET = re.compile(r"^[•·▪◦*]\s*(.+)$")
TOC = re.compile(r"(?:\.{3,}|…)\s*\d+$")
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+([A-ZÅÄÖ].{1,200})$")
AREA = re.compile(r"\b(?:Målområde|Målområden|Inriktningsmål|Fokusområde)\b")
PAGE_PREFIX = re.compile(r"^\d+\s*\(\d+\)\s+")
COMMITTEE_NAME = r"[A-ZÅÄÖ][a-zåäöé]*(?:-\s+och\s+[a-zåäöé]+)?(?:nämnden|styrelsen)"
ENDS_IN_COMMITTEE = re.compile(rf"(?:^|\s)({COMMITTEE_NAME})$")
COMMITTEE_LINE = re.compile(
    rf"^(?:(?:Nämnd|Styrelse)\s*:\s*(?P<label>.+)|(?P<bare>{COMMITTEE_NAME}))$"
)
RUN_ON_SPLIT = re.compile(r"\s+-\s+")


def _same_body(a: str, b: str) -> bool:
    def norm(name: str) -> str:
        name = " ".join(name.casefold().split())
        return re.sub(r"(nämnd|styrelse)(?:en|n)?$", r"\1", name)

    return norm(a) == norm(b)


def _heading_rest(match: re.Match[str]) -> str | None:
    """The text after a goal or commitment heading, or None when the line is a sentence that
    only starts with the word ("Nämndmål och nyckeltal …")."""
    rest = match[2].strip()
    if match[1] or not rest or rest[0].isupper() or rest[0].isdigit():
        return rest
    return None


class _Reader:
    excerpt: tuple[int, str] | None = None  # (line, why) when the text stops before the plan

    def __init__(self, source: str, head: Head) -> None:
        self.source = source
        self.head = head
        self.report = ImportReport(kind="verksamhetsplan")
        self.smap = SourceMap()
        self.goals: list[dict[str, Any]] = []
        self.plan_commitments: list[dict[str, Any]] = []
        self.paths: dict[int, Path] = {}
        self.goal: dict[str, Any] | None = None
        self.com: dict[str, Any] | None = None
        self.mode = ""  # "", "indicators", "activities"
        self.rows: list[Line] = []
        self.target: tuple[dict[str, Any], str, Path] | None = None
        self.buffer: list[Line] = []
        self.candidate: Line | None = None  # a bullet that a Målvärde may make a goal
        self.area: tuple[str, str] | None = None  # (number, title) of a numbered goal area
        self.run_on: list[tuple[str, str, Line]] = []  # (committee, goal, line)
        self.toc_lines: list[int] = []
        self.named_committee: tuple[str, int] | None = None
        self.last_line = 0  # the number of the text's last line

    # --- bookkeeping --------------------------------------------------------------------------

    def placed(self, line: Line, chars: int | None = None) -> None:
        self.report.placed_chars += len(line.text) if chars is None else chars

    def unplaced(self, line: Line, text: str | None = None) -> None:
        self.report.unplaced.append((line.number, line.text if text is None else text))

    def note(self, line: Line, text: str) -> None:
        self.report.notes.append((line.number, text))

    def path_of(self, element: dict[str, Any]) -> Path:
        return self.paths[id(element)]

    def add(self, key: str, element: dict[str, Any], parent: dict[str, Any], line: Line) -> Path:
        items = parent.setdefault(key, [])
        items.append(element)
        path: Path = (*self.path_of(parent), key, len(items) - 1)
        self.paths[id(element)] = path
        self.smap.lines.setdefault(path, line.number)
        return path

    def new_goal(self, title: str, line: Line) -> dict[str, Any]:
        self.close()
        goal: dict[str, Any] = {"titel": title}
        self.goals.append(goal)
        path: Path = ("nämndmål", len(self.goals) - 1)
        self.paths[id(goal)] = path
        self.smap.lines[path] = line.number
        self.goal, self.com = goal, None
        if self.area is not None:
            self.note(line, f'nämndmålet står under {self.area[0]} "{self.area[1]}"')
        return goal

    def close(self) -> None:
        """End the open table and text: rows without an end and text without a place."""
        for line in self.rows:
            self.unplaced(line)
        self.rows = []
        self.mode = ""
        self.flush()
        self.target = None
        if self.candidate is not None:
            self.unplaced(self.candidate)
            self.candidate = None

    def flush(self) -> None:
        lines, self.buffer = self.buffer, []
        if not lines:
            return
        if self.target is None:
            for line in lines:
                self.unplaced(line)
            return
        holder, key, path = self.target
        text = join_lines([ln.raw for ln in lines])
        holder[key] = f"{holder[key]} {text}" if holder.get(key) else text
        self.smap.lines.setdefault(path, lines[0].number)
        for line in lines:
            self.placed(line)

    def open_text(self, holder: dict[str, Any], key: str, path: Path) -> None:
        self.close()
        self.target = (holder, key, path)

    # --- lines --------------------------------------------------------------------------------

    def step(self, line: Line) -> None:  # noqa: C901 - one branch per kind of line
        text = PAGE_PREFIX.sub("", line.text)
        if TOC.search(text):
            self.toc_lines.append(line.number)
            self.placed(line)
            return
        if INDICATOR_TABLE.match(text) or ACTIVITY_TABLE.match(text):
            mode = "indicators" if INDICATOR_TABLE.match(text) else "activities"
            if self.mode == mode and not self.rows:  # the header repeated at a page break
                self.placed(line)
                return
            self.close()
            self.mode = mode
            self.placed(line)
            return
        if (m := GOAL.match(text)) and (rest := _heading_rest(m)) is not None:
            goal = self.new_goal(rest, line)
            self.placed(line)
            if not rest:
                self.target = (goal, "titel", self.path_of(goal))
            return
        if (m := COMMITMENT.match(text)) and (rest := _heading_rest(m)) is not None:
            self.close()
            com: dict[str, Any] = {"titel": rest}
            if self.goal is not None:
                self.add("åtaganden", com, self.goal, line)
            else:
                self.plan_commitments.append(com)
                path: Path = ("åtaganden", len(self.plan_commitments) - 1)
                self.paths[id(com)] = path
                self.smap.lines[path] = line.number
                self.note(line, "åtagandet står inte under något nämndmål")
            self.com = com
            self.placed(line)
            if not rest:
                self.target = (com, "titel", self.path_of(com))
            return
        if self.com is not None and (section := self._section(text)) is not None:
            key, rest = section
            self.open_text(self.com, key, (*self.path_of(self.com), key))
            self.placed(line, len(line.text) - len(rest))
            if rest:
                self.buffer.append(Line(line.number, rest))
            return
        if m := TARGET_VALUE.match(text):
            self.target_value(line, m[1].strip())
            return
        if (
            (m := NUMBERED.match(text))
            and not text.endswith((".", ":"))
            and not (self.mode and (self.rows or PERIOD.search(text) or DATES.search(text)))
            and (self.target is None or "." in m[1] or AREA.search(m[2]))  # not a list item
        ):
            self.numbered(line, m[1], m[2].strip())
            return
        if self.mode == "indicators":
            self.indicator_row(line)
            return
        if self.mode == "activities":
            self.activity_row(line)
            return
        if self.target is not None and not (self.target[1] == "titel" and BULLET.match(text)):
            self.buffer.append(line)
            return
        if m := BULLET.match(text):
            self.close()
            self.candidate = Line(line.number, line.raw)
            return
        if self.run_on_list(line, text):
            return
        if self.named_committee is None and (m := COMMITTEE_LINE.match(text)):
            self.named_committee = ((m["label"] or m["bare"]).strip(), line.number)
            self.placed(line)
            return
        self.close()
        self.unplaced(line)

    def _section(self, text: str) -> tuple[str, str] | None:
        for heading, key in SECTIONS.items():
            if text == heading or text.startswith(heading + ":"):
                return key, text[len(heading) :].lstrip(" :")
            rest = text[len(heading) :]
            if text.startswith(heading + " ") and re.match(r"\s+[A-ZÅÄÖ0-9•-]", rest):
                return key, rest.strip()
        return None

    def target_value(self, line: Line, value: str) -> None:
        self.flush()
        self.target = None
        if self.candidate is not None:
            bullet = self.candidate
            self.candidate = None
            title = BULLET.match(bullet.text)
            assert title is not None
            self.new_goal(title[1].strip(), bullet)
            self.placed(bullet)
        goal = self.goal
        if goal is None:
            self.unplaced(line)
            return
        self.placed(line)
        if not value and line.number >= self.last_line:  # its value may stand after the cut
            self.note(line, f'nämndmålet "{goal["titel"]}": Målvärde sist i texten; inget läst')
            return
        if not value:
            goal["målvärde"] = ""
            self.smap.lines.setdefault((*self.path_of(goal), "målvärde"), line.number)
            self.note(line, f'nämndmålet "{goal["titel"]}": Målvärde utan värde (målvärde: "")')
            return
        self.add("indikatorer", {"namn": goal["titel"], "årsmål": value}, goal, line)
        self.note(
            line,
            f'nämndmålet "{goal["titel"]}": Målvärde "{value}" läst som årsmål för en indikator '
            "med målets namn",
        )

    def numbered(self, line: Line, number: str, title: str) -> None:
        self.close()
        if AREA.search(title):
            self.area = (number, title)
            self.goal = self.com = None
            self.placed(line)
            self.note(line, f'målområde {number} "{title}" (har ingen plats i planen)')
            return
        if self.area is not None and number.startswith(self.area[0] + "."):
            self.new_goal(title, line)
            self.placed(line)
            return
        self.area = None
        self.goal = self.com = None
        self.unplaced(line)

    def run_on_list(self, line: Line, text: str) -> bool:
        """`Nämnd - goal - goal Nämnd - goal` on one line; False when the line is not one."""
        segments = RUN_ON_SPLIT.split(text)
        if len(segments) < 3 or not any(ENDS_IN_COMMITTEE.search(s) for s in segments):
            return False
        self.close()
        current: str | None = None
        preamble: list[str] = []
        for index, segment in enumerate(segments):
            segment = segment.strip()
            m = ENDS_IN_COMMITTEE.search(segment)
            before = segment[: m.start(1)].strip() if m else segment
            if before and index > 0 and current is not None:
                self.run_on.append((current, before, line))
            elif before:
                preamble.append(before)
            if m:
                current = m[1]
        rest = " - ".join(preamble)
        if rest:
            self.unplaced(line, rest)
        self.placed(line, len(line.text) - len(rest))
        return True

    def indicator_row(self, line: Line) -> None:
        self.rows.append(line)
        last = line.raw.rstrip()
        period = PERIOD.search(last)
        if not period:
            return
        rows, self.rows = self.rows, []
        goal = self.com_or_goal(goal_only=True)
        head = [r.text for r in rows[:-1]]
        body = last[: period.start(1)]
        indicator: dict[str, Any] = {}
        if "\t" in body.strip(" "):
            cells = [c.strip() for c in body.split("\t")]
            cells += [""] * (3 - len(cells))
            name = join_lines([*head, cells[0]])
            for key, value in (("årsmål", cells[1]), ("kf_årsmål", " ".join(cells[2:]).strip())):
                if value:
                    indicator[key] = value
        else:
            joined = " ".join([*head, body.strip()])
            targets = list(TARGET.finditer(joined))
            name = joined[: targets[0].start()].strip() if targets else joined.strip()
            if len(targets) >= 2:
                indicator["årsmål"] = targets[0][0]
                indicator["kf_årsmål"] = " ".join(t[0] for t in targets[1:])
            elif targets:
                indicator["årsmål"] = targets[0][0]
                self.note(
                    rows[0],
                    f'indikatorn "{name}": ett värde, "{targets[0][0]}", tvetydigt – tolkat som '
                    "Årsmål; kontrollera mot originalet",
                )
        if goal is None or not name:
            for r in rows:
                self.unplaced(r)
            return
        self.add(
            "indikatorer", {"namn": name, **indicator, "periodicitet": period[1]}, goal, rows[0]
        )
        for r in rows:
            self.placed(r)

    def activity_row(self, line: Line) -> None:
        done = dated_row(self.rows, line)
        if done is None:
            return
        rows, activity = done
        owner = self.com_or_goal()
        if owner is None or not activity["titel"]:
            for r in rows:
                self.unplaced(r)
            return
        self.add("aktiviteter", activity, owner, rows[0])
        for r in rows:
            self.placed(r)

    def com_or_goal(self, goal_only: bool = False) -> dict[str, Any] | None:
        if self.com is not None and not goal_only and id(self.com) in self.paths:
            return self.com
        return self.goal

    # --- the whole plan -----------------------------------------------------------------------

    def run(self, lines: list[Line]) -> Imported:
        self.last_line = max((line.number for line in lines if line.text), default=0)
        for line in lines:
            if not line.text:
                continue
            self.report.total_chars += len(line.text)
            self.step(line)
        self.close()
        first = lines[0].number if lines else 1
        if not self.goals and not self.plan_commitments and not self.run_on:
            if self.excerpt is None:
                raise self.nothing_read(first)
            self.report.notes.append(
                (self.excerpt[0], "texten når inte planens mål: läst så långt den går")
            )
        committee = self.committee(first)
        self.take_run_on(committee)
        if self.toc_lines:
            self.report.notes.append(
                (
                    self.toc_lines[0],
                    f"{len(self.toc_lines)} rader innehållsförteckning hoppades över",
                )
            )
        self.drop_untitled()
        if not self.goals and not self.plan_commitments and (self.excerpt is None or self.run_on):
            raise self.nothing_read(first, committee)  # goal lists of other committees: ask
        data: dict[str, Any] = {
            "dokument": "verksamhetsplan",
            "år": self.head.year,
            "nämnd": committee,
            "enhet": committee,
            "nämndmål": self.goals,
        }
        if self.plan_commitments:
            data["åtaganden"] = self.plan_commitments
        self.report.counts = {
            "nämndmål": len(self.goals),
            "indikatorer": sum(len(g.get("indikatorer", [])) for g in self.goals),
            "aktiviteter": sum(
                len(x.get("aktiviteter", []))
                for g in self.goals
                for x in (g, *g.get("åtaganden", []))
            ),
            "åtaganden": len(self.plan_commitments)
            + sum(len(g.get("åtaganden", [])) for g in self.goals),
        }
        return Imported(data, self.smap, self.report)

    def nothing_read(self, first: int, committee: str | None = None) -> InputError:
        names = list(dict.fromkeys(c for c, _, _ in self.run_on))
        if names:
            return InputError(
                self.source,
                f"målistan har inga mål för {committee}, bara för {', '.join(names)}; ange "
                "nämnden med --nämnd",
                f"the goal list has no goals for {committee}; give the committee with --nämnd",
                line=self.run_on[0][2].number,
            )
        return InputError(
            self.source,
            "Styrkoll hittade inga nämndmål eller åtaganden i verksamhetsplanen (inga rubriker "
            "som Nämndmål eller Åtagande, inga numrerade målområden med mål, inget Målvärde "
            "och ingen mållista per nämnd); skriv den som YAML (styrkoll schema)",
            "no board goals or commitments found in this layout",
            line=first,
        )

    def committee(self, first: int) -> str:
        if self.head.committee:
            return self.head.committee
        if self.named_committee is not None:
            name, number = self.named_committee
            self.report.notes.append((number, f'nämnden "{name}": den namnges på raden'))
            return name
        names = list(dict.fromkeys(c for c, _, _ in self.run_on))
        if len(names) == 1:
            self.report.notes.append((self.run_on[0][2].number, f'nämnden "{names[0]}": målistan'))
            return names[0]
        where = self.run_on[0][2].number if self.run_on else first
        named = f" (texten nämner {', '.join(names)})" if names else ""
        raise InputError(
            self.source,
            f"verksamhetsplanen säger inte vilken nämnds plan den är{named}; ange nämnden med "
            "--nämnd",
            "the plan does not say which committee it belongs to; give it with --nämnd",
            line=where,
        )

    def take_run_on(self, committee: str) -> None:
        others: dict[str, int] = {}
        for body, title, line in self.run_on:
            if _same_body(body, committee):
                self.new_goal(title, line)
                self.note(line, f'nämndmålet ur målistan för {body}: "{title[:60]}"')
            else:
                others[body] = others.get(body, 0) + 1
        if others:
            listed = ", ".join(f"{n} för {body}" for body, n in others.items())
            self.report.notes.append(
                (self.run_on[0][2].number, f"mål för andra nämnder lästes inte in: {listed}")
            )

    def drop_untitled(self) -> None:
        """A heading with no title after it: refused with its line, never given a made-up one."""
        elements = [*self.goals, *self.plan_commitments]
        elements += [c for g in self.goals for c in g.get("åtaganden", [])]
        for element in elements:
            if not element["titel"]:
                line = self.smap.lines.get(self.path_of(element), 1)
                raise InputError(
                    self.source,
                    "rubriken (Nämndmål eller Åtagande) följs inte av någon titel",
                    "a goal or commitment heading has no title",
                    line=line,
                )


def parse_plan_text(
    lines: list[Line], source: str, head: Head, excerpt: tuple[int, str] | None = None
) -> Imported:
    """A plan's normalised lines → a `verksamhetsplan` (year from `head.year`, which the caller
    always sets; committee from `head.committee` or the text, else an `InputError`). An
    `excerpt` whose text stops before the plan's goals is read as far as it goes (the goals
    are then "kunde inte bedömas"); a whole text without goals is refused."""
    reader = _Reader(source, head)
    reader.excerpt = excerpt
    return reader.run(lines)
