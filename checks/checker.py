"""One check, end to end: a loaded plan → facts → engine → findings."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass

from checks.catalogue import SEVERITY_RANK, Catalogue, load_catalogue
from checks.engine import Engine, IsolatedEngine
from checks.facts import derive
from checks.findings import Finding, build_findings
from checks.loading import LoadedPlan


@dataclass(frozen=True)
class CheckResult:
    """The findings of one document, with what produced them."""

    source: str
    loaded: LoadedPlan
    findings: list[Finding]
    catalogue_version: str
    catalogue_hash: str
    rule_count: int
    fact_count: int
    duration_ms: float
    outcomes: dict[str, str]  # rule id -> "failed", "passed" or "not_applicable"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def outcome_count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes.values() if o == outcome)

    def at_or_above(self, severity: str) -> list[Finding]:
        limit = SEVERITY_RANK[severity]
        return [f for f in self.findings if SEVERITY_RANK[f.severity] <= limit]


def rule_outcomes(
    catalogue: Catalogue, kinds_present: set[str], findings: list[Finding]
) -> dict[str, str]:
    """Each rule failed (gave findings), passed, or was not applicable (nothing to apply to)."""
    failed = {f.rule_id for f in findings}
    outcomes: dict[str, str] = {}
    for checked in catalogue.rules:
        if checked.id in failed:
            outcomes[checked.id] = "failed"
        elif checked.rule.applies_to in kinds_present:
            outcomes[checked.id] = "passed"
        else:
            outcomes[checked.id] = "not_applicable"
    return outcomes


def settle_after_startup() -> None:
    """Move everything built at startup (models, catalogue) out of the garbage collector's way.

    Call once when a process has loaded what it keeps (the CLI and the benchmark do): later
    collections then scan only per-check objects, which measurably cut check time (see bench).
    """
    gc.freeze()


class Checker:
    """Checks plans against a catalogue; evaluations run in a worker process unless told not to."""

    def __init__(self, catalogue: Catalogue | None = None, isolated: bool = True) -> None:
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.engine: Engine | IsolatedEngine = (
            IsolatedEngine(self.catalogue) if isolated else Engine(self.catalogue)
        )

    def check(self, loaded: LoadedPlan, lang: str = "sv") -> CheckResult:
        """Check one validated plan; raises `EngineError` when no trustworthy result was had."""
        started = time.perf_counter()
        base = derive(loaded.plan)
        matches = self.engine.evaluate(base.facts)
        findings = build_findings(self.catalogue, base, matches, loaded.source_map, lang)
        return CheckResult(
            outcomes=rule_outcomes(self.catalogue, {str(f["kind"]) for f in base.facts}, findings),
            source=loaded.source,
            loaded=loaded,
            findings=findings,
            catalogue_version=self.catalogue.version,
            catalogue_hash=self.catalogue.content_hash,
            rule_count=len(self.catalogue.rules),
            fact_count=len(base.facts),
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    def close(self) -> None:
        if isinstance(self.engine, IsolatedEngine):
            self.engine.close()

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
