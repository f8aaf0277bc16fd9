"""The living policy's reader (service/web/scenarios.py): every rule of the catalogue has its
scenarios, the reader reads every feature file as the official Gherkin parser does (names, tags
with those inherited, steps, doc strings, tables, backgrounds, examples), and a file it cannot
read is an error naming the file and the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from checks.catalogue import Catalogue
from service.web import scenarios
from service.web.scenarios import GherkinError, Scenario, Step, parse

FEATURES = Path(__file__).resolve().parent.parent / "features"

# A feature of our own with every part of the subset: two backgrounds, rules, tags on the feature
# and on examples, a table with escapes, an outline with two Exempel, doc strings of both kinds.
SUBSET = '''\
# language: sv
@utkast
Egenskap: X – Ett område att pröva läsaren på
  Beskrivningen av området,
  på två rader.

  Bakgrund:
    Givet en fullständig akt för 2012

  # en kommentar mellan delarna
  Regel: X1 Budgetens rader summeras
    Regelns egen beskrivning.

    Bakgrund:
      Och att planen har en budget

    @X1 @granskas
    Scenario: Raderna i en tabell
      Givet att budgeten har raderna:
        | post          | belopp |
        | Lön \\| arvode | 100    |
        | Hyra          | 20     |
      När planen kontrolleras
      Så ges fyndet X1 för budgeten
      Men ges inget fynd X2

  Regel: X2 Summan jämförs med ramen

    @X2
    Scenariomall: Summan <summa> mot ramen
      Givet att budgetens summa är <summa>
      * planen kontrolleras
      Så ges <utfall>

      @X3
      Exempel: Inom ramen
        | summa | utfall        |
        | 90    | inget fynd X2 |

      Exempel:
        | summa | utfall    |
        | 120   | fyndet X2 |
        | 130   | fyndet X2 |

    @X2
    Scenario: Textsträngar av båda slagen
      Givet att planen har texten:
        ```yaml
        rad: ett
          indragen: två
        # ingen kommentar
        \\`\\`\\`
        ```
      Och att planen har texten:
        """
        citat: \\"\\"\\"
        """
      När planen kontrolleras
'''


def _official(text: str) -> list[dict[str, Any]]:
    """The scenarios as the official Gherkin parser reads them, in our reader's shape."""
    feature = Parser().parse(TokenScanner(text))["feature"]

    def steps(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [
            (
                s["keyword"].strip(),
                s["text"],
                s["docString"]["content"] if "docString" in s else None,
                [tuple(c["value"] for c in r["cells"]) for r in s["dataTable"]["rows"]]
                if "dataTable" in s
                else [],
            )
            for s in found
        ]

    def names(tags: list[dict[str, Any]]) -> list[str]:
        return [t["name"][1:] for t in tags]

    out: list[dict[str, Any]] = []

    def walk(
        children: list[dict[str, Any]], inherited: list[str], bg: list[Any], rule: Any
    ) -> None:
        background = list(bg)
        for child in children:
            if "background" in child:
                background += steps(child["background"]["steps"])
            elif "rule" in child:
                r = child["rule"]
                walk(r["children"], inherited + names(r["tags"]), background, r["name"])
            else:
                s = child["scenario"]
                examples = [
                    (
                        e["name"],
                        names(e["tags"]),
                        tuple(c["value"] for c in e["tableHeader"]["cells"]),
                        [tuple(c["value"] for c in r["cells"]) for r in e["tableBody"]],
                    )
                    for e in s["examples"]
                ]
                tags = inherited + names(s["tags"]) + [t for e in examples for t in e[1]]
                out.append(
                    {
                        "name": s["name"],
                        "line": s["location"]["line"],
                        "tags": list(dict.fromkeys(tags)),
                        "steps": steps(s["steps"]),
                        "background": background,
                        "examples": examples,
                        "rule": rule,
                        "description": " ".join(s["description"].split()),
                    }
                )

    walk(feature["children"], names(feature["tags"]), [], None)
    return out


def _ours(found: tuple[Scenario, ...]) -> list[dict[str, Any]]:
    def steps(given: tuple[Step, ...]) -> list[tuple[Any, ...]]:
        return [(s.keyword, s.text, s.doc_string, list(s.table)) for s in given]

    return [
        {
            "name": s.name,
            "line": s.line,
            "tags": list(s.tags),
            "steps": steps(s.steps),
            "background": steps(s.background),
            "examples": [(e.name, list(e.tags), e.header, list(e.rows)) for e in s.examples],
            "rule": s.rule,
            "description": s.description,
        }
        for s in found
    ]


def test_every_rule_of_the_catalogue_has_a_scenario(catalogue: Catalogue) -> None:
    without = [rule.id for rule in catalogue.rules if not scenarios.scenarios_for(rule.id)]
    assert without == [], f"regler utan scenario i features/: {without}"


def test_every_tagged_rule_is_in_the_catalogue(catalogue: Catalogue) -> None:
    ids = {rule.id for rule in catalogue.rules}
    assert set(scenarios.by_rule()) - ids == set()


@pytest.mark.parametrize("name", sorted(p.name for p in FEATURES.glob("*.feature")))
def test_the_reader_reads_each_feature_as_the_official_parser(name: str) -> None:
    text = (FEATURES / name).read_text(encoding="utf-8")
    feature = parse(text, name)
    assert _ours(feature.scenarios) == _official(text)
    assert feature.scenarios, name
    assert all(s.source == name and s.feature == feature.name for s in feature.scenarios)


def test_the_reader_reads_every_part_of_the_subset_as_the_official_parser() -> None:
    feature = parse(SUBSET, "prov.feature")
    assert _ours(feature.scenarios) == _official(SUBSET)
    assert feature.name == "X – Ett område att pröva läsaren på"
    assert feature.description == "Beskrivningen av området,\npå två rader."
    table, outline, docs = feature.scenarios
    assert table.rule_ids == ("X1",) and table.tags == ("utkast", "X1", "granskas")
    assert table.steps[0].table[1] == ("Lön | arvode", "100")
    assert [s.text for s in table.background] == [
        "en fullständig akt för 2012",
        "att planen har en budget",
    ]
    assert outline.outline and outline.rule_ids == ("X2", "X3")
    assert [e.rows for e in outline.examples] == [
        (("90", "inget fynd X2"),),
        (("120", "fyndet X2"), ("130", "fyndet X2")),
    ]
    assert docs.steps[0].doc_string == "rad: ett\n  indragen: två\n# ingen kommentar\n```"
    assert docs.steps[1].doc_string == 'citat: """'
    assert [s.name for s in scenarios.parse(SUBSET).scenarios if "X2" in s.rule_ids] == [
        "Summan <summa> mot ramen",
        "Textsträngar av båda slagen",
    ]


def test_the_installed_features_are_read_from_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "prov_features"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "prov.feature").write_text(SUBSET, encoding="utf-8")
    (package / "inte.txt").write_text("inget", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert scenarios.feature_texts("prov_features", tmp_path / "saknas") == {"prov.feature": SUBSET}


def test_a_checkout_never_installed_reads_its_features_folder() -> None:
    found = scenarios.feature_texts("finns_inte_som_paket", FEATURES)
    assert sorted(found) == sorted(p.name for p in FEATURES.glob("*.feature"))
    assert found["goals.feature"] == (FEATURES / "goals.feature").read_text(encoding="utf-8")


HEAD = "# language: sv\nEgenskap: X\n"
STEPS = "    Givet något\n    När planen kontrolleras\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Scenario: a\n  Givet b\n", 1, "Scenario före filens Egenskap"),
        ("# language: sv\n", 1, "filen har ingen Egenskap"),
        (HEAD + "Egenskap: Y\n", 3, "filen har redan en Egenskap"),
        (HEAD + "  Givet något\n", 3, "ett steg står utanför Bakgrund och scenarier"),
        (HEAD + "  Scenario: a\n\n  Scenario: b\n" + STEPS, 3, "scenariot 'a' saknar steg"),
        (HEAD + "  Scenario:\n" + STEPS, 3, "Scenario saknar namn"),
        (HEAD + "  Scenario: a\n" + STEPS + "    Detta är inget steg\n", 6, "är inget steg"),
        (HEAD + "  Scenariomall: a\n" + STEPS, 3, "scenariomallen 'a' saknar Exempel"),
        (HEAD + "  Scenario: a\n" + STEPS + "    Exempel:\n", 6, "Exempel hör till en Scen"),
        (HEAD + "  Scenariomall: a\n" + STEPS + "  Exempel:\n", 6, "Exempel saknar tabell"),
        (HEAD + "  Scenariomall: a\n" + STEPS + "  Exempel:\n  | a |\n", 6, "bara en rubrikrad"),
        (HEAD + "  Scenariomall: a\n" + STEPS + "  Exempel:\n  | a |\n  | 1 | 2 |\n", 8, "celler"),
        (HEAD + "  Scenario: a\n" + STEPS + '    """\n    text\n', 6, "saknar sitt avslutande"),
        (HEAD + "  Scenario: a\n" + STEPS + "    | a |\n    | 1 | 2 |\n", 7, "celler"),
        (HEAD + "  Scenario: a\n" + STEPS + "    | a \n", 6, "en tabellrad ska sluta med |"),
        (HEAD + "  Scenario: a\n" + STEPS + "    | a |\n    '''\n", 7, "är inget steg"),
        (HEAD + "  Scenario: a\n" + STEPS + "  @A1\n", 6, "taggarna står inte före något"),
        (HEAD + "  @A1 A2\n  Scenario: a\n" + STEPS, 3, "'A2' är ingen tagg"),
        (HEAD + "  @A1\n  Bakgrund:\n" + STEPS, 3, "Bakgrund kan inte ha taggar"),
        (HEAD + "  Scenario: a\n" + STEPS + "  Bakgrund:\n" + STEPS, 6, "Bakgrund ska stå före"),
        (HEAD + "  | a |\n", 3, "en tabell hör till ett steg"),
        ("Text före\nEgenskap: X\n", 1, "texten står före filens Egenskap"),
    ],
)
def test_a_file_the_reader_cannot_read_names_the_file_and_line(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(GherkinError) as caught:
        parse(text, "fel.feature")
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"fel.feature rad {line}: "), str(caught.value)
    assert message in str(caught.value)
