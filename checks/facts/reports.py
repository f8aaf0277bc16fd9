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
from checks.facts import followup_text as signs
from checks.facts.base import (
    FACT_TEXT,
    Fact,
    FactBase,
    FactKind,
    Place,
    element_place,
    number,
    put_plain,
)
from checks.facts.process import process_facts
from checks.model import Path, digest

KINDS = {
    "report": FactKind(
        model=FollowUpReport,
        derived={
            "doc": "rapportens slag",
            "apt_count": "antal APT-datum",
            "level": "enhet eller nämnd (en nämnds eller kommunens egen rapport)",
        },
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
    # What a controller reads in the running text of a report or of a memo (F6–F10): one fact
    # per report or memo, whatever it holds, so that a text without these signs passes.
    "followup_text": FactKind(
        derived={
            "doc": "handlingens slag",
            "name": "handlingens namn",
            "report": "handlingen är en tertial- eller årsrapport (inte ett tjänsteutlåtande)",
            "period": "vad handlingen följer upp: år (årsrapport) eller tertial",
            "forecast_wording": "en måluppfyllelse uttryckt som prognos (bedöms bli uppfyllt)",
            "goals_stated": "antal mål som texten säger att den följer upp",
            "goals_accounted": "antal av dem som texten ger en status (uppfyllt, delvis …)",
            "goals_unaccounted": "angivna mål minus mål med status",
            "goal_count_quote": "meningen där målen räknas",
            "goal_assessment_deferred": "text som skjuter upp bedömningen av målen",
            "amount_missing": "ett resultat eller en avvikelse utan belopp i texten",
            "negative_equity": "text om negativt eget kapital eller underskott att återställa",
            "restore_plan": "text om en plan eller åtgärder för att återställa underskottet",
        }
    ),
}
_PERIOD = {"årsrapport": "år", "tertialrapport_1": "tertial", "tertialrapport_2": "tertial"}


def report_facts(base: FactBase, kind: str, doc: FollowUpReport, order: int) -> None:
    place = process_facts(
        base, kind, doc, doc.process.decision, doc.process.apt, order, path=("process",)
    )
    ref = f"{kind}/RAPPORT"
    fact = put_plain({"kind": "report", "ref": ref}, doc)
    fact["doc"] = kind
    fact["apt_count"] = len(doc.process.apt)
    fact["level"] = "nämnd" if doc.unit == doc.committee else "enhet"
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
    texts: list[tuple[Path, str | None]] = [
        (("sammanfattning",), doc.summary),
        (("teckenförklaring",), doc.legend),
        (("ekonomi", "förklaring"), doc.budget.explanation if doc.budget else None),
    ]
    for i, a in enumerate(doc.assessments):
        texts += [
            (("åtaganden", i, k), t) for k, t in (("bedömning", a.grade), ("analys", a.analysis))
        ]
        texts.append((("åtaganden", i, "åtgärder"), a.measures))
    for i, o in enumerate(doc.indicators):
        texts.append((("indikatorer", i, "kommentar"), o.comment))
    texts += [(("synpunkter_och_klagomål",), doc.complaints)]
    texts += [(("jämställdhet_och_mångfald",), doc.equality_plan)]
    text_sign_facts(base, kind, doc.year, doc.excerpt, texts, order, place, _PERIOD.get(kind))


def text_sign_facts(
    base: FactBase,
    kind: str,
    year: int,
    excerpt: bool,
    texts: list[tuple[Path, str | None]],
    order: int,
    parent: Place,
    period: str | None,
) -> None:
    """The `followup_text` fact of a report or memo: what its running text says, field by field;
    the fact points at the field of the first sign found."""
    ref = f"{kind}/FOLLOWUP"
    fact: Fact = {"kind": "followup_text", "ref": ref, "doc": kind, "name": DOCUMENT_NAMES[kind]}
    fact["report"] = kind in _PERIOD
    if period is not None:
        fact["period"] = period
    found: dict[str, str] = {}
    counts: list[signs.GoalCount] = []
    where: Path | None = None
    for path, text in texts:
        if not text or not text.strip():
            continue
        here = {
            "forecast_wording": signs.forecast_wording(text, year),
            "goal_assessment_deferred": signs.assessment_deferred(text),
            "amount_missing": signs.amount_missing(text, excerpt),
            "negative_equity": signs.negative_equity(text),
            "restore_plan": signs.restore_plan(text),
        }
        counted = signs.goal_counts(text)
        if counted and not counts:
            where = where or path
        counts += counted
        for key, value in here.items():
            if value is not None and key not in found:
                found[key] = value[:FACT_TEXT]
                where = where or path
    fact.update(found)
    if counts:  # the first count that does not add up, else the first
        count = next((c for c in counts if c.stated != c.accounted), counts[0])
        fact["goals_stated"] = count.stated
        fact["goals_accounted"] = count.accounted
        fact["goals_unaccounted"] = count.stated - count.accounted
        fact["goal_count_quote"] = count.quote[:FACT_TEXT]
    labels = (DOCUMENT_NAMES[kind], DOCUMENT_NAMES_EN[kind])
    path = where or ("dokument",)
    base.add(fact, Place(ref, "followup_text", path, order, parent=parent, labels=labels, doc=kind))


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
