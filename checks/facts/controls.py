"""The facts of an internal-control plan: controls, the risks each covers, the deviations found."""

from __future__ import annotations

from checks.documents import Control, ControlPlan, Deviation
from checks.facts.base import (
    FACT_TEXT,
    Fact,
    FactBase,
    FactKind,
    Place,
    element_place,
    put_plain,
)
from checks.facts.process import process_facts
from checks.facts.targets import by_risk_value, frequency_columns, risk_value_column

KINDS = {
    "control_table": FactKind(
        derived={
            "columns": "tabellens kolumner, som de står",
            # stays out when an excerpt ends at the header: more columns may follow
            "frequency_columns": "antal kolumner för frekvens eller tidpunkt",
        }
    ),
    "control": FactKind(
        model=Control,
        derived={
            # stays out when an excerpt ends in the control: its value may follow
            "risk_values": "1 när kontrollen anger riskvärde eller risk, annars 0",
            "by_risk_value": "planen väljer kontrollerna efter riskvärde (kolumn eller urval)",
        },
    ),
    "control_risk": FactKind(
        derived={"control": "kontrollen", "risk": "risken", "risk_id": "riskens id"}
    ),
    "deviation": FactKind(model=Deviation),
}


def control_plan_facts(base: FactBase, kind: str, doc: ControlPlan, order: int) -> None:
    process_facts(base, kind, doc, None, [], order, doc_date=doc.date)
    _table_fact(base, kind, doc, order)
    chosen = risk_value_column(doc.columns) or by_risk_value(doc.selection)
    n = order
    for i, control in enumerate(doc.controls):
        n += 1
        ref, place = element_place(kind, "control", control, ("kontroller", i), n, None)
        fact = put_plain({"kind": "control", "ref": ref}, control)
        fact["by_risk_value"] = chosen
        stated = int(control.risk_value is not None or bool(control.risks))
        # the last control of an excerpt may state its value after the cut
        if stated or not (doc.excerpt and i == len(doc.controls) - 1):
            fact["risk_values"] = stated
        base.add(fact, place)
        for risk_id in dict.fromkeys(control.risks):
            link = f"{ref}:{risk_id}"
            base.add(
                {
                    "kind": "control_risk",
                    "ref": link,
                    "control": ref,
                    "risk": f"riskanalys/{risk_id}",
                    "risk_id": risk_id,
                },
                Place(
                    link,
                    "control_risk",
                    ("kontroller", i, "risker"),
                    n,
                    parent=place,
                    labels=(f"kopplingen till risk {risk_id}", f"the link to risk {risk_id}"),
                    doc=kind,
                ),
            )
        for j, deviation in enumerate(control.deviations):
            n += 1
            path = ("kontroller", i, "avvikelser", j)
            dref, dplace = element_place(kind, "deviation", deviation, path, n, place)
            base.add(put_plain({"kind": "deviation", "ref": dref}, deviation), dplace)


def _table_fact(base: FactBase, kind: str, doc: ControlPlan, order: int) -> None:
    """R9: the columns of the plan's table, when the text shows one."""
    if not doc.columns:
        return
    ref = f"{kind}/TABELL"
    fact: Fact = {"kind": "control_table", "ref": ref}
    fact["columns"] = " | ".join(doc.columns)[:FACT_TEXT]
    found = frequency_columns(doc.columns)
    if found or not (doc.excerpt and not doc.controls):  # an excerpt ending at the header
        fact["frequency_columns"] = found
    labels = ("internkontrollplanens tabell", "the internal-control plan's table")
    base.add(fact, Place(ref, "control_table", ("kolumner",), order, labels=labels, doc=kind))
