"""`make bench`: time of checking the example plan; writes bench/results.md.

Targets (issue 15): median check of the seed-sized plan ≤ 1.5 ms and ≤ 5× pydantic validation of
the same plan, including the hop to the worker process; the same ratio reported for plans 10× and
100× its size. Memory over many checks is bench/bench_memory.py. Measured here, never asserted in
unit tests (shared, noisy machines).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import copy  # noqa: E402
from typing import Any  # noqa: E402

from checks.checker import Checker, pruned, settle_after_startup  # noqa: E402
from checks.dossier import load_target  # noqa: E402
from checks.engine import Engine  # noqa: E402
from checks.facts import derive  # noqa: E402
from checks.loading import LoadedDocument, SourceMap, compose_yaml, load_plan  # noqa: E402
from checks.model import Plan, assign_ids  # noqa: E402
from checks.watchman import Watchman  # noqa: E402

EXAMPLE = ROOT / "examples" / "akt-2012-brister" / "verksamhetsplan.yaml"
DOSSIER = ROOT / "examples" / "akt-2012-brister"
RESULTS = ROOT / "bench" / "results.md"


def timed(fn: Callable[[], object], runs: int, warmup: int = 50) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def scaled(data: dict[str, Any], times: int) -> dict[str, Any]:
    """The plan with its KF goals (and all below them) written `times` over, each copy numbered
    and titled apart so that every element keeps an id of its own."""
    out = copy.deepcopy(data)
    goals = data["inriktningsmål"]
    out["inriktningsmål"] = []
    for n in range(times):
        for goal in copy.deepcopy(goals):
            goal["nummer"] = goal["nummer"] + n * len(goals)
            goal["titel"] = f"{goal['titel']} ({n + 1})"
            for i, sub in enumerate(goal.get("mål", []), start=1):
                sub["nummer"] = f"{goal['nummer']}.{i}"
                for board in sub.get("nämndmål", []):
                    board["titel"] = f"{board['titel']} ({n + 1})"
                    for commitment in board.get("åtaganden", []):
                        commitment["titel"] = f"{commitment['titel']} ({n + 1})"
            out["inriktningsmål"].append(goal)
    return out


def plan_of(data: dict[str, Any]) -> LoadedDocument:
    """The plan as the loader gives it (validated, ids assigned), without the per-file limits."""
    plan = Plan.model_validate(data)
    assert not assign_ids(plan), "scaled copies must keep their ids apart"
    return LoadedDocument(document=plan, source="scaled.yaml", source_map=SourceMap())


def main() -> None:
    runs = 2000
    loaded = load_plan(EXAMPLE)
    data, _ = compose_yaml(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    rows: list[tuple[str, list[float]]] = []

    with Checker() as checker:
        checker.check(loaded)  # start the worker before settling, as a long-running process would
        settle_after_startup()  # as the CLI does once it has loaded what it keeps
        rows.append(
            (
                "check (facts + worker hop + engine + findings)",
                timed(lambda: checker.check(loaded), runs),
            )
        )
        dossier = load_target(DOSSIER)
        rows.append(
            (
                "check of the whole defect dossier (5 documents)",
                timed(lambda: checker.check(dossier), runs),
            )
        )
        sizes: list[tuple[int, float, float, int]] = []  # times, check, pydantic, facts
        for times, count in ((1, runs), (10, 200), (100, 20)):
            big = scaled(data, times)
            doc = plan_of(big)
            checker.check(doc)
            sizes.append(
                (
                    times,
                    statistics.median(timed(lambda doc=doc: checker.check(doc), count, 5)),
                    statistics.median(timed(lambda big=big: Plan.model_validate(big), count, 5)),
                    len(derive(doc.plan, checker.default_config.settings).facts),
                )
            )
        engine = Engine(checker.catalogue)
        # what the engine gets: the kinds a rule names, the fields a rule reads
        facts = pruned(
            derive(loaded.plan, checker.default_config.settings).facts, checker.engine_fields
        )
        rows.append(("engine alone, in process", timed(lambda: engine.evaluate(facts), runs)))
        watchman = Watchman(checker.catalogue.rules)  # the second evaluator the tests run beside it
        rows.append(
            ("watchman alone (plain Python)", timed(lambda: watchman.evaluate(facts), runs))
        )
        rows.append(
            (
                "facts alone (derive)",
                timed(lambda: derive(loaded.plan, checker.default_config.settings), runs),
            )
        )
        rows.append(
            (
                "pydantic alone (validate the parsed plan)",
                timed(lambda: Plan.model_validate(data), runs),
            )
        )
        rows.append(
            ("load from file (YAML + pydantic + ids)", timed(lambda: load_plan(EXAMPLE), 300, 10))
        )

        facts_count = len(facts)
        findings = len(checker.check(loaded).findings)
        rules = len(checker.catalogue.rules)

    check_median = statistics.median(rows[0][1])
    pyd_median = statistics.median(next(v for n, v in rows if n.startswith("pydantic")))
    lines = [
        "# Styrkoll benchmark",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Plan: `{EXAMPLE.relative_to(ROOT)}` ({facts_count} facts, {rules} rules, "
        f"{findings} findings per check). {runs} timed runs after a warm-up, after "
        "`gc.freeze()` at startup as the CLI and the worker do.",
        "",
        "| what | median ms | p99 ms |",
        "| --- | ---: | ---: |",
    ]
    for name, values in rows:
        lines.append(f"| {name} | {statistics.median(values):.3f} | {p(values, 0.99):.3f} |")
    lines += [
        "",
        f"Ratio check / pydantic-alone (medians): **{check_median / pyd_median:.1f}×**.",
        f"Target (issue 15) median check ≤ 1.5 ms and ≤ 5× pydantic: "
        f"**{'met' if check_median <= 1.5 and check_median <= 5 * pyd_median else 'NOT met'}** "
        f"({check_median:.3f} ms, {check_median / pyd_median:.1f}×).",
        "",
        "## Plans of 1×, 10× and 100× the seed plan's size (KF goals written over)",
        "",
        "| plan | facts | check median ms | pydantic median ms | ratio |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for times, check_ms, pyd_ms, n_facts in sizes:
        lines.append(
            f"| {times}× | {n_facts} | {check_ms:.3f} | {pyd_ms:.3f} | {check_ms / pyd_ms:.1f}× |"
        )
    lines += [
        "",
        "Memory over many checks in one worker: `bench/bench_memory.py`, bench/results-memory.md.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
