"""Each measured defect of durable-rules is unreachable through the wrapper (durable-rules.md)."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.catalogue import Catalogue
from checks.engine import MAX_PROPERTIES, Engine, EngineError, compile_ruleset, fnv1a32
from checks.facts import Fact
from checks.worker import IsolatedEngine
from tests.conftest import CLEAN_DOSSIER, DEFECT_DOSSIER, ROOT, facts_of


@pytest.fixture(scope="module")
def engine(catalogue: Catalogue) -> Engine:
    return Engine(catalogue)


def defect_facts() -> list[Fact]:
    """The defect example plus facts that make the negation rules (G1, G2) both fire and hold."""
    facts = facts_of(DEFECT_DOSSIER)
    extra: list[Fact] = [
        {"kind": "commitment", "ref": "AT-LOOSE", "title": "Lös", "board_goal": "NM-NONE"},
        {"kind": "commitment", "ref": "AT-BARE", "title": "Utan mål"},
        {"kind": "board_goal", "ref": "NM-X", "title": "X", "council_goal": "9.9"},
        {"kind": "board_goal", "ref": "NM-Y", "title": "Y", "council_goal": "1.1"},
        {
            "kind": "commitment",
            "ref": "AT-OK",
            "title": "Kopplat",
            "board_goal": "NM-Y",
            "expected_result": "r",
            "way_of_working": "w",
            "follow_up": "f",
        },
    ]
    return facts + extra


def test_the_compiled_ruleset_puts_the_gate_first_in_every_rule(catalogue: Catalogue) -> None:
    definition = compile_ruleset(catalogue)
    for name, rule in definition.items():
        if name == "styrkoll:start":
            continue
        first = rule["all"][0]
        assert first == {"styrkoll_gate": {"kind": "styrkoll:gate"}}, name
    assert max(r["pri"] for r in definition.values()) == definition["styrkoll:end"]["pri"]


def test_a_plan_where_nothing_fires_is_evaluated_and_its_session_deleted(engine: Engine) -> None:
    facts = facts_of(CLEAN_DOSSIER)
    assert engine.evaluate(facts) == []
    assert engine.evaluate([]) == []  # no facts at all: only the sentinels fire
    assert not engine.broken


def test_more_than_1024_checks_in_one_process(engine: Engine) -> None:
    facts = defect_facts()
    expected = engine.evaluate(facts)
    assert expected, "the defect facts must produce matches"
    for _ in range(1100):  # the engine caps live sessions at 1024 per ruleset
        assert engine.evaluate(facts) == expected
    assert not engine.broken


@settings(
    max_examples=int(os.environ.get("STYRKOLL_FUZZ", "60")),  # make fuzz: many more
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffled_fact_order_gives_identical_findings(engine: Engine, seed: int) -> None:
    facts = defect_facts()
    expected = engine.evaluate(facts)
    shuffled = list(facts)
    random.Random(seed).shuffle(shuffled)
    assert engine.evaluate(shuffled) == expected


def test_negation_sees_a_blocking_fact_that_arrives_after_the_fact_it_blocks(
    engine: Engine,
) -> None:
    commitment: Fact = {
        "kind": "commitment",
        "ref": "AT-1",
        "title": "A",
        "board_goal": "NM-1",
        "expected_result": "r",
        "expected_result_figures": "5",
        "way_of_working": "w",
        "follow_up": "f",
        "resources": "r",
        "development": "d",
        "opening": "vi åtar",
    }
    goal: Fact = {"kind": "board_goal", "ref": "NM-1", "title": "N", "council_goal": "1.1"}
    council: Fact = {
        "kind": "council_goal",
        "ref": "KF1.1",
        "number": "1.1",
        "title": "K",
        "strategic_goal": "IM1",
    }
    for order in (
        [commitment, goal, council],
        [council, goal, commitment],
        [goal, commitment, council],
    ):
        assert engine.evaluate(order) == []
    assert [m[0] for m in engine.evaluate([commitment, council])] == ["G1"]


def test_an_oversized_fact_is_refused_before_the_engine(engine: Engine) -> None:
    big: Fact = {"kind": "commitment", "ref": "AT-BIG", "title": "x" * (1024 * 1024 + 1)}
    with pytest.raises(EngineError, match="för lång"):
        engine.evaluate([big])
    wide: Fact = {
        "kind": "commitment",
        "ref": "AT-WIDE",
        **{f"f{i}": i for i in range(MAX_PROPERTIES)},
    }
    with pytest.raises(EngineError, match="för många egenskaper"):
        engine.evaluate([wide])
    assert not engine.broken


def test_a_fact_the_engine_drops_silently_is_caught_by_the_end_sentinel(engine: Engine) -> None:
    """Past our own limits, durable-rules drops a fact and every fact after it (the gate too).

    With validation switched off the batch reaches the C core: the end sentinel then does not fire
    and the check fails loudly instead of reporting "no findings".
    """
    dropped: Fact = {"kind": "commitment", "ref": "AT-256", **{f"f{i}": i for i in range(300)}}
    with pytest.raises(EngineError, match="slutvakten"):
        engine._run_batch([dropped, {"kind": "commitment", "ref": "AT-2", "title": "t"}])
    assert engine.evaluate(defect_facts())  # the next check is unaffected


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "commitment"},
        {"kind": "commitment", "ref": "A", "id": "1"},
        {"kind": "commitment", "ref": "A", "nested": {"a": 1}},
        {"kind": "commitment", "ref": "A", "nothing": None},
        {"kind": "commitment", "ref": "A", "n": float("nan")},
    ],
)
def test_malformed_facts_are_refused(engine: Engine, bad: dict[str, Any]) -> None:
    with pytest.raises(EngineError):
        engine.evaluate([bad])  # type: ignore[list-item]


def test_duplicate_refs_are_refused(engine: Engine) -> None:
    fact: Fact = {"kind": "board_goal", "ref": "NM-1", "title": "a"}
    with pytest.raises(EngineError, match="två gånger"):
        engine.evaluate([fact, dict(fact)])


def test_fact_ids_are_free_of_hash_collisions() -> None:
    assert fnv1a32("measure-86825") == fnv1a32("measure-1728810")  # the engine's real collision
    ids = {fnv1a32(str(i)) for i in range(20_002)}
    assert len(ids) == 20_002  # the ids the wrapper assigns, up to its fact limit


def test_the_worker_gives_the_same_matches_as_in_process(
    engine: Engine, catalogue: Catalogue
) -> None:
    facts = defect_facts()
    with IsolatedEngine(catalogue) as isolated:
        assert isolated.evaluate(facts) == engine.evaluate(facts)


def test_a_crash_in_the_c_core_is_a_clean_error_and_the_next_check_works(
    catalogue: Catalogue,
) -> None:
    facts = defect_facts()
    with IsolatedEngine(catalogue) as isolated:
        expected = isolated.evaluate(facts)
        first_pid = isolated.pid
        with pytest.raises(EngineError, match="avbröts") as info:
            isolated.crash_worker_for_test()
        assert "-11" in info.value.message_sv  # SIGSEGV: a real segfault in the worker
        assert isolated.evaluate(facts) == expected
        assert isolated.pid != first_pid and isolated.starts == 2


def test_an_engine_error_in_the_worker_recycles_it(catalogue: Catalogue) -> None:
    with IsolatedEngine(catalogue) as isolated:
        isolated.evaluate([])
        first_pid = isolated.pid
        with pytest.raises(EngineError, match="för lång"):
            isolated.evaluate([{"kind": "commitment", "ref": "A", "title": "x" * (2**20 + 1)}])
        assert isolated.evaluate([]) == []
        assert isolated.pid != first_pid


def test_the_engines_regex_misses_a_leading_group_after_dot_star_and_our_form_does_not() -> None:
    """Measured 2026-11-23: `.*(samtliga|alla) enheter.*` does not match "samtliga enheter ska"
    (the group at the start of the text); `(.*[ ])?(samtliga|alla) enheter.*` does. The catalogue
    refuses the first form (see test_catalogue); this test keeps the reason on record."""
    from types import SimpleNamespace

    def rule(rule_id: str, pattern: str) -> Any:
        when = {"all": [{"m": {"$and": [{"kind": "t"}, {"$mt": {"x": pattern}}]}}]}
        return SimpleNamespace(id=rule_id, rule=SimpleNamespace(when=when))

    fake = SimpleNamespace(
        content_hash="regexcheck" * 7,
        rules=[
            rule("X1", ".*(samtliga|alla) enheter.*"),
            rule("X2", "(.*[ ])?(samtliga|alla) enheter.*"),
        ],
    )
    texts = ["alla enheter", "samtliga enheter ska", "brand hos alla enheter", "inga"]
    facts: list[Fact] = [{"kind": "t", "ref": f"t{i}", "x": x} for i, x in enumerate(texts)]
    got: dict[str, set[str]] = {}
    for rule_id, refs in Engine(fake, guard=False)._run_batch(facts):  # type: ignore[arg-type]
        got.setdefault(rule_id, set()).add(texts[int(refs["m"][1:])])
    assert got["X2"] == {"alla enheter", "samtliga enheter ska", "brand hos alla enheter"}
    # the defect: a leading match is missed ("samtliga enheter ska"); which ones depends on the
    # alternatives (with "(avdelningar och )?" added, "alla enheter" is missed as well)
    assert "samtliga enheter ska" not in got["X1"]
    assert got["X1"] < got["X2"]


def test_a_pattern_the_engine_cannot_compile_names_its_rule(tmp_path: Path) -> None:
    """Measured 2026-11-30: a character class inside a group, "(.*[a-z ])?(nämnd).*", makes the
    core refuse the whole ruleset (code 503); the catalogue loads, so the engine must say which
    rule it could not take, in Swedish, instead of "the worker could not start"."""
    import shutil

    from checks.catalogue import CatalogueError, load_catalogue

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "risks.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace(
        "- {asks_for_rov: true}", "- {$mt: {title_folded: '(.*[a-z ])?(rov[ )]|risk).*'}}", 1
    )
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        Engine(load_catalogue(rules))
    (problem,) = info.value.problems
    assert "risks.yaml" in problem and "kan inte kompilera villkoret i R1" in problem
