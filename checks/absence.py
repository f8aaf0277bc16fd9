"""Absent values: the guards that keep the engine from refusing a fact that lacks a field, and the
elements a rule could not judge because a value it compares is absent.

durable-rules refuses a whole `assert_facts` batch (error 311) when a fact lacks a field that a
rule compares with *another* fact's field, in either direction. A valid document leaves fields
out all the time (an activity without an end date), so facts keep omitting absent values (the
engine counts `None` as present, see ../shared/design/durable-rules.md) and the engine compiles
every rule with guards instead: each comparison with another fact's field is preceded by `$ex` on
the compared field, and the referenced fact's condition requires the referenced field. A fact
without the field then simply does not match that comparison, which is what the rule's author
meant, and the batch is never refused. We chose guards over filling every field with an explicit
"absent" value because the catalogue keeps its plain presence tests (`$nex: {slutdatum: 1}`),
facts stay as small as before (the engine's cost grows with them), and a newly derived field needs
no sentinel of its own; the catalogue's authors never write a guard.

Not matching is not judging, though. `unjudged` says, for a rule, which facts it could not judge:
those whose membership in one of the rule's conditions depends on an absent value. A rule with
such facts and no finding ends as "kunde inte bedömas", never as "uppfylld".
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from checks.conditions import ALIAS, COMPARISONS, CheckedRule, Condition

Fact = Mapping[str, Any]
_FREE = "free"  # a join whose other side has several candidates: either outcome is possible
_ABSENT = "absent"
_NOT_ABSENT = "not absent"
_PRESENT = "styrkoll:present"  # the engine's guard on a referenced field, as a leaf of ours


def _reference(value: Any) -> tuple[str, str] | None:
    """`{alias: field}`: another fact's field, as a comparison's right-hand side."""
    if isinstance(value, dict) and len(value) == 1:
        ((alias, field),) = value.items()
        if isinstance(alias, str) and ALIAS.match(alias) and isinstance(field, str):
            return alias, field
    return None


def _comparison(expr: dict[str, Any]) -> tuple[str, str, Any] | None:
    """(operator, field, value) of a comparison node; equality shorthand is `$eq`."""
    ((key, inner),) = expr.items()
    if key in COMPARISONS and isinstance(inner, dict) and len(inner) == 1:
        ((field, value),) = inner.items()
        return key, field, value
    if not key.startswith("$"):
        return "$eq", key, inner
    return None


# --- the guards ----------------------------------------------------------------------------------


MAX_VARIANTS = 16  # engine rules one catalogue rule may become


def guarded(conditions: Sequence[Condition]) -> list[list[dict[str, Any]]]:
    """A rule as the engine runs it: one or more `all` lists, with `$ex` guards before every
    comparison with another fact's field.

    Two engine defects shape this (measured 2026-11-30, durable-rules 2.0.28, see the tests):
    an `$and` nested in an `$and` around a join matched facts it must not, and in an `$or` whose
    branches are `$and`s with joins only the first branch ever matched. So guards stand flat among
    the conditions they guard, nested `$and`s are flattened, and an `$or` that holds a join is
    expanded: each branch becomes an engine rule of its own (its matches are the rule's), and
    in a negated condition each branch becomes a negated condition of its own ("no fact matches
    A or B" is "none matches A and none matches B"). An `$or` without joins stays as written.
    """
    referenced: dict[str, set[str]] = {}

    def alternatives(expr: Any) -> list[list[Any]]:
        """The condition as alternatives, each a flat list of conjuncts."""
        if not isinstance(expr, dict) or len(expr) != 1:
            return [[expr]]
        ((key, inner),) = expr.items()
        if key == "$and" and isinstance(inner, list):
            out: list[list[Any]] = [[]]
            for part in inner:
                out = [a + b for a in out for b in alternatives(part)]
            return out
        if key == "$or" and isinstance(inner, list):
            branches = [alternatives(part) for part in inner]
            if not any(_has_join(part) for part in inner):
                return [[expr]]
            return [alt for branch in branches for alt in branch]
        found = _comparison(expr)
        ref = _reference(found[2]) if found is not None else None
        if found is None or ref is None:
            return [[expr]]
        referenced.setdefault(ref[0], set()).add(ref[1])
        return [[{"$ex": {found[1]: 1}}, expr]]

    walked = []
    for c in conditions:
        before = copy.deepcopy(referenced)
        walked.append((c, alternatives(copy.deepcopy(c.expression))))
        if c.negated:  # "no fact relates to y.G" holds when G is absent: no guard on y
            referenced = before
    variants: list[list[dict[str, Any]]] = [[]]
    for condition, alts in walked:
        if condition.negated:  # none matches any alternative: one negation per alternative
            negations = [
                {f"{condition.alias}{'' if i == 0 else f'_{i + 1}'}$not": _joined(parts)}
                for i, parts in enumerate(alts)
            ]
            variants = [v + negations for v in variants]
            continue
        guards = [{"$ex": {f: 1}} for f in sorted(referenced.get(condition.alias, ()))]
        options = [
            {condition.alias: _joined(parts + [g for g in guards if g not in parts])}
            for parts in alts
        ]
        variants = [v + [option] for v in variants for option in options]
    return variants


def _has_join(expr: Any) -> bool:
    if not isinstance(expr, dict) or len(expr) != 1:
        return False
    ((key, inner),) = expr.items()
    if key in ("$and", "$or") and isinstance(inner, list):
        return any(_has_join(part) for part in inner)
    found = _comparison(expr)
    return found is not None and _reference(found[2]) is not None


def _joined(parts: list[Any]) -> Any:
    return parts[0] if len(parts) == 1 else {"$and": parts}


# --- what a rule could not judge -----------------------------------------------------------------


def _compare(op: str, left: Any, right: Any) -> bool:
    try:
        if op == "$eq":
            return bool(left == right)
        if op == "$neq":
            return bool(left != right)
        if op == "$mt":
            return re.fullmatch(str(right), str(left)) is not None
        if op == "$lt":
            return bool(left < right)
        if op == "$lte":
            return bool(left <= right)
        if op == "$gt":
            return bool(left > right)
        if op == "$gte":
            return bool(left >= right)
    except TypeError:
        return False
    return False


class _Atoms:
    """One fact against one condition: each leaf decided, absent, or a free join."""

    def __init__(
        self,
        fact: Fact,
        singles: Mapping[str, Fact | None],
        excerpt: bool = False,
        unknown: frozenset[str] = frozenset(),
    ) -> None:
        self.fact = fact
        self.singles = singles  # alias -> its only candidate fact, or None when there are several
        self.excerpt = excerpt  # the fact's document is an excerpt: absence itself is unknown
        self.unknown = unknown  # fields whose absence leaves the outcome unknown (`requires`)
        self.free = 0
        self.absent = False

    def leaf(self, expr: dict[str, Any]) -> Any:
        ((key, inner),) = expr.items()
        if key in ("$ex", "$nex"):
            name = next(iter(inner))
            present = name in self.fact
            if not present and (self.excerpt or name in self.unknown):
                self.absent = True
                return _ABSENT if key == "$ex" else _NOT_ABSENT
            return present if key == "$ex" else not present
        if key == _PRESENT:
            if next(iter(inner)) in self.fact:
                return True
            self.absent = True
            return _ABSENT
        found = _comparison(expr)
        if found is None:
            return False
        op, field, value = found
        ref = _reference(value)
        if field not in self.fact:
            if op == "$eq" and ref is None:
                return False  # an equality with a constant selects; absent is not selected
            self.absent = True
            return _ABSENT
        if ref is None:
            return _compare(op, self.fact[field], value)
        other = self.singles.get(ref[0])
        if other is None:  # several facts could be on the other side: either way is possible
            self.free += 1
            return (_FREE, self.free - 1)
        if ref[1] not in other:
            self.absent = True
            return _ABSENT
        return _compare(op, self.fact[field], other[ref[1]])


def _tree(expr: Any, atoms: _Atoms) -> Any:
    """The condition as a tree of leaves: True, False, absent or a free join."""
    ((key, inner),) = expr.items()
    if key in ("$and", "$or"):
        return (key, [_tree(part, atoms) for part in inner])
    return atoms.leaf(expr)


def _value(node: Any, absent: bool, free: tuple[bool, ...]) -> bool:
    if node is _ABSENT:
        return absent
    if node is _NOT_ABSENT:  # "$nex" of a value an excerpt may hold further on
        return not absent
    if isinstance(node, bool):
        return node
    if node[0] == _FREE:
        return bool(free[node[1]])
    values = [_value(part, absent, free) for part in node[1]]
    return all(values) if node[0] == "$and" else any(values)


def depends_on_absence(
    expr: Any, fact: Fact, singles: Mapping[str, Fact | None], excerpt: bool = False
) -> bool:
    """Whether the fact's match of the condition turns on a value that is absent.

    Conditions only combine with $and and $or, so they are monotone: the absent values matter
    exactly when, for some outcome of the joins we cannot decide here, the condition holds with
    them taken as true and fails with them taken as false. In an excerpt (`excerpt`), absence
    itself is unknown: `$nex` of a missing field may be false further on in the document.
    """
    atoms = _Atoms(fact, singles, excerpt)
    tree = _tree(expr, atoms)
    if not atoms.absent:
        return False
    for free in itertools.product((False, True), repeat=min(atoms.free, 8)):
        if _value(tree, True, free) != _value(tree, False, free):
            return True
    return False


# The fields by which a condition says which documents it is about (not what is wrong in them):
# which document (`doc`), whose (`level`: a unit's or the board's own), about what (`concerns`),
# which kind of risk analysis (`analysis`: internal control's ROV or a crisis RSA).
SCOPE_FIELDS = frozenset({"doc", "level", "concerns", "analysis"})


def scope(expr: Any) -> dict[str, Any]:
    """The constant equalities on SCOPE_FIELDS a condition selects its facts by, at its top
    level (`{doc: årsrapport}`, `{level: enhet}`): a rule whose condition no fact meets in these
    has nothing to judge, and is not applicable rather than passed."""
    ((key, inner),) = expr.items()
    parts = inner if key == "$and" else [expr]
    out: dict[str, Any] = {}
    for part in parts:
        found = _comparison(part) if isinstance(part, dict) and len(part) == 1 else None
        if (
            found
            and found[0] == "$eq"
            and found[1] in SCOPE_FIELDS
            and _reference(found[2]) is None
        ):
            out[found[1]] = found[2]
    return out


def could_hold(expr: Any, fact: Fact, unknown: frozenset[str]) -> bool:
    """Whether the condition could hold for the fact were the `unknown` fields there (joins
    taken as holding): the fact is one the rule would judge, had it those values."""
    atoms = _Atoms(fact, {}, unknown=unknown)
    tree = _tree(expr, atoms)
    return _value(tree, True, (True,) * atoms.free)


Need = tuple[str, str, Any, tuple[str, ...]]  # (alias, kind, condition, fields it compares)


def needs(checked: CheckedRule) -> tuple[Need, ...]:
    """What each positive condition of a rule compares, with the engine's guards included."""
    referenced = _referenced_fields(checked.conditions)
    out: list[Need] = []
    for c in checked.conditions:
        if c.negated:
            continue
        expr = c.expression
        extra = sorted(referenced.get(c.alias, ()))
        if extra:  # the guard the engine adds: the referenced field must be there
            expr = {"$and": [expr, *({_PRESENT: {f: 1}} for f in extra)]}
        out.append((c.alias, c.kind, expr, tuple(_compared_fields(expr))))
    return tuple(out)


def unjudged(
    rule_needs: Sequence[Need], by_kind: Mapping[str, Sequence[Fact]], judged: set[str]
) -> list[tuple[str, tuple[str, ...]]]:
    """(ref, absent fields) of every fact a rule could not judge; `judged` are the refs of facts
    the rule matched (it gave findings for them)."""
    singles: dict[str, Fact | None] = {}
    for alias, kind, _, _ in rule_needs:
        candidates = by_kind.get(kind, ())
        singles[alias] = candidates[0] if len(candidates) == 1 else None
    out: list[tuple[str, tuple[str, ...]]] = []
    for _, kind, expr, fields in rule_needs:
        if not fields:
            continue
        for fact in by_kind.get(kind, ()):
            ref = str(fact["ref"])
            if ref in judged or all(f in fact for f in fields):
                continue
            if depends_on_absence(expr, fact, singles):
                out.append((ref, tuple(f for f in fields if f not in fact)))
    return out


def _referenced_fields(conditions: Sequence[Condition]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}

    def walk(expr: Any) -> None:
        ((key, inner),) = expr.items()
        if key in ("$and", "$or"):
            for part in inner:
                walk(part)
            return
        found = _comparison(expr)
        ref = _reference(found[2]) if found else None
        if ref is not None:
            out.setdefault(ref[0], set()).add(ref[1])

    for c in conditions:
        if not c.negated:  # a negation relating to an absent field simply finds nothing
            walk(c.expression)
    return out


def _compared_fields(expr: Any) -> list[str]:
    """Fields the condition compares (not equalities with constants, not presence tests)."""
    out: list[str] = []
    ((key, inner),) = expr.items()
    if key in ("$and", "$or"):
        for part in inner:
            out += [f for f in _compared_fields(part) if f not in out]
        return out
    if key == _PRESENT:
        return [next(iter(inner))]
    found = _comparison(expr)
    if found is not None and not (found[0] == "$eq" and _reference(found[2]) is None):
        out.append(found[1])
    return out


def excerpt_matches(
    checked: CheckedRule,
    refs: Mapping[str, str],
    facts: Mapping[str, Fact],
    docs: Mapping[str, str],
    excerpt_kinds: set[str],
    excerpt_docs: set[str],
) -> bool:
    """Whether a match rests on what an excerpt does not show: a negation over facts an excerpt
    could still hold further on, or a positive condition that holds because a value of an
    excerpt's fact is absent. `docs` maps a fact's ref to its document kind."""
    if any(c.negated and c.kind in excerpt_kinds for c in checked.conditions):
        return True
    singles: dict[str, Fact | None] = {a: facts.get(r) for a, r in refs.items()}
    for c in checked.conditions:
        if c.negated or c.alias not in refs:
            continue
        ref = refs[c.alias]
        if docs.get(ref) in excerpt_docs and (
            _absent_tested(c.expression, facts[ref])
            or depends_on_absence(c.expression, facts[ref], singles, excerpt=True)
        ):
            return True
    return False


def _absent_tested(expr: Any, fact: Fact) -> bool:
    """Whether the condition asks, anywhere, that a value the fact lacks be absent (`$nex`): in
    an excerpt the value may stand further on, so a match that may rest on it is not judged."""
    ((key, inner),) = expr.items()
    if key in ("$and", "$or"):
        return any(_absent_tested(part, fact) for part in inner)
    return key == "$nex" and next(iter(inner)) not in fact
