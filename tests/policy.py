"""Hygiene of the living policy: what every feature file and rule must have, as a checkable list."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FIRES = re.compile(r"\bges fyndet (\S+)")
HOLDS = re.compile(r"\bges inget fynd (\S+)")
SCENARIO = re.compile(r"^\s*(Scenario|Scenariomall|Abstrakt Scenario):\s*(.+?)\s*$")
BOUNDARY = re.compile(r"^\s*(Scenario|Scenariomall|Abstrakt Scenario|Regel|Bakgrund|Egenskap):")


@dataclass
class Scenario:
    name: str
    line: int
    tags: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


def parse_feature(text: str) -> list[Scenario]:
    """The scenarios of a Swedish feature file with their tags and step lines."""
    scenarios: list[Scenario] = []
    pending: list[str] = []
    current: Scenario | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("@"):
            pending.extend(tag.lstrip("@") for tag in line.split())
            continue
        match = SCENARIO.match(raw)
        if match:
            current = Scenario(match[2], number, pending)
            scenarios.append(current)
            pending = []
            continue
        if BOUNDARY.match(raw):
            current = None
            pending = []
            continue
        if current is not None and line:
            current.steps.append(line)
    return scenarios


def feature_problems(rule_ids: list[str], features: dict[str, str]) -> list[str]:
    """Every way the features fall short of the catalogue; an empty list means they are complete."""
    problems: list[str] = []
    fires: dict[str, list[str]] = {r: [] for r in rule_ids}
    holds: dict[str, list[str]] = {r: [] for r in rule_ids}
    for name, text in sorted(features.items()):
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        if first.strip() != "# language: sv":
            problems.append(f"{name}: första raden ska vara '# language: sv'")
        seen: dict[str, int] = {}
        for scenario in parse_feature(text):
            where = f"{name} rad {scenario.line}"
            if scenario.name in seen:
                problems.append(
                    f"{where}: scenariot '{scenario.name}' finns redan på rad {seen[scenario.name]}"
                )
            seen[scenario.name] = scenario.line
            if not scenario.tags:
                problems.append(f"{where}: scenariot saknar tagg med regel-id")
            for tag in scenario.tags:
                if tag not in fires:
                    problems.append(f"{where}: taggen @{tag} namnger ingen regel")
            for step in scenario.steps:
                for pattern, bucket in ((FIRES, fires), (HOLDS, holds)):
                    hit = pattern.search(step)
                    if not hit:
                        continue
                    rule_id = hit[1]
                    if rule_id not in bucket:
                        problems.append(f"{where}: steget nämner {rule_id}, som inte är en regel")
                    elif rule_id not in scenario.tags:
                        problems.append(f"{where}: steget nämner {rule_id} men taggen saknas")
                    else:
                        bucket[rule_id].append(where)
    for rule_id in rule_ids:
        if not fires[rule_id]:
            problems.append(f"regeln {rule_id} saknar ett scenario där den ger fynd")
        if not holds[rule_id]:
            problems.append(f"regeln {rule_id} saknar ett scenario där den är uppfylld")
    return problems


def read_features(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.feature"))}
