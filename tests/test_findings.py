"""Findings name the element and its place, read values, and keep their fingerprints."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from checks.checker import Checker
from checks.findings import fingerprint, format_value
from checks.loading import load_plan
from tests.conftest import DEFECT_EXAMPLE, check_data


def _defect_data() -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(DEFECT_EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_finding_carries_place_breadcrumb_evidence_reference_and_remedy(
    checker: Checker,
) -> None:
    result = checker.check(load_plan(DEFECT_EXAMPLE))
    c1 = next(f for f in result.findings if f.rule_id == "C1")
    assert c1.severity == "fel"
    assert c1.message == (
        'Åtagandet "Vi åtar oss att bidra till att minska förvaltningens miljöbelastning" '
        "saknar förväntat resultat."
    )
    assert c1.path == "inriktningsmål[0].mål[2].nämndmål[0].åtaganden[0]"
    assert c1.line == 100
    assert c1.document == str(DEFECT_EXAMPLE)
    assert c1.catalogue_version == checker.catalogue.version
    assert c1.catalogue_hash == checker.catalogue.content_hash
    assert c1.breadcrumb[0].startswith("KF 1 ")
    assert c1.breadcrumb[1] == "KF 1.3 Stockholms livsmiljö ska vara hållbar"
    assert c1.breadcrumb[2].startswith("Nämndmål: Verksamheterna bedrivs")
    assert c1.breadcrumb[3].startswith("Åtagande: Vi åtar oss att bidra")
    assert [(e.field, e.value) for e in c1.evidence] == [("expected_result", None)]
    assert "Kommunallag" in c1.reference or "ILS" in c1.reference
    assert c1.remedy.startswith("Skriv under Förväntat resultat")
    assert c1.element_id.startswith("AT-")


def test_findings_come_in_a_deterministic_order(checker: Checker) -> None:
    first = checker.check(load_plan(DEFECT_EXAMPLE)).findings
    second = checker.check(load_plan(DEFECT_EXAMPLE)).findings
    assert first == second
    assert [f.severity for f in first] == sorted(
        (f.severity for f in first), key=["fel", "varning", "info"].index
    )


def test_fingerprints_survive_reordering_and_reruns(checker: Checker) -> None:
    data = _defect_data()
    original = {(f.rule_id, f.fingerprint) for f in check_data(checker, data).findings}
    shuffled = copy.deepcopy(data)
    shuffled["inriktningsmål"].reverse()
    for sg in shuffled["inriktningsmål"]:
        sg["mål"].reverse()
        for cg in sg["mål"]:
            cg.get("indikatorer", []).reverse()
            for bg in cg.get("nämndmål", []):
                bg.get("åtaganden", []).reverse()
    reordered = {(f.rule_id, f.fingerprint) for f in check_data(checker, shuffled).findings}
    assert reordered == original
    assert len({fp for _, fp in original}) == len(original)


def test_a_fingerprint_changes_when_the_element_changes(checker: Checker) -> None:
    data = _defect_data()
    before = {f.fingerprint for f in check_data(checker, data).findings if f.rule_id == "C1"}
    goal = data["inriktningsmål"][0]["mål"][2]["nämndmål"][0]["åtaganden"][0]
    goal["titel"] = "Vi åtar oss att halvera pappersförbrukningen"
    after = {f.fingerprint for f in check_data(checker, data).findings if f.rule_id == "C1"}
    assert len(before - after) == 1 and len(after - before) == 1
    assert fingerprint("C1", {"c": "AT-1"}) != fingerprint("C2", {"c": "AT-1"})


def test_findings_in_english(checker: Checker) -> None:
    result = checker.check(load_plan(DEFECT_EXAMPLE), lang="en")
    c3 = next(f for f in result.findings if f.rule_id == "C3")
    assert c3.message == (
        'The commitment "Vi åtar oss att följa upp aktivitetsplanen för konkurrensutsättning" '
        "states no follow-up."
    )
    assert c3.breadcrumb[-1].startswith("Commitment: ")
    assert c3.title == "Every commitment states how it is followed up"


def test_values_are_formatted_for_readers() -> None:
    assert format_value(32900, "sv") == "32\u00a0900"
    assert format_value(32900, "en") == "32,900"
    assert format_value(2010, "sv") == "2010"
    assert format_value(32.9, "sv") == "32,9"
    assert format_value(None, "sv") == "saknas"
    assert format_value(True, "en") == "yes"


def test_a_model_built_from_all_its_fields_equals_pydantics_construction() -> None:
    from checks.findings import EvidenceRecord, built

    values = {"element": {"sv": "åtagande 1", "en": "commitment 1"}, "field": "f"}
    values |= {"description": "beskrivning", "value": 3}
    made, constructed = (
        built(EvidenceRecord, dict(values)),
        EvidenceRecord.model_construct(**values),
    )
    assert made == constructed and made.model_dump() == constructed.model_dump()
    assert made.model_fields_set == constructed.model_fields_set
    assert EvidenceRecord.model_validate(made.model_dump()) == made
    with pytest.raises(AssertionError, match="value"):  # every field, or it is not built
        built(EvidenceRecord, {k: v for k, v in values.items() if k != "value"})
