"""The examples are modelled on the real plan in ../shared/seeds/ (read in place, never copied)."""

from __future__ import annotations

import re

from checks.checker import Checker
from checks.loading import load_plan, parse_document
from checks.model import Activity, BoardGoal, Commitment, CouncilGoal, Indicator, iter_elements
from tests.conftest import DEFECT_EXAMPLE, seed_path

PLAN_SEED = "003_8259753c63bf40c3.txt"


def _counts() -> dict[str, int]:
    plan = load_plan(DEFECT_EXAMPLE).plan
    counts = {
        "commitments": 0,
        "board_goals": 0,
        "kf_indicators": 0,
        "unit_acts": 0,
        "board_acts": 0,
    }
    for _, element, up in iter_elements(plan):
        if isinstance(element, Commitment):
            counts["commitments"] += 1
        elif isinstance(element, BoardGoal):
            counts["board_goals"] += 1
        elif isinstance(element, Indicator) and up and isinstance(up[-1], CouncilGoal):
            counts["kf_indicators"] += 1
        elif isinstance(element, Activity):
            key = "board_acts" if isinstance(up[-1], BoardGoal) else "unit_acts"
            counts[key] += 1
    return counts


def test_the_example_has_the_structure_of_the_real_plan() -> None:
    seed = seed_path(PLAN_SEED).read_text(encoding="utf-8")
    counts = _counts()
    assert counts["commitments"] == seed.count("ÅTAGANDE:") == 16
    assert counts["board_goals"] == seed.count("NÄMNDMÅL:") == 8
    assert counts == {
        "commitments": 16,
        "board_goals": 8,
        "kf_indicators": 11,
        "unit_acts": 7,
        "board_acts": 4,
    }
    plan = load_plan(DEFECT_EXAMPLE).plan
    numbers = [g.number for sg in plan.strategic_goals for g in sg.goals]
    assert numbers == ["1.1", "1.2", "1.3", "2.3", "2.4", "3.1", "3.2"]
    for number in numbers:
        assert re.search(rf"^{re.escape(number)} ", seed, re.MULTILINE), number


def test_the_example_keeps_the_real_figures_dates_and_defects() -> None:
    seed = seed_path(PLAN_SEED).read_text(encoding="utf-8")
    plan = load_plan(DEFECT_EXAMPLE).plan
    assert plan.budget is not None
    for line in [*plan.budget.income, *plan.budget.costs]:
        amount = f"{int(line.amount):,}".replace(",", " ")
        assert re.search(rf"\b{amount}\s", seed), line.name
    for total in ("900", "33 800", "32 900"):
        assert total in seed
    assert "14 november och 12 december 2011" in seed
    assert [d.isoformat() for d in plan.process.apt] == ["2011-11-14", "2011-12-12"]
    # The real defects the example keeps on purpose.
    assert "20,7 mnkr netto" in seed and "32,9 mnkr netto" in seed
    assert "jämfört med verksamhetsplanen 2010" in seed
    assert "fastställs 2012" in seed


MEMO_SEED = "001_3aeb4a2fc20dbf05.txt"

# The 2009 memo as a user would key it in from seed 001: the dates are the seed's, read below.
MEMO_2009 = """\
dokument: tjänsteutlåtande
år: 2009
nämnd: Hägersten-Liljeholmens stadsdelsnämnd
ärende: Enheternas verksamhetsplaner och kvalitetsgarantier 2009
avser: verksamhetsplan
beredning:
  mbl_19: 2009-01-13
  mbl_11: 2009-01-20
beslutsdatum: 2009-01-29
bilagor:
  - titel: Protokollsutdrag från MBL § 11
    mbl_11: 2008-01-20
"""


def test_the_2009_memos_mbl_appendix_a_year_off_is_caught(checker: Checker) -> None:
    """Seed 001: § 19 on 13 January, § 11 on 20 January, decision on 29 January 2009, while its
    appendix 3 is "Protokollsutdrag från MBL § 11 2008-01-20"."""
    text = seed_path(MEMO_SEED).read_text(encoding="utf-8")
    assert "§ 19 MBL" in text and "den 29 januari" in text and "den 20 januari" in text
    assert "Protokollsutdrag från MBL § 11 2008-01-20" in text
    result = checker.check(parse_document(MEMO_2009.encode(), "tu-2009.yaml"))
    found = {f.rule_id: f.message for f in result.findings}
    assert found["P4"] == (
        'I bilagan "Protokollsutdrag från MBL § 11" anges MBL § 11 den 2008-01-20, '
        "12 månader före beslutet 2009-01-29 (högst 3)."
    )
    assert "P7" in found and "P2" not in found and "P3" not in found
    # the steering calendar of 2009 is generated like every year's: 29 January is in its window
    assert result.outcomes["P6"] == "passed"
