"""The `text_signs` fact of an imported document: what its text as a whole shows a controller
(identity fields left empty, a diarienummer cut short, a local file path, a planning system's
draft phase, identity the document does not state), as the import kept it under `tecken`.

A document keyed in by hand has no `tecken` and so no such fact: the rules that read it are then
not applicable, never passed. Template text goes to the `template_residue` of the document's own
fact (P12, P13), beside the template text of its fields.
"""

from __future__ import annotations

from typing import Any

from checks.documents import DOCUMENT_NAMES, DOCUMENT_NAMES_EN
from checks.facts.base import FACT_TEXT, Fact, FactBase, FactKind, Place
from checks.model import TextSign

KINDS = {
    "text_signs": FactKind(
        derived={
            "doc": "handlingens slag",
            "name": "handlingens namn",
            "empty_fields": "identitetsfält utan värde, med rad (t.ex. Dnr, Rapportperiod)",
            "empty_field_count": "antal identitetsfält utan värde",
            "truncated_numbers": "diarie- eller referensnummer som slutar före löpnumret",
            "file_paths": "lokala filsökvägar i texten (t.ex. c:\\temp\\…)",
            "draft_phase": "planeringssystemets fas när den är ett utkast (t.ex. Inmatning)",
            "year_not_stated": "handlingen anger inte själv sitt år (rubrik, datum, ärende)",
            "committee_not_stated": "handlingen namnger inte själv sin nämnd (huvud, rubrik)",
            "not_stated": "det handlingen inte anger själv och importen fick veta",
        }
    ),
}


def _listed(signs: list[TextSign]) -> str | None:
    """ "Dnr (rad 1), Rapportperiod (rad 5)": each sign as it stands, with its line."""
    if not signs:
        return None
    parts = [s.text if s.line is None else f"{s.text} (rad {s.line})" for s in signs]
    return ", ".join(parts)[:FACT_TEXT]


def sign_facts(base: FactBase, kind: str, doc: Any, order: int) -> None:
    """The `text_signs` fact of one document, when an import kept its signs."""
    signs = getattr(doc, "signs", None)
    if signs is None:
        return
    ref = f"DOC:{kind}:tecken"
    fact: Fact = {
        "kind": "text_signs",
        "ref": ref,
        "doc": kind,
        "name": DOCUMENT_NAMES[kind],
        "empty_field_count": len(signs.empty_fields),
    }
    for field, value in (
        ("empty_fields", _listed(signs.empty_fields)),
        ("truncated_numbers", _listed(signs.truncated_numbers)),
        ("file_paths", _listed(signs.file_paths)),
        ("draft_phase", _listed([signs.phase] if signs.phase is not None else [])),
    ):
        if value is not None:
            fact[field] = value
    # judged from the document's head (title region, letterhead, labels), which an excerpt has
    if "år" in signs.not_stated:
        fact["year_not_stated"] = True
    if "nämnd" in signs.not_stated:
        fact["committee_not_stated"] = True
    given = {"år": f"år ({doc.year})", "nämnd": f"nämnd ({doc.committee})"}
    if signs.not_stated:
        fact["not_stated"] = " och ".join(given[w] for w in signs.not_stated)[:FACT_TEXT]
    labels = (DOCUMENT_NAMES[kind], DOCUMENT_NAMES_EN[kind])
    base.add(fact, Place(ref, "text_signs", ("tecken",), order, labels=labels, doc=kind))


def template_texts(doc: Any) -> list[str]:
    """The template text an import saw anywhere in the document's text."""
    signs = getattr(doc, "signs", None)
    return [s.text for s in signs.template_text] if signs is not None else []
