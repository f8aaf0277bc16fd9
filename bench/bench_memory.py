"""`make bench`: memory of one checker over many checks (issue 15: flat over 1,000,000 checks in
one worker). Checks the defect plan again and again in one `Checker` – the parent deriving facts
and building findings, its engine worker process evaluating – and samples both processes' RSS
every BENCH_MEMORY_STEP checks. BENCH_MEMORY_CHECKS sets the number (default 1,000,000: about an
hour on one core). Writes bench/results-memory.md. Measured here, never asserted in unit tests.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.checker import Checker, settle_after_startup  # noqa: E402
from checks.loading import load_plan  # noqa: E402

EXAMPLE = ROOT / "examples" / "akt-2012-brister" / "verksamhetsplan.yaml"
RESULTS = ROOT / "bench" / "results-memory.md"


def mib(pid: int | None) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20 if pid else float("nan")


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"


def main() -> None:
    total = int(os.environ.get("BENCH_MEMORY_CHECKS", "1000000"))
    step = int(os.environ.get("BENCH_MEMORY_STEP", str(max(1, total // 20))))
    loaded = load_plan(EXAMPLE)
    started_at = datetime.now(UTC)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with Checker() as checker:
        findings = len(checker.check(loaded).records)  # the worker is up before settling
        settle_after_startup()
        for _ in range(1000):  # warm: caches filled, allocator arenas at their working size
            checker.check(loaded)
        first_pid = checker.engine.pid  # type: ignore[union-attr]
        samples = [(0, 0.0, mib(os.getpid()), mib(first_pid))]
        started = time.perf_counter()
        for i in range(1, total + 1):
            checker.check(loaded)
            if i % step == 0:
                pid = checker.engine.pid  # type: ignore[union-attr]
                samples.append((i, time.perf_counter() - started, mib(os.getpid()), mib(pid)))
                print(
                    f"{i:,} checks: parent {samples[-1][2]:.1f} MiB, worker "
                    f"{samples[-1][3]:.1f} MiB",
                    flush=True,
                )
        elapsed = time.perf_counter() - started
        same_worker = checker.engine.pid == first_pid  # type: ignore[union-attr]
        starts = checker.engine.starts  # type: ignore[union-attr]

    base_parent, base_worker = samples[0][2], samples[0][3]
    half = samples[len(samples) // 2]
    last = samples[-1]
    lines = [
        "# Memory over many checks in one worker",
        "",
        f"Written by `make bench` (bench/bench_memory.py) from {started_at:%Y-%m-%d %H:%M} UTC "
        f"on commit {commit()}; {platform.machine()}, {os.cpu_count()} cores shared with other "
        f"work (load average {load} at the start), Python {platform.python_version()}.",
        f"The defect plan (`{EXAMPLE.relative_to(ROOT)}`, {findings} findings) checked "
        f"{total:,} times in one `Checker` after 1,000 warm-up checks, in {elapsed:.0f} s "
        f"({elapsed / total * 1000:.2f} ms a check). One engine worker throughout: "
        f"**{same_worker}** (workers started: {starts}).",
        "",
        "| after checks | seconds | parent RSS MiB | worker RSS MiB |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for i, seconds, parent, worker in samples:
        lines.append(f"| {i:,} | {seconds:.0f} | {parent:.1f} | {worker:.1f} |")
    lines += [
        "",
        f"Growth from the first sample: parent {last[2] - base_parent:+.1f} MiB, worker "
        f"{last[3] - base_worker:+.1f} MiB; over the second half (from {half[0]:,} checks): "
        f"parent {last[2] - half[2]:+.1f} MiB, worker {last[3] - half[3]:+.1f} MiB.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
