"""What every fact module shares: the fact base, the place a fact comes from, and the contract.

The contract says which fields each kind of fact has, so that the catalogue can refuse a rule that
reads anything else. A fact kind built from a model (a risk from `Risk`, a control from
`Control` …) has **every plain field of that model** as a fact field, with no Python to write:
text (blank counts as absent, the first `FACT_TEXT` characters), numbers, yes/no and fixed choices
as they are, and a date `x` as `x_date` (YYYY-MM-DD) and `x_day` (a day number to compare). A field
named `date` gives `date` and `day`. What Python derives on top (sums, differences, links, counts)
is declared beside the code that derives it, and a derived field may replace a plain one of the
same name (the link a nesting gives replaces the stated link).
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from checks.facts.labels import labels
from checks.model import Element, Path, render_path

FactValue = str | int | float | bool
Fact = dict[str, FactValue]
FACT_TEXT = 200  # a text in a fact is its first 200 characters: presence and its opening words
SKIPPED = frozenset({"id", "document"})  # the element's id is `ref`; the document kind is `doc`

PlainType = Literal["text", "number", "bool", "choice", "date"]


def number(value: float) -> int | float:
    """Amounts as ints when whole, so `== 900` matches in the engine."""
    return int(value) if float(value).is_integer() else round(value, 3)


def present(text: str | None) -> str | None:
    """A text counts as stated when it has anything but white space and dashes."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped.strip("-–—. "):
        return None
    return stripped


def put_text(fact: Fact, name: str, text: str | None) -> None:
    """Put a stated text, clipped to `FACT_TEXT`; leave the field out when it is blank."""
    stated = present(text)
    if stated is not None:
        fact[name] = stated[:FACT_TEXT]


def _plain_type(annotation: Any) -> PlainType | None:
    """What kind of plain value a model field holds, or None for lists and nested models."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _plain_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return _plain_type(inner[0]) if len(inner) == 1 else None
    if origin is Literal:
        return "choice"
    if annotation is bool:
        return "bool"
    if annotation in (int, float):
        return "number"
    if annotation is str:
        return "text"
    if annotation is date:
        return "date"
    return None


def date_fields(name: str) -> tuple[str, str]:
    """The two fact fields of a date field: (text, day number)."""
    return ("date", "day") if name == "date" else (f"{name}_date", f"{name}_day")


@cache
def plain_fields(model: type[BaseModel]) -> tuple[tuple[str, str, PlainType], ...]:
    """(field, Swedish key, type) of every plain field of a model."""
    out = []
    for name, info in model.model_fields.items():
        kind = _plain_type(info.annotation)
        if kind is not None and name not in SKIPPED:
            out.append((name, info.alias or name, kind))
    return tuple(out)


def plain_contract(model: type[BaseModel]) -> dict[str, str]:
    """The fact fields a model's plain fields give, each described by the key users write."""
    out: dict[str, str] = {}
    for name, alias, kind in plain_fields(model):
        key = alias.replace("_", " ")  # "förväntat resultat", as a reader says it
        if kind == "date":
            text, day = date_fields(name)
            out[text] = f"{key} (ÅÅÅÅ-MM-DD)"
            out[day] = f"{key} som dagnummer"
        else:
            out[name] = key
    return out


def put_plain(fact: Fact, source: Any, model: type[BaseModel] | None = None) -> Fact:
    """Put every plain field of `model` (default: the source's own model) that has a value."""
    cls: type[BaseModel] = model or type(source)
    for name, _, kind in plain_fields(cls):
        value = getattr(source, name)
        if value is None:
            continue
        if kind == "text":
            put_text(fact, name, value)
        elif kind == "date":
            text, day = date_fields(name)
            fact[text] = value.isoformat()
            fact[day] = value.toordinal()
        elif kind == "number":
            fact[name] = number(value)
        else:
            fact[name] = value
    return fact


@dataclass(frozen=True)
class FactKind:
    """One kind of fact in the contract: the model whose plain fields it carries, if any, and
    the fields derived in Python (field -> what it holds, in Swedish)."""

    model: type[BaseModel] | None = None
    derived: Mapping[str, str] = field(default_factory=dict)

    def fields(self) -> dict[str, str]:
        plain = plain_contract(self.model) if self.model is not None else {}
        return {**plain, **self.derived}


class Place:
    """Where a fact comes from: what a finding names and points at.

    Labels and breadcrumbs are computed only when a finding asks for them: most facts never
    become findings, and a check must stay within a few milliseconds.
    """

    __slots__ = (
        "ref",
        "kind",
        "path",
        "order",
        "element",
        "parent",
        "doc",
        "_labels",
        "_own_",
        "_crumbs",
    )

    def __init__(
        self,
        ref: str,
        kind: str,
        path: Path,
        order: int,
        element: Element | None = None,
        parent: Place | None = None,
        labels: tuple[str, str] | None = None,
        doc: str = "verksamhetsplan",
    ) -> None:
        self.ref, self.kind, self.path, self.order = ref, kind, path, order
        self.element, self.parent, self.doc = element, parent, doc
        self._labels = labels
        self._own_: tuple[str, str, str | None, str | None] | None = None
        self._crumbs: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    def _own(self) -> tuple[str, str, str | None, str | None]:
        if self._own_ is None:
            if self.element is not None:
                self._own_ = labels(self.element)
            else:
                assert self._labels is not None
                self._own_ = (self._labels[0], self._labels[1], None, None)
        return self._own_

    @property
    def label_sv(self) -> str:
        return self._own()[0]

    @property
    def label_en(self) -> str:
        return self._own()[1]

    def _crumb(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self._crumbs is None:
            up = self.parent._crumb() if self.parent is not None else ((), ())
            _, _, sv, en = self._own()
            self._crumbs = (up[0] + (sv,), up[1] + (en,)) if sv and en else up
        return self._crumbs

    @property
    def crumb_sv(self) -> tuple[str, ...]:
        return self._crumb()[0]

    @property
    def crumb_en(self) -> tuple[str, ...]:
        return self._crumb()[1]

    @property
    def path_text(self) -> str:
        return render_path(self.path)


@dataclass
class FactBase:
    """The facts of one check and, for each, the place it comes from."""

    facts: list[Fact] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)

    def add(self, fact: Fact, place: Place) -> None:
        ref = str(fact["ref"])
        if ref in self.places:
            raise ValueError(f"two facts share the ref {ref!r}")
        self.facts.append(fact)
        self.places[ref] = place

    def by_ref(self) -> dict[str, Fact]:
        return {str(f["ref"]): f for f in self.facts}


def element_place(
    doc: str, kind: str, element: Element, path: Path, order: int, parent: Place | None
) -> tuple[str, Place]:
    """The ref and place of an element of a document other than the plan: `riskanalys/RISK-…`."""
    ref = f"{doc}/{element.id}"
    return ref, Place(ref, kind, path, order, element, parent, doc=doc)
