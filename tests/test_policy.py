"""The living policy is complete: every rule fires and holds in a scenario, every tag is a rule."""

from __future__ import annotations

from checks.catalogue import Catalogue
from tests.conftest import ROOT
from tests.policy import feature_problems, parse_feature, read_features

FEATURES = ROOT / "features"


def test_every_rule_has_a_firing_and_a_holding_scenario(catalogue: Catalogue) -> None:
    problems = feature_problems([r.id for r in catalogue.rules], read_features(FEATURES))
    assert problems == []


def test_one_feature_file_per_rule_area(catalogue: Catalogue) -> None:
    stems = {p.stem for p in FEATURES.glob("*.feature")}
    rule_files = {a.source.rsplit("/", 1)[-1].removesuffix(".yaml") for a in catalogue.areas}
    assert stems == rule_files


GOOD = """# language: sv
Egenskap: prov
  Regel: X
    @C1
    Scenario: fel
      När planen kontrolleras
      Så ges fyndet C1 för åtagandet "a"
    @C1
    Scenario: rätt
      När planen kontrolleras
      Så ges inget fynd C1
"""


def test_a_complete_feature_has_no_problems() -> None:
    assert feature_problems(["C1"], {"c.feature": GOOD}) == []
    names = [s.name for s in parse_feature(GOOD)]
    assert names == ["fel", "rätt"]


def test_a_rule_without_a_holding_scenario_is_reported() -> None:
    text = GOOD.split("    @C1\n    Scenario: rätt")[0]
    assert feature_problems(["C1"], {"c.feature": text}) == [
        "regeln C1 saknar ett scenario där den är uppfylld"
    ]


def test_a_rule_without_any_scenario_is_reported() -> None:
    problems = feature_problems(["C1", "C2"], {"c.feature": GOOD})
    assert "regeln C2 saknar ett scenario där den ger fynd" in problems
    assert "regeln C2 saknar ett scenario där den är uppfylld" in problems


def test_a_tag_that_names_no_rule_is_reported() -> None:
    text = GOOD.replace("    @C1\n    Scenario: rätt", "    @C1 @X9\n    Scenario: rätt")
    assert feature_problems(["C1"], {"c.feature": text}) == [
        "c.feature rad 9: taggen @X9 namnger ingen regel"
    ]


def test_two_scenarios_with_one_name_are_reported() -> None:
    text = GOOD.replace("Scenario: rätt", "Scenario: fel")
    problems = feature_problems(["C1"], {"c.feature": text})
    assert "c.feature rad 9: scenariot 'fel' finns redan på rad 5" in problems


def test_a_step_about_an_untagged_rule_is_reported() -> None:
    text = GOOD.replace("Så ges inget fynd C1", "Så ges inget fynd C2")
    problems = feature_problems(["C1", "C2"], {"c.feature": text})
    assert "c.feature rad 9: steget nämner C2 men taggen saknas" in problems


def test_a_feature_without_the_swedish_header_is_reported() -> None:
    text = GOOD.replace("# language: sv\n", "")
    assert "c.feature: första raden ska vara '# language: sv'" in feature_problems(
        ["C1"], {"c.feature": text}
    )
