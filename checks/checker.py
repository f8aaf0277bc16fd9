"""One check, end to end: a dossier (or one document) → facts → engine → findings."""

from __future__ import annotations

import gc
import os
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from checks.absence import Need, could_hold, excerpt_matches, needs, scope, unjudged
from checks.catalogue import SEVERITY_RANK, Catalogue, load_catalogue
from checks.conditions import COMMON_FIELDS
from checks.config import OrgConfig, default_config
from checks.dossier import Dossier, single
from checks.engine import Engine, Match
from checks.facts import FROM_DOCUMENT, Fact, FactBase, Place, derive
from checks.findings import (
    Finding,
    FindingRecord,
    Sources,
    Texts,
    build_records,
    render,
    rule_texts,
)
from checks.loading import LoadedDocument
from checks.watchman import Watchman
from checks.worker import IsolatedEngine

WATCH_ENV = "STYRKOLL_WATCH"  # "1": every Checker built without `watch=` runs the watchman
EXCERPT_SV = "texten är ett utdrag: det regeln saknar kan stå längre fram i handlingen"
OUTCOMES_SV: dict[str, str] = {
    "failed": "gav fynd",
    "passed": "uppfylld",
    "not_judged": "kunde inte bedömas (en uppgift den jämför saknas)",
    "not_applicable": "ej tillämplig (handlingen saknas)",
    "not_selected": "ej vald",
    "switched_off": "avstängd",
    "not_in_force": "inte i kraft för året",
}
OUTCOMES_EN: dict[str, str] = {
    "failed": "gave findings",
    "passed": "passed",
    "not_judged": "could not be judged (a value it compares is missing)",
    "not_applicable": "not applicable (the document is missing)",
    "not_selected": "not selected",
    "switched_off": "switched off",
    "not_in_force": "not in force for the year",
}


@dataclass(frozen=True)
class Unjudged:
    """An element a rule could not judge, because a value the rule compares is absent."""

    rule_id: str
    element_id: str
    element: str  # as findings name it, in the check's language
    document_kind: str
    path: str
    missing: tuple[str, ...]  # what is absent, as the fact contract describes it (Swedish)


def _unjudged_at(place: Place, rule_id: str, missing: tuple[str, ...], lang: str) -> Unjudged:
    return Unjudged(
        rule_id=rule_id,
        element_id=place.ref,
        element=place.label_sv if lang == "sv" else place.label_en,
        document_kind=place.doc,
        path=place.path_text,
        missing=missing,
    )


@dataclass(frozen=True)
class CheckResult:
    """The findings of one dossier (or one document), with what produced them."""

    source: str
    dossier: Dossier
    records: list[FindingRecord]  # the findings, language-neutral, in reading order
    catalogue_version: str
    catalogue_hash: str
    rule_count: int
    fact_count: int
    duration_ms: float
    outcomes: dict[str, str]  # rule id -> one of OUTCOMES_SV
    config: OrgConfig
    unjudged: dict[str, list[Unjudged]] = field(default_factory=dict)  # rule id -> elements
    lang: str = "sv"
    texts: Mapping[str, Texts] = field(default_factory=dict, repr=False)  # rule id -> texts

    @cached_property
    def findings(self) -> list[Finding]:
        """The findings in the check's language, rendered when first read: a caller that keeps
        the records (the service) never pays for the text."""
        return [render(r, self.texts.get(r.rule_id, {}), self.lang) for r in self.records]

    @property
    def loaded(self) -> LoadedDocument:
        """The main document: the plan when there is one, else the first document."""
        docs = self.dossier.documents
        return docs.get("verksamhetsplan") or next(iter(docs.values()))

    def count(self, severity: str) -> int:
        return sum(1 for f in self.records if f.severity == severity)

    def outcome_count(self, *outcomes: str) -> int:
        return sum(1 for o in self.outcomes.values() if o in outcomes)

    @property
    def applied(self) -> int:
        """Rules that judged something: they either held or gave findings."""
        return self.outcome_count("failed", "passed")

    def at_or_above(self, severity: str) -> list[Finding]:
        limit = SEVERITY_RANK[severity]
        return [f for f in self.findings if SEVERITY_RANK[f.severity] <= limit]


def rule_outcomes(
    catalogue: Catalogue,
    kinds_present: set[str],
    findings: Sequence[Finding | FindingRecord],
    year: int,
    config: OrgConfig,
    unjudged: Mapping[str, object] | None = None,
    idle: set[str] | None = None,
) -> dict[str, str]:
    """Each rule: out of force, switched off, not selected, failed (gave findings), not judged
    (a value it compares is absent for some element), passed, or not applicable (a fact kind it
    needs, i.e. a document or element, is absent)."""
    failed = {f.rule_id for f in findings}
    unjudged = unjudged or {}
    outcomes: dict[str, str] = {}
    for checked in catalogue.rules:
        if not checked.rule.in_force(year):
            outcomes[checked.id] = "not_in_force"
        elif checked.id in config.switched_off:
            outcomes[checked.id] = "switched_off"
        elif checked.id in config.not_selected:
            outcomes[checked.id] = "not_selected"
        elif checked.id in failed:
            outcomes[checked.id] = "failed"
        elif unjudged.get(checked.id):
            outcomes[checked.id] = "not_judged"
        elif checked.id not in (idle or set()) and all(
            c.kind in kinds_present for c in checked.conditions if not c.negated
        ):
            outcomes[checked.id] = "passed"
        else:
            outcomes[checked.id] = "not_applicable"
    return outcomes


def engine_fields(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Per fact kind, the fields some rule's condition reads (with kind and ref): all the engine
    needs. Facts carry more (labels, places, values for messages and evidence), read from the
    fact base when findings are built, never by the engine."""
    fields: dict[str, set[str]] = defaultdict(lambda: set(COMMON_FIELDS))
    for checked in catalogue.rules:
        for cond in checked.conditions:
            fields[cond.kind]  # a kind a condition names, even if it reads only kind and ref
        for alias, name in checked.reads:
            fields[checked.kind_of(alias)].add(name)
    return {kind: frozenset(names) for kind, names in fields.items()}


def pruned(facts: Sequence[Fact], keep: Mapping[str, frozenset[str]]) -> list[Fact]:
    """The facts as the engine gets them: only kinds a rule names, only fields a rule reads."""
    out: list[Fact] = []
    for fact in facts:
        wanted = keep.get(str(fact["kind"]))
        if wanted is not None:
            out.append({k: v for k, v in fact.items() if k in wanted})
    return out


def settle_after_startup() -> None:
    """Move everything built at startup (models, catalogue) out of the garbage collector's way.

    Call once when a process has loaded what it keeps (the CLI and the benchmark do): later
    collections then scan only per-check objects, which measurably cut check time (see bench).
    """
    gc.freeze()


class Checker:
    """Checks plans against a catalogue; evaluations run in a worker process unless told not to.

    `watch=True` (or `STYRKOLL_WATCH=1`, which the tests set) runs the watchman
    (`checks.watchman`) beside the engine on the same facts: any difference in the matches is a
    `WatchmanDisagrees`, never a result. Off by default: the engine alone judges in production.
    """

    def __init__(
        self, catalogue: Catalogue | None = None, isolated: bool = True, watch: bool | None = None
    ) -> None:
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.engine: Engine | IsolatedEngine = (
            IsolatedEngine(self.catalogue) if isolated else Engine(self.catalogue)
        )
        if watch is None:
            watch = os.environ.get(WATCH_ENV, "") not in ("", "0")
        self.watchman = Watchman(self.catalogue.rules) if watch else None
        self.default_config = default_config(self.catalogue)
        self.texts: dict[str, Texts] = {r.id: rule_texts(r) for r in self.catalogue.rules}
        self.engine_fields = engine_fields(self.catalogue)
        self.needs: dict[str, tuple[Need, ...]] = {r.id: needs(r) for r in self.catalogue.rules}
        self.scopes: dict[str, dict[str, dict[str, Any]]] = {
            r.id: {c.alias: scope(c.expression) for c in r.conditions if not c.negated}
            for r in self.catalogue.rules
        }

    def check(
        self,
        target: Dossier | LoadedDocument,
        lang: str = "sv",
        config: OrgConfig | None = None,
    ) -> CheckResult:
        """Check a dossier or one document; raises `EngineError` when no trustworthy result was
        had. The rules in force for the dossier's year judge, as the configuration tailors them.
        """
        started = time.perf_counter()
        dossier = target if isinstance(target, Dossier) else single(target)
        config = config if config is not None else self.default_config
        calendar = config.calendar or self.catalogue.calendar
        base = derive(dossier, config.settings, calendar.for_year(dossier.year))
        judged = pruned(base.facts, self.engine_fields)
        matches = self.engine.evaluate(judged)
        if self.watchman is not None:
            self.watchman.watch(judged, matches)
        dropped = (
            set(config.not_selected)
            | set(config.switched_off)
            | {r.id for r in self.catalogue.rules if not r.rule.in_force(dossier.year)}
        )
        if dropped:
            matches = [m for m in matches if m[0] not in dropped]
        excerpts = {
            k for k, d in dossier.documents.items() if getattr(d.document, "excerpt", False)
        }
        cut: list[Match] = []
        if excerpts:
            matches, cut = self._excerpt_split(base, matches, excerpts)
        sources: Sources = {k: (d.source, d.source_map) for k, d in dossier.documents.items()}
        sources["akt"] = (dossier.source, None)
        records = build_records(self.catalogue, base, matches, sources, config.severities)
        by_kind: dict[str, list[Fact]] = {}
        for fact in base.facts:
            by_kind.setdefault(str(fact["kind"]), []).append(fact)
        missing = self._unjudged(base, by_kind, matches, dropped, lang)
        for rule_id, refs in cut:  # what an excerpt does not show cannot be judged
            subject = refs[self.catalogue.get(rule_id).rule.subject]  # type: ignore[union-attr]
            missing.setdefault(rule_id, []).append(
                _unjudged_at(base.places[subject], rule_id, (EXCERPT_SV,), lang)
            )
        return CheckResult(
            outcomes=rule_outcomes(
                self.catalogue,
                set(by_kind),
                records,
                dossier.year,
                config,
                missing,
                self._idle(by_kind),
            ),
            unjudged=missing,
            source=dossier.source,
            dossier=dossier,
            config=config,
            records=records,
            lang=lang,
            texts=self.texts,
            catalogue_version=self.catalogue.version,
            catalogue_hash=self.catalogue.content_hash,
            rule_count=len(self.catalogue.rules),
            fact_count=len(base.facts),
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    def _excerpt_split(
        self, base: FactBase, matches: list[Match], excerpts: set[str]
    ) -> tuple[list[Match], list[Match]]:
        """Matches that stand on what the text shows, and those that rest on what an excerpt
        does not show (a missing section, an assessment that may come later in the report)."""
        facts = base.by_ref()
        docs = {ref: place.doc for ref, place in base.places.items()}
        kinds = {k for doc in excerpts for k in FROM_DOCUMENT.get(doc, ())}
        kept: list[Match] = []
        cut: list[Match] = []
        for rule_id, refs in matches:
            checked = self.catalogue.get(rule_id)
            assert checked is not None
            rests = excerpt_matches(checked, refs, facts, docs, kinds, excerpts)
            (cut if rests else kept).append((rule_id, refs))
        return kept, cut

    def _unjudged(
        self,
        base: FactBase,
        by_kind: Mapping[str, list[Fact]],
        matches: list[Match],
        dropped: set[str],
        lang: str,
    ) -> dict[str, list[Unjudged]]:
        """Per rule, the elements it could not judge because a value it compares is absent."""
        judged: dict[str, set[str]] = defaultdict(set)
        for rule_id, refs in matches:
            judged[rule_id].update(refs.values())
        contract = self.catalogue.contract
        out: dict[str, list[Unjudged]] = {}
        for rule_id, rule_needs in self.needs.items():
            if rule_id in dropped:
                continue
            found = unjudged(rule_needs, by_kind, judged[rule_id])
            found += self._lacking(rule_id, by_kind, judged[rule_id], {r for r, _ in found})
            for ref, fields in found:
                place = base.places[ref]
                described = contract.get(place.kind, {})
                what = tuple(described.get(f, f) for f in fields)
                out.setdefault(rule_id, []).append(_unjudged_at(place, rule_id, what, lang))
        return out

    def _idle(self, by_kind: Mapping[str, list[Fact]]) -> set[str]:
        """Rules with nothing to judge: a condition's kind is there, but no fact of it is one
        the condition selects (an annual-report rule on a four-month report)."""
        idle: set[str] = set()
        for checked in self.catalogue.rules:
            for cond in checked.conditions:
                wanted = self.scopes[checked.id].get(cond.alias)
                if cond.negated or not wanted:
                    continue
                if not any(
                    all(fact.get(k) == v for k, v in wanted.items())
                    for fact in by_kind.get(cond.kind, ())
                ):
                    idle.add(checked.id)
                    break
        return idle

    def _lacking(
        self, rule_id: str, by_kind: Mapping[str, list[Fact]], judged: set[str], seen: set[str]
    ) -> list[tuple[str, tuple[str, ...]]]:
        """Facts a rule would judge but that lack a value it `requires`."""
        checked = self.catalogue.get(rule_id)
        assert checked is not None
        if not checked.rule.requires:
            return []
        out: list[tuple[str, tuple[str, ...]]] = []
        for needed in checked.rule.requires:
            alias, _, field = needed.partition(".")
            cond = next(c for c in checked.conditions if c.alias == alias and not c.negated)
            for fact in by_kind.get(cond.kind, ()):
                ref = str(fact["ref"])
                if field in fact or ref in judged or ref in seen:
                    continue
                if could_hold(cond.expression, fact, frozenset({field})):
                    out.append((ref, (field,)))
                    seen.add(ref)
        return out

    def close(self) -> None:
        if isinstance(self.engine, IsolatedEngine):
            self.engine.close()

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
