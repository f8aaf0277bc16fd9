"""Outcome per rule per check: failed, passed, or not applicable."""

from __future__ import annotations

from checks.checker import Checker
from checks.loading import load_plan, parse_plan
from tests.conftest import DEFECT_EXAMPLE, MINIMAL_PLAN

MINIMAL = (
    MINIMAL_PLAN
    + """\
åtaganden:
  - titel: Vi åtar oss att svara inom två dagar
    förväntat_resultat: Nio av tio svar inom två dagar.
    arbetssätt: Brevlådan bevakas dagligen.
    uppföljning: Stickprov varje tertial.
"""
)


def test_rules_without_anything_to_apply_to_are_not_applicable(checker: Checker) -> None:
    result = checker.check(parse_plan(MINIMAL.encode(), "plan.yaml"))
    assert result.outcomes["G1"] == "failed"  # the commitment has no board goal
    assert result.outcomes["C1"] == "passed"
    for rule_id in ("I1", "I2", "A1", "A2", "B1", "B2", "B3", "B4", "B5", "G2"):
        assert result.outcomes[rule_id] == "not_applicable", rule_id
    assert result.outcome_count("not_applicable") == 10


def test_outcomes_of_the_defect_example(checker: Checker) -> None:
    result = checker.check(load_plan(DEFECT_EXAMPLE))
    failed = sorted(r for r, o in result.outcomes.items() if o == "failed")
    assert failed == ["B4", "B5", "C1", "C3", "I1"]
    assert result.outcome_count("passed") == len(result.outcomes) - 5
