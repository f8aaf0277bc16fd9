"""The process of every document: its `document` fact (`decision` for the committee's memos),
the workplace meetings (APT) and the union steps under MBL."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from checks.documents import DOCUMENT_NAMES, DOCUMENT_NAMES_EN, DecisionMemo, Header
from checks.facts.base import FACT_TEXT, Fact, FactBase, FactKind, Place, put_plain
from checks.facts.text import diarienummer, months_between, template_residue
from checks.facts.textsigns import sign_facts, template_texts
from checks.model import Path

_PROCESS = {
    "doc": "handlingens slag",
    "name": "handlingens namn",
    "year": "år",
    "level": "enhet eller nämnd",
    "concerns": "vad beslutet avser",
    "date": "handlingens datum",
    "decision_day": "beslutsdatum som dagnummer",
    "decision_date": "beslutsdatum",
    "apt_count": "antal APT-datum",
    "first_apt_date": "första APT-datum",
    "first_apt_day": "första APT-datum som dagnummer",
    "first_apt_days_before_decision": "dagar från första APT till beslutet (negativt: efter)",
    "template_residue": "mallens text som står kvar (t.ex. Klicka här för att ange text)",
    "decided_days_into_year": "dagar från årets början till beslutet (negativt: före)",
    "dated_days_into_year": "dagar från årets början till handlingens datum (negativt: före)",
}
_MEMO = {
    "proposals": "antal beslutsförslag",
    "proposal_folded": "det första beslutsförslaget med gemener",
    "proposal_body": "nämnden, styrelsen eller fullmäktige som det första förslaget namnger",
    "dnr_count": "antal olika diarienummer i utlåtandet",
}

KINDS = {
    "document": FactKind(model=Header, derived=_PROCESS),
    "decision": FactKind(model=DecisionMemo, derived={**_PROCESS, **_MEMO}),
    "mbl": FactKind(
        derived={
            "section": "paragraf i MBL (19 eller 11)",
            "date": "datum för MBL-steget",
            "day": "datum som dagnummer",
            "document": "handlingen det gäller",
            "decision_date": "beslutsdatum",
            "days_before_decision": "dagar före beslutet",
            "months_before_decision": "hela månader före beslutet",
            "in_attachment": "datumet står i en bilaga",
            "stated_in": "var datumet står",
        }
    ),
}


# The deciding body a proposal names: "Stadsdelsnämnden", "kommunfullmäktige", "Utskottet".
_BODY = re.compile(r"\b[\w-]*(?:nämnd|styrelse|fullmäktige|beredning|utskott)\w*", re.IGNORECASE)


def doc_ref(kind: str) -> str:
    return f"DOC:{kind}"


def process_facts(
    base: FactBase,
    kind: str,
    doc: Any,
    decision: date | None,
    apt: list[date],
    order: int,
    level: str = "enhet",
    concerns: str | None = None,
    doc_date: date | None = None,
    mbl: tuple[tuple[int, date | None], ...] = (),
    path: Path = (),
    mbl_path: Path = (),
) -> Place:
    """The `document` fact of one document (`decision` for a memo) and its MBL dates."""
    ref = doc_ref(kind)
    fact_kind = "decision" if level == "nämnd" else "document"
    fact: Fact = put_plain(
        {"kind": fact_kind, "ref": ref}, doc, DecisionMemo if fact_kind == "decision" else Header
    )
    fact.update(
        {
            "doc": kind,
            "name": DOCUMENT_NAMES[kind],
            "year": doc.year,
            # a committee's own plan or report (its unit is the committee) is no unit's
            "level": "nämnd" if level == "nämnd" or doc.unit == doc.committee else level,
            "concerns": concerns or kind,
            "apt_count": len(apt),
        }
    )
    if apt:
        first = min(apt)
        fact["first_apt_date"] = first.isoformat()
        fact["first_apt_day"] = first.toordinal()
        if decision is not None:
            fact["first_apt_days_before_decision"] = decision.toordinal() - first.toordinal()
    texts = _texts(doc)
    residue = template_residue(texts + template_texts(doc))  # its fields, then its whole text
    if residue is not None:
        fact["template_residue"] = residue
    if isinstance(doc, DecisionMemo):
        fact["proposals"] = len(doc.proposal)
        if doc.proposal:
            fact["proposal_folded"] = " ".join(doc.proposal[0].casefold().split())[:FACT_TEXT]
            body = _BODY.search(doc.proposal[0])
            if body:
                fact["proposal_body"] = body[0]
        fact["dnr_count"] = len(diarienummer(texts))
    year_start = date(doc.year, 1, 1).toordinal()
    if doc_date is not None:
        fact["date"] = doc_date.isoformat()
        fact["dated_days_into_year"] = doc_date.toordinal() - year_start
    if decision is not None:
        fact["decided_days_into_year"] = decision.toordinal() - year_start
        fact["decision_day"] = decision.toordinal()
        fact["decision_date"] = decision.isoformat()
    place = Place(
        ref,
        fact_kind,
        path,
        order,
        labels=(DOCUMENT_NAMES[kind], DOCUMENT_NAMES_EN[kind]),
        doc=kind,
    )
    base.add(fact, place)
    sign_facts(base, kind, doc, order)
    for section, day in mbl:
        if day is not None:
            mbl_fact(base, place, section, day, decision, "", False, mbl_path)
    return place


def _texts(doc: Any) -> list[str]:
    """Every text of a document, as it stands, in document order: where template words and Dnr
    are looked for. A loop over a stack rather than a recursive walk: a plan has ~500 values."""
    out: list[str] = []
    stack: list[Any] = [doc.model_dump(exclude={"document", "signs"})]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            stack.extend(reversed(value.values()))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return out


def mbl_fact(
    base: FactBase,
    owner: Place,
    section: int,
    day: date,
    decision: date | None,
    stated_in: str,
    in_attachment: bool,
    path: Path,
) -> None:
    """One union step under MBL § 19 or § 11, stated in the document or in an attachment."""
    ref = f"{owner.ref}:{stated_in or 'handling'}:mbl{section}"
    where_sv = stated_in or owner.label_sv
    fact: Fact = {
        "kind": "mbl",
        "ref": ref,
        "section": section,
        "date": day.isoformat(),
        "day": day.toordinal(),
        "document": doc_ref(owner.doc),
        "in_attachment": in_attachment,
        "stated_in": where_sv,
    }
    if decision is not None:
        fact["decision_date"] = decision.isoformat()
        fact["days_before_decision"] = decision.toordinal() - day.toordinal()
        fact["months_before_decision"] = months_between(day, decision)
    label = f"MBL § {section} {day.isoformat()} i {where_sv}"
    base.add(
        fact,
        Place(
            ref,
            "mbl",
            (*path, f"mbl_{section}"),
            owner.order,
            parent=owner,
            labels=(label, f"MBL s. {section} {day.isoformat()} in {where_sv}"),
            doc=owner.doc,
        ),
    )
