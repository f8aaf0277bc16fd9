"""The facts of an internal-control plan: controls, the risks each covers, the deviations found."""

from __future__ import annotations

from checks.documents import Control, ControlPlan, Deviation
from checks.facts.base import FactBase, FactKind, Place, element_place, put_plain
from checks.facts.process import process_facts

KINDS = {
    "control": FactKind(model=Control),
    "control_risk": FactKind(
        derived={"control": "kontrollen", "risk": "risken", "risk_id": "riskens id"}
    ),
    "deviation": FactKind(model=Deviation),
}


def control_plan_facts(base: FactBase, kind: str, doc: ControlPlan, order: int) -> None:
    process_facts(base, kind, doc, None, [], order, doc_date=doc.date)
    n = order
    for i, control in enumerate(doc.controls):
        n += 1
        ref, place = element_place(kind, "control", control, ("kontroller", i), n, None)
        base.add(put_plain({"kind": "control", "ref": ref}, control), place)
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
