"""The catalogue as a whole, and the mistakes its loader refuses."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from checks.catalogue import Catalogue, CatalogueError, load_catalogue
from checks.facts import FACT_KINDS
from tests.conftest import ROOT

REQUIRED_FIRST = ["G1", "G2", "C1", "C2", "C3", "I1", "I2", "A1", "A2", "B1", "B2", "B3", "B4"]
# Every requirement of ../shared/design/governance-rules.md is a rule; P7 is ours (attachments
# agree with the memo), G5 splits G4 into goals and indicators.
GOVERNANCE = {
    "G": 5,
    "C": 6,
    "I": 4,
    "A": 3,
    "B": 5,
    "Q": 5,
    "R": 5,
    "P": 7,
    "F": 5,
}


def test_the_first_rules_are_all_there(catalogue: Catalogue) -> None:
    ids = [r.id for r in catalogue.rules]
    assert set(REQUIRED_FIRST) <= set(ids)
    assert len(ids) == len(set(ids))
    assert ids[:2] == ["G1", "G2"]  # reading order follows catalogue.yaml: G, C, I, A, B


def test_every_rule_is_complete_in_both_languages(catalogue: Catalogue) -> None:
    for checked in catalogue.rules:
        r = checked.rule
        for text in (r.title, r.rationale, r.reference, r.remedy, r.message):
            assert text.sv.strip() and text.en.strip(), r.id
        assert not r.title.sv.lower().startswith("kontrollera"), "titles state the compliant state"
        assert r.applies_to in FACT_KINDS


def test_the_content_hash_is_stable_and_follows_the_text(tmp_path: Path) -> None:
    first = load_catalogue()
    assert load_catalogue().content_hash == first.content_hash
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "budget.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "{$gt: {net_deviation_tkr: 50}}", "{$gt: {net_deviation_tkr: 60}}"
        ),
        encoding="utf-8",
    )
    assert load_catalogue(rules).content_hash != first.content_hash


def _broken(tmp_path: Path, edit: Callable[[str], str], name: str = "commitments.yaml") -> str:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(rules)
    return "\n".join(info.value.problems)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("  - id: C2", "  - id: C1"), "id C1 finns redan"),
        (
            lambda t: t.replace("    severity: fel\n", "    severity: fel\n    färg: röd\n", 1),
            "rad 14: rules[0].färg: okänt fält",
        ),
        (
            lambda t: t.replace("    severity: fel\n", "    severity: kritisk\n", 1),
            "severity: ska vara 'fel', 'varning' eller 'info'",
        ),
        (
            lambda t: t.replace('{c.title}" saknar förväntat', '{c.titel}" saknar förväntat'),
            'har inget fält "titel"',
        ),
        (
            lambda t: t.replace('{c.title}" saknar förväntat', '{x.title}" saknar förväntat'),
            "{x.title} namnger inget (icke-negerat) villkor",
        ),
        (
            lambda t: t.replace('{c.title}" saknar förväntat', '{title}" saknar förväntat'),
            "ogiltig platshållare {title}",
        ),
        (
            lambda t: t.replace("{$nex: {expected_result: 1}}", "{$imt: {title: 'x'}}"),
            "$imt viker bara ASCII",
        ),
        (
            lambda t: t.replace(
                "- c: {$and: [{kind: commitment}, {$nex: {expected_result: 1}}]}",
                "- c: {$nex: {expected_result: 1}}",
            ),
            "villkoret måste ange faktatyp",
        ),
        (
            lambda t: t.replace(
                "- c: {$and: [{kind: commitment}, {$nex: {expected_result: 1}}]}",
                "- c$not: {$and: [{kind: commitment}, {$nex: {expected_result: 1}}]}",
            ),
            "en regel får inte börja med en negation",
        ),
        (lambda t: t.replace("    subject: c\n", "    subject: q\n", 1), "subject: 'q' är inte"),
        (
            lambda t: t.replace("    applies_to: commitment\n", "    applies_to: budget\n", 1),
            "applies_to: 'budget' men subject 'c' är 'commitment'",
        ),
        (
            lambda t: t.replace("{$nex: {expected_result: 1}}", "{$gt: {id: 1}}"),
            'har inget fält "id"',
        ),
    ],
)
def test_mistakes_in_a_rule_are_refused_with_their_place(
    tmp_path: Path, edit: Callable[[str], str], expected: str
) -> None:
    problems = _broken(tmp_path, edit)
    assert expected in problems
    assert "commitments.yaml" in problems


def test_a_join_must_name_an_earlier_condition(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        lambda t: t.replace("{$lt: {amount: {b: net_total}}}", "{$lt: {amount: {z: net_total}}}"),
        "budget.yaml",
    )
    assert "hänvisar till 'z', som inte är ett tidigare villkor" in problems


def test_arithmetic_in_a_condition_is_refused(tmp_path: Path) -> None:
    """durable-rules segfaulted in reduceExpressionSequence on $add/$sub inside joins."""
    problems = _broken(
        tmp_path,
        lambda t: t.replace(
            "{$gt: {years_before_plan: 1}}", "{$lt: {year: {$sub: {$l: {p: year}, $r: 1}}}}"
        ),
        "budget.yaml",
    )
    assert "räkneoperatorn $sub får inte användas" in problems


def test_a_retired_id_is_never_reused(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, lambda t: t.replace("retired: []", "retired: [C2]"), "catalogue.yaml"
    )
    assert "id C2 är pensionerat i catalogue.yaml och får inte återanvändas" in problems


def test_an_area_file_missing_from_the_list_is_refused(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        lambda t: t.replace("[G, C, I, A, B, Q, R, P, F]", "[G, C, I, A, Q, R, P, F]"),
        "catalogue.yaml",
    )
    assert "området B finns som fil men saknas i listan" in problems


def test_a_rule_in_the_wrong_area_file_is_refused(tmp_path: Path) -> None:
    problems = _broken(tmp_path, lambda t: t.replace("  - id: C3", "  - id: G9"))
    assert "regeln G9 hör inte till område C" in problems


def test_every_governance_requirement_is_a_rule(catalogue: Catalogue) -> None:
    by_area: dict[str, int] = {}
    for checked in catalogue.rules:
        by_area[checked.rule.area] = by_area.get(checked.rule.area, 0) + 1
    required = {f"{area}{n}" for area, count in GOVERNANCE.items() for n in range(1, count + 1)}
    assert required <= {c.id for c in catalogue.rules}  # a rule may be added, none removed
    assert set(by_area) == set(GOVERNANCE)
    assert [a.code for a in catalogue.areas] == list(GOVERNANCE)


def test_every_rule_states_its_years_and_a_legal_or_policy_source(catalogue: Catalogue) -> None:
    for checked in catalogue.rules:
        r = checked.rule
        assert r.valid_from <= 2008 and r.valid_to is None, r.id
        assert r.in_force(2012) and not r.in_force(2007)
        assert any(
            word in r.reference.sv.lower()
            for word in ("lag", "ils", "utlåtande", "tidsplan", "skl", "regler", "plan")
        ), r.id


def test_a_rule_out_of_force_for_the_year_does_not_judge(tmp_path: Path) -> None:
    from checks.checker import Checker
    from checks.dossier import load_target
    from tests.conftest import DEFECT_EXAMPLE

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    # C1 retired after 2011, C3 introduced in 2013: neither judges a 2012 plan
    text = text.replace("  - id: C1\n", "  - id: C1\n    valid_to: 2011\n", 1)
    path.write_text(text, encoding="utf-8")
    start = text.index("  - id: C3\n")
    end = text.index("  - id: C4\n")
    block = text[start:end].replace("valid_from: 2008", "valid_from: 2013")
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    catalogue = load_catalogue(rules)
    assert catalogue.get("C3") is not None and catalogue.get("C3").rule.valid_from == 2013  # type: ignore[union-attr]
    with Checker(catalogue, isolated=False) as checker:
        result = checker.check(load_target(DEFECT_EXAMPLE))
    assert result.outcomes["C1"] == "not_in_force" and result.outcomes["C3"] == "not_in_force"
    assert not any(f.rule_id in ("C1", "C3") for f in result.findings)
    assert result.outcomes["C2"] == "passed"


def test_a_rule_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, lambda t: t.replace("  - id: C1\n", "  - id: C1\n    valid_to: 2001\n", 1)
    )
    assert "rules[0]: valid_to 2001 är före valid_from" in problems


def test_the_thresholds_are_the_settings_facts_fields(tmp_path: Path) -> None:
    # a renamed threshold leaves the rules that read the old name without a field
    problems = _broken(
        tmp_path, lambda t: t.replace("  mbl_max_months:", "  mbl_max_weeks:"), "catalogue.yaml"
    )
    assert 'faktatypen settings har inget fält "mbl_max_months"' in problems


def test_a_threshold_needs_a_usable_name_and_its_own_config_key(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        lambda t: t.replace("  mbl_max_months:", "  Mbl-Max:").replace(
            "config_key: mbl_månader", "config_key: riskvärde"
        ),
        "catalogue.yaml",
    )
    assert "thresholds.Mbl-Max: ogiltigt namn" in problems
    assert "config_key riskvärde används redan av risk_threshold" in problems


def test_a_new_threshold_is_a_settings_field_without_python(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    header = rules / "catalogue.yaml"
    header.write_text(
        header.read_text("utf-8")
        + "  apt_max_days:\n    default: 30\n    config_key: apt_dagar\n    maximum: 365\n"
        "    description: {sv: Dagar från APT till beslut, en: Days from meeting to decision}\n",
        "utf-8",
    )
    catalogue = load_catalogue(rules)
    assert catalogue.contract["settings"]["apt_max_days"] == "Dagar från APT till beslut"


def test_the_steering_calendar_is_part_of_the_catalogue_and_its_hash(tmp_path: Path) -> None:
    first = load_catalogue()
    assert [w.concerns for w in first.calendar.windows] == [
        "verksamhetsplan",
        "tertialrapport_1",
        "tertialrapport_2",
        "årsrapport",
    ]
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "kalender" / "standard.yaml"
    path.write_text(path.read_text("utf-8").replace("till: 31 maj", "till: 15 juni"), "utf-8")
    assert load_catalogue(rules).content_hash != first.content_hash
    path.write_text(path.read_text("utf-8").replace("till: 15 juni", "till: 1 april"), "utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(rules)
    assert "standard.yaml rad 22: tertialrapport_1.till: 1 april är före 1 maj (från)" in (
        "\n".join(info.value.problems)
    )
    path.unlink()
    with pytest.raises(CatalogueError) as info:
        load_catalogue(rules)
    assert "standard.yaml: styrkalendern saknas" in "\n".join(info.value.problems)


def test_a_match_pattern_that_starts_with_dot_star_group_is_refused(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path,
        lambda t: t.replace(
            "'(.*[ ])?(samtliga|alla) (avdelningar och )?enheter.*'",
            "'.*(samtliga|alla) (avdelningar och )?enheter.*'",
        ),
        "activities.yaml",
    )
    assert "mönstret börjar med .*(" in problems


@pytest.mark.parametrize(
    ("requires", "expected"),
    [
        ("[x.decision_day]", "'x.decision_day' namnger inget (icke-negerat) villkor"),
        ("[d.no_such_field]", 'faktatypen decision har inget fält "no_such_field"'),
    ],
)
def test_what_a_rule_requires_must_be_a_field_of_one_of_its_conditions(
    tmp_path: Path, requires: str, expected: str
) -> None:
    problems = _broken(
        tmp_path,
        lambda t: t.replace("    requires: [d.decision_day]", f"    requires: {requires}", 1),
        "process.yaml",
    )
    assert expected in problems
    assert "requires" in problems  # the place: rules[N].requires[0]
