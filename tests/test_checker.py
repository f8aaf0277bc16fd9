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
    plan_rules = ("I1", "I2", "I3", "I4", "A1", "A2", "A3", "B1", "B2", "B3", "B4", "B5", "G2")
    dossier_rules = ("Q2", "R1", "R2", "R3", "R4", "R5", "P2", "P4", "P6", "P7", "F1", "F5")
    for rule_id in (*plan_rules, *dossier_rules):
        assert result.outcomes[rule_id] == "not_applicable", rule_id
    assert result.outcomes["P1"] == "failed"  # no workplace meeting
    applied = {r for r, o in result.outcomes.items() if o in ("passed", "failed")}
    assert result.applied == len(applied)


def test_outcomes_of_the_defect_example(checker: Checker) -> None:
    result = checker.check(load_plan(DEFECT_EXAMPLE))
    failed = {r for r, o in result.outcomes.items() if o == "failed"}
    # the plan's own defects (a rule added later may find more: its scenarios prove it)
    assert failed >= {"A3", "B4", "B5", "C1", "C3", "C4", "C5", "C6", "I1"}
    # the plan states no decision date, and its KF targets are words or lack a direction
    not_judged = {r for r, o in result.outcomes.items() if o == "not_judged"}
    assert not_judged >= {"I3", "P1"}
    assert result.unjudged["P1"][0].element == "verksamhetsplanen"
    for rule_id in not_judged:  # each says which element and what is absent
        assert all(u.missing for u in result.unjudged[rule_id]), rule_id
    assert result.outcome_count("passed") + result.outcome_count("not_applicable") == (
        len(result.outcomes) - len(failed) - len(not_judged)
    )
