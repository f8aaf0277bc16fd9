"""Findings: what a rule match means for the reader, in Swedish (English available).

A finding names the rule, its severity, the element and its place (path, line, breadcrumb
KF goal → nämndmål → åtagande), the values the rule read, the reference to law or policy, the
remedy and a fingerprint that stays the same when the document is re-ordered or checked again.

Every finding is built from a language-neutral `FindingRecord` (the element's labels in both
languages, the values the message's placeholders take, the evidence) and the rule's texts, so a
stored record renders again in Swedish or English (`render`): what the service keeps.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from checks.catalogue import SEVERITY_RANK, Catalogue
from checks.conditions import CheckedRule
from checks.engine import Match
from checks.facts import FactBase
from checks.loading import SourceMap

# Fields a rule reads to join or filter, which say nothing to a reader: left out of the evidence.
INTERNAL_FIELDS = frozenset(
    {
        "document",
        "in_attachment",
        "level",
        "doc",
        "key",
        "commitment_key",
        "opening",
        "report",
        "title_folded",
        "annual_target_folded",
        "board_activity",
        "risk",
        "control",
        "concerns",
        "day",
        "decision_day",
        "from_day",
        "to_day",
    }
)
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Evidence:
    """One value the rule read, with the element it was read from."""

    element: str
    field: str
    description: str
    value: str | int | float | bool | None


Texts = dict[str, dict[str, str]]  # title, message, reference, remedy -> language -> text
TEXT_FIELDS = ("title", "message", "reference", "remedy")

M = TypeVar("M", bound=BaseModel)


def built(cls: type[M], values: dict[str, Any]) -> M:
    """`cls.model_construct(**values)` for values we built ourselves with every field given: the
    same model (its fields, all of them set, no extras), without pydantic's pass over each
    field's default, which cost ~5 µs a model and a self-check builds ~135 of them."""
    missing = cls.model_fields.keys() - values.keys()
    assert not missing, f"{cls.__name__} built without {sorted(missing)}"
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


class EvidenceRecord(BaseModel):
    """One value the rule read, with the element's label in both languages."""

    model_config = ConfigDict(frozen=True)

    element: dict[str, str]  # sv, en
    field: str
    description: str
    value: str | int | float | bool | None


class FindingRecord(BaseModel):
    """A finding without its language: what a rule match found, where, and the values it read.
    With the rule's texts of its catalogue it renders in Swedish or English (`render`)."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    severity: str
    element_id: str
    element: dict[str, str]  # sv, en
    document: str
    document_kind: str
    path: str
    line: int | None
    breadcrumb: dict[str, list[str]]  # sv, en
    evidence: list[EvidenceRecord]
    values: dict[str, Any]  # "alias.field" of the message's placeholders -> the value read
    fingerprint: str
    catalogue_version: str
    catalogue_hash: str


class Finding(BaseModel):
    """One internal-control finding, in one language."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    severity: str
    title: str
    message: str
    element_id: str
    element: str
    document: str  # the file the element stands in
    document_kind: str  # verksamhetsplan, riskanalys, tjänsteutlåtande, årsrapport …
    path: str
    line: int | None
    breadcrumb: list[str]
    evidence: list[Evidence]
    reference: str
    remedy: str
    fingerprint: str
    lang: str
    catalogue_version: str
    catalogue_hash: str
    # what it was rendered from (never in a report: the report is the rendered finding)
    record: FindingRecord | None = Field(default=None, exclude=True, repr=False)

    @property
    def goal(self) -> str:
        """The KF goal the finding sits under, for grouping: the breadcrumb's KF level."""
        kf = [c for c in self.breadcrumb if c.startswith("KF ")]
        return kf[-1] if kf else ""


def fingerprint(rule_id: str, refs: dict[str, str]) -> str:
    """Rule id and the stable ids of the matched elements: independent of order and re-runs."""
    key = rule_id + "|" + "|".join(f"{a}={r}" for a, r in sorted(refs.items()))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def format_value(value: Any, lang: str) -> str:
    """A value as a reader expects it: amounts grouped, years plain, absent as 'saknas'."""
    if value is None:
        return "saknas" if lang == "sv" else "missing"
    if isinstance(value, bool):
        return ("ja" if value else "nej") if lang == "sv" else ("yes" if value else "no")
    if isinstance(value, int | float):
        # Amounts group thousands ("32 900"); years and small numbers stay as written ("2010").
        text = f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else None
        if text is None:
            whole = int(value)
            text = f"{whole:,}" if abs(whole) >= 10_000 else str(whole)
        if lang == "sv":
            return text.replace(",", "\u00a0").replace(".", ",")
        return text
    return str(value)


Sources = dict[str, tuple[str, SourceMap | None]]  # document kind -> (file, line map)


def build_records(
    catalogue: Catalogue,
    base: FactBase,
    matches: list[Match],
    sources: Sources,
    severities: dict[str, str] | None = None,
) -> list[FindingRecord]:
    """Turn engine matches into language-neutral records, in reading order: severity, rule,
    document order. `severities` holds an organisation's overrides (rule id -> severity)."""
    facts = base.by_ref()
    severities = severities or {}
    out: list[tuple[tuple[Any, ...], FindingRecord]] = []
    seen: set[str] = set()
    for rule_id, refs in matches:
        checked = catalogue.get(rule_id)
        assert checked is not None  # the engine only knows the catalogue's rules
        fp = fingerprint(rule_id, refs)
        if fp in seen:
            continue
        seen.add(fp)
        severity = severities.get(rule_id, checked.rule.severity)
        record = _record(checked, refs, facts, base, sources, fp, severity, catalogue)
        subject = base.places[refs[checked.rule.subject]]
        key = (SEVERITY_RANK[severity], catalogue.order_of(rule_id), subject.order, fp)
        out.append((key, record))
    out.sort(key=lambda pair: pair[0])
    return [r for _, r in out]


def build_findings(
    catalogue: Catalogue,
    base: FactBase,
    matches: list[Match],
    sources: Sources,
    lang: str = "sv",
    severities: dict[str, str] | None = None,
) -> list[Finding]:
    """The records of `build_records`, rendered in `lang`."""
    return [
        render(r, rule_texts(catalogue.get(r.rule_id)), lang)  # type: ignore[arg-type]
        for r in build_records(catalogue, base, matches, sources, severities)
    ]


def rule_texts(checked: CheckedRule) -> Texts:
    """A rule's texts that a finding shows, in both languages."""
    rule = checked.rule
    return {name: getattr(rule, name).model_dump() for name in TEXT_FIELDS}


def render_message(template: str, values: dict[str, Any], lang: str) -> str:
    """A message template with its placeholders filled in from the values read."""
    return PLACEHOLDER.sub(lambda m: format_value(values.get(f"{m[1]}.{m[2]}"), lang), template)


def render(record: FindingRecord, texts: Texts, lang: str = "sv") -> Finding:
    """A record in one language, with the texts of the catalogue it was judged by."""
    other = "en" if lang == "sv" else "sv"

    def text(name: str) -> str:
        found = texts.get(name, {})
        return found.get(lang) or found.get(other) or ""

    return built(  # every field is built here from validated data
        Finding,
        dict(
            rule_id=record.rule_id,
            severity=record.severity,
            title=text("title"),
            message=render_message(text("message"), record.values, lang),
            element_id=record.element_id,
            element=record.element.get(lang) or record.element.get(other, ""),
            document=record.document,
            document_kind=record.document_kind,
            path=record.path,
            line=record.line,
            breadcrumb=list(record.breadcrumb.get(lang) or record.breadcrumb.get(other, [])),
            evidence=[
                Evidence(
                    element=e.element.get(lang) or e.element.get(other, ""),
                    field=e.field,
                    description=e.description,
                    value=e.value,
                )
                for e in record.evidence
            ],
            reference=text("reference"),
            remedy=text("remedy"),
            fingerprint=record.fingerprint,
            lang=lang,
            catalogue_version=record.catalogue_version,
            catalogue_hash=record.catalogue_hash,
            record=record,
        ),
    )


@lru_cache(maxsize=1024)
def _placeholders(template: str) -> list[tuple[str, str]]:
    """The (alias, field) placeholders of a message template, read once per template."""
    return PLACEHOLDER.findall(template)


def _record(
    checked: CheckedRule,
    refs: dict[str, str],
    facts: dict[str, dict[str, Any]],
    base: FactBase,
    sources: Sources,
    fp: str,
    severity: str,
    catalogue: Catalogue,
) -> FindingRecord:
    rule = checked.rule
    subject = base.places[refs[rule.subject]]
    values: dict[str, Any] = {}
    for template in (rule.message.sv, rule.message.en):
        for alias, field in _placeholders(template):
            if alias in refs:
                values[f"{alias}.{field}"] = facts[refs[alias]].get(field)
    evidence = []
    for alias, field in checked.reads:
        ref = refs.get(alias)
        if ref is None or field in INTERNAL_FIELDS:
            continue
        place = base.places[ref]
        evidence.append(
            built(
                EvidenceRecord,
                {
                    "element": {"sv": place.label_sv, "en": place.label_en},
                    "field": field,
                    "description": catalogue.contract[checked.kind_of(alias)].get(field, field),
                    "value": facts[ref].get(field),
                },
            )
        )
    source, source_map = sources.get(subject.doc, ("", None))
    return built(
        FindingRecord,
        dict(
            rule_id=rule.id,
            severity=severity,
            element_id=subject.ref,
            element={"sv": subject.label_sv, "en": subject.label_en},
            document=source,
            document_kind=subject.doc,
            path=subject.path_text,
            line=source_map.line_of(subject.path) if source_map is not None else None,
            breadcrumb={"sv": list(subject.crumb_sv), "en": list(subject.crumb_en)},
            evidence=evidence,
            values=values,
            fingerprint=fp,
            catalogue_version=catalogue.version,
            catalogue_hash=catalogue.content_hash,
        ),
    )
