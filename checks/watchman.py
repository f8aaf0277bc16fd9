"""The engine's watchman: a second, plain-Python evaluator of the catalogue's conditions.

durable-rules judges; the watchman only watches. It reads the same checked rules
(`checks.conditions`) and the same facts and says which facts each rule matches, so that a defect
of the engine's C core that gives a wrong answer without crashing (as a `.*(` pattern once did)
is caught where a test, a fuzz run or a `Checker(watch=True)` checks a document.

It mirrors the meaning the engine gives the catalogue's conditions through our wrapper
(`checks.engine`, `checks.absence`), measured against durable-rules 2.0.28 (see
tests/test_watchman.py, which keeps each measurement as a test):

* a match binds distinct facts: one fact never stands for two aliases of the same match, and a
  negation (`alias$not`) does not see the facts bound before it in the match;
* a comparison of an absent field is false, whatever the operator (`$neq` too); `$nex` holds
  exactly when the field is absent; `$ex` when it is present;
* a join (`{field: {alias: field}}`) is false when either side is absent (the wrapper's `$ex`
  guard), and a fact whose field a positive condition joins on must have that field to be bound
  to its alias at all (the wrapper's guard on the referenced alias; in an `$or` too);
* texts are equal or not as texts, and `$mt` is a whole-text match of the text as the engine
  sees it: its JSON form, with `"`, `\\` and control characters escaped (so `.*` runs across
  an escaped newline);
* numbers compare as numbers (`True` is 1); as floats when either side is a float; but an
  equality join compares values as the core hashes them: 1 does not join 1.0 nor `True`, 0.0
  does not join -0.0, and a text joins a number printed as C prints it (`join_equal`).

Where the engine's answer depends on quirks of its C (a text against a number; texts ordered with
`$lt` & co, where it reads past a text's end) the watchman raises `Unwatched` rather than guess;
so it does, when built, for `$mt` against another fact's field and for patterns outside the
subset both read alike (no `\\`, `{}`, `^`, `$`, `(?` or lazy quantifiers).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from checks.conditions import CheckedRule
from checks.facts import Fact

Match = tuple[str, dict[str, str]]  # (rule id, alias -> fact ref), as the engine gives it
Bound = dict[str, Fact]  # alias -> the fact bound to it so far in a match
Test = Callable[[Fact, Bound], bool]

# Every operator a condition may use; `field: value` (equality) is the shorthand of `$eq`.
LOGICAL = frozenset({"$and", "$or"})
PRESENCE = frozenset({"$ex", "$nex"})
COMPARISONS = frozenset({"$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$mt"})
OPERATORS = LOGICAL | PRESENCE | COMPARISONS
NEGATION = "$not"  # the suffix of a negated condition's alias

_ALIAS = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_UNSAFE_PATTERN = re.compile(r"[\\{}$\"\x00-\x1f]|(?<!\[)\^|\(\?|[*+?]\?")


class WatchmanError(Exception):
    """The watchman could not vouch for the engine's answer."""

    def __init__(self, message_sv: str, message_en: str) -> None:
        super().__init__(message_sv)
        self.message_sv = message_sv
        self.message_en = message_en


class Unwatched(WatchmanError):
    """A condition or a comparison outside what the watchman evaluates like the engine."""


class WatchmanDisagrees(WatchmanError):
    """The engine and the watchman gave different matches for the same facts."""

    def __init__(
        self,
        rule_id: str,
        engine_only: list[dict[str, str]],
        watchman_only: list[dict[str, str]],
        facts: list[Fact],
    ) -> None:
        self.rule_id = rule_id
        self.engine_only = engine_only
        self.watchman_only = watchman_only
        self.facts = facts  # the facts the differing matches name
        shown = json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str)
        super().__init__(
            f"vakten och regelmotorn är oeniga om regel {rule_id}: bara motorn fann "
            f"{_render(engine_only)}, bara vakten fann {_render(watchman_only)}; fakta: {shown}",
            f"the watchman and the rule engine disagree on rule {rule_id}: only the engine found "
            f"{_render(engine_only)}, only the watchman found {_render(watchman_only)}; "
            f"facts: {shown}",
        )


def _render(matches: list[dict[str, str]]) -> str:
    if not matches:
        return "inget"
    return ", ".join(
        "{" + ", ".join(f"{a}={r}" for a, r in sorted(m.items())) + "}" for m in matches
    )


def engine_text(value: str) -> str:
    """A text as the engine's C core reads it: its JSON form, without the quotes (what
    `json.dumps(value, ensure_ascii=False)` writes, as the engine wrapper sends it)."""
    return str(encode_basestring(value))[1:-1]


def _number(value: Any) -> bool:
    return isinstance(value, int | float)  # bool is an int: the engine reads it as 0 or 1


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "$lt": lambda a, b: bool(a < b),
    "$lte": lambda a, b: bool(a <= b),
    "$gt": lambda a, b: bool(a > b),
    "$gte": lambda a, b: bool(a >= b),
    "$eq": lambda a, b: bool(a == b),
    "$neq": lambda a, b: bool(a != b),
}


def compare(op: str, left: Any, right: Any) -> bool:
    """`left op right` as the engine decides it, both values present."""
    if isinstance(left, str) and isinstance(right, str):
        if op == "$eq":  # the JSON form is one-to-one: equal texts have equal forms
            return left == right
        if op == "$neq":
            return left != right
        raise Unwatched(
            f"vakten ordnar inte texter ({op}): motorn läser där förbi textens slut "
            '("alla enheter " <= "alla enheter" i en koppling, "" > " ")',
            f"the watchman does not order texts ({op}): the engine reads past a text's end",
        )
    if _number(left) and _number(right):
        if isinstance(left, float) or isinstance(right, float):
            return _ORDER[op](float(left), float(right))
        return _ORDER[op](int(left), int(right))
    raise Unwatched(
        f"vakten jämför inte {type(left).__name__} med {type(right).__name__} ({op}): "
        "motorns svar beror där på hur C skriver ut talet",
        f"the watchman does not compare {type(left).__name__} with {type(right).__name__} ({op})",
    )


def _join_text(value: Any) -> str:
    """How the core prints a value to compare it with a text in an equality join."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f"{value:f}"  # C's "%f"


def join_equal(left: Any, right: Any) -> bool:
    """An equality join (`{field: {alias: field}}`), as the engine decides it (measured): values
    of one type by value (a float by its bits: 0.0 is not -0.0), a text against a number or a
    yes/no by how C prints the other; a number never equals a yes/no, an int never a float."""
    if isinstance(left, str) or isinstance(right, str):
        if isinstance(left, str) and isinstance(right, str):
            return left == right
        text, other = (left, right) if isinstance(left, str) else (right, left)
        return engine_text(text) == _join_text(other)
    if type(left) is not type(right):
        return False
    if isinstance(left, float):
        return bool(left == right) and math.copysign(1.0, left) == math.copysign(1.0, right)
    return bool(left == right)


def _reference(value: Any) -> tuple[str, str] | None:
    """`{alias: field}`: another fact's field on a comparison's right-hand side."""
    if isinstance(value, dict) and len(value) == 1:
        ((alias, field),) = value.items()
        if isinstance(alias, str) and _ALIAS.match(alias) and isinstance(field, str):
            return alias, field
    return None


class _Compiler:
    """One condition's expression as a test of a fact, given the facts bound so far."""

    def __init__(self, rule_id: str) -> None:
        self.rule_id = rule_id
        self.joined: dict[str, set[str]] = defaultdict(set)  # alias -> fields joined on

    def refuse(self, what_sv: str, what_en: str) -> Unwatched:
        return Unwatched(f"regel {self.rule_id}: {what_sv}", f"rule {self.rule_id}: {what_en}")

    def test(self, expr: Any) -> Test:
        if not isinstance(expr, dict) or len(expr) != 1:
            raise self.refuse(f"ogiltigt villkor {expr!r}", f"invalid condition {expr!r}")
        ((key, inner),) = expr.items()
        if key in LOGICAL:
            parts = [self.test(part) for part in inner]
            if key == "$and":
                return lambda fact, bound: all(part(fact, bound) for part in parts)
            return lambda fact, bound: any(part(fact, bound) for part in parts)
        if key in PRESENCE:
            (name,) = inner
            if key == "$ex":
                return lambda fact, bound: name in fact
            return lambda fact, bound: name not in fact
        if key.startswith("$"):
            if key not in COMPARISONS:
                raise self.refuse(f"okänd operator {key}", f"unknown operator {key}")
            ((field, value),) = inner.items()
            return self.comparison(key, field, value)
        return self.comparison("$eq", key, inner)  # the shorthand {field: value}

    def comparison(self, op: str, field: str, value: Any) -> Test:
        ref = _reference(value)
        if ref is not None:
            if op == "$mt":
                raise self.refuse(
                    "$mt mot ett annat faktums fält bevakas inte",
                    "$mt against another fact's field is not watched",
                )
            alias, other = ref
            self.joined[alias].add(other)

            if op == "$eq":

                def equal(fact: Fact, bound: Bound) -> bool:
                    there = bound[alias]
                    if field not in fact or other not in there:
                        return False
                    return join_equal(fact[field], there[other])

                return equal

            def join(fact: Fact, bound: Bound) -> bool:
                there = bound[alias]
                if field not in fact or other not in there:
                    return False
                return compare(op, fact[field], there[other])

            return join
        if op == "$mt":
            return self.pattern(field, value)
        if isinstance(value, dict | list) or value is None:
            raise self.refuse(f"ogiltigt värde {value!r}", f"invalid value {value!r}")

        def constant(fact: Fact, bound: Bound) -> bool:
            return field in fact and compare(op, fact[field], value)

        return constant

    def pattern(self, field: str, pattern: Any) -> Test:
        if not isinstance(pattern, str) or _UNSAFE_PATTERN.search(pattern):
            raise self.refuse(
                f"mönstret {pattern!r} ligger utanför det vakten läser som motorn "
                "(inga \\, {}, ^, $, (? eller lata kvantifierare)",
                f"the pattern {pattern!r} is outside the subset the watchman reads as the engine",
            )
        regex = re.compile(pattern)

        def match(fact: Fact, bound: Bound) -> bool:
            if field not in fact:
                return False
            value = fact[field]
            if not isinstance(value, str):
                raise Unwatched(
                    f"vakten matchar inte {type(value).__name__} mot ett mönster ($mt)",
                    f"the watchman does not match {type(value).__name__} against a pattern",
                )
            return regex.fullmatch(engine_text(value)) is not None

        return match


@dataclass(frozen=True)
class _Step:
    alias: str
    kind: str
    negated: bool
    test: Test
    needs: tuple[str, ...]  # fields a bound fact must have: later conditions join on them
    key: tuple[str, str, str] | None  # (field, alias, field) of an equality join: a prefilter


@dataclass(frozen=True)
class _Rule:
    id: str
    steps: tuple[_Step, ...]


def _equality_join(expr: dict[str, Any]) -> tuple[str, str, str] | None:
    """The first `{field: {alias: field}}` the whole condition requires, if any."""
    ((key, inner),) = expr.items()
    parts = inner if key == "$and" else [expr]
    for part in parts:
        ((name, value),) = part.items()
        if name == "$eq":
            ((name, value),) = value.items()
        ref = _reference(value) if not name.startswith("$") else None
        if ref is not None:
            return name, ref[0], ref[1]
    return None


def _compile(checked: CheckedRule) -> _Rule:
    compiler = _Compiler(checked.id)
    tests = []
    for cond in checked.conditions:
        before = {a: set(f) for a, f in compiler.joined.items()}
        tests.append(compiler.test(cond.expression))
        if cond.negated:  # a negation's joins need nothing of the fact it relates to
            compiler.joined = defaultdict(set, before)
    steps = tuple(
        _Step(
            alias=cond.alias,
            kind=cond.kind,
            negated=cond.negated,
            test=test,
            needs=tuple(sorted(compiler.joined.get(cond.alias, ()))),
            key=_equality_join(cond.expression),
        )
        for cond, test in zip(checked.conditions, tests, strict=True)
    )
    return _Rule(checked.id, steps)


class Watchman:
    """Evaluates checked rules over facts in plain Python, as the engine would."""

    def __init__(self, rules: Iterable[CheckedRule]) -> None:
        self.rules = tuple(_compile(checked) for checked in rules)

    def evaluate(self, facts: Sequence[Fact]) -> list[Match]:
        """Every rule match for these facts, in the engine's order."""
        run = _Run(facts)
        out: list[Match] = []
        for rule in self.rules:
            found = {tuple(sorted(m.items())) for m in run.matches(rule)}
            out.extend((rule.id, dict(key)) for key in sorted(found))
        return sorted(out, key=lambda m: (m[0], tuple(sorted(m[1].items()))))

    def watch(self, facts: Sequence[Fact], engine_matches: Sequence[Match]) -> None:
        """Raise `WatchmanDisagrees` unless the engine's matches are exactly the watchman's."""
        ours = _by_rule(self.evaluate(facts))
        theirs = _by_rule(engine_matches)
        by_ref = {str(f["ref"]): f for f in facts}
        for rule_id in sorted(ours.keys() | theirs.keys()):
            engine_only = theirs.get(rule_id, set()) - ours.get(rule_id, set())
            watchman_only = ours.get(rule_id, set()) - theirs.get(rule_id, set())
            if engine_only or watchman_only:
                named = sorted({r for m in engine_only | watchman_only for _, r in m})
                raise WatchmanDisagrees(
                    rule_id,
                    [dict(m) for m in sorted(engine_only)],
                    [dict(m) for m in sorted(watchman_only)],
                    [by_ref[r] for r in named if r in by_ref],
                )


def _by_rule(matches: Iterable[Match]) -> dict[str, set[tuple[tuple[str, str], ...]]]:
    out: dict[str, set[tuple[tuple[str, str], ...]]] = defaultdict(set)
    for rule_id, refs in matches:
        out[rule_id].add(tuple(sorted(refs.items())))
    return out


def _bucket(value: Any) -> tuple[bool, Any] | None:
    """Where a value stands in an equality index: texts by text, numbers by their float (the
    full test decides within a bucket); None for what the index does not hold."""
    if isinstance(value, str):
        return True, value
    if _number(value):
        return False, float(value)
    return None


class _Run:
    """One evaluation: the facts by kind, and equality indexes built as joins ask for them."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.by_kind: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            self.by_kind[str(fact["kind"])].append(fact)
        self.indexes: dict[tuple[str, str], dict[tuple[bool, Any], list[Fact]] | None] = {}

    def index(self, kind: str, field: str) -> dict[tuple[bool, Any], list[Fact]] | None:
        """Facts of a kind by a field's value; None when texts and numbers mix (a full scan
        then meets the mix and says it is unwatched)."""
        if (kind, field) not in self.indexes:
            out: dict[tuple[bool, Any], list[Fact]] = defaultdict(list)
            usable = True
            for fact in self.by_kind.get(kind, ()):
                if field in fact:
                    bucket = _bucket(fact[field])
                    if bucket is None:
                        usable = False
                        break
                    out[bucket].append(fact)
            usable = usable and len({text for text, _ in out}) <= 1
            self.indexes[(kind, field)] = out if usable else None
        return self.indexes[(kind, field)]

    def candidates(self, step: _Step, bound: Bound) -> Sequence[Fact]:
        everything = self.by_kind.get(step.kind, ())
        if step.key is None or not everything:
            return everything
        field, alias, other = step.key
        if other not in bound[alias]:
            return ()  # the join is false for every fact
        index = self.index(step.kind, field)
        bucket = _bucket(bound[alias][other])
        if index is None or bucket is None:
            return everything
        if index and next(iter(index))[0] != bucket[0]:
            return everything  # a text against numbers: the full test says it is unwatched
        return index.get(bucket, ())

    def matches(self, rule: _Rule) -> list[dict[str, str]]:
        """Every binding of the rule's positive aliases to distinct facts meeting its steps."""
        found: list[dict[str, str]] = []
        steps = rule.steps

        def extend(i: int, bound: Bound, used: set[int]) -> None:
            if i == len(steps):
                found.append({alias: str(fact["ref"]) for alias, fact in bound.items()})
                return
            step = steps[i]
            candidates = self.candidates(step, bound)
            if step.negated:
                if not any(id(f) not in used and step.test(f, bound) for f in candidates):
                    extend(i + 1, bound, used)
                return
            for fact in candidates:
                if id(fact) in used or any(f not in fact for f in step.needs):
                    continue
                if step.test(fact, bound):
                    bound[step.alias] = fact
                    used.add(id(fact))
                    extend(i + 1, bound, used)
                    used.discard(id(fact))
                    del bound[step.alias]

        extend(0, {}, set())
        return found
