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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.documents import Concerns
from checks.facts import FACT_KINDS
from checks.loading import InputError, SourceMap, compose_yaml, decode_text, validation_error
from checks.model import render_path
from checks.wording import os_problem

Severity = Literal["fel", "varning", "info"]
SEVERITY_RANK: dict[str, int] = {"fel": 0, "varning": 1, "info": 2}
SEVERITY_EN: dict[str, str] = {"fel": "error", "varning": "warning", "info": "info"}

RULE_ID = r"^[A-Z][0-9]{1,3}[a-z]?$"  # also a Gherkin tag and a pytest marker
ALIAS = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_PART = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$")
MAX_CONDITIONS = 16
COMPARISONS = {"$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$mt"}
# Arithmetic in a condition crashed the C core (SIGSEGV in reduceExpressionSequence, measured
# 2026-11-23 with durable-rules 2.0.28): facts carry derived differences instead.
ARITHMETIC = {"$add", "$sub", "$mul", "$div"}
COMMON_FIELDS = {"kind", "ref"}
CALENDAR_FOLDER = "kalender"


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


class Window(BaseModel):
    """A period of the steering calendar in which a kind of decision is due."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concerns: Concerns = Field(alias="avser")
    event: str = Field(alias="händelse", min_length=1)
    start: date = Field(alias="från")
    end: date = Field(alias="till")


class Calendar(BaseModel):
    """The steering calendar of one operating year (the yearly wheel of seed 000)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int = Field(alias="år", ge=1990, le=2100)
    source: str = Field(alias="källa", min_length=1)
    windows: list[Window] = Field(alias="beslut", min_length=1)


@dataclass(frozen=True)
class Condition:
    """One element of a rule's `all` list."""

    alias: str
    kind: str
    negated: bool
    expression: dict[str, Any]


@dataclass(frozen=True)
class CheckedRule:
    """A validated rule with what the engine and the findings need from its condition."""

    rule: Rule
    conditions: tuple[Condition, ...]
    reads: tuple[tuple[str, str], ...]  # (alias, field) the condition reads: the evidence
    source: str

    @property
    def id(self) -> str:
        return self.rule.id

    def kind_of(self, alias: str) -> str:
        for cond in self.conditions:
            if cond.alias == alias:
                return cond.kind
        raise KeyError(alias)


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
    calendars: dict[int, Calendar]

    def order_of(self, rule_id: str) -> int:
        """The rule's position in reading order (areas as `catalogue.yaml` lists them)."""
        for i, rule in enumerate(self.rules):
            if rule.id == rule_id:
                return i
        return len(self.rules)

    def get(self, rule_id: str) -> CheckedRule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

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


def _kind_of(expr: dict[str, Any]) -> str | None:
    """The fact kind an expression fixes: `{kind: X}` or a `kind` inside a top-level `$and`."""
    if "kind" in expr and isinstance(expr["kind"], str):
        return str(expr["kind"])
    if set(expr) == {"$and"} and isinstance(expr["$and"], list):
        for part in expr["$and"]:
            if isinstance(part, dict) and isinstance(part.get("kind"), str):
                return str(part["kind"])
    return None


class _ConditionChecker:
    """Walks one alias' expression and collects the problems and the fields it reads."""

    def __init__(self, kind: str, earlier: dict[str, str]) -> None:
        self.kind = kind
        self.earlier = earlier
        self.problems: list[str] = []
        self.reads: list[tuple[str | None, str]] = []

    def field(self, alias: str | None, name: str, where: str) -> None:
        kind = self.kind if alias is None else self.earlier.get(alias)
        if kind is None:
            self.problems.append(
                f"{where}: hänvisar till {alias!r}, som inte är ett tidigare villkor"
            )
            return
        if name not in FACT_KINDS[kind] and name not in COMMON_FIELDS:
            known = ", ".join(sorted(FACT_KINDS[kind]))
            self.problems.append(
                f'{where}: faktatypen {kind} har inget fält "{name}" (fälten är: {known})'
            )
        self.reads.append((alias, name))

    def value(self, value: Any, where: str) -> None:
        """A right-hand side: a constant, an earlier alias' field or arithmetic on them."""
        if isinstance(value, str | int | float | bool):
            return
        if isinstance(value, dict) and len(value) == 1:
            ((key, inner),) = value.items()
            if key in ARITHMETIC:
                self.problems.append(
                    f"{where}: räkneoperatorn {key} får inte användas: durable-rules kraschar "
                    "(SIGSEGV i reduceExpressionSequence) på aritmetik i villkor; låt faktan "
                    "bära den härledda skillnaden och jämför den med en konstant"
                )
                return
            if isinstance(key, str) and ALIAS.match(key) and isinstance(inner, str):
                self.field(key, inner, where)
                return
        self.problems.append(f"{where}: ogiltigt värde {json.dumps(value, ensure_ascii=False)}")

    def expression(self, expr: Any, where: str) -> None:
        if not isinstance(expr, dict) or not expr:
            self.problems.append(f"{where}: ska vara ett villkor (nyckel: värde)")
            return
        if len(expr) != 1:
            self.problems.append(
                f"{where}: ett villkor har exakt en nyckel; kombinera flera med $and"
            )
            return
        ((key, inner),) = expr.items()
        if key in ("$and", "$or"):
            if not isinstance(inner, list) or not inner:
                self.problems.append(f"{where}.{key}: ska vara en icke-tom lista")
                return
            for i, part in enumerate(inner):
                self.expression(part, f"{where}.{key}[{i}]")
        elif key in ("$ex", "$nex"):
            if not isinstance(inner, dict) or len(inner) != 1:
                self.problems.append(f"{where}.{key}: ska vara {{fält: 1}}")
                return
            self.field(None, next(iter(inner)), f"{where}.{key}")
        elif key in COMPARISONS:
            if not isinstance(inner, dict) or len(inner) != 1:
                self.problems.append(f"{where}.{key}: ska vara {{fält: värde}}")
                return
            ((name, value),) = inner.items()
            self.field(None, name, f"{where}.{key}")
            self.value(value, f"{where}.{key}.{name}")
            if key == "$mt" and _mt_pattern_unsafe(inner):
                self.problems.append(
                    f"{where}.{key}: mönstret börjar med .*( – durable-rules missar då träffar i "
                    "början av texten (mätt 2026-11-23); skriv (.*[ ])?( … ) i stället"
                )
        elif key == "$imt":
            self.problems.append(
                f"{where}: $imt viker bara ASCII (ÅTERVINNING matchar inte återvinning); "
                "använd $mt mot en gemen text"
            )
        elif key.startswith("$"):
            self.problems.append(f"{where}: okänd operator {key}")
        else:  # equality shorthand {field: value}
            self.field(None, key, where)
            self.value(inner, f"{where}.{key}")


def _mt_pattern_unsafe(inner: Any) -> bool:
    """`.*(a|b)…`: the engine's regex misses matches of such a group at the start of the text."""
    if not isinstance(inner, dict) or len(inner) != 1:
        return False
    pattern = next(iter(inner.values()))
    return isinstance(pattern, str) and pattern.startswith(".*(")


Locator = Callable[..., str]  # sub-path of the rule -> "file rad N: rules[i].sub.path"


def check_rule(rule: Rule, loc: Locator) -> tuple[CheckedRule | None, list[str]]:
    """Validate a rule's condition, subject and placeholders against the fact contract."""
    problems: list[str] = []
    where = loc()
    when = rule.when
    if set(when) != {"all"} or not isinstance(when["all"], list) or not when["all"]:
        return None, [f"{loc('when')}: ska vara {{all: [ ... ]}} med minst ett villkor"]
    items = when["all"]
    if len(items) > MAX_CONDITIONS:
        problems.append(f"{loc('when', 'all')}: högst {MAX_CONDITIONS} villkor per regel")
    conditions: list[Condition] = []
    earlier: dict[str, str] = {}
    reads: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        at = loc("when", "all", i)
        if not isinstance(item, dict) or len(item) != 1:
            problems.append(f"{at}: ska vara {{alias: villkor}}")
            continue
        ((name, expr),) = item.items()
        negated = name.endswith("$not")
        alias = name[: -len("$not")] if negated else name
        if not ALIAS.match(alias):
            problems.append(f"{at}: ogiltigt alias {name!r} (gemena a–z, siffror, _ och ev. $not)")
            continue
        if alias in earlier or any(c.alias == alias for c in conditions):
            problems.append(f"{at}: aliaset {alias!r} används två gånger")
            continue
        if negated and i == 0:
            problems.append(f"{at}: en regel får inte börja med en negation ($not)")
        if not isinstance(expr, dict):
            problems.append(f"{at}: ska vara ett villkor")
            continue
        kind = _kind_of(expr)
        if kind is None or kind not in FACT_KINDS:
            problems.append(
                f"{at}: villkoret måste ange faktatyp med kind: en av {', '.join(FACT_KINDS)}"
            )
            continue
        checker = _ConditionChecker(kind, earlier)
        checker.expression(expr, f"{at}.{name}")
        problems.extend(checker.problems)
        for ref_alias, field in checker.reads:
            if field not in COMMON_FIELDS:
                reads.append((ref_alias or alias, field))
        conditions.append(Condition(alias, kind, negated, expr))
        if not negated:
            earlier[alias] = kind

    subject_kind = earlier.get(rule.subject)
    if subject_kind is None:
        problems.append(f"{loc('subject')}: {rule.subject!r} är inte ett (icke-negerat) villkor")
    elif subject_kind != rule.applies_to:
        problems.append(
            f"{loc('applies_to')}: {rule.applies_to!r} men subject {rule.subject!r} "
            f"är {subject_kind!r}"
        )
    if rule.applies_to not in FACT_KINDS:
        problems.append(f"{loc('applies_to')}: okänd faktatyp {rule.applies_to!r}")
    for lang in ("sv", "en"):
        at = loc("message", lang)
        for match in PLACEHOLDER.finditer(rule.message.get(lang)):
            part = PLACEHOLDER_PART.match(match[1])
            if not part:
                problems.append(f"{at}: ogiltig platshållare {match[0]}")
                continue
            alias, field = part[1], part[2]
            kind = earlier.get(alias)
            if kind is None:
                problems.append(f"{at}: {match[0]} namnger inget (icke-negerat) villkor")
            elif field not in FACT_KINDS[kind] and field not in COMMON_FIELDS:
                problems.append(f'{at}: {match[0]}: faktatypen {kind} har inget fält "{field}"')
    if problems:
        return None, problems
    unique = tuple(dict.fromkeys(reads))
    return CheckedRule(rule, tuple(conditions), unique, where), []


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
    calendars: dict[int, Calendar] | None = None,
) -> str:
    """sha256 over the version, every rule, the thresholds and the calendars, canonically: the
    same content gives the same hash, and any change to what a check uses changes it."""
    payload = {
        "version": version,
        "rules": [r.model_dump(mode="json") for r in sorted(rules, key=lambda r: r.id)],
        "thresholds": {k: t.model_dump(mode="json") for k, t in (thresholds or {}).items()},
        "calendars": [
            c.model_dump(mode="json", by_alias=True) for _, c in sorted((calendars or {}).items())
        ],
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
            result, rule_problems = check_rule(rule, loc)
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
    settings = set(FACT_KINDS["settings"])
    if set(header.thresholds) != settings:
        problems.append(
            f"{header_path}: thresholds: ska ange exakt {', '.join(sorted(settings))} "
            f"(angivet: {', '.join(sorted(header.thresholds)) or 'inget'})"
        )
    for key, threshold in header.thresholds.items():
        if not threshold.minimum <= threshold.default <= threshold.maximum:
            problems.append(f"{header_path}: thresholds.{key}: default ligger utanför gränserna")
    calendars = _load_calendars(folder / CALENDAR_FOLDER, problems)
    if problems:
        raise CatalogueError(problems)
    order = {code: i for i, code in enumerate(header.areas)}
    checked.sort(key=lambda r: (order[r.rule.area], rule_number_key(r.id)))
    areas.sort(key=lambda a: order[a.code])
    return Catalogue(
        version=header.version,
        title=header.title,
        content_hash=content_hash(
            header.version, [c.rule for c in checked], header.thresholds, calendars
        ),
        areas=tuple(areas),
        rules=tuple(checked),
        directory=str(folder),
        thresholds=dict(header.thresholds),
        calendars=calendars,
    )


def _load_calendars(folder: FsPath, problems: list[str]) -> dict[int, Calendar]:
    """`rules/kalender/*.yaml`: one steering calendar per operating year."""
    calendars: dict[int, Calendar] = {}
    if not folder.is_dir():
        return calendars
    for path in sorted(folder.glob("*.yaml")):
        try:
            data, smap = _read_yaml(path)
            calendar = Calendar.model_validate(data)
        except InputError as exc:
            problems.append(exc.render())
            continue
        except ValidationError as exc:
            problems.append(validation_error(exc, str(path), smap).render())
            continue
        if calendar.year in calendars:
            problems.append(f"{path}: år {calendar.year} har redan en styrkalender")
        for i, window in enumerate(calendar.windows):
            if window.end < window.start:
                problems.append(
                    f"{path} rad {smap.line_of(('beslut', i))}: beslut[{i}]: till före från"
                )
        calendars[calendar.year] = calendar
    return calendars
