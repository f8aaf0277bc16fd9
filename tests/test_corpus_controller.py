"""What a controller flags in the real plans, budgets, internal-control plans and risk analyses:
every vp, ikplan and rov excerpt of ../shared/corpus is imported as a user would and checked, and
what the rules G6, G7, B6, R8, R9 and R10 say is compared with what a reader saw in it (read in
place; skipped where the corpus is absent, failing under CI=true).

No excerpt may give a false "fel": every "fel" these files give is listed here, read by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from checks.checker import Checker, CheckResult
from checks.importers import load_imported
from checks.loading import InputError
from tests.conftest import corpus_names, corpus_path

NEW = ("G6", "G7", "B6", "R8", "R9", "R10")
# How a user imports a file when the text does not say it: Bollebygd's goal list names the goals
# of several committees; the plan is read for one of them.
ARGS: dict[str, dict[str, Any]] = {"vp-bollebygd-2019-1.txt": {"committee": "Kommunstyrelsen"}}
# file -> rule -> (outcome, number of findings)
EXPECTED: dict[str, dict[str, tuple[str, int]]] = {
    # nine goals whose Målvärde stands empty; the last one ends the text, its value may follow
    "vp-klippan-2024-1.txt": {"G6": ("failed", 8), "G7": ("passed", 0), "B6": ("not_judged", 0)},
    # "senast 2018" in a plan for 2019–2021; "ska öka" with no target; the list's last goal ends
    # the committee's goals but is the last goal read from an excerpt: not judged
    "vp-bollebygd-2019-1.txt": {"G6": ("failed", 1), "G7": ("failed", 1), "B6": ("not_judged", 0)},
    # the memo that puts the plan up for decision adds a row "ospecificerad besparing"
    "vp-strangnas-2016-1.txt": {"B6": ("failed", 1)},
    # controls chosen for a risk value over 9; the only control runs to the end of the text
    "ikplan-kalmar-2018-1.txt": {"R8": ("not_judged", 0), "R9": ("not_applicable", 0)},
    # the header ends the text with a cut "Tidpunkt för": more columns may follow
    "ikplan-uppsala-2016-1.txt": {"R9": ("not_judged", 0), "R8": ("not_applicable", 0)},
    "rov-sollentuna-2013-1.txt": {"R10": ("failed", 1)},
    "rov-sollentuna-2014-1.txt": {"R10": ("failed", 1)},
    "rov-vastervik-2015-1.txt": {"R10": ("failed", 1)},
    "rov-stockholm-2018-1.txt": {"R10": ("passed", 0)},
}


@pytest.fixture(scope="module")
def plain_checker() -> Iterator[Checker]:
    with Checker(isolated=False) as c:
        yield c


def _check(checker: Checker, name: str) -> CheckResult | None:
    try:
        loaded, _ = load_imported(corpus_path(name), **ARGS.get(name, {}))
    except InputError:  # the import refuses some excerpts, saying why
        return None
    return checker.check(loaded)


@pytest.mark.parametrize("name", corpus_names("vp", "ikplan", "rov"))
def test_what_a_controller_flags_in_the_corpus(plain_checker: Checker, name: str) -> None:
    result = _check(plain_checker, name)
    expected = EXPECTED.get(name, {})
    if result is None:
        assert not expected, f"{name} is no longer imported"
        return
    for rule_id in NEW:
        outcome = result.outcomes[rule_id]
        found = [f for f in result.findings if f.rule_id == rule_id]
        if rule_id in expected:
            assert (outcome, len(found)) == expected[rule_id], (rule_id, [f.message for f in found])
        else:  # nothing else in these files shows the defects the new rules look for
            assert not found, (rule_id, [f.message for f in found])
        assert all(f.severity != "fel" for f in found)
    # no excerpt gives a "fel" from any rule: what is missing is what the text never reached
    assert [f.message for f in result.findings if f.severity == "fel"] == []


def test_the_findings_quote_the_defect(plain_checker: Checker) -> None:
    bollebygd = _check(plain_checker, "vp-bollebygd-2019-1.txt")
    assert bollebygd is not None
    (g7,) = [f for f in bollebygd.findings if f.rule_id == "G7"]
    assert '("senast 2018"), men planen gäller 2019' in g7.message
    (g6,) = [f for f in bollebygd.findings if f.rule_id == "G6"]
    assert "bara en riktning" in g6.message
    strangnas = _check(plain_checker, "vp-strangnas-2016-1.txt")
    assert strangnas is not None
    (b6,) = [f for f in strangnas.findings if f.rule_id == "B6"]
    assert "ospecificerad besparing" in b6.message and "bakgrunden" in b6.message
