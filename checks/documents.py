"""The other documents of a unit's year: risk analysis, internal-control plan, decision memo and
follow-up reports (tertialrapport, årsrapport).

Like the plan (`checks.model`), each is strict about structure and types and lenient about content:
a risk value outside 1–4, an assessment spelled "nästan uppfyllt" or a control without a method
load fine and are judged by the rules in `rules/`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from checks.model import ID_PATTERN, Element, Integer, Measure, Plan, Text, TextSigns, Title

RefId = Annotated[str, Field(pattern=ID_PATTERN)]  # a reference to an element's id

# What a decision concerns: the steering calendar (checks/calendar.py) has a window for each.
Concerns = Literal["verksamhetsplan", "tertialrapport_1", "tertialrapport_2", "årsrapport", "annat"]


class Header(BaseModel):
    """What every document states about itself: kind, year, committee and unit."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(alias="år", ge=1990, le=2100)
    committee: Title = Field(alias="nämnd")
    administration: Text = Field(default=None, alias="förvaltning")
    department: Text = Field(default=None, alias="avdelning")
    unit: Title = Field(alias="enhet")
    # The text we have ends before the document does (an excerpt, a cut-off export): what is not
    # in it may still be in the document, so a rule that would judge its absence cannot.
    excerpt: bool = Field(default=False, alias="utdrag")
    signs: TextSigns | None = Field(default=None, alias="tecken")  # seen in the text by the import


# --- Risk- och väsentlighetsanalys (ROV) ----------------------------------------------------


class Risk(Element):
    """A risk of the risk and materiality analysis, assessed 1–4 × 1–4."""

    prefix = "RISK"
    key_fields = ("process", "risk")

    process: Title = Field(alias="process")
    risk: Title = Field(alias="risk")
    likelihood: Integer | None = Field(default=None, alias="sannolikhet")
    consequence: Integer | None = Field(default=None, alias="konsekvens")
    risk_value: Integer | None = Field(default=None, alias="riskvärde")
    treatment: Text = Field(default=None, alias="hantering")
    accepted: bool = Field(default=False, alias="accepterad")
    motivation: Text = Field(default=None, alias="motivering")
    responsible: Text = Field(default=None, alias="ansvarig")


class RiskAnalysis(Header):
    """Risk- och väsentlighetsanalys (ROV) for one unit and year."""

    model_config = ConfigDict(extra="forbid", title="Risk- och väsentlighetsanalys")

    document: Literal["riskanalys"] = Field(alias="dokument")
    date: dt.date | None = Field(default=None, alias="datum")
    # rov: risk- och väsentlighetsanalys for internal control (kommunallagen 6 kap. 6 §);
    # rsa: risk- och sårbarhetsanalys for crisis preparedness (lag 2006:544, LEH)
    analysis_kind: Literal["rov", "rsa"] | None = Field(default=None, alias="analystyp")
    risks: list[Risk] = Field(default_factory=list, alias="risker")


# --- Internkontrollplan ---------------------------------------------------------------------


class Deviation(Element):
    """An avvikelse a control found, with the action taken."""

    prefix = "AVV"
    key_fields = ("description",)
    keyed_by_parent = True

    description: Title = Field(alias="beskrivning")
    action: Text = Field(default=None, alias="åtgärd")
    responsible: Text = Field(default=None, alias="ansvarig")
    due: dt.date | None = Field(default=None, alias="datum")


class Control(Element):
    """A control of the internal-control plan, with the risks it covers and what it found."""

    prefix = "IK"
    key_fields = ("process", "control_step")

    process: Title = Field(alias="process")
    control_step: Text = Field(default=None, alias="kontrollmoment")
    method: Text = Field(default=None, alias="metod")
    frequency: Text = Field(default=None, alias="frekvens")
    responsible: Text = Field(default=None, alias="ansvarig")
    reporting_to: Text = Field(default=None, alias="rapporteras_till")
    risks: list[RefId] = Field(default_factory=list, alias="risker")
    risk_value: Integer | None = Field(default=None, alias="riskvärde")  # stated at the control
    result: Text = Field(default=None, alias="resultat")
    deviations: list[Deviation] = Field(default_factory=list, alias="avvikelser")


class ControlPlan(Header):
    """Internkontrollplan for one unit and year."""

    model_config = ConfigDict(extra="forbid", title="Internkontrollplan")

    document: Literal["internkontrollplan"] = Field(alias="dokument")
    date: dt.date | None = Field(default=None, alias="datum")
    # How the plan says its controls were chosen ("risker med riskvärde över 9"), and the
    # columns of its table as written: what an imported plan shows of its own template.
    selection: Text = Field(default=None, alias="urval")
    columns: list[Title] = Field(default_factory=list, alias="kolumner")
    controls: list[Control] = Field(default_factory=list, alias="kontroller")


# --- Tjänsteutlåtande -----------------------------------------------------------------------


class Preparation(Element):
    """Ärendets beredning: union steps under MBL, workplace meetings and councils."""

    prefix = "BEREDNING"
    singleton = True

    text: Text = Field(default=None, alias="text")
    mbl_19: dt.date | None = Field(default=None, alias="mbl_19")
    mbl_11: dt.date | None = Field(default=None, alias="mbl_11")
    apt: list[dt.date] = Field(default_factory=list, alias="apt")
    pensioners_council: dt.date | None = Field(default=None, alias="pensionärsråd")
    disability_council: dt.date | None = Field(default=None, alias="funktionshinderråd")


class Attachment(Element):
    """A bilaga, with its date and the MBL dates it states."""

    prefix = "BILAGA"

    title: Title = Field(alias="titel")
    date: dt.date | None = Field(default=None, alias="datum")
    mbl_19: dt.date | None = Field(default=None, alias="mbl_19")
    mbl_11: dt.date | None = Field(default=None, alias="mbl_11")


class DecisionMemo(Header):
    """A tjänsteutlåtande to the committee, as in seeds 001 and 002.

    A memo about all units' plans belongs to the committee: `enhet` may then name the unit whose
    dossier it is filed in, or be left out.
    """

    model_config = ConfigDict(extra="forbid", title="Tjänsteutlåtande")

    document: Literal["tjänsteutlåtande"] = Field(alias="dokument")
    unit: Text = Field(default=None, alias="enhet")  # type: ignore[assignment]
    dnr: Text = Field(default=None, alias="dnr")
    date: dt.date | None = Field(default=None, alias="datum")
    subject: Title = Field(alias="ärende")
    concerns: Concerns = Field(alias="avser")
    proposal: list[Title] = Field(default_factory=list, alias="förslag_till_beslut")
    summary: Text = Field(default=None, alias="sammanfattning")
    preparation: Preparation = Field(default_factory=Preparation, alias="beredning")
    background: Text = Field(default=None, alias="bakgrund")
    matter: Text = Field(default=None, alias="ärendet")
    administration_view: Text = Field(default=None, alias="förvaltningens_förslag")
    decision: dt.date | None = Field(default=None, alias="beslutsdatum")
    attachments: list[Attachment] = Field(default_factory=list, alias="bilagor")


# --- Tertialrapport och årsrapport ----------------------------------------------------------


class Assessment(Element):
    """How the report assesses one åtagande of the plan, named by its title."""

    prefix = "BED"
    key_fields = ("commitment",)

    commitment: Title = Field(alias="åtagande")
    grade: Text = Field(default=None, alias="bedömning")  # uppfyllt / delvis uppfyllt / ej …
    analysis: Text = Field(default=None, alias="analys")
    measures: Text = Field(default=None, alias="åtgärder")
    indicators: list[Title] = Field(default_factory=list, alias="indikatorer")


class IndicatorOutcome(Element):
    """An indicator's outcome against its target."""

    prefix = "UTFALL"
    key_fields = ("name",)

    name: Title = Field(alias="namn")
    outcome: Measure | None = Field(default=None, alias="utfall")
    target: Measure | None = Field(default=None, alias="årsmål")
    direction: Literal["högre", "lägre"] = Field(default="högre", alias="riktning")
    comment: Text = Field(default=None, alias="kommentar")


class BudgetOutcome(Element):
    """Net budget and net outcome in tkr, with the explanation of a deviation."""

    prefix = "EKONOMI"
    singleton = True

    budget_net: Measure | None = Field(default=None, alias="budget_netto")
    outcome_net: Measure | None = Field(default=None, alias="utfall_netto")
    explanation: Text = Field(default=None, alias="förklaring")


class ReportProcess(Element):
    """When the report was treated at workplace meetings and decided."""

    prefix = "RAPPORTPROCESS"
    singleton = True

    apt: list[dt.date] = Field(default_factory=list, alias="apt")
    decision: dt.date | None = Field(default=None, alias="beslut")


class FollowUpReport(Header):
    """A four-month report (tertialrapport 1 or 2) or the annual report (verksamhetsberättelse)."""

    model_config = ConfigDict(extra="forbid", title="Uppföljningsrapport")

    document: Literal["tertialrapport", "årsrapport"] = Field(alias="dokument")
    tertial: Literal[1, 2] | None = Field(default=None, alias="tertial")
    summary: Text = Field(default=None, alias="sammanfattning")
    # what the report's legend says its colours or symbols mean ("Grön = uppfyllt")
    legend: Text = Field(default=None, alias="teckenförklaring")
    assessments: list[Assessment] = Field(default_factory=list, alias="åtaganden")
    indicators: list[IndicatorOutcome] = Field(default_factory=list, alias="indikatorer")
    budget: BudgetOutcome | None = Field(default=None, alias="ekonomi")
    process: ReportProcess = Field(default_factory=ReportProcess, alias="process")
    complaints: Text = Field(default=None, alias="synpunkter_och_klagomål")
    equality_plan: Text = Field(default=None, alias="jämställdhet_och_mångfald")

    @model_validator(mode="after")
    def _tertial_stated(self) -> FollowUpReport:
        if self.document == "tertialrapport" and self.tertial is None:
            raise ValueError("en tertialrapport ska ange tertial: 1 eller 2")
        if self.document == "årsrapport" and self.tertial is not None:
            raise ValueError("en årsrapport har inget tertial")
        return self

    @property
    def kind(self) -> str:
        """The report's kind as the dossier and the calendar name it."""
        if self.document == "tertialrapport":
            return f"tertialrapport_{self.tertial or 1}"
        return "årsrapport"


Document = Plan | RiskAnalysis | ControlPlan | DecisionMemo | FollowUpReport

# `dokument:` value -> model. A tertialrapport states which tertial it is.
DOCUMENT_MODELS: dict[str, type[BaseModel]] = {
    "verksamhetsplan": Plan,
    "riskanalys": RiskAnalysis,
    "internkontrollplan": ControlPlan,
    "tjänsteutlåtande": DecisionMemo,
    "tertialrapport": FollowUpReport,
    "årsrapport": FollowUpReport,
}

# Document kind (as a dossier holds it) -> Swedish name with the definite article, for messages.
DOCUMENT_NAMES: dict[str, str] = {
    "verksamhetsplan": "verksamhetsplanen",
    "riskanalys": "risk- och väsentlighetsanalysen",
    "internkontrollplan": "internkontrollplanen",
    "tjänsteutlåtande": "tjänsteutlåtandet",
    "tertialrapport_1": "tertialrapport 1",
    "tertialrapport_2": "tertialrapport 2",
    "årsrapport": "årsrapporten",
}
DOCUMENT_NAMES_EN: dict[str, str] = {
    "verksamhetsplan": "the operating plan",
    "riskanalys": "the risk and materiality analysis",
    "internkontrollplan": "the internal-control plan",
    "tjänsteutlåtande": "the decision memo",
    "tertialrapport_1": "four-month report 1",
    "tertialrapport_2": "four-month report 2",
    "årsrapport": "the annual report",
}


def document_kind(document: Any) -> str:
    """The kind a dossier files a document under: one of `DOCUMENT_NAMES`."""
    if isinstance(document, FollowUpReport):
        return document.kind
    return str(document.document)


def json_schemas() -> dict[str, Any]:
    """The JSON Schema of every document kind, with the Swedish keys users write."""
    return {
        name: model.model_json_schema(by_alias=True)
        for name, model in DOCUMENT_MODELS.items()
        if name != "årsrapport"
    }
