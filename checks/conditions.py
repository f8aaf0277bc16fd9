"""Rule conditions checked against the fact contract before the engine ever sees them.

A rule's `when` is durable-rules' own JSON condition syntax. This module refuses conditions that
read fields no fact has, placeholders that resolve to nothing, and the shapes the engine is known
to mishandle (see ../shared/design/durable-rules.md): arithmetic, a negation first, `.*(` patterns,
ASCII-only case folding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checks.catalogue import Rule

Contract = Mapping[str, Mapping[str, str]]  # fact kind -> field -> what it holds

ALIAS = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_PART = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$")
MAX_CONDITIONS = 16
COMPARISONS = {"$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$mt"}
# Arithmetic in a condition crashed the C core (SIGSEGV in reduceExpressionSequence, measured
# 2026-11-23 with durable-rules 2.0.28): facts carry derived differences instead.
ARITHMETIC = {"$add", "$sub", "$mul", "$div"}
COMMON_FIELDS = {"kind", "ref"}


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

    def __init__(self, kind: str, earlier: dict[str, str], contract: Contract) -> None:
        self.kind = kind
        self.contract = contract
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
        if name not in self.contract[kind] and name not in COMMON_FIELDS:
            known = ", ".join(sorted(self.contract[kind]))
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


def check_rule(
    rule: Rule, loc: Locator, contract: Contract
) -> tuple[CheckedRule | None, list[str]]:
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
        if kind is None or kind not in contract:
            problems.append(
                f"{at}: villkoret måste ange faktatyp med kind: en av {', '.join(contract)}"
            )
            continue
        checker = _ConditionChecker(kind, earlier, contract)
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
    if rule.applies_to not in contract:
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
            elif field not in contract[kind] and field not in COMMON_FIELDS:
                problems.append(f'{at}: {match[0]}: faktatypen {kind} har inget fält "{field}"')
    for i, needed in enumerate(rule.requires):
        at = loc("requires", i)
        alias, _, field = needed.partition(".")
        kind = earlier.get(alias)
        if kind is None:
            problems.append(f"{at}: {needed!r} namnger inget (icke-negerat) villkor (alias.fält)")
        elif field not in contract[kind]:
            problems.append(f'{at}: faktatypen {kind} har inget fält "{field}"')
    if problems:
        return None, problems
    unique = tuple(dict.fromkeys(reads))
    return CheckedRule(rule, tuple(conditions), unique, where), []
