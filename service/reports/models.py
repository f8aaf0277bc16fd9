"""The committee summary as data (pydantic, as the API answers it): every figure counted from the
stored documents and findings, every statement in plain language with the findings behind it.
The charts (`service.reports.charts`) and the HTML and PDF (`service.reports.pdf`) are drawn
from this model alone."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Handling = Literal["kontroll", "accepterad", "accepterad_utan_motivering", "saknas"]


class Out(BaseModel):
    """A response body: exactly these fields, nothing else."""

    model_config = ConfigDict(extra="forbid")


class Statement(Out):
    """One sentence of the summary and the findings it rests on (their ids)."""

    text: str
    findings: list[int] = Field(default_factory=list, description="fynden bakom påståendet")


class Section(Out):
    key: str
    heading: str
    statements: list[Statement]


class UnitRef(Out):
    id: int
    name: str
    documents: list[str] = Field(description="handlingstyperna enheten har för året")


class SeverityCounts(Out):
    fel: int = 0
    varning: int = 0
    info: int = 0

    @property
    def total(self) -> int:
        return self.fel + self.varning + self.info


class CommitmentFigures(Out):
    """The plans' åtaganden: how many, and how many are linked to a goal, state an expected
    result and say how they are followed up."""

    plans: int
    total: int
    linked_to_goal: int
    expected_result: int
    follow_up: int


class Fulfilment(Out):
    """How one report kind (or the newest report of each unit) grades the åtaganden."""

    source: str = Field(description="årsrapport, tertialrapport_2, tertialrapport_1 eller senaste")
    reports: int
    fulfilled: int
    partly: int
    not_fulfilled: int
    unclear: int = Field(description="bedömning saknas eller är inte en av de tre")
    not_assessed: int = Field(description="planens åtaganden som rapporten inte bedömer")


class UnitBudget(Out):
    unit_id: int
    unit: str
    source: str = Field(description="handlingen beloppen kommer från")
    budget_tkr: float
    outcome_tkr: float | None = Field(description="utfall netto; None när bara planen finns")
    frame_tkr: float | None
    deviation_tkr: float = Field(description="utfall (eller planerad netto) minus budget (ram)")
    deviation_pct: float
    within: bool
    findings: list[int]


class RiskItem(Out):
    unit_id: int
    unit: str
    process: str
    risk: str
    value: int | None
    handling: Handling
    controls: int = Field(description="antal kontroller i internkontrollplanen för risken")
    findings: list[int]


class AreaCount(SeverityCounts):
    code: str
    title: str


class UnitCount(SeverityCounts):
    unit_id: int
    unit: str


class YearPoint(SeverityCounts):
    year: int


class VersionPoint(Out):
    kind: str
    version: int
    findings: int


class VersionChange(Out):
    unit_id: int
    unit: str
    kind: str
    version: int
    new: list[int]
    resolved: list[int] = Field(description="fynd i förra versionen som inte finns kvar")


class KeyIssue(Out):
    rule_id: str
    area: str
    severity: str
    title: str
    why: str
    remedy: str
    units: list[str]
    findings: list[int]


class CommitteeSummary(Out):
    lang: Literal["sv", "en"]
    committee_id: int
    committee: str
    year: int
    generated_at: str = Field(json_schema_extra={"format": "date-time"})
    catalogue_version: str
    complete: bool = Field(description="användaren får läsa hela nämndens träd")
    units_total: int = Field(description="enheter (nivå enhet) i det som sammanfattas")
    units: list[UnitRef] = Field(description="enheter med handlingar för året")
    unreadable: int = Field(description="lagrade handlingar som inte kunde läsas om")
    commitments: CommitmentFigures
    fulfilment: Fulfilment
    reports: list[Fulfilment] = Field(description="per rapporttyp, i årets ordning")
    budgets: list[UnitBudget]
    risk_threshold: float
    risks: list[RiskItem] = Field(description="riskerna med riskvärde från tröskeln")
    risks_total: int
    open_findings: SeverityCounts
    exceptions: int = Field(description="fynd med godkänt, giltigt undantag")
    by_area: list[AreaCount]
    by_unit: list[UnitCount]
    key_issues: list[KeyIssue]
    changes: list[VersionChange]
    years: list[YearPoint]
    versions: list[VersionPoint]
    sections: list[Section]
