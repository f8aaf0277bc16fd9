"""`make bench`, part 3: start-up of `styrkoll check examples/akt-2012`; writes
bench/results-startup.md.

Wall time of the command as a subprocess (interpreter start, imports, catalogue, worker, check,
report), the median of STARTUP_RUNS runs (default 15) after one warm-up run; the CPU time (user +
system of the command and its worker), which a busy machine disturbs less; and the number of
modules the command imports (counted in a separate run that calls `checks.cli.main`). With
`--before PATH` (or BENCH_BEFORE), the same measurement of another installation's `styrkoll`, e.g.
a worktree of an earlier commit; the runs alternate between the two so that a busy machine slows
both alike.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOSSIER = ROOT / "examples" / "akt-2012"
RESULTS = ROOT / "bench" / "results-startup.md"
SERVICE_ONLY = ("service", "flask", "flask_openapi3", "sqlalchemy", "alembic", "werkzeug")
COUNT_MODULES = f"""
import os, sys
from checks.cli import main
sys.stdout = open(os.devnull, "w")
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout = sys.__stdout__
service = sum(m.split(".")[0] in {SERVICE_ONLY!r} for m in sys.modules)
print(code, len(sys.modules), service)
"""


@dataclass
class Installation:
    label: str
    styrkoll: Path
    times: list[float]
    cpu: list[float]
    modules: int = 0
    service_modules: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def run_once(styrkoll: Path, cwd: str) -> tuple[float, float]:
    """Wall and CPU milliseconds of one `styrkoll check` (the worker is waited for, so counted)."""
    cpu, start = _children_cpu(), time.perf_counter()
    proc = subprocess.run(
        [str(styrkoll), "check", str(DOSSIER)], cwd=cwd, capture_output=True, timeout=120
    )
    elapsed, cpu = (time.perf_counter() - start) * 1000, _children_cpu() - cpu
    if proc.returncode not in (0, 1):  # 2 or 3 would time a failure, not a check
        sys.exit(f"{styrkoll} check gav slutkod {proc.returncode}:\n{proc.stderr.decode()}")
    return elapsed, cpu


def count_modules(item: Installation, cwd: str) -> None:
    python = item.styrkoll.with_name("python")
    proc = subprocess.run(
        [str(python), "-c", COUNT_MODULES, "check", str(DOSSIER)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    code, total, service = proc.stdout.split()
    if code not in ("0", "1"):
        sys.exit(f"{python}: checks.cli.main gav slutkod {code}:\n{proc.stderr}")
    item.modules, item.service_modules = int(total), int(service)


def main() -> None:
    parser = argparse.ArgumentParser(description="start-up time of `styrkoll check`")
    parser.add_argument("--styrkoll", type=Path, default=Path(sys.executable).with_name("styrkoll"))
    parser.add_argument("--before", type=Path, default=os.environ.get("BENCH_BEFORE") or None)
    parser.add_argument("--label", default="this checkout", help="name of the measured row")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("STARTUP_RUNS", "15")))
    args = parser.parse_args()
    items = [Installation(args.label, args.styrkoll, [], [])]
    if args.before is not None:
        items.append(Installation("before this change", args.before, [], []))
    with tempfile.TemporaryDirectory() as cwd:  # outside the checkout: no module from the cwd
        for item in items:
            run_once(item.styrkoll, cwd)  # warm-up: byte-code, file cache
            count_modules(item, cwd)
        for _ in range(args.runs):
            for item in items:
                wall, cpu = run_once(item.styrkoll, cwd)
                item.times.append(wall)
                item.cpu.append(cpu)
    lines = [
        "# Styrkoll start-up",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"`styrkoll check {DOSSIER.relative_to(ROOT)}` as a subprocess: wall time from start to "
        f"exit, median of {args.runs} runs after a warm-up run"
        + (", the installations' runs alternating." if len(items) > 1 else "."),
        "Modules: `sys.modules` after `checks.cli.main` ran the same check; service modules are "
        "those of service, flask, flask_openapi3, sqlalchemy, alembic and werkzeug.",
        "",
        "| installation | `styrkoll` | median ms | min ms | max ms | CPU ms (median) | modules "
        "| service modules |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in items:
        lines.append(
            f"| {item.label} | `{item.styrkoll}` | {item.median:.0f} | {min(item.times):.0f} | "
            f"{max(item.times):.0f} | {statistics.median(item.cpu):.0f} | {item.modules} | "
            f"{item.service_modules} |"
        )
    if len(items) > 1:
        after, before = items
        lines += [
            "",
            f"Before / after (medians): **{before.median / after.median:.2f}×** "
            f"({before.median:.0f} ms → {after.median:.0f} ms, "
            f"{before.median - after.median:.0f} ms less); CPU time "
            f"**{statistics.median(before.cpu) / statistics.median(after.cpu):.2f}×**.",
        ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
