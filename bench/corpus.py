"""`make corpus`: every excerpt of ../shared/corpus/docs imported and checked, written to
bench/corpus.md: per file the kind recognised (and the kind its name says), the share of text
placed, the refusal if any, the findings; and the totals. Every "fel" in the table is to be read by
hand and either confirmed or fixed.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.checker import Checker  # noqa: E402
from checks.importers import import_file  # noqa: E402
from checks.loading import InputError, validate_document  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "docs"
OUT = ROOT / "bench" / "corpus.md"
PREFIX = {
    "vp": "verksamhetsplan",
    "ikplan": "internkontrollplan",
    "rov": "riskanalys",
    "tertial": "tertialrapport",
    "arsrapport": "årsrapport",
    "memo": "tjänsteutlåtande",
}


def _cell(text: str, n: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= n else text[: n - 1] + "…"


def main() -> int:
    if not CORPUS.is_dir():
        print(f"korpusen saknas: {CORPUS}", file=sys.stderr)
        return 2
    rows: list[str] = []
    totals: Counter[str] = Counter()
    fel_lines: list[str] = []
    started = time.perf_counter()
    with Checker() as checker:
        for path in sorted(CORPUS.glob("*.txt")):
            expected = PREFIX[path.name.split("-")[0]]
            totals["filer"] += 1
            try:
                imported = import_file(path.read_bytes(), path.name)
                loaded = validate_document(imported.data, path.name, imported.source_map)
            except InputError as exc:
                totals["avvisade"] += 1
                rows.append(
                    f"| `{path.name}` | {expected} | – | – | {_cell(exc.render(), 220)} | – |"
                )
                continue
            kind = imported.report.kind
            totals["lästa"] += 1
            totals["rätt sort" if kind.startswith(expected[:6]) else "annan sort"] += 1
            result = checker.check(loaded)
            counts = Counter(f.severity for f in result.findings)
            totals.update({f"fynd {s}": n for s, n in counts.items()})
            for finding in result.findings:
                if finding.severity == "fel":
                    fel_lines.append(f"- `{path.name}` {finding.rule_id}: {_cell(finding.message)}")
            unjudged = ", ".join(sorted(result.unjudged))
            rows.append(
                f"| `{path.name}` | {expected} | {kind} | "
                f"{imported.report.placed_share * 100:.0f} % | – | "
                f"{counts['fel']} fel, {counts['varning']} varningar, {counts['info']} info"
                f"{'; kunde inte bedömas: ' + unjudged if unjudged else ''} |"
            )
    lines = [
        "# The corpus, imported and checked",
        "",
        f"Written by `make corpus` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"({time.perf_counter() - started:.1f} s). Each excerpt of `../shared/corpus/docs` is "
        "imported as `styrkoll import` does and checked alone.",
        "",
        "| file | kind by its name | kind read | text placed | refused because | findings |",
        "| --- | --- | --- | ---: | --- | --- |",
        *rows,
        "",
        "Totals: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())) + ".",
        "",
        '## Every "fel" given on the corpus',
        "",
        *(fel_lines or ["None."]),
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"skrev {OUT}: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
