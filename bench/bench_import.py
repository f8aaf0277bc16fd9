"""`make bench`, part 2: import times for the seed export and for a 500-page synthetic export.

The seed (../shared/seeds/003, 19 pages) is read as text, and as PDF and Word files written from it
at bench time (fpdf2, python-docx). The 500-page export repeats the seed's goal sections, each copy
with its own numbers, after the seed's introduction. Results go to bench/results-import.md.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from checks.importers import import_file  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "003_8259753c63bf40c3.txt"
RESULTS = ROOT / "bench" / "results-import.md"
PAGES_PER_SEED = 19


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def synthetic(text: str, pages: int) -> str:
    intro, rest = text.split("KF:s INRIKTNINGSMÅL 1:", 1)
    body = "KF:s INRIKTNINGSMÅL 1:" + rest
    copies = max(1, round(pages / PAGES_PER_SEED))
    parts = [intro]
    for n in range(copies):
        parts.append(
            re.sub(
                r"KF:s INRIKTNINGSMÅL (\d+):",
                lambda m, n=n: f"KF:s INRIKTNINGSMÅL {n * 3 + int(m[1])}:",
                body,
            )
        )
    return "\n".join(parts)


def main() -> None:
    if not SEED.is_file():
        print(f"bench_import: {SEED} saknas; hoppar över importmätningen", file=sys.stderr)
        return
    from test_import import write_docx, write_pdf  # the same writers the tests use

    text = SEED.read_text(encoding="utf-8")
    latin = text.encode("latin-1", "replace").decode("latin-1")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        pdf = write_pdf(latin, Path(tmp) / "plan.pdf").read_bytes()
        docx = write_docx(latin, Path(tmp) / "plan.docx").read_bytes()
        raw = text.encode("utf-8")
        rows.append(("seed, text (19 pages)", timed(lambda: import_file(raw, "p.txt"), 50)))
        rows.append(("seed, PDF", timed(lambda: import_file(pdf, "p.pdf"), 10)))
        rows.append(("seed, Word", timed(lambda: import_file(docx, "p.docx"), 10)))
        big = synthetic(text, 500).encode("utf-8")
        result = import_file(big, "big.txt")
        rows.append(("synthetic 500 pages, text", timed(lambda: import_file(big, "big.txt"), 5)))
    lines = [
        "# Styrkoll import benchmark",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Synthetic export: {len(big) // 1024} KiB of text, "
        f"{result.report.counts['åtaganden']} åtaganden, placed {result.report.placed_share:.1%}.",
        "",
        "| what | median ms | max ms |",
        "| --- | ---: | ---: |",
    ]
    for name, values in rows:
        lines.append(f"| {name} | {statistics.median(values):.1f} | {max(values):.1f} |")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
