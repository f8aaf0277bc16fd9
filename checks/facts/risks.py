"""The facts of a risk and materiality analysis (ROV): one `risk` fact per risk."""

from __future__ import annotations

from checks.documents import Risk, RiskAnalysis
from checks.facts.base import FactBase, FactKind, element_place, put_plain
from checks.facts.process import process_facts

KINDS = {
    "risk": FactKind(
        model=Risk,
        derived={
            "computed_value": "sannolikhet × konsekvens",
            "value": "riskvärdet (beräknat, annars angivet)",
            "value_diff": "angivet riskvärde minus sannolikhet × konsekvens",
        },
    ),
}


def risk_analysis_facts(base: FactBase, kind: str, doc: RiskAnalysis, order: int) -> None:
    process_facts(base, kind, doc, None, [], order, doc_date=doc.date, path=("datum",))
    for i, risk in enumerate(doc.risks, start=1):
        ref, place = element_place(kind, "risk", risk, ("risker", i - 1), order + i, None)
        fact = put_plain({"kind": "risk", "ref": ref}, risk)
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
