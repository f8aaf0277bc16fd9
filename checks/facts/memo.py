"""The facts of a decision memo (tjänsteutlåtande): the committee's decision, the union steps in
the memo and in its attachments, and when the councils were informed."""

from __future__ import annotations

from checks.documents import DecisionMemo
from checks.facts.base import Fact, FactBase, FactKind, Place
from checks.facts.labels import clip
from checks.facts.process import mbl_fact, process_facts
from checks.facts.reports import text_sign_facts
from checks.facts.targets import memo_budget_fact
from checks.model import Path

_PERIOD = {"årsrapport": "år", "tertialrapport_1": "tertial", "tertialrapport_2": "tertial"}

KINDS = {
    "council_info": FactKind(
        derived={
            "council": "rådet",
            "concerns": "vad beslutet avser",
            "decision_date": "beslutsdatum",
            "informed_date": "datum då rådet informerades",
            "days_before_decision": "dagar före beslutet",
        }
    ),
}


def memo_facts(base: FactBase, kind: str, doc: DecisionMemo, order: int) -> None:
    prep = doc.preparation
    decision = doc.decision
    place = process_facts(
        base,
        kind,
        doc,
        decision,
        prep.apt,
        order,
        level="nämnd",
        concerns=doc.concerns,
        doc_date=doc.date,
        mbl=((19, prep.mbl_19), (11, prep.mbl_11)),
        path=("beslutsdatum",),
        mbl_path=("beredning",),
    )
    memo_budget_fact(base, kind, doc, order, place)
    for council, day, key in (
        ("pensionärsrådet", prep.pensioners_council, "pensionärsråd"),
        ("funktionshinderrådet", prep.disability_council, "funktionshinderråd"),
    ):
        ref = f"{place.ref}:{key}"
        fact: Fact = {"kind": "council_info", "ref": ref, "council": council}
        fact["concerns"] = doc.concerns
        if decision is not None:
            fact["decision_date"] = decision.isoformat()
        if day is not None:
            fact["informed_date"] = day.isoformat()
            if decision is not None:
                fact["days_before_decision"] = decision.toordinal() - day.toordinal()
        base.add(
            fact,
            Place(
                ref,
                "council_info",
                ("beredning", key),
                order,
                parent=place,
                labels=(council, council),
                doc=kind,
            ),
        )
    for i, att in enumerate(doc.attachments):
        label = f'bilagan "{clip(att.title, 50)}"'
        for section, day in ((19, att.mbl_19), (11, att.mbl_11)):
            if day is not None:
                mbl_fact(base, place, section, day, decision, label, True, ("bilagor", i))
    texts: list[tuple[Path, str | None]] = [
        *((("förslag_till_beslut", i), p) for i, p in enumerate(doc.proposal)),
        (("sammanfattning",), doc.summary),
        (("bakgrund",), doc.background),
        (("ärendet",), doc.matter),
        (("förvaltningens_förslag",), doc.administration_view),
        (("beredning", "text"), doc.preparation.text),
    ]
    period = _PERIOD.get(doc.concerns)
    text_sign_facts(base, kind, doc.year, doc.excerpt, texts, order, place, period)
