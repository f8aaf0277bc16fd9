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


def write(
    samples: list[tuple[int, float, float, float]],
    total: int,
    header: tuple[str, str, int, str],
    worker: tuple[bool, int],
) -> str:
    """The results as they stand: written at every sample, so a run stopped early still says
    what it measured (and that it stopped)."""
    started_at, load, findings, revision = header
    same_worker, starts = worker
    done, elapsed = samples[-1][0], samples[-1][1]
    base, half, last = samples[0], samples[len(samples) // 2], samples[-1]
    per_check = f"{elapsed / done * 1000:.2f} ms a check" if done else "no check yet"
    lines = [
        "# Memory over many checks in one worker",
        "",
        f"Written by `make bench` (bench/bench_memory.py) from {started_at} UTC, started on "
        f"commit {revision}; {platform.machine()}, {os.cpu_count()} cores shared with other work "
        f"(load average {load} at the start), Python {platform.python_version()}.",
        f"The defect plan (`{EXAMPLE.relative_to(ROOT)}`, {findings} findings) checked in one "
        f"`Checker` after 1,000 warm-up checks: **{done:,} of {total:,} checks** in "
        f"{elapsed:.0f} s ({per_check}). One engine worker throughout: **{same_worker}** "
        f"(workers started: {starts}).",
        "",
        "| after checks | seconds | parent RSS MiB | worker RSS MiB |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for i, seconds, parent, worker_mib in samples:
        lines.append(f"| {i:,} | {seconds:.0f} | {parent:.1f} | {worker_mib:.1f} |")
    lines += [
        "",
        f"Growth from the first sample: parent {last[2] - base[2]:+.1f} MiB, worker "
        f"{last[3] - base[3]:+.1f} MiB; over the second half (from {half[0]:,} checks): "
        f"parent {last[2] - half[2]:+.1f} MiB, worker {last[3] - half[3]:+.1f} MiB.",
        "",
    ]
    if done < total:
        lines += [f"Stopped early: {done:,} of the {total:,} checks were run.", ""]
    text = "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    total = int(os.environ.get("BENCH_MEMORY_CHECKS", "1000000"))
    step = int(os.environ.get("BENCH_MEMORY_STEP", str(max(1, total // 20))))
    loaded = load_plan(EXAMPLE)
    started_at = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with Checker() as checker:
        findings = len(checker.check(loaded).records)  # the worker is up before settling
        settle_after_startup()
        for _ in range(1000):  # warm: caches filled, allocator arenas at their working size
            checker.check(loaded)
        first_pid = checker.engine.pid  # type: ignore[union-attr]
        header = (started_at, load, findings, commit())
        samples = [(0, 0.0, mib(os.getpid()), mib(first_pid))]
        started = time.perf_counter()
        text = ""
        for i in range(1, total + 1):
            checker.check(loaded)
            if i % step == 0 or i == total:
                pid = checker.engine.pid  # type: ignore[union-attr]
                samples.append((i, time.perf_counter() - started, mib(os.getpid()), mib(pid)))
                worker = (pid == first_pid, checker.engine.starts)  # type: ignore[union-attr]
                text = write(samples, total, header, worker)
                print(
                    f"{i:,} checks: parent {samples[-1][2]:.1f} MiB, worker "
                    f"{samples[-1][3]:.1f} MiB",
                    flush=True,
                )
    print(text)


if __name__ == "__main__":
    main()
