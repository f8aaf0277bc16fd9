"""The examples cannot rot: the defect dossier gives exactly its annotated findings."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from checks.checker import Checker
from checks.dossier import load_target
from tests.conftest import (
    CLEAN_DOSSIER,
    CLEAN_EXAMPLE,
    DEFECT_DOSSIER,
    DEFECT_EXAMPLE,
    EXAMPLES,
    run_styrkoll,
)

ANNOTATION = re.compile(r"#\s*fynd:\s*([A-Z0-9 ,]+?)\s*(?:\(.*\))?\s*$")


def annotations(path: Path) -> Counter[tuple[str, str, int]]:
    """(file name, rule id, line) for every `# fynd: ID[, ID]` comment in an example file."""
    found: Counter[tuple[str, str, int]] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = ANNOTATION.search(line)
        if match:
            for rule_id in re.split(r"[ ,]+", match[1].strip()):
                found[(path.name, rule_id, number)] += 1
    return found


def dossier_annotations(folder: Path) -> Counter[tuple[str, str, int]]:
    total: Counter[tuple[str, str, int]] = Counter()
    for path in sorted(folder.glob("*.yaml")):
        total += annotations(path)
    return total


def _reviewed(
    got: Counter[tuple[str, str, int]], annotated: Counter[tuple[str, str, int]]
) -> Counter[tuple[str, str, int]]:
    """The findings of rules the examples were annotated for (any rule with an annotation).

    A rule added later may find more in the defect example without the example being edited;
    its own scenarios in features/ prove it. The clean examples stay strict: no finding at all.
    """
    rules = {rule for _, rule, _ in annotated}
    return Counter({k: n for k, n in got.items() if k[1] in rules})


def test_the_defect_dossier_gives_each_annotated_finding_once_and_nothing_else(
    checker: Checker,
) -> None:
    result = checker.check(load_target(DEFECT_DOSSIER))
    got = Counter((Path(f.document).name, f.rule_id, f.line or 0) for f in result.findings)
    annotated = dossier_annotations(DEFECT_DOSSIER)
    assert _reviewed(got, annotated) == annotated
    # every area of the catalogue has at least one defect in the example
    assert {f.rule_id[0] for f in result.findings} == {"G", "C", "I", "A", "B", "R", "P", "F"} - {
        "G"
    }


def test_the_defect_plan_alone_gives_its_annotations_but_not_those_needing_the_dossier(
    checker: Checker,
) -> None:
    result = checker.check(load_target(DEFECT_EXAMPLE))
    got = Counter((Path(f.document).name, f.rule_id, f.line or 0) for f in result.findings)
    expected = Counter(
        {
            k: n
            for k, n in annotations(DEFECT_EXAMPLE).items()
            if result.outcomes[k[1]] != "not_applicable"
        }
    )
    assert _reviewed(got, dossier_annotations(DEFECT_DOSSIER)) == expected
    assert result.outcomes["F1"] == "not_applicable"
    assert any(k[1] == "F1" for k in annotations(DEFECT_EXAMPLE))


def test_the_defect_example_keeps_the_real_defects_of_its_model(checker: Checker) -> None:
    """Seed 003's defects: 3 × no expected result, commitments without follow-up, KF indicators
    without årsmål, "20,7 mnkr netto" against 32 900 tkr, the comparison with 2010, and the goal
    phrased as a commitment ("Sjukfrånvaron ska minska")."""
    findings = checker.check(load_target(DEFECT_EXAMPLE)).findings
    by_rule = Counter(f.rule_id for f in findings)
    assert {r: by_rule[r] for r in ("C1", "C3", "I1", "B4", "B5", "C5")} == {
        "C1": 3,
        "C3": 3,
        "I1": 6,
        "B4": 1,
        "B5": 1,
        "C5": 1,
    }
    b4 = next(f for f in findings if f.rule_id == "B4")
    assert b4.message.replace("\u00a0", " ") == (
        'Texten i resursanvändning anger "20,7 mnkr netto" (20 700 tkr), men budgettabellens '
        "summa netto är 32 900 tkr."
    )


def test_the_defect_memo_catches_the_mbl_appendix_a_year_off(checker: Checker) -> None:
    """Seed 001's slip: an appendix dated a year before the decision (P4) and disagreeing with the
    memo (P7)."""
    findings = checker.check(load_target(DEFECT_DOSSIER)).findings
    p4 = next(f for f in findings if f.rule_id == "P4")
    assert p4.message == (
        'I bilagan "Protokoll från förhandling enligt MBL § 11" anges MBL § 11 den 2011-01-18, '
        "12 månader före beslutet 2012-02-09 (högst 3)."
    )
    assert p4.document.endswith("tjansteutlatande.yaml") and p4.document_kind == "tjänsteutlåtande"


def test_the_clean_examples_have_no_findings(checker: Checker) -> None:
    for target in (CLEAN_DOSSIER, CLEAN_EXAMPLE):
        result = checker.check(load_target(target))
        assert [f.message for f in result.findings] == [], target
    assert dossier_annotations(CLEAN_DOSSIER) == Counter()


def test_the_clean_dossier_applies_almost_every_rule(checker: Checker) -> None:
    result = checker.check(load_target(CLEAN_DOSSIER))
    assert result.outcome_count("failed") == 0
    not_applied = {r: o for r, o in result.outcomes.items() if o != "passed"}
    assert not_applied == {
        **{q: "not_applicable" for q in ("Q2", "Q3", "Q4", "Q5")},  # no quality guarantees
        "I3": "not_judged",  # KF's targets are words ("öka") or the direction is not stated
        # signs in an export's whole text: a dossier keyed in by hand has none to judge
        **{p: "not_applicable" for p in ("P16", "P17", "P18", "P19", "P20")},
    }
    assert {u.missing for u in result.unjudged["I3"]} == {
        ("årsmålet jämfört med KF:s årsmål (kräver två tal och en riktning)",)
    }


def test_every_example_loads() -> None:
    targets = [CLEAN_DOSSIER, DEFECT_DOSSIER, *sorted(EXAMPLES.glob("akt-*/*.yaml"))]
    assert len(targets) >= 12
    for path in targets:
        if path.name != "akt.yaml":
            load_target(path)
        else:
            assert load_target(path).is_dossier


def test_make_run_prints_the_report_for_the_example(checker: Checker) -> None:
    result = checker.check(load_target(DEFECT_DOSSIER))
    proc = run_styrkoll("check", str(DEFECT_DOSSIER))
    assert proc.returncode == 1, proc.stderr
    rules = len(checker.catalogue.rules)
    assert f"{result.applied} av {rules} regler tillämpades" in proc.stdout
    assert result.applied < rules  # the unit has no quality guarantees: Q2-Q5 do not apply
    fel, varningar, info = (result.count(s) for s in ("fel", "varning", "info"))
    assert f"Sammanfattning: {fel} fel, {varningar} varningar, {info} info." in proc.stdout
    assert fel and varningar and info
