"""The facts of a four-month or annual report: the report itself, how it assesses each åtagande
and its finances."""

from __future__ import annotations

from checks.documents import (
    DOCUMENT_NAMES,
    DOCUMENT_NAMES_EN,
    Assessment,
    BudgetOutcome,
    FollowUpReport,
)
from checks.facts.base import FactBase, FactKind, Place, element_place, number, put_plain
from checks.facts.process import process_facts
from checks.model import digest

KINDS = {
    "report": FactKind(
        model=FollowUpReport,
        derived={"doc": "rapportens slag", "apt_count": "antal APT-datum"},
    ),
    "assessment": FactKind(
        model=Assessment,
        derived={
            "report": "rapporten",
            "commitment_key": "nyckel av åtagandets rubrik",
            "grade": "bedömning med gemener",
            "indicators_named": "antal indikatorer som bedömningen hänvisar till",
            "linked_indicators": "antal kopplade indikatorer med utfall och årsmål i rapporten",
            "best_indicator_gap": "bästa kopplade indikatorns utfall minus årsmål, i dess riktning",
        },
    ),
    "budget_outcome": FactKind(
        model=BudgetOutcome,
        derived={
            "report": "rapporten",
            "deviation_tkr": "utfall minus budget i tkr",
            "deviation_pct": "avvikelse i procent av budget",
        },
    ),
}


def report_facts(base: FactBase, kind: str, doc: FollowUpReport, order: int) -> None:
    place = process_facts(
        base, kind, doc, doc.process.decision, doc.process.apt, order, path=("process",)
    )
    ref = f"{kind}/RAPPORT"
    fact = put_plain({"kind": "report", "ref": ref}, doc)
    fact["doc"] = kind
    fact["apt_count"] = len(doc.process.apt)
    labels = (DOCUMENT_NAMES[kind], DOCUMENT_NAMES_EN[kind])
    base.add(fact, Place(ref, "report", ("dokument",), order, labels=labels, doc=kind))
    gaps: dict[str, float] = {}  # indicator name key -> outcome minus target, in its direction
    for outcome in doc.indicators:
        if outcome.outcome is not None and outcome.target is not None:
            gap = outcome.outcome - outcome.target
            gaps[digest(outcome.name)] = gap if outcome.direction == "högre" else -gap
    for i, assessment in enumerate(doc.assessments, start=1):
        _assessment(base, kind, assessment, i, order, place, gaps)
    if doc.budget is not None:
        _budget_outcome(base, kind, doc.budget, order, place)


def _assessment(
    base: FactBase,
    kind: str,
    assessment: Assessment,
    i: int,
    order: int,
    parent: Place,
    gaps: dict[str, float],
) -> None:
    path = ("åtaganden", i - 1)
    ref, place = element_place(kind, "assessment", assessment, path, order + i, parent)
    fact = put_plain({"kind": "assessment", "ref": ref}, assessment)
    fact["report"] = kind
    fact["commitment_key"] = digest(assessment.commitment)
    linked = [gaps[digest(n)] for n in assessment.indicators if digest(n) in gaps]
    fact["indicators_named"] = len(assessment.indicators)
    fact["linked_indicators"] = len(linked)
    if linked:
        fact["best_indicator_gap"] = number(max(linked))
    if "grade" in fact:
        fact["grade"] = " ".join(str(fact["grade"]).casefold().split())
    base.add(fact, place)


def _budget_outcome(
    base: FactBase, kind: str, budget: BudgetOutcome, order: int, parent: Place
) -> None:
    ref = f"{kind}/EKONOMI"
    fact = put_plain({"kind": "budget_outcome", "ref": ref}, budget)
    fact["report"] = kind
    if budget.budget_net is not None and budget.outcome_net is not None:
        fact["deviation_tkr"] = number(budget.outcome_net - budget.budget_net)
        if budget.budget_net:
            deviation = (budget.outcome_net - budget.budget_net) / abs(budget.budget_net) * 100
            fact["deviation_pct"] = round(deviation, 2)
    base.add(fact, Place(ref, "budget_outcome", ("ekonomi",), order, budget, parent, doc=kind))
