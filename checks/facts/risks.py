"""The facts of a risk and materiality analysis (ROV): one `risk` fact per risk."""

from __future__ import annotations

from checks.documents import Risk, RiskAnalysis
from checks.facts.base import FactBase, FactKind, Place, element_place, put_plain
from checks.facts.process import process_facts

KINDS = {
    "risk_analysis": FactKind(
        derived={"analysis_kind": "rov (intern kontroll) eller rsa (krisberedskap enligt LEH)"}
    ),
    "risk": FactKind(
        model=Risk,
        derived={
            "computed_value": "sannolikhet × konsekvens",
            "value": "riskvärdet (beräknat, annars angivet)",
            "value_diff": "angivet riskvärde minus sannolikhet × konsekvens",
            "analysis": "rov eller rsa: vilken sorts analys risken hör till",
        },
    ),
}


def risk_analysis_facts(base: FactBase, kind: str, doc: RiskAnalysis, order: int) -> None:
    process_facts(base, kind, doc, None, [], order, doc_date=doc.date, path=("datum",))
    ref = f"{kind}/ANALYS"
    labels = ("riskanalysen", "the risk analysis")
    fact: dict[str, str | int | float | bool] = {"kind": "risk_analysis", "ref": ref}
    if doc.analysis_kind is not None:
        fact["analysis_kind"] = doc.analysis_kind
    base.add(fact, Place(ref, "risk_analysis", ("analystyp",), order, labels=labels, doc=kind))
    for i, risk in enumerate(doc.risks, start=1):
        ref, place = element_place(kind, "risk", risk, ("risker", i - 1), order + i, None)
        fact = put_plain({"kind": "risk", "ref": ref}, risk)
        fact["analysis"] = "rsa" if doc.analysis_kind == "rsa" else "rov"
        computed = None
        if risk.likelihood is not None and risk.consequence is not None:
            computed = risk.likelihood * risk.consequence
            fact["computed_value"] = computed
            if risk.risk_value is not None:
                fact["value_diff"] = risk.risk_value - computed
        value = computed if computed is not None else risk.risk_value
        if value is not None:
            fact["value"] = value
        base.add(fact, place)
