"""The rule catalogue: `rules/*.yaml` loaded, validated and hashed.

A rule is data: Swedish and English texts, a severity, what it applies to, a message template and a
condition in durable-rules' own JSON syntax. This module refuses a catalogue with unknown keys,
duplicate ids, conditions that read fields no fact has, placeholders that resolve to nothing, or the
condition shapes the engine is known to mishandle (see ../shared/design/durable-rules.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.calendar import CalendarFile, CalendarSpec, read_calendar
from checks.conditions import CheckedRule, Contract, Locator, check_rule
from checks.facts import FACT_KINDS
from checks.loading import InputError, SourceMap, compose_yaml, decode_text, validation_error
from checks.model import render_path
from checks.wording import os_problem

Severity = Literal["fel", "varning", "info"]
SEVERITY_RANK: dict[str, int] = {"fel": 0, "varning": 1, "info": 2}
SEVERITY_EN: dict[str, str] = {"fel": "error", "varning": "warning", "info": "info"}

RULE_ID = r"^[A-Z][0-9]{1,3}[a-z]?$"  # also a Gherkin tag and a pytest marker
CALENDAR_FOLDER = "kalender"
CALENDAR_FILE = "standard.yaml"


def default_rules_dir() -> FsPath:
    """`STYRKOLL_RULES`, or the catalogue shipped with the package.

    The repository's top-level `rules/` is the package `checks.rules` (pyproject.toml maps it with
    `package-dir`): package data in the wheel, the checkout itself in an editable install.
    """
    configured = os.environ.get("STYRKOLL_RULES")
    if configured:
        return FsPath(configured)
    try:
        folder = resources.files("checks.rules")
    except ModuleNotFoundError:  # a source tree on PYTHONPATH that was never installed
        return FsPath(__file__).resolve().parent.parent / "rules"
    if isinstance(folder, FsPath):
        return folder
    return FsPath(str(folder))  # not a folder on disk (a zip import): load_catalogue says so


class Text(BaseModel):
    """A text in Swedish, with its English rendering."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.sv if lang == "sv" else self.en


class Rule(BaseModel):
    """One requirement, with everything a finding needs to explain itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=RULE_ID)
    title: Text
    severity: Severity
    applies_to: str
    rationale: Text
    reference: Text
    remedy: Text
    message: Text
    subject: str
    when: dict[str, Any]
    # `alias.field` values the rule cannot judge without: a fact of the alias's kind that lacks
    # one is "kunde inte bedömas", never passed (a memo without its decision date for P2).
    requires: tuple[str, ...] = ()
    valid_from: int = Field(ge=1990, le=2100)  # first year the rule applies to
    valid_to: int | None = Field(default=None, ge=1990, le=2100)  # last year, if it has one

    @property
    def area(self) -> str:
        return self.id[0]

    def in_force(self, year: int) -> bool:
        """Whether the rule applies to documents of this year."""
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


class AreaFile(BaseModel):
    """One file of the catalogue: one area of requirements."""

    model_config = ConfigDict(extra="forbid")

    area: str = Field(pattern=r"^[A-Z]$")
    title: Text
    rules: list[Rule] = Field(min_length=1)


THRESHOLD_KEY = r"^[a-z][a-z0-9_]{0,40}$"  # a field of the settings fact


class Threshold(BaseModel):
    """A number rules compare with, set per organisation in its configuration file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: float
    config_key: str = Field(pattern=r"^[a-zåäö_]+$")  # the key in the organisation's file
    minimum: float = 0
    maximum: float
    description: Text


class CatalogueHeader(BaseModel):
    """`rules/catalogue.yaml`: the catalogue's name, version, areas and thresholds."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(pattern=r"^\d{4}\.\d+(\.\d+)?$")
    title: Text
    areas: list[str] = Field(min_length=1)  # area codes in reading order: G, C, I, A, B …
    retired: list[str] = Field(default_factory=list)  # ids once published, never to be reused
    thresholds: dict[str, Threshold] = Field(default_factory=dict)


@dataclass(frozen=True)
class Area:
    code: str
    title: Text
    source: str


@dataclass(frozen=True)
class Catalogue:
    """A validated catalogue: its version, content hash and rules in id order."""

    version: str
    title: Text
    content_hash: str
    areas: tuple[Area, ...]
    rules: tuple[CheckedRule, ...]
    directory: str
    thresholds: dict[str, Threshold]
    calendar: CalendarSpec  # the default steering calendar, as days of the year
    contract: Contract  # fact kind -> field -> what it holds; `settings` from the thresholds

    def order_of(self, rule_id: str) -> int:
        """The rule's position in reading order (areas as `catalogue.yaml` lists them)."""
        return self._order.get(rule_id, len(self.rules))

    @cached_property
    def _order(self) -> dict[str, int]:
        return {rule.id: i for i, rule in enumerate(self.rules)}

    def get(self, rule_id: str) -> CheckedRule | None:
        return self._by_id.get(rule_id)

    @cached_property
    def _by_id(self) -> dict[str, CheckedRule]:
        """The rules by id (built once: `get` is asked per rule on every check)."""
        return {rule.id: rule for rule in self.rules}

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


class CatalogueError(Exception):
    """The catalogue cannot be used: a list of Swedish messages with file, line and path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def rule_number_key(rule_id: str) -> tuple[int, str]:
    """G2 before G10 within an area: number, suffix."""
    m = re.match(r"^[A-Z](\d+)([a-z]?)$", rule_id)
    return (int(m[1]), m[2]) if m else (0, rule_id)


def _read_yaml(path: FsPath) -> tuple[Any, SourceMap]:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        sv, en = os_problem(exc)
        raise InputError(name, sv, f"cannot be read: {en}") from None
    return compose_yaml(decode_text(raw, name), name)


def _locator(source: str, smap: SourceMap, prefix: tuple[str | int, ...]) -> Locator:
    """Render a rule's sub-path with the file and the line it stands on."""

    def loc(*sub: str | int) -> str:
        path = (*prefix, *sub)
        line = smap.line_of(path)
        rendered = render_path(path)
        return f"{source} rad {line}: {rendered}" if line else f"{source}: {rendered}"

    return loc


def content_hash(
    version: str,
    rules: list[Rule],
    thresholds: dict[str, Threshold] | None = None,
    calendar: CalendarSpec | None = None,
) -> str:
    """sha256 over the version, every rule, the thresholds and the steering calendar, canonically:
    the same content gives the same hash, and any change to what a check uses changes it."""
    payload = {
        "version": version,
        "rules": [r.model_dump(mode="json") for r in sorted(rules, key=lambda r: r.id)],
        "thresholds": {k: t.model_dump(mode="json") for k, t in (thresholds or {}).items()},
        "calendar": calendar.canonical() if calendar is not None else None,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def load_catalogue(directory: str | FsPath | None = None) -> Catalogue:
    """Load and validate `catalogue.yaml` and every other `*.yaml` in the rules folder."""
    folder = FsPath(directory) if directory is not None else default_rules_dir()
    problems: list[str] = []
    header_path = folder / "catalogue.yaml"
    if not header_path.is_file():
        raise CatalogueError([f"{header_path}: katalogfilen saknas"])
    try:
        data, smap = _read_yaml(header_path)
        header = CatalogueHeader.model_validate(data)
    except InputError as exc:
        raise CatalogueError([exc.render()]) from None
    except ValidationError as exc:
        raise CatalogueError([validation_error(exc, str(header_path), smap).render()]) from None

    contract = _contract(header, header_path, problems)
    areas: list[Area] = []
    checked: list[CheckedRule] = []
    seen: dict[str, str] = {}
    files = sorted(p for p in folder.glob("*.yaml") if p.name != "catalogue.yaml")
    if not files:
        problems.append(f"{folder}: inga regelfiler (*.yaml)")
    for path in files:
        name = str(path)
        try:
            data, smap = _read_yaml(path)
            area = AreaFile.model_validate(data)
        except InputError as exc:
            problems.append(exc.render())
            continue
        except ValidationError as exc:
            problems.append(validation_error(exc, name, smap).render())
            continue
        areas.append(Area(area.area, area.title, name))
        for i, rule in enumerate(area.rules):
            loc = _locator(name, smap, ("rules", i))
            where = loc()
            if rule.id in seen:
                problems.append(f"{where}: id {rule.id} finns redan i {seen[rule.id]}")
                continue
            seen[rule.id] = name
            if rule.id in header.retired:
                problems.append(
                    f"{where}: id {rule.id} är pensionerat i catalogue.yaml och får inte "
                    "återanvändas; ge regeln ett nytt id"
                )
            if rule.valid_to is not None and rule.valid_to < rule.valid_from:
                problems.append(f"{where}: valid_to {rule.valid_to} är före valid_from")
            if rule.area != area.area:
                problems.append(f"{where}: regeln {rule.id} hör inte till område {area.area}")
            result, rule_problems = check_rule(rule, loc, contract)
            problems.extend(rule_problems)
            if result is not None:
                checked.append(result)
    codes = [a.code for a in areas]
    if problems:  # an area file that failed is missing from `codes`: say only what is wrong
        raise CatalogueError(problems)
    for code in codes:
        if code not in header.areas:
            problems.append(
                f"{header_path}: areas: området {code} finns som fil men saknas i listan"
            )
    for code in header.areas:
        if code not in codes:
            problems.append(f"{header_path}: areas: området {code} har ingen regelfil")
    if len(set(codes)) != len(codes):
        problems.append(f"{folder}: samma område finns i mer än en fil")
    if problems:
        raise CatalogueError(problems)
    calendar = _load_calendar(folder / CALENDAR_FOLDER / CALENDAR_FILE, problems)
    if problems or calendar is None:
        raise CatalogueError(problems)
    order = {code: i for i, code in enumerate(header.areas)}
    checked.sort(key=lambda r: (order[r.rule.area], rule_number_key(r.id)))
    areas.sort(key=lambda a: order[a.code])
    return Catalogue(
        version=header.version,
        title=header.title,
        content_hash=content_hash(
            header.version, [c.rule for c in checked], header.thresholds, calendar
        ),
        areas=tuple(areas),
        rules=tuple(checked),
        directory=str(folder),
        thresholds=dict(header.thresholds),
        calendar=calendar,
        contract=contract,
    )


def _contract(header: CatalogueHeader, path: FsPath, problems: list[str]) -> Contract:
    """The facts' contract, with the `settings` fact's fields taken from the thresholds."""
    config_keys: dict[str, str] = {}
    for key, threshold in header.thresholds.items():
        at = f"{path}: thresholds.{key}"
        if not re.match(THRESHOLD_KEY, key):
            problems.append(f"{at}: ogiltigt namn (gemena a–z, siffror och _)")
        if not threshold.minimum <= threshold.default <= threshold.maximum:
            problems.append(f"{at}: default ligger utanför gränserna")
        if threshold.config_key in config_keys:
            problems.append(
                f"{at}: config_key {threshold.config_key} används redan av "
                f"{config_keys[threshold.config_key]}"
            )
        config_keys[threshold.config_key] = key
    settings = {key: t.description.sv for key, t in header.thresholds.items()}
    return {**FACT_KINDS, "settings": settings}


def _load_calendar(path: FsPath, problems: list[str]) -> CalendarSpec | None:
    """`rules/kalender/standard.yaml`: the default steering calendar, as days of the year."""
    if not path.is_file():
        problems.append(f"{path}: styrkalendern saknas")
        return None
    name = str(path)
    try:
        data, smap = _read_yaml(path)
    except InputError as exc:
        problems.append(exc.render())
        return None

    def fail(at: tuple[str | int, ...], sv: str, en: str) -> InputError:
        return InputError(name, sv, en, line=smap.line_of(at), path=render_path(at) or None)

    try:
        return read_calendar(CalendarFile.model_validate(data), None, fail)
    except InputError as exc:
        problems.append(exc.render())
    except ValidationError as exc:
        problems.append(validation_error(exc, name, smap).render())
    return None
