"""The fact contract: every plain field of a document model is a fact field without new Python."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel

from checks.catalogue import Catalogue
from checks.documents import Risk
from checks.facts import _KINDS, FACT_KINDS, derive
from checks.facts.base import FactBase, date_fields, plain_fields, put_plain
from checks.loading import parse_document
from tests.conftest import facts_of

MODEL_KINDS = [(kind, k.model) for kind, k in _KINDS.items() if k.model is not None]


@pytest.mark.parametrize(("kind", "model"), MODEL_KINDS, ids=[k for k, _ in MODEL_KINDS])
def test_every_plain_field_of_the_model_is_in_the_contract(
    kind: str, model: type[BaseModel]
) -> None:
    fields = FACT_KINDS[kind]
    names = [name for name, _, _ in plain_fields(model)]
    assert names, f"{model.__name__} has no plain field"
    for name, _, plain in plain_fields(model):
        expected = date_fields(name) if plain == "date" else (name,)
        assert set(expected) <= set(fields), (kind, name)
    # what is left out is structure: lists, nested models, the id and the document kind
    for name, info in model.model_fields.items():
        if name not in names and name not in ("id", "document"):
            assert (
                str(info.annotation).startswith(("list", "typing.List"))
                or (isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel))
                or "checks." in str(info.annotation)
            ), (kind, name, info.annotation)


def test_a_field_added_to_a_model_reaches_the_facts() -> None:
    class Extended(Risk):
        owner_unit: str | None = None
        reviewed: dt.date | None = None
        weight: float | None = None

    risk = Extended.model_validate(
        {"process": "Attest", "risk": "Fel attest", "ansvarig": "  Chef  ", "motivering": " - "}
    )
    risk.owner_unit, risk.reviewed, risk.weight = "Ekonomi", dt.date(2012, 3, 1), 2.0
    fact = put_plain({"kind": "risk", "ref": "r"}, risk)
    assert fact["responsible"] == "Chef"  # stated text, trimmed
    assert "motivation" not in fact  # a dash is no text
    assert fact["owner_unit"] == "Ekonomi" and fact["weight"] == 2
    assert fact["reviewed_date"] == "2012-03-01" and fact["reviewed_day"] == 734563
    assert fact["accepted"] is False  # yes/no fields always have a value


def test_long_texts_are_clipped_for_the_engine() -> None:
    risk = Risk.model_validate({"process": "P", "risk": "R", "hantering": "x" * 5000})
    assert len(str(put_plain({}, risk)["treatment"])) == 200


def test_every_fact_of_the_example_dossier_keeps_to_the_contract(catalogue: Catalogue) -> None:
    from tests.conftest import DEFECT_DOSSIER

    facts = facts_of(DEFECT_DOSSIER)
    assert {str(f["kind"]) for f in facts} >= {"plan", "risk", "control", "decision", "report"}
    for fact in facts:
        allowed = set(catalogue.contract[str(fact["kind"])]) | {"kind", "ref"}
        assert set(fact) <= allowed, (fact["kind"], set(fact) - allowed)


def test_a_risk_names_its_responsible_as_a_fact() -> None:
    text = (
        "dokument: riskanalys\når: 2012\nnämnd: N\nenhet: E\ndatum: 2011-11-28\nrisker:\n"
        "  - {process: Attest, risk: Fel attest, sannolikhet: 2, konsekvens: 3, ansvarig: Chef}\n"
        "  - {process: Diarium, risk: Sen diarieföring, sannolikhet: 1, konsekvens: 1}\n"
    )
    loaded = parse_document(text.encode(), "rov.yaml")
    from checks.dossier import single

    base: FactBase = derive(single(loaded), {})
    risks = [f for f in base.facts if f["kind"] == "risk"]
    assert [r.get("responsible") for r in risks] == ["Chef", None]
    assert [r["value"] for r in risks] == [6, 1]


def test_a_dnr_is_counted_once_whatever_its_separator_and_a_statute_is_no_dnr() -> None:
    """P11 (several Dnr in one decision) must not count a law's SFS number, a regulation's
    number or one Dnr written twice with different separators (seen in real memos)."""
    from checks.facts.text import diarienummer

    texts = [
        "Enligt lagen (2006:544) och föreskrifterna MSBFS 2015:5 redovisas ärendet KS-2021/88.",
        "Se tjänsteutlåtande KS 2021/88 och Dnr 0412/20.",
    ]
    assert diarienummer(texts) == {"KS 2021/88", "0412/20"}
