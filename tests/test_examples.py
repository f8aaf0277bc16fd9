"""The examples cannot rot: the defect example gives exactly its annotated findings."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from checks.checker import Checker
from checks.loading import load_plan
from tests.conftest import CLEAN_EXAMPLE, DEFECT_EXAMPLE, EXAMPLES, run_styrkoll

ANNOTATION = re.compile(r"#\s*fynd:\s*([A-Z0-9 ,]+)\s*$")


def annotations(path: Path) -> Counter[tuple[str, int]]:
    """(rule id, line) for every `# fynd: ID[, ID]` comment in an example."""
    found: Counter[tuple[str, int]] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = ANNOTATION.search(line)
        if match:
            for rule_id in re.split(r"[ ,]+", match[1].strip()):
                found[(rule_id, number)] += 1
    return found


def test_the_defect_example_gives_each_annotated_finding_once_and_nothing_else(
    checker: Checker,
) -> None:
    result = checker.check(load_plan(DEFECT_EXAMPLE))
    got = Counter((f.rule_id, f.line or 0) for f in result.findings)
    assert got == annotations(DEFECT_EXAMPLE)


def test_the_defect_example_keeps_the_real_defects_of_its_model(checker: Checker) -> None:
    """Seed 003's defects: 3 × no expected result, commitments without follow-up, KF indicators
    without årsmål, "20,7 mnkr netto" against 32 900 tkr, and the comparison with 2010."""
    findings = checker.check(load_plan(DEFECT_EXAMPLE)).findings
    by_rule = Counter(f.rule_id for f in findings)
    assert by_rule == {"C1": 3, "C3": 3, "I1": 6, "B4": 1, "B5": 1}
    b4 = next(f for f in findings if f.rule_id == "B4")
    assert b4.message.replace("\u00a0", " ") == (
        'Texten i resursanvändning anger "20,7 mnkr netto" (20 700 tkr), men budgettabellens '
        "summa netto är 32 900 tkr."
    )


def test_the_clean_example_has_no_findings(checker: Checker) -> None:
    result = checker.check(load_plan(CLEAN_EXAMPLE))
    assert [f.message for f in result.findings] == []
    assert annotations(CLEAN_EXAMPLE) == Counter()


def test_every_example_loads() -> None:
    examples = sorted(EXAMPLES.glob("*.yaml"))
    assert len(examples) >= 2
    for path in examples:
        load_plan(path)


def test_make_run_prints_the_report_for_the_example() -> None:
    proc = run_styrkoll("check", str(DEFECT_EXAMPLE))
    assert proc.returncode == 1, proc.stderr
    assert "FEL (12)" in proc.stdout and "VARNINGAR (2)" in proc.stdout
    assert "Sammanfattning: 12 fel, 2 varningar, 0 info." in proc.stdout
