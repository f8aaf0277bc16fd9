"""Facts: the documents of a check flattened for the rule engine, with derived values.

Python derives here; it never decides whether a requirement holds (that is `rules/*.yaml`).
One module per document kind: `plan`, `risks`, `controls`, `memo`, `reports`, with `process` for
what every document has (APT, MBL, the decision), `text` for values read out of running text and
`labels` for how findings name elements.

`FACT_KINDS` is the contract with the catalogue: every field a rule or message may read. A fact
kind built from a model carries all of that model's plain fields with no Python to write (see
`base`); each module declares what it derives on top, beside the code that derives it. The
`settings` fact carries the catalogue's thresholds, so its fields come from `rules/catalogue.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from checks.documents import ControlPlan, DecisionMemo, FollowUpReport, RiskAnalysis
from checks.facts import controls, memo, plan, process, reports, risks, text, textsigns
from checks.facts.base import Fact, FactBase, FactKind, FactValue, Place, number
from checks.facts.controls import control_plan_facts
from checks.facts.memo import memo_facts
from checks.facts.plan import plan_facts
from checks.facts.reports import report_facts
from checks.facts.risks import risk_analysis_facts
from checks.model import Plan

if TYPE_CHECKING:  # imported for annotations only: the catalogue imports this package
    from checks.calendar import Calendar
    from checks.dossier import Dossier

__all__ = ["FACT_KINDS", "FROM_DOCUMENT", "Fact", "FactBase", "FactValue", "Place", "derive"]

_OWN = {
    "dossier": FactKind(
        derived={
            "year": "aktens år",
            "unit": "enhetens namn",
            "documents": "antal handlingar i akten",
            "has_plan": "akten har en verksamhetsplan",
            "has_risk_analysis": "akten har en risk- och väsentlighetsanalys",
            "has_control_plan": "akten har en internkontrollplan",
            "has_memo": "akten har ett tjänsteutlåtande",
            "has_annual_report": "akten har en årsrapport",
        }
    ),
    "calendar_window": FactKind(
        derived={
            "concerns": "vilket beslut perioden gäller",
            "event": "händelse i styrkalendern",
            "from_day": "periodens första dag som dagnummer",
            "to_day": "periodens sista dag som dagnummer",
            "from_date": "periodens första dag",
            "to_date": "periodens sista dag",
        }
    ),
}
_KINDS: dict[str, FactKind] = {
    **_OWN,
    **process.KINDS,
    **plan.KINDS,
    **risks.KINDS,
    **controls.KINDS,
    **memo.KINDS,
    **reports.KINDS,
    **text.KINDS,
    **textsigns.KINDS,
}
# kind -> field -> what it holds; every fact also has `kind` and `ref` (its element's stable id).
# The `settings` kind is added by the catalogue from its thresholds.
FACT_KINDS: dict[str, dict[str, str]] = {kind: k.fields() for kind, k in _KINDS.items()}
# document kind -> the kinds of fact it can give: what an excerpt of it may lack
_REPORT = {"document", *reports.KINDS}
FROM_DOCUMENT: dict[str, frozenset[str]] = {
    "verksamhetsplan": frozenset({"document", "mbl", "text_amount", "text_year", *plan.KINDS}),
    "riskanalys": frozenset({"document", *risks.KINDS}),
    "internkontrollplan": frozenset({"document", *controls.KINDS}),
    "tjänsteutlåtande": frozenset({"decision", "mbl", *memo.KINDS}),
    "tertialrapport_1": frozenset(_REPORT),
    "tertialrapport_2": frozenset(_REPORT),
    "årsrapport": frozenset(_REPORT),
}


def derive(
    target: Dossier | Plan,
    settings: Mapping[str, float],
    calendar: Calendar | None = None,
) -> FactBase:
    """The facts of a dossier (or of a plan on its own) for one check.

    `settings` are the organisation's thresholds (see `rules/catalogue.yaml`); `calendar` is the
    steering calendar of the dossier's year (see `checks.calendar`).
    """
    base = FactBase()
    base.add(
        {"kind": "settings", "ref": "SETTINGS", **{k: number(v) for k, v in settings.items()}},
        Place("SETTINGS", "settings", (), 0, labels=("inställningarna", "the settings")),
    )
    if isinstance(target, Plan):
        plan_facts(base, target)
        return base
    dossier = target
    for n, (kind, loaded) in enumerate(dossier.documents.items()):
        _document_facts(base, kind, loaded.document, n * 100_000)
    if dossier.is_dossier:
        kinds = set(dossier.documents)
        base.add(
            {
                "kind": "dossier",
                "ref": "DOSSIER",
                "year": dossier.year,
                "unit": dossier.unit,
                "documents": len(kinds),
                "has_plan": "verksamhetsplan" in kinds,
                # a crisis-preparedness analysis (RSA, LEH) is not internal control's ROV (R10)
                "has_risk_analysis": "riskanalys" in kinds
                and getattr(dossier.documents["riskanalys"].document, "analysis_kind", None)
                != "rsa",
                "has_control_plan": "internkontrollplan" in kinds,
                "has_memo": "tjänsteutlåtande" in kinds,
                "has_annual_report": "årsrapport" in kinds,
            },
            Place("DOSSIER", "dossier", (), 0, labels=("akten", "the dossier"), doc="akt"),
        )
    if calendar is not None:
        for n, window in enumerate(calendar.windows, start=1):
            ref = f"KALENDER:{n}"
            base.add(
                {
                    "kind": "calendar_window",
                    "ref": ref,
                    "concerns": window.concerns,
                    "event": window.event,
                    "from_day": window.start.toordinal(),
                    "to_day": window.end.toordinal(),
                    "from_date": window.start.isoformat(),
                    "to_date": window.end.isoformat(),
                },
                Place(ref, "calendar_window", (), 0, labels=(window.event, window.event)),
            )
    return base


def _document_facts(base: FactBase, kind: str, doc: Any, order: int) -> None:
    if isinstance(doc, Plan):
        plan_facts(base, doc)
    elif isinstance(doc, RiskAnalysis):
        risk_analysis_facts(base, kind, doc, order)
    elif isinstance(doc, ControlPlan):
        control_plan_facts(base, kind, doc, order)
    elif isinstance(doc, DecisionMemo):
        memo_facts(base, kind, doc, order)
    elif isinstance(doc, FollowUpReport):
        report_facts(base, kind, doc, order)
