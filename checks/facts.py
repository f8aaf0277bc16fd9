"""Facts: the plan flattened for the rule engine, with derived values.

Python derives here (sums of budget lines and their differences to the stated sums, dates as day
numbers, whether a text is present, amounts and years quoted in running text); it never decides
whether a requirement holds. That is the rules' job (`rules/*.yaml`).

`FACT_KINDS` is the contract between this module and the catalogue: every field a rule or message
reads must be listed here, and the catalogue refuses a rule that names anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from checks.model import (
    Activity,
    BoardGoal,
    Budget,
    Commitment,
    CouncilGoal,
    Element,
    Indicator,
    Path,
    Plan,
    StrategicGoal,
    iter_elements,
    render_path,
)

FactValue = str | int | float | bool
FACT_TEXT = 200  # a commitment section in a fact is its first 200 characters (presence, opening)
Fact = dict[str, FactValue]

# kind -> field -> what it holds. Every fact also has `kind` and `ref` (its element's stable id).
FACT_KINDS: dict[str, dict[str, str]] = {
    "plan": {
        "year": "planens år",
        "year_start": "1 januari planåret, som dagnummer",
        "year_end": "31 december planåret, som dagnummer",
        "unit": "enhetens namn",
    },
    "strategic_goal": {"number": "inriktningsmålets nummer", "title": "rubrik"},
    "council_goal": {
        "number": "KF-målets nummer, t.ex. 1.1",
        "title": "rubrik",
        "strategic_goal": "id för inriktningsmålet det står under",
    },
    "board_goal": {
        "title": "rubrik",
        "council_goal": "numret på KF-målet nämndmålet bryter ned",
    },
    "commitment": {
        "title": "rubrik",
        "board_goal": "id för nämndmålet åtagandet hör till",
        "expected_result": "förväntat resultat",
        "way_of_working": "arbetssätt",
        "resources": "resursanvändning",
        "follow_up": "uppföljning",
        "development": "utveckling",
    },
    "indicator": {
        "name": "indikatorns namn",
        "level": "KF eller nämnd",
        "annual_target": "årsmål",
        "council_target": "KF:s årsmål",
        "periodicity": "periodicitet som den står",
        "reported": "rapporteras av enheten",
    },
    "activity": {
        "title": "rubrik",
        "level": "nämnd eller enhet",
        "start": "startdatum som dagnummer",
        "end": "slutdatum som dagnummer",
        "start_date": "startdatum som text",
        "end_date": "slutdatum som text",
        "duration_days": "slutdatum minus startdatum i dagar",
    },
    "budget": {
        "year": "budgetår",
        "income_total": "angiven summa intäkter",
        "income_lines_sum": "summan av intäktsraderna",
        "income_diff": "angiven summa intäkter minus summan av raderna",
        "cost_total": "angiven summa kostnader",
        "cost_lines_sum": "summan av kostnadsraderna",
        "cost_diff": "angiven summa kostnader minus summan av raderna",
        "net_total": "angiven summa netto",
        "net_computed": "angiven summa kostnader minus angiven summa intäkter",
        "net_diff": "angiven summa netto minus (summa kostnader minus summa intäkter)",
    },
    "budget_frame": {"amount": "enhetens ekonomiska ram i tkr"},
    "text_amount": {
        "amount_tkr": "beloppet omräknat till tkr",
        "qualifier": "ordet efter beloppet (netto, brutto)",
        "quote": "beloppet som det står i texten",
        "field": "fältet där texten står",
        "net_deviation_tkr": "beloppet minus budgettabellens summa netto, i tkr",
    },
    "text_year": {
        "year": "årtalet som texten jämför med",
        "years_before_plan": "planens år minus årtalet",
        "quote": "jämförelsen som den står i texten",
        "field": "fältet där texten står",
    },
}


class Place:
    """Where a fact comes from: what a finding names and points at.

    Labels and breadcrumbs are computed only when a finding asks for them: most facts never
    become findings, and a check must stay within a few milliseconds.
    """

    __slots__ = ("ref", "kind", "path", "order", "element", "parent", "_labels", "_own_", "_crumbs")

    def __init__(
        self,
        ref: str,
        kind: str,
        path: Path,
        order: int,
        element: Element | None = None,
        parent: Place | None = None,
        labels: tuple[str, str] | None = None,
    ) -> None:
        self.ref, self.kind, self.path, self.order = ref, kind, path, order
        self.element, self.parent = element, parent
        self._labels = labels
        self._own_: tuple[str, str, str | None, str | None] | None = None
        self._crumbs: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    def _own(self) -> tuple[str, str, str | None, str | None]:
        if self._own_ is None:
            if self.element is not None:
                self._own_ = _labels(self.element)
            else:
                assert self._labels is not None
                self._own_ = (self._labels[0], self._labels[1], None, None)
        return self._own_

    @property
    def label_sv(self) -> str:
        return self._own()[0]

    @property
    def label_en(self) -> str:
        return self._own()[1]

    def _crumb(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self._crumbs is None:
            up = self.parent._crumb() if self.parent is not None else ((), ())
            _, _, sv, en = self._own()
            self._crumbs = (up[0] + (sv,), up[1] + (en,)) if sv and en else up
        return self._crumbs

    @property
    def crumb_sv(self) -> tuple[str, ...]:
        return self._crumb()[0]

    @property
    def crumb_en(self) -> tuple[str, ...]:
        return self._crumb()[1]

    @property
    def path_text(self) -> str:
        return render_path(self.path)


@dataclass
class FactBase:
    """The facts of one check and, for each, the place it comes from."""

    facts: list[Fact] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)

    def add(self, fact: Fact, place: Place) -> None:
        ref = str(fact["ref"])
        if ref in self.places:
            raise ValueError(f"two facts share the ref {ref!r}")
        self.facts.append(fact)
        self.places[ref] = place

    def by_ref(self) -> dict[str, Fact]:
        return {str(f["ref"]): f for f in self.facts}


_KIND_OF: dict[type[Element], str] = {
    StrategicGoal: "strategic_goal",
    CouncilGoal: "council_goal",
    BoardGoal: "board_goal",
    Commitment: "commitment",
    Indicator: "indicator",
    Activity: "activity",
    Budget: "budget",
}


def _clip(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _present(text: str | None) -> str | None:
    """A text counts as stated when it has anything but white space and dashes."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped.strip("-–—. "):
        return None
    return stripped


# kind of element -> (Swedish label, English label, Swedish crumb, English crumb) around its title
_NAMED: dict[type[Element], tuple[str, str, str, str]] = {
    BoardGoal: ("nämndmålet", "the board goal", "Nämndmål:", "Board goal:"),
    Commitment: ("åtagandet", "the commitment", "Åtagande:", "Commitment:"),
    Indicator: ("indikatorn", "the indicator", "Indikator:", "Indicator:"),
    Activity: ("aktiviteten", "the activity", "Aktivitet:", "Activity:"),
}


def _labels(element: Element) -> tuple[str, str, str, str]:
    """(label_sv, label_en, crumb_sv, crumb_en) of an element."""
    if isinstance(element, StrategicGoal | CouncilGoal):
        n, t = element.number, _clip(element.title, 50)
        if isinstance(element, StrategicGoal):
            return (
                f"KF:s inriktningsmål {n}",
                f"council strategic goal {n}",
                f"KF {n} {t}",
                f"KF {n} {t}",
            )
        full = _clip(element.title)
        return (
            f'KF:s mål {n} "{full}"',
            f'council goal {n} "{full}"',
            f"KF {n} {t}",
            f"KF {n} {t}",
        )
    named = _NAMED.get(type(element))
    if named is not None:
        title = str(getattr(element, "title", None) or getattr(element, "name", ""))
        full, short = _clip(title), _clip(title, 50)
        sv, en, crumb_sv, crumb_en = named
        return (f'{sv} "{full}"', f'{en} "{full}"', f"{crumb_sv} {short}", f"{crumb_en} {short}")
    if isinstance(element, Budget):
        return ("budgeten", "the budget", "Budget", "Budget")
    name = type(element).__name__
    return (name, name, name, name)


_AMOUNT = re.compile(
    r"(?<![\d,])(?P<num>\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
    r"\s*(?P<unit>mnkr|mkr|miljoner kronor|tkr|tusen kronor)\b"
    r"(?:\s+(?P<qual>netto|brutto)\b)?",
    re.IGNORECASE,
)
_UNIT_TKR = {"mnkr": 1000.0, "mkr": 1000.0, "miljoner kronor": 1000.0, "tkr": 1.0}
_COMPARED_YEAR = re.compile(
    r"jämfört\s+med\s+(?:(?:[a-zåäö]+)\s+){0,3}?(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE
)


def quoted_amounts(text: str) -> list[tuple[str, float, str | None]]:
    """Amounts quoted in running text: ("32,9 mnkr netto", 32900.0, "netto")."""
    out: list[tuple[str, float, str | None]] = []
    if "kr" not in text and "Kr" not in text and "KR" not in text:  # cheap test before the regex
        return out
    for m in _AMOUNT.finditer(text):
        number = float(m["num"].replace(" ", "").replace("\u00a0", "").replace(",", "."))
        unit = m["unit"].lower()
        tkr = number * _UNIT_TKR.get(unit, 1.0)
        qual = m["qual"].lower() if m["qual"] else None
        out.append((" ".join(m.group(0).split()), round(tkr, 3), qual))
    return out


def compared_years(text: str) -> list[tuple[str, int]]:
    """Comparisons with a stated year in text: ("jämfört med verksamhetsplanen 2010", 2010)."""
    if "mför" not in text.lower():  # "jämfört", also "Jämfört"; a cheap test before the regex
        return []
    return [(" ".join(m.group(0).split()), int(m["year"])) for m in _COMPARED_YEAR.finditer(text)]


def _number(value: float) -> int | float:
    """Amounts as ints when whole, so `== 900` matches in the engine."""
    return int(value) if float(value).is_integer() else round(value, 3)


def derive(plan: Plan) -> FactBase:
    """Flatten a validated plan (ids assigned) into facts and places."""
    base = FactBase()
    year_start = date(plan.year, 1, 1).toordinal()
    year_end = date(plan.year, 12, 31).toordinal()
    root_place = Place("PLAN", "plan", (), 0, labels=("planen", "the plan"))
    base.add(
        {
            "kind": "plan",
            "ref": "PLAN",
            "year": plan.year,
            "year_start": year_start,
            "year_end": year_end,
            "unit": plan.unit,
        },
        root_place,
    )
    places: dict[int, Place] = {}  # id(element) -> its place, for the children's breadcrumbs
    texts: list[tuple[Path, str, str, Place]] = []  # (path, field label sv, text, owner place)

    for order, (path, element, up) in enumerate(iter_elements(plan), start=1):
        ref = str(element.id)
        parent = places.get(id(up[-1])) if up else None
        place = Place(ref, _KIND_OF.get(type(element), ""), path, order, element, parent)
        places[id(element)] = place
        fact: Fact | None = None

        if isinstance(element, StrategicGoal):
            fact = {"kind": "strategic_goal", "number": element.number, "title": element.title}
        elif isinstance(element, CouncilGoal):
            fact = {
                "kind": "council_goal",
                "number": element.number,
                "title": element.title,
                "strategic_goal": str(up[0].id),
            }
        elif isinstance(element, BoardGoal):
            fact = {"kind": "board_goal", "title": element.title}
            stated = element.council_goal
            if up and isinstance(up[-1], CouncilGoal):
                stated = up[-1].number  # nesting is the link
            if stated:
                fact["council_goal"] = stated
        elif isinstance(element, Commitment):
            fact = {"kind": "commitment", "title": element.title}
            goal = up[-1].id if up and isinstance(up[-1], BoardGoal) else element.board_goal
            if goal:
                fact["board_goal"] = str(goal)
            for name, label in (
                ("expected_result", "förväntat resultat"),
                ("way_of_working", "arbetssätt"),
                ("resources", "resursanvändning"),
                ("follow_up", "uppföljning"),
                ("development", "utveckling"),
            ):
                text = _present(getattr(element, name))
                if text is not None:
                    # The engine needs presence and the opening words; amounts and years are
                    # read from the whole text below. Long strings cost time in the C core.
                    fact[name] = text[:FACT_TEXT]
                    alias = Commitment.model_fields[name].alias or name
                    texts.append(((*path, alias), label, text, place))
        elif isinstance(element, Indicator):
            fact = {
                "kind": "indicator",
                "name": element.name,
                "level": "KF" if up and isinstance(up[-1], CouncilGoal) else "nämnd",
                "reported": element.reported_by_unit,
            }
            for name in ("annual_target", "council_target", "periodicity"):
                text = _present(getattr(element, name))
                if text is not None:
                    fact[name] = text
        elif isinstance(element, Activity):
            fact = {
                "kind": "activity",
                "title": element.title,
                "level": "nämnd" if up and isinstance(up[-1], BoardGoal) else "enhet",
            }
            if element.start is not None:
                fact["start"] = element.start.toordinal()
                fact["start_date"] = element.start.isoformat()
            if element.end is not None:
                fact["end"] = element.end.toordinal()
                fact["end_date"] = element.end.isoformat()
            if element.start is not None and element.end is not None:
                fact["duration_days"] = element.end.toordinal() - element.start.toordinal()
        elif isinstance(element, Budget):
            fact = _budget_fact(element)
            if element.frame is not None:
                base.add(
                    {"kind": "budget_frame", "ref": "BUDGET:ram", "amount": _number(element.frame)},
                    Place(
                        "BUDGET:ram",
                        "budget_frame",
                        (*path, "ram"),
                        order,
                        parent=place,
                        labels=("budgetens ram", "the budget frame"),
                    ),
                )
            comment = _present(element.comment)
            if comment is not None:
                texts.append(((*path, "kommentar"), "kommentaren", comment, place))

        if fact is not None:
            fact["ref"] = ref
            base.add(fact, place)

    for name, label in (
        ("introduction", "inledningen"),
        ("staff", "avsnittet Personal"),
        ("budget", "avsnittet Budget"),
        ("key_issues", "avsnittet Viktiga frågor"),
    ):
        text = _present(getattr(plan.texts, name))
        if text is not None:
            alias = type(plan.texts).model_fields[name].alias or name
            texts.insert(0, (("texter", alias), label, text, root_place))

    net = plan.budget.net_total if plan.budget is not None else None
    for tpath, flabel, text, owner in texts:
        _text_facts(base, tpath, flabel, text, owner, plan.year, net)
    return base


def _budget_fact(budget: Budget) -> Fact:
    fact: Fact = {"kind": "budget"}
    if budget.year is not None:
        fact["year"] = budget.year
    income_sum = sum(line.amount for line in budget.income)
    cost_sum = sum(line.amount for line in budget.costs)
    fact["income_lines_sum"] = _number(income_sum)
    fact["cost_lines_sum"] = _number(cost_sum)
    if budget.income_total is not None:
        fact["income_total"] = _number(budget.income_total)
        fact["income_diff"] = _number(budget.income_total - income_sum)
    if budget.cost_total is not None:
        fact["cost_total"] = _number(budget.cost_total)
        fact["cost_diff"] = _number(budget.cost_total - cost_sum)
    if budget.income_total is not None and budget.cost_total is not None:
        fact["net_computed"] = _number(budget.cost_total - budget.income_total)
    if budget.net_total is not None:
        fact["net_total"] = _number(budget.net_total)
        if "net_computed" in fact:
            fact["net_diff"] = _number(budget.net_total - float(fact["net_computed"]))
    return fact


def _text_facts(
    base: FactBase,
    path: Path,
    flabel: str,
    text: str,
    owner: Place,
    plan_year: int,
    net_total: float | None,
) -> None:
    """Facts for amounts and compared years quoted in one text field.

    The differences to the table and to the plan year are derived here because durable-rules
    crashes on arithmetic inside a join (see the catalogue's ARITHMETIC note).
    """
    amounts, years = quoted_amounts(text), compared_years(text)
    if not amounts and not years:
        return
    owner_name, owner_name_en = owner.label_sv, owner.label_en
    for n, (quote, tkr, qual) in enumerate(amounts):
        ref = f"{owner.ref}:{path[-1]}:belopp{n + 1}"
        fact: Fact = {
            "kind": "text_amount",
            "ref": ref,
            "amount_tkr": _number(tkr),
            "quote": quote,
            "field": flabel,
        }
        if qual:
            fact["qualifier"] = qual
        if net_total is not None:
            fact["net_deviation_tkr"] = _number(tkr - net_total)
        base.add(
            fact,
            Place(
                ref,
                "text_amount",
                path,
                owner.order,
                parent=owner,
                labels=(
                    f'beloppet "{quote}" i {flabel} för {owner_name}',
                    f'the amount "{quote}" in {path[-1]} of {owner_name_en}',
                ),
            ),
        )
    for n, (quote, year) in enumerate(years):
        ref = f"{owner.ref}:{path[-1]}:jamforelse{n + 1}"
        base.add(
            {
                "kind": "text_year",
                "ref": ref,
                "year": year,
                "years_before_plan": plan_year - year,
                "quote": quote,
                "field": flabel,
            },
            Place(
                ref,
                "text_year",
                path,
                owner.order,
                parent=owner,
                labels=(
                    f'jämförelsen "{quote}" i {flabel} för {owner_name}',
                    f'the comparison "{quote}" in {path[-1]} of {owner_name_en}',
                ),
            ),
        )
