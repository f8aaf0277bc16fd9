"""A document with an empty field is still checked (issue 16): the engine never refuses it, and a
rule that could not judge for lack of a value says so instead of passing.

The property test is generated from the models: every optional field of every document kind is
removed (or emptied) in turn from a complete dossier, so a field added later is covered too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from checks.absence import guarded
from checks.catalogue import Catalogue
from checks.checker import Checker, CheckResult
from checks.conditions import Condition
from checks.documents import DOCUMENT_MODELS
from checks.dossier import load_target
from checks.engine import Engine, EngineError
from checks.facts import Fact, derive
from tests.conftest import CLEAN_DOSSIER, FILES, run_styrkoll

# A unit that serves users, so the quality guarantee's fields are covered too.
GUARANTEE = {
    "titel": "Svar på e-post inom två arbetsdagar",
    "vad_du_kan_förvänta_dig": "Du får svar inom 2 arbetsdagar.",
    "rättelse": "Vi ringer upp dig samma dag.",
    "synpunkter_och_klagomål": "Skriv till avdelningens funktionsbrevlåda.",
}


def _complete_dossier() -> dict[str, dict[str, Any]]:
    docs = {}
    for kind, name in FILES.items():
        docs[kind] = yaml.safe_load((CLEAN_DOSSIER / name).read_text(encoding="utf-8"))
    plan = docs["verksamhetsplan"]
    commitment = plan["inriktningsmål"][0]["mål"][0]["nämndmål"][0]["åtaganden"][0]
    plan["brukarnära"] = True
    plan["kvalitetsgarantier"] = [{**GUARANTEE, "åtagande": commitment.get("id", "AT-1")}]
    commitment.setdefault("id", "AT-1")
    return docs


def _sites(model: type[BaseModel], data: Any, path: tuple[Any, ...]) -> Iterator[Any]:
    """(model, field, alias, the mapping holding it, path) for every model instance in the data."""
    if not isinstance(data, dict):
        return
    for name, info in model.model_fields.items():
        alias = info.alias or name
        yield model, name, alias, info, data, path
        value = data.get(alias)
        for sub in _models_in(info.annotation):
            if isinstance(value, dict):
                yield from _sites(sub, value, (*path, alias))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    yield from _sites(sub, item, (*path, alias, i))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


def _mutations() -> list[tuple[str, str, str, tuple[Any, ...], str]]:
    """(document kind, model, field alias, path of its mapping, how) for every optional field."""
    docs = _complete_dossier()
    chosen: dict[tuple[str, str], tuple[str, str, str, tuple[Any, ...], str]] = {}
    for kind, data in docs.items():
        for model, name, alias, info, mapping, path in _sites(DOCUMENT_MODELS[kind], data, ()):
            if info.is_required() or name == "id":
                continue
            key = (model.__name__, name)
            if alias in mapping:
                how = "remove"
            elif str(info.annotation).startswith("list"):
                how = "empty list"
            elif info.annotation is bool:
                continue  # yes/no always has a value: its default
            else:
                how = "null"
            if key not in chosen or (chosen[key][4] != "remove" and how == "remove"):
                chosen[key] = (kind, model.__name__, alias, path, how)
    return sorted(chosen.values(), key=lambda m: (m[1], m[2]))


MUTATIONS = _mutations()


def _mutated(kind: str, alias: str, path: tuple[Any, ...], how: str) -> dict[str, Any]:
    docs = _complete_dossier()
    node: Any = docs[kind]
    for part in path:
        node = node[part]
    if how == "remove":
        del node[alias]
    else:  # the example never states it: state it empty, as an export leaves it
        node[alias] = [] if how == "empty list" else None
    return docs


def _check(checker: Checker, docs: dict[str, Any], folder: Path) -> CheckResult:
    folder.mkdir()
    for kind, data in docs.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / FILES[kind]).write_text(text, encoding="utf-8")
    return checker.check(load_target(folder))


def _changed(before: list[Fact], after: list[Fact]) -> set[tuple[str, str]]:
    """(kind, field) whose value differs; (kind, "*") when facts of a kind came or went."""
    old = {str(f["ref"]): f for f in before}
    new = {str(f["ref"]): f for f in after}
    out: set[tuple[str, str]] = set()
    for ref in old.keys() ^ new.keys():
        out.add((str((old.get(ref) or new[ref])["kind"]), "*"))
    for ref in old.keys() & new.keys():
        a, b = old[ref], new[ref]
        out |= {(str(a["kind"]), k) for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    return out


def _affected(catalogue: Catalogue, changed: set[tuple[str, str]]) -> set[str]:
    """Rules that read a changed field, or match a kind whose facts came or went."""
    kinds = {k for k, f in changed if f == "*"}
    out = set()
    for checked in catalogue.rules:
        if any(c.kind in kinds for c in checked.conditions):
            out.add(checked.id)
        elif any((checked.kind_of(a), f) in changed for a, f in checked.reads):
            out.add(checked.id)
    return out


@pytest.fixture(scope="module")
def in_process(catalogue: Catalogue) -> Iterator[Checker]:
    with Checker(catalogue, isolated=False) as checker:
        yield checker


@pytest.fixture(scope="module")
def baseline(in_process: Checker, tmp_path_factory: pytest.TempPathFactory) -> CheckResult:
    return _check(in_process, _complete_dossier(), tmp_path_factory.mktemp("base") / "akt")


def test_the_property_covers_every_document_model() -> None:
    covered = {m for _, m, _, _, _ in MUTATIONS}
    assert covered >= {
        "Plan", "Commitment", "Indicator", "Activity", "BoardGoal", "Budget", "QualityGuarantee",
        "Process", "Texts", "RiskAnalysis", "Risk", "ControlPlan", "Control", "Deviation",
        "DecisionMemo", "Preparation", "Attachment", "FollowUpReport", "Assessment",
        "IndicatorOutcome", "BudgetOutcome", "ReportProcess",
    }  # fmt: skip
    assert len(MUTATIONS) > 80


def test_the_complete_dossier_has_no_findings(baseline: CheckResult) -> None:
    assert [f.message for f in baseline.findings] == []


@pytest.mark.parametrize(
    ("kind", "model", "alias", "path", "how"),
    MUTATIONS,
    ids=[f"{m[1]}.{m[2]}-{m[4]}" for m in MUTATIONS],
)
def test_an_optional_field_left_out_is_checked_and_changes_only_the_rules_that_read_it(
    in_process: Checker,
    baseline: CheckResult,
    catalogue: Catalogue,
    tmp_path: Path,
    kind: str,
    model: str,
    alias: str,
    path: tuple[Any, ...],
    how: str,
) -> None:
    result = _check(in_process, _mutated(kind, alias, path, how), tmp_path / "akt")  # no 311
    settings = in_process.default_config.settings
    calendar = catalogue.calendar.for_year(2012)
    before = derive(baseline.dossier, settings, calendar).facts
    after = derive(result.dossier, settings, calendar).facts
    affected = _affected(catalogue, _changed(before, after))
    for rule_id, outcome in baseline.outcomes.items():
        if rule_id not in affected:
            assert result.outcomes[rule_id] == outcome, (rule_id, result.outcomes[rule_id])
    unexpected = [f.message for f in result.findings if f.rule_id not in affected]
    assert unexpected == []
    # the guards change no answer the engine gives without them, where it gives one
    raw = Engine(catalogue, guard=False)
    try:
        expected = raw.evaluate(after)
    except EngineError:
        return  # the engine refuses these facts unguarded: exactly what the guards are for
    assert Engine(catalogue).evaluate(after) == expected


def test_the_issue_reproduction_is_checked_and_says_what_it_could_not_judge(
    tmp_path: Path,
) -> None:
    text = (CLEAN_DOSSIER / "verksamhetsplan.yaml").read_text(encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text.replace("                slutdatum: 2012-12-31\n", "", 1), "utf-8")
    proc = run_styrkoll("check", str(plan))
    assert proc.returncode == 1, proc.stderr
    assert "A4" in proc.stdout and "saknar startdatum eller slutdatum" in proc.stdout
    assert "Kunde inte bedömas" in proc.stdout and "slutdatum som dagnummer saknas" in proc.stdout
    assert "error code" not in proc.stdout + proc.stderr


def _condition(alias: str, expr: dict[str, Any], negated: bool = False) -> Condition:
    return Condition(alias, "x", negated, expr)


def test_guards_stand_flat_and_an_or_over_joins_becomes_one_rule_per_branch() -> None:
    p = _condition("p", {"kind": "plan"})
    a = _condition(
        "a",
        {
            "$and": [
                {"kind": "activity"},
                {"$or": [{"$gt": {"start_day": {"p": "year_end"}}}, {"$lt": {"end_day": 0}}]},
            ]
        },
    )
    variants = guarded([p, a])
    assert len(variants) == 2
    assert variants[0][0] == {"p": {"$and": [{"kind": "plan"}, {"$ex": {"year_end": 1}}]}}
    assert variants[0][1] == {
        "a": {
            "$and": [
                {"kind": "activity"},
                {"$ex": {"start_day": 1}},
                {"$gt": {"start_day": {"p": "year_end"}}},
            ]
        }
    }
    assert variants[1][1] == {"a": {"$and": [{"kind": "activity"}, {"$lt": {"end_day": 0}}]}}
    # a negated $or over joins: no fact may match either branch
    n = _condition(
        "n",
        {"$or": [{"x": {"p": "y"}}, {"z": {"p": "w"}}]},
        negated=True,
    )
    (only,) = guarded([p, n])
    assert [next(iter(c)) for c in only] == ["p", "n$not", "n_2$not"]


def test_an_or_without_joins_stays_as_written() -> None:
    cond = _condition("r", {"$and": [{"kind": "risk"}, {"$or": [{"a": 1}, {"$lt": {"b": 2}}]}]})
    assert guarded([cond]) == [[{"r": copy.deepcopy(cond.expression)}]]


def test_engine_refusals_are_worded_in_swedish_with_the_engine_s_words_in_the_log(
    catalogue: Catalogue, caplog: pytest.LogCaptureFixture
) -> None:
    facts = derive(load_target(CLEAN_DOSSIER), in_settings(catalogue)).facts
    activity = next(f for f in facts if f["kind"] == "activity")
    del activity["end_day"]
    raw = Engine(catalogue, guard=False)
    with pytest.raises(EngineError) as info:
        raw.evaluate(facts)
    assert info.value.message_sv == (
        "regelmotorn gav inget säkert resultat: regelmotorn avvisade kontrollens fakta (ett "
        "faktum saknar ett fält som en regel jämför med ett annat faktums fält)"
    )
    assert "Could not assert" not in info.value.message_en
    assert any("error code: 311" in r.getMessage() for r in caplog.records)
    assert Engine(catalogue).evaluate(facts)  # guarded: checked, with its findings


def in_settings(catalogue: Catalogue) -> dict[str, float]:
    return {k: t.default for k, t in catalogue.thresholds.items()}


@pytest.mark.parametrize(("excerpt", "outcome"), [(True, "not_judged"), (False, "failed")])
def test_a_value_asked_to_be_absent_is_not_judged_in_an_excerpt(
    checker: Checker, excerpt: bool, outcome: str
) -> None:
    """P5 asks that a council's information date be absent (or late): in an excerpt the date may
    stand further on, so the rule cannot judge; in a whole memo the rule fires."""
    from checks.loading import SourceMap, validate_document

    memo = {
        "dokument": "tjänsteutlåtande",
        "år": 2025,
        "nämnd": "Äldrenämnden",
        "ärende": "Verksamhetsplan 2025 för äldrenämnden",
        "avser": "verksamhetsplan",
        "förslag_till_beslut": ["Äldrenämnden fastställer verksamhetsplanen."],
        "utdrag": excerpt,
    }
    result = checker.check(validate_document(memo, "memo.yaml", SourceMap()))
    assert result.outcomes["P5"] == outcome


def test_a_rule_whose_documents_are_not_there_is_not_applicable_never_passed(
    checker: Checker,
) -> None:
    """F5 asks a unit's annual report for APT, complaints and equality work; on the board's own
    report (its unit is the board) it has nothing to judge: not applicable, not passed; the
    same report as a unit's gives the finding."""
    from checks.loading import SourceMap, validate_document

    report = {
        "dokument": "årsrapport",
        "år": 2024,
        "nämnd": "Kulturnämnden",
        "enhet": "Kulturnämnden",
    }
    result = checker.check(validate_document(report, "ar.yaml", SourceMap()))
    assert result.outcomes["F5"] == "not_applicable"
    unit = {**report, "enhet": "Biblioteken"}
    result = checker.check(validate_document(unit, "ar.yaml", SourceMap()))
    assert result.outcomes["F5"] == "failed"
