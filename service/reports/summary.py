"""The committee summary of issue 13: per committee (nämnd) and year, counted from the stored
documents (the current version of each, as validated when stored) and the stored findings,
never from hand-written numbers; the sentences are made by `service.reports.wording`.

`build_summary` reads: the committee's tree as far as the user may read it, the units' current
documents, the current findings of the year (and the open ones' counts of earlier years), the
findings of each series' previous version. Nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from checks.catalogue import SEVERITY_RANK, Catalogue
from checks.documents import ControlPlan, FollowUpReport, RiskAnalysis
from checks.facts.base import present
from checks.model import BoardGoal, Commitment, Plan, digest, iter_elements
from service.db import User
from service.reports import history
from service.reports import scope as sc
from service.reports.models import (
    AreaCount,
    CommitmentFigures,
    CommitteeSummary,
    Fulfilment,
    Handling,
    KeyIssue,
    RiskItem,
    SeverityCounts,
    UnitBudget,
    UnitCount,
    UnitRef,
)
from service.reports.wording import sections
from service.stored import findings_by_id

BUDGET_RULES = ("B1", "B2", "B3", "B4", "B5", "B6", "F4", "F9", "F10")
GRADES = {
    "uppfyllt": "fulfilled",
    "delvis uppfyllt": "partly",
    "ej uppfyllt": "not_fulfilled",
    "inte uppfyllt": "not_fulfilled",
}


def build_summary(
    session: Session,
    user: User,
    committee_id: int,
    year: int,
    catalogue: Catalogue,
    lang: str = "sv",
    today: date | None = None,
) -> CommitteeSummary:
    """The summary of a committee's year as far as the user may read it (raises
    `scope.OutOfReach` for a committee that is not there for them)."""
    return summarise(session, user, committee_id, year, catalogue, lang, today)[0]


def summarise(
    session: Session,
    user: User,
    committee_id: int,
    year: int,
    catalogue: Catalogue,
    lang: str = "sv",
    today: date | None = None,
) -> tuple[CommitteeSummary, set[int]]:
    """The summary, and the ids of the open findings it counted."""
    today = today or date.today()
    scope = sc.resolve(session, user, committee_id, "nämnd", "nämnden", "committee")
    docs = sc.documents(session, scope, year)
    findings = sc.counted_findings(session, scope.ids, year, today)
    open_ = [f for f in findings if f.status != "exception"]
    threshold = catalogue.thresholds["risk_threshold"].default
    plans = {u: d.documents["verksamhetsplan"] for u, d in docs.items() if _plan(d)}
    risks = [r for d in docs.values() for r in _risks(d, open_)]
    counts = _counts(open_)
    data: dict[str, Any] = {
        "lang": lang,
        "committee_id": scope.root.id,
        "committee": scope.root.name,
        "year": year,
        "generated_at": datetime.now(UTC).isoformat(),
        "catalogue_version": catalogue.version,
        "complete": scope.complete,
        "units_total": len(scope.units),
        "units": [
            UnitRef(id=d.unit_id, name=d.name, documents=sorted(d.versions)) for d in docs.values()
        ],
        "unreadable": sum(len(d.unreadable) for d in docs.values()),
        "commitments": _commitments(plans),
        "fulfilment": _fulfilment(docs, None),
        "reports": [
            _fulfilment(docs, kind)
            for kind in sc.REPORT_ORDER
            if any(kind in d.documents for d in docs.values())
        ],
        "budgets": [b for d in docs.values() if (b := _budget(d, open_)) is not None],
        "risk_threshold": threshold,
        "risks": sorted(
            (r for r in risks if r.value is not None and r.value >= threshold),
            key=lambda r: (-(r.value or 0), r.unit, r.risk),
        ),
        "risks_total": len(risks),
        "open_findings": counts,
        "exceptions": len(findings) - len(open_),
        "by_area": _by_area(open_, catalogue, lang),
        "by_unit": _by_unit(open_, scope, docs),
        "key_issues": _key_issues(session, open_, catalogue, scope, lang),
        "changes": history.changes(session, scope, year),
        "years": history.years(session, scope, year, counts),
        "versions": history.versions(session, scope, year),
    }
    facts = _facts(docs, plans, open_)
    facts["units_without"] = [scope.names[u] for u in scope.units if u not in docs]
    data["sections"] = sections(data, facts, lang, today)
    return CommitteeSummary.model_validate(data), {f.id for f in open_}


def _plan(d: sc.UnitDocuments) -> bool:
    return isinstance(d.documents.get("verksamhetsplan"), Plan)


def commitments_of(plan: Plan) -> list[tuple[Commitment, bool]]:
    """The plan's åtaganden, each with whether it is linked to one of its board goals (placed
    under it, or naming it in the field nämndmål)."""
    elements = iter_elements(plan)
    goals = {e.id for _, e, _ in elements if isinstance(e, BoardGoal)}
    out = []
    for _, element, up in elements:
        if isinstance(element, Commitment):
            owner = up[-1] if up else None
            linked = isinstance(owner, BoardGoal) or element.board_goal in goals
            out.append((element, linked))
    return out


def _commitments(plans: dict[int, Plan]) -> CommitmentFigures:
    found = [c for plan in plans.values() for c in commitments_of(plan)]
    return CommitmentFigures(
        plans=len(plans),
        total=len(found),
        linked_to_goal=sum(linked for _, linked in found),
        expected_result=sum(present(c.expected_result) is not None for c, _ in found),
        follow_up=sum(present(c.follow_up) is not None for c, _ in found),
    )


def grade_of(text: str | None) -> str:
    """fulfilled, partly, not_fulfilled or unclear."""
    return GRADES.get(" ".join((text or "").casefold().split()), "unclear")


def _fulfilment(docs: dict[int, sc.UnitDocuments], kind: str | None) -> Fulfilment:
    """The grades of one report kind, or (kind None) of each unit's newest report; with the
    plan's åtaganden the report does not assess at all."""
    tally: dict[str, int] = defaultdict(int)
    reports = 0
    for d in docs.values():
        if kind is None:
            newest = d.latest_report()
            report = newest[1] if newest is not None else None
        else:
            report = d.documents.get(kind)
        if not isinstance(report, FollowUpReport):
            continue
        reports += 1
        for assessment in report.assessments:
            tally[grade_of(assessment.grade)] += 1
        plan = d.documents.get("verksamhetsplan")
        if isinstance(plan, Plan):
            assessed = {digest(a.commitment) for a in report.assessments}
            tally["not_assessed"] += sum(
                digest(c.title) not in assessed for c, _ in commitments_of(plan)
            )
    return Fulfilment(
        source=kind or "senaste",
        reports=reports,
        fulfilled=tally["fulfilled"],
        partly=tally["partly"],
        not_fulfilled=tally["not_fulfilled"],
        unclear=tally["unclear"],
        not_assessed=tally["not_assessed"],
    )


def _ids(findings: list[sc.Counted], unit: int, rules: tuple[str, ...]) -> list[int]:
    return [f.id for f in findings if f.unit == unit and f.rule_id in rules]


def _budget(d: sc.UnitDocuments, open_: list[sc.Counted]) -> UnitBudget | None:
    """The unit's net outcome against its budget from its newest report with finances; else
    its plan's net budget against the frame it was given."""
    plan = d.documents.get("verksamhetsplan")
    frame = plan.budget.frame if isinstance(plan, Plan) and plan.budget is not None else None
    fields: dict[str, Any] = {"unit_id": d.unit_id, "unit": d.name, "frame_tkr": frame}
    newest = d.latest_report(with_budget=True)
    outcome = newest[1].budget if newest is not None else None
    if newest and outcome and outcome.budget_net is not None and outcome.outcome_net is not None:
        budget, actual = outcome.budget_net, outcome.outcome_net
        fields.update(source=newest[0], budget_tkr=budget, outcome_tkr=actual)
    elif isinstance(plan, Plan) and plan.budget and plan.budget.net_total is not None and frame:
        budget, actual = frame, plan.budget.net_total
        fields.update(source="verksamhetsplan", budget_tkr=actual, outcome_tkr=None)
    else:
        return None
    deviation = actual - budget
    return UnitBudget(
        **fields,
        deviation_tkr=deviation,
        deviation_pct=round(100 * deviation / budget, 1) if budget else 0.0,
        within=deviation <= 0,
        findings=_ids(open_, d.unit_id, BUDGET_RULES),
    )


def risk_value(risk: Any) -> int | None:
    """Likelihood × consequence where both are stated, else the value the analysis states."""
    if risk.likelihood is not None and risk.consequence is not None:
        return int(risk.likelihood * risk.consequence)
    return int(risk.risk_value) if risk.risk_value is not None else None


def _risks(d: sc.UnitDocuments, open_: list[sc.Counted]) -> list[RiskItem]:
    analysis = d.documents.get("riskanalys")
    if not isinstance(analysis, RiskAnalysis):
        return []
    plan = d.documents.get("internkontrollplan")
    controls = plan.controls if isinstance(plan, ControlPlan) else []
    out = []
    for risk in analysis.risks:
        n = sum(risk.id in c.risks for c in controls)
        handling: Handling = "saknas"
        if n:
            handling = "kontroll"
        elif risk.accepted:
            handling = "accepterad" if present(risk.motivation) else "accepterad_utan_motivering"
        ref = f"riskanalys/{risk.id}"
        out.append(
            RiskItem(
                unit_id=d.unit_id,
                unit=d.name,
                process=risk.process,
                risk=risk.risk,
                value=risk_value(risk),
                handling=handling,
                controls=n,
                findings=[f.id for f in open_ if f.unit == d.unit_id and f.element_id == ref],
            )
        )
    return out


def _counts(found: list[sc.Counted]) -> SeverityCounts:
    tally: dict[str, int] = defaultdict(int)
    for f in found:
        tally[f.severity] += 1
    return SeverityCounts(fel=tally["fel"], varning=tally["varning"], info=tally["info"])


def _by_area(found: list[sc.Counted], catalogue: Catalogue, lang: str) -> list[AreaCount]:
    return [
        AreaCount(
            code=area.code,
            title=area.title.get(lang),
            **_counts([f for f in found if f.rule_id[:1] == area.code]).model_dump(),
        )
        for area in catalogue.areas
    ]


def _by_unit(
    found: list[sc.Counted], scope: sc.Scope, docs: dict[int, sc.UnitDocuments]
) -> list[UnitCount]:
    units = sorted(set(docs) | {f.unit for f in found}, key=lambda u: scope.names[u])
    return [
        UnitCount(
            unit_id=u,
            unit=scope.names[u],
            **_counts([f for f in found if f.unit == u]).model_dump(),
        )
        for u in units
    ]


def _key_issues(
    session: Session, found: list[sc.Counted], catalogue: Catalogue, scope: sc.Scope, lang: str
) -> list[KeyIssue]:
    """The three rules that matter most among the open findings: the most severe first, then
    the most often broken, then the catalogue's reading order; each explained by its first
    finding as rendered from the catalogue that judged it."""
    by_rule: dict[str, list[sc.Counted]] = defaultdict(list)
    for f in found:
        by_rule[f.rule_id].append(f)
    ranked = sorted(
        by_rule.items(),
        key=lambda item: (
            SEVERITY_RANK.get(item[1][0].severity, 9),
            -len(item[1]),
            catalogue.order_of(item[0]),
        ),
    )
    out = []
    firsts = findings_by_id(session, [hits[0].id for _, hits in ranked[:3]], lang)
    for (rule_id, hits), first in zip(ranked[:3], firsts, strict=True):
        checked = catalogue.get(rule_id)
        out.append(
            KeyIssue(
                rule_id=rule_id,
                area=rule_id[:1],
                severity=first.severity,
                title=first.title,
                why=checked.rule.rationale.get(lang) if checked is not None else "",
                remedy=first.remedy,
                units=sorted({scope.names[f.unit] for f in hits}),
                findings=[f.id for f in hits],
            )
        )
    return out


def _facts(
    docs: dict[int, sc.UnitDocuments], plans: dict[int, Plan], open_: list[sc.Counted]
) -> dict[str, Any]:
    """What the wording needs beyond the model: findings by rule, and the plans' users and
    staff figures."""
    by_rule: dict[str, list[int]] = defaultdict(list)
    for f in open_:
        by_rule[f.rule_id].append(f.id)
    return {
        "by_rule": dict(by_rule),
        "by_severity": {s: [f.id for f in open_ if f.severity == s] for s in SEVERITY_RANK},
        "serving_users": sum(p.serves_users for p in plans.values()),
        "guarantees": sum(len(p.quality_guarantees) for p in plans.values()),
        "plans_at_apt": sum(bool(p.process.apt) for p in plans.values()),
    }
