"""The facts of an operating plan: the goal cascade, commitments, indicators, activities, quality
guarantees and the budget, with the amounts and years its texts quote."""

from __future__ import annotations

import re
from datetime import date

from checks.facts.base import Fact, FactBase, FactKind, Place, number, present, put_plain
from checks.facts.process import process_facts
from checks.facts.targets import KINDS as TEXT_KINDS
from checks.facts.targets import (
    budget_text_fact,
    direction_only,
    inferred_direction,
    measurable,
    target_year,
)
from checks.facts.text import figures, opening, target_gap, text_facts
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
    QualityGuarantee,
    StrategicGoal,
    digest,
    iter_elements,
)

_TARGET_YEAR = {  # read in the goal's wording, its target value and its own indicators
    "target_year": "året målet ska vara nått enligt texten (senast 2018, ranking 2017 ska …)",
    "target_quote": "orden som anger året",
    "target_years_past": "planens år minus målåret (positivt: målåret har redan passerat)",
}
# An activity that asks the units for a risk and materiality analysis (R1): "ROV" as a word or
# the name written out. Read here, in Python: the engine's regex missed "rov (senast …)".
_ASKS_FOR_ROV = re.compile(r"\brov\b|risk- och väsentlighetsanalys")

KINDS = {
    "plan": FactKind(
        model=Plan,
        derived={
            "year_start": "1 januari planåret, som dagnummer",
            "year_end": "31 december planåret, som dagnummer",
        },
    ),
    "strategic_goal": FactKind(model=StrategicGoal),
    "council_goal": FactKind(
        model=CouncilGoal, derived={"strategic_goal": "id för inriktningsmålet det står under"}
    ),
    "board_goal": FactKind(
        model=BoardGoal,
        derived={
            "council_goal": "numret på KF-målet nämndmålet bryter ned (nästling eller kf_mål)",
            # targets and blank_targets stay out when an excerpt ends in the goal
            "targets": "antal mätbara mål (målvärde, indikator med årsmål, tal i målet)",
            "blank_targets": "antal tomma målvärden",
            "wording": "målets formulering (riktning: bara ska öka, ska minska …)",
            "unmeasured": "varför målet saknar mätbart mål",
            **_TARGET_YEAR,
        },
    ),
    "commitment": FactKind(
        model=Commitment,
        derived={
            "board_goal": "id för nämndmålet åtagandet hör till (nästling eller nämndmål)",
            "key": "nyckel av rubriken (för uppföljningens bedömningar)",
            "opening": "rubrikens två första ord, gemener",
            "expected_result_figures": "tal och månader i förväntat resultat",
            "indicator_links": "antal kopplade indikatorer som finns i planen",
        },
    ),
    "indicator": FactKind(
        model=Indicator,
        derived={
            "level": "KF eller nämnd",
            "annual_target_folded": "årsmålet med gemener",
            "target_gap": "årsmålet jämfört med KF:s årsmål (kräver två tal och en riktning)",
            "direction_basis": "varifrån riktningen är läst när planen inte anger den",
        },
    ),
    "activity": FactKind(
        model=Activity,
        derived={
            "level": "nämnd eller enhet",
            "duration_days": "slutdatum minus startdatum i dagar",
            "title_folded": "rubriken med gemener",
            "asks_for_rov": "aktiviteten kräver en risk- och väsentlighetsanalys (ROV)",
        },
    ),
    "quality_guarantee": FactKind(
        model=QualityGuarantee, derived={"promise_figures": "tal och månader i löftet"}
    ),
    "budget": FactKind(
        model=Budget,
        derived={
            "income_lines_sum": "summan av intäktsraderna",
            "income_diff": "angiven summa intäkter minus summan av raderna",
            "cost_lines_sum": "summan av kostnadsraderna",
            "cost_diff": "angiven summa kostnader minus summan av raderna",
            "net_computed": "angiven summa kostnader minus angiven summa intäkter",
            "net_diff": "angiven summa netto minus (summa kostnader minus summa intäkter)",
            "income_diff_abs": "skillnaden mellan summa intäkter och raderna, utan tecken",
            "cost_diff_abs": "skillnaden mellan summa kostnader och raderna, utan tecken",
            "net_diff_abs": "skillnaden för summa netto, utan tecken",
        },
    ),
    "budget_frame": FactKind(derived={"amount": "enhetens ekonomiska ram i tkr"}),
    **TEXT_KINDS,
}

_KIND_OF: dict[type[Element], str] = {
    QualityGuarantee: "quality_guarantee",
    StrategicGoal: "strategic_goal",
    CouncilGoal: "council_goal",
    BoardGoal: "board_goal",
    Commitment: "commitment",
    Indicator: "indicator",
    Activity: "activity",
    Budget: "budget",
}
_SECTIONS = (
    ("expected_result", "förväntat resultat"),
    ("way_of_working", "arbetssätt"),
    ("resources", "resursanvändning"),
    ("follow_up", "uppföljning"),
    ("development", "utveckling"),
)
_PLAN_TEXTS = (
    ("introduction", "inledningen"),
    ("staff", "avsnittet Personal"),
    ("budget", "avsnittet Budget"),
    ("key_issues", "avsnittet Viktiga frågor"),
)

TextField = tuple[Path, str, str, Place]  # (path, field label sv, the whole text, owner place)


def plan_facts(base: FactBase, plan: Plan) -> None:
    """The facts of an operating plan."""
    root = Place("PLAN", "plan", (), 0, labels=("planen", "the plan"))
    fact = put_plain({"kind": "plan", "ref": "PLAN"}, plan)
    fact["year_start"] = date(plan.year, 1, 1).toordinal()
    fact["year_end"] = date(plan.year, 12, 31).toordinal()
    base.add(fact, root)
    process_facts(
        base,
        "verksamhetsplan",
        plan,
        plan.process.decision,
        plan.process.apt,
        0,
        mbl=((19, plan.process.mbl_19), (11, plan.process.mbl_11)),
        path=("process",),
        mbl_path=("process",),
    )
    elements = iter_elements(plan)
    indicator_ids = {str(e.id) for _, e, _ in elements if isinstance(e, Indicator)}
    places: dict[int, Place] = {}  # id(element) -> its place, for the children's breadcrumbs
    texts: list[TextField] = []
    for order, (path, element, up) in enumerate(elements, start=1):
        parent = places.get(id(up[-1])) if up else None
        kind = _KIND_OF.get(type(element))
        place = Place(str(element.id), kind or "", path, order, element, parent)
        places[id(element)] = place
        if kind is None:
            continue
        fact = put_plain({"kind": kind, "ref": str(element.id)}, element)
        owner = up[-1] if up else None
        _derive(base, fact, element, owner, path, place, indicator_ids, texts)
        base.add(fact, place)
    for name, label in _PLAN_TEXTS:
        text = present(getattr(plan.texts, name))
        if text is not None:
            alias = type(plan.texts).model_fields[name].alias or name
            texts.insert(0, (("texter", alias), label, text, root))
    net = plan.budget.net_total if plan.budget is not None else None
    for tpath, flabel, text, owner_place in texts:
        text_facts(base, tpath, flabel, text, owner_place, plan.year, net)
    _goal_targets(base, plan)
    budget_texts = [(tpath, flabel, text) for tpath, flabel, text, _ in texts]
    if plan.budget is not None:
        budget_texts += [
            (("budget", key, i), "budgettabellen", line.name)
            for key, lines in (("intäkter", plan.budget.income), ("kostnader", plan.budget.costs))
            for i, line in enumerate(lines)
        ]
    budget_text_fact(
        base,
        "verksamhetsplan",
        ("verksamhetsplanen", "the operating plan"),
        budget_texts,
        plan.excerpt,
        0,
        root,
    )


def _goal_targets(base: FactBase, plan: Plan) -> None:
    """G6 and G7: the targets each board goal states, and the year a goal or indicator is due.

    In an excerpt the last board goal may have its target after the cut: unless it shows one
    (or a target label with nothing after it), its count stays out and G6 cannot judge it.
    """
    facts = base.by_ref()
    goals = [e for _, e, _ in iter_elements(plan) if isinstance(e, BoardGoal)]
    for goal in goals:
        fact = facts[str(goal.id)]
        stated = present(goal.target_value)
        count = (stated is not None) + sum(
            present(i.annual_target) is not None for i in goal.indicators
        )
        count += measurable(goal.title)
        blank = int(goal.target_value is not None and stated is None)
        if direction_only(goal.title):
            fact["wording"] = "riktning"
        if not (plan.excerpt and goal is goals[-1] and not count and not blank):
            fact["targets"], fact["blank_targets"] = count, blank
        if blank:
            fact["unmeasured"] = "målvärdet står utan värde"
        elif "wording" in fact:
            fact["unmeasured"] = "målet anger bara en riktning"
        texts = [goal.title, goal.target_value]
        texts += [t for i in goal.indicators for t in (i.name, i.annual_target)]
        found = target_year(texts, plan.year)
        if found is not None:
            fact["target_year"], fact["target_quote"] = found
            fact["target_years_past"] = plan.year - found[0]


def _derive(
    base: FactBase,
    fact: Fact,
    element: Element,
    owner: Element | None,
    path: Path,
    place: Place,
    indicator_ids: set[str],
    texts: list[TextField],
) -> None:
    """What Python derives on top of an element's plain fields."""
    if isinstance(element, CouncilGoal):
        assert owner is not None
        fact["strategic_goal"] = str(owner.id)
    elif isinstance(element, BoardGoal):
        if isinstance(owner, CouncilGoal):
            fact["council_goal"] = owner.number  # nesting is the link
    elif isinstance(element, Commitment):
        fact["key"] = digest(element.title)
        fact["opening"] = opening(element.title)
        fact["indicator_links"] = sum(1 for i in element.indicators if i in indicator_ids)
        found = figures(element.expected_result)
        if found:
            fact["expected_result_figures"] = found
        if isinstance(owner, BoardGoal):
            fact["board_goal"] = str(owner.id)
        for name, label in _SECTIONS:
            text = present(getattr(element, name))
            if text is not None:  # amounts and years are read from the whole text
                alias = Commitment.model_fields[name].alias or name
                texts.append(((*path, alias), label, text, place))
    elif isinstance(element, Indicator):
        fact["level"] = "KF" if isinstance(owner, CouncilGoal) else "nämnd"
        if "annual_target" in fact:
            fact["annual_target_folded"] = str(fact["annual_target"]).casefold()
        direction: str | None = element.direction
        if direction is None and (inferred := inferred_direction(element)) is not None:
            direction, basis = inferred
            fact["direction"] = direction
            fact["direction_basis"] = basis
        if direction is not None:
            gap = target_gap(element.annual_target, element.council_target)
            if gap is not None:
                fact["target_gap"] = number(gap if direction == "högre" else -gap)
    elif isinstance(element, Activity):
        fact["level"] = "nämnd" if isinstance(owner, BoardGoal) else "enhet"
        folded = element.title.casefold()
        fact["title_folded"] = folded
        fact["asks_for_rov"] = _ASKS_FOR_ROV.search(folded) is not None
        if element.start is not None and element.end is not None:
            fact["duration_days"] = element.end.toordinal() - element.start.toordinal()
    elif isinstance(element, QualityGuarantee):
        found = figures(element.promise)
        if found:
            fact["promise_figures"] = found
    elif isinstance(element, Budget):
        _budget(fact, element)
        if element.frame is not None:
            base.add(
                {"kind": "budget_frame", "ref": "BUDGET:ram", "amount": number(element.frame)},
                Place(
                    "BUDGET:ram",
                    "budget_frame",
                    (*path, "ram"),
                    place.order,
                    parent=place,
                    labels=("budgetens ram", "the budget frame"),
                ),
            )
        comment = present(element.comment)
        if comment is not None:
            texts.append(((*path, "kommentar"), "kommentaren", comment, place))


def _budget(fact: Fact, budget: Budget) -> None:
    """The sums of the budget lines and their differences to the stated sums."""
    income_sum = sum(line.amount for line in budget.income)
    cost_sum = sum(line.amount for line in budget.costs)
    fact["income_lines_sum"] = number(income_sum)
    fact["cost_lines_sum"] = number(cost_sum)
    if budget.income_total is not None:
        fact["income_diff"] = number(budget.income_total - income_sum)
        fact["income_diff_abs"] = number(abs(budget.income_total - income_sum))
    if budget.cost_total is not None:
        fact["cost_diff"] = number(budget.cost_total - cost_sum)
        fact["cost_diff_abs"] = number(abs(budget.cost_total - cost_sum))
    if budget.income_total is not None and budget.cost_total is not None:
        net = budget.cost_total - budget.income_total
        fact["net_computed"] = number(net)
        if budget.net_total is not None:
            fact["net_diff"] = number(budget.net_total - net)
            fact["net_diff_abs"] = number(abs(budget.net_total - net))
