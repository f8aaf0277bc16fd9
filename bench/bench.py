"""`make bench`: time and memory of checking the example plan; writes bench/results.md.

Targets (issue 2): median check time ≤ 3 ms including the hop to the worker process; memory flat
over 100,000 checks. These are measured here, never asserted in unit tests (shared, noisy machines).
Set BENCH_CHECKS to run fewer checks for the memory part (default 100000).
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

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.checker import Checker, settle_after_startup  # noqa: E402
from checks.dossier import load_target  # noqa: E402
from checks.engine import Engine  # noqa: E402
from checks.facts import derive  # noqa: E402
from checks.loading import compose_yaml, load_plan  # noqa: E402
from checks.model import Plan  # noqa: E402
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


def mib(pid: int | None) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20 if pid else float("nan")


def main() -> None:
    checks_for_memory = int(os.environ.get("BENCH_CHECKS", "100000"))
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
        engine = Engine(checker.catalogue)
        facts = derive(loaded.plan, checker.default_config.settings).facts
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

        worker_pid = checker.engine.pid  # type: ignore[union-attr]
        parent_before, worker_before = mib(os.getpid()), mib(worker_pid)
        started = time.perf_counter()
        checkpoints = []
        step = max(1, checks_for_memory // 5)
        for i in range(1, checks_for_memory + 1):
            checker.check(loaded)
            if i % step == 0:
                checkpoints.append((i, mib(os.getpid()), mib(checker.engine.pid)))  # type: ignore[union-attr]
        elapsed = time.perf_counter() - started
        parent_after, worker_after = mib(os.getpid()), mib(checker.engine.pid)  # type: ignore[union-attr]
        same_worker = checker.engine.pid == worker_pid  # type: ignore[union-attr]
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
        f"Target median check ≤ 3 ms: **{'met' if check_median <= 3 else 'NOT met'}** "
        f"({check_median:.3f} ms).",
        "",
        f"## Memory over {checks_for_memory:,} checks ({elapsed:.0f} s, one worker throughout: "
        f"{same_worker})",
        "",
        "| after checks | parent RSS MiB | worker RSS MiB |",
        "| ---: | ---: | ---: |",
        f"| 0 | {parent_before:.1f} | {worker_before:.1f} |",
    ]
    for i, parent_mib, worker_mib in checkpoints:
        lines.append(f"| {i:,} | {parent_mib:.1f} | {worker_mib:.1f} |")
    lines += [
        "",
        f"Growth: parent {parent_after - parent_before:+.1f} MiB, "
        f"worker {worker_after - worker_before:+.1f} MiB.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
