"""`make corpus`: every excerpt of ../shared/corpus/docs imported and checked, written to
bench/corpus.md: per file the kind recognised (and the kind its name says), the share of text
placed, the refusal if any, the findings; the defects that the corpus README lists (in our words,
`bench/corpus_defects.yaml`) and how many of those within the catalogue are reported; and the
totals. Every "fel" in the table is to be read by hand and either confirmed or fixed.

A refusal that asks for the year or the committee is answered as a user would answer it: with the
`ange` values of the defect list (`--year`, `--nämnd`), and the table says so.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checks.checker import Checker  # noqa: E402
from checks.importers import Imported, import_file  # noqa: E402
from checks.loading import InputError, validate_document  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "docs"
DEFECTS = ROOT / "bench" / "corpus_defects.yaml"
OUT = ROOT / "bench" / "corpus.md"
# The kind a corpus file's name says (its first word), as the README defines the prefixes.
PREFIX = {
    "vp": "verksamhetsplan",
    "ikplan": "internkontrollplan",
    "rov": "riskanalys",
    "tertial": "tertialrapport",
    "arsrapport": "årsrapport",
    "memo": "tjänsteutlåtande",
}


# How a rule ended on a defect in a part the text does not reach; "uppfylld" would be wrong.
OUTCOME = {
    "failed": "fynd",
    "passed": "**uppfylld** (fel: texten når inte dit)",
    "not_judged": "kunde inte bedömas",
    "not_applicable": "ej tillämplig",
    "not_selected": "ej vald",
    "switched_off": "avstängd",
    "not_in_force": "inte i kraft",
}


def expected_kind(name: str) -> str:
    return PREFIX[name.split("-")[0]]


@dataclass
class FileResult:
    """One corpus file, imported (perhaps after giving what the refusal asked for) and checked."""

    name: str
    expected: str
    kind: str | None = None
    concerns: str | None = None
    placed: float = 0.0
    refusal: str | None = None
    given: dict[str, Any] = field(default_factory=dict)  # what was given after a refusal
    first_refusal: str | None = None
    severities: Counter[str] = field(default_factory=Counter)
    fired: set[str] = field(default_factory=set)
    unjudged: set[str] = field(default_factory=set)
    outcomes: dict[str, str] = field(default_factory=dict)
    fel: list[str] = field(default_factory=list)
    reported: list[tuple[str, str, bool]] = field(default_factory=list)  # rule, what, reported
    not_judged: list[tuple[str, str, str]] = field(default_factory=list)  # rule, what, outcome
    outside: list[str] = field(default_factory=list)

    @property
    def right_kind(self) -> bool:
        return self.kind is not None and (
            self.kind.startswith(self.expected[:6]) or self.concerns == self.expected
        )


def _import(raw: bytes, name: str, given: dict[str, Any]) -> tuple[Imported, Any]:
    imported = import_file(raw, name, year=given.get("år"), committee=given.get("nämnd"))
    return imported, validate_document(imported.data, name, imported.source_map)


def _asked_for(exc: InputError, ange: dict[str, Any]) -> dict[str, Any]:
    """What of `ange` the refusal asks for, as a user reading it would give it."""
    asked: dict[str, Any] = {}
    if "--year" in exc.message_en and "år" in ange:
        asked["år"] = ange["år"]
    if "--nämnd" in exc.message_en and "nämnd" in ange:
        asked["nämnd"] = ange["nämnd"]
    return asked


def measure_file(checker: Checker, path: Path, listed: dict[str, Any]) -> FileResult:
    res = FileResult(path.name, expected_kind(path.name))
    res.outside = [str(x) for x in listed.get("utanfor", [])]
    raw = path.read_bytes()
    ange = dict(listed.get("ange") or {})
    given: dict[str, Any] = {}
    while True:
        try:
            imported, loaded = _import(raw, path.name, given)
            break
        except InputError as exc:
            asked = {k: v for k, v in _asked_for(exc, ange).items() if k not in given}
            if not asked:
                res.refusal = exc.render()
                break
            res.first_refusal = res.first_refusal or exc.render()
            given.update(asked)
    res.given = given
    if res.refusal is None:
        res.kind = imported.report.kind
        res.concerns = getattr(loaded.document, "concerns", None)
        res.placed = imported.report.placed_share
        result = checker.check(loaded)
        res.severities = Counter(f.severity for f in result.findings)
        res.fired = {f.rule_id for f in result.findings}
        res.unjudged = set(result.unjudged)
        res.outcomes = dict(result.outcomes)
        res.fel = [f"{f.rule_id}: {f.message}" for f in result.findings if f.severity == "fel"]
    for item in listed.get("brister", []):
        res.reported.append((item["regel"], item["vad"], item["regel"] in res.fired))
    for item in listed.get("ej_bedomt", []):
        rule = item["regel"]
        outcome = "avvisad" if res.refusal else OUTCOME.get(res.outcomes.get(rule, ""), "?")
        res.not_judged.append((rule, item["vad"], outcome))
    return res


def measure() -> list[FileResult]:
    """Every corpus file, measured against the defect list."""
    listed: dict[str, Any] = yaml.safe_load(DEFECTS.read_text(encoding="utf-8"))
    with Checker() as checker:
        return [
            measure_file(checker, path, listed.get(path.name) or {})
            for path in sorted(CORPUS.glob("*.txt"))
        ]


def coverage(results: list[FileResult]) -> tuple[int, int]:
    """(reported, listed) over the defects within the catalogue."""
    items = [ok for r in results for _, _, ok in r.reported]
    return sum(items), len(items)


def _cell(text: str, n: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= n else text[: n - 1] + "…"


def _row(r: FileResult) -> str:
    kind = "–"
    if r.kind is not None:
        kind = r.kind + (f" (om {r.concerns})" if r.concerns and r.concerns != r.kind else "")
    given = " ".join(f"--{'year' if k == 'år' else 'nämnd'} {v}" for k, v in r.given.items())
    refusal = _cell(r.refusal, 220) if r.refusal else "–"
    if given:
        refusal = f"frågade; gavs {given}" if r.refusal is None else f"{refusal} (gavs {given})"
    findings = "–"
    if r.refusal is None:
        s = r.severities
        findings = f"{s['fel']} fel, {s['varning']} varningar, {s['info']} info"
        if r.fired:
            findings += ": " + ", ".join(sorted(r.fired))
        if r.unjudged:
            findings += "; kunde inte bedömas: " + ", ".join(sorted(r.unjudged))
    placed = f"{r.placed * 100:.0f} %" if r.refusal is None else "–"
    return f"| `{r.name}` | {r.expected} | {kind} | {placed} | {refusal} | {findings} |"


def render(results: list[FileResult], seconds: float) -> str:
    totals: Counter[str] = Counter()
    for r in results:
        totals["filer"] += 1
        totals["avvisade" if r.refusal else "lästa"] += 1
        if r.refusal is None:
            totals["rätt sort" if r.right_kind else "annan sort"] += 1
            totals.update({f"fynd {s}": n for s, n in r.severities.items()})
        if r.given and r.refusal is None:
            totals["lästa efter fråga om år/nämnd"] += 1
    found, listed = coverage(results)
    share = found / listed * 100 if listed else 0.0
    defect_rows = [
        f"| `{r.name}` | {rule} | {_cell(what, 90)} | {'rapporterad' if ok else '**missad**'} |"
        for r in results
        for rule, what, ok in r.reported
    ]
    judged_rows = [
        f"| `{r.name}` | {rule} | {_cell(what, 90)} | {outcome} |"
        for r in results
        for rule, what, outcome in r.not_judged
    ]
    outside = [f"- `{r.name}`: {_cell(x, 140)}" for r in results for x in r.outside]
    fel = [f"- `{r.name}` {_cell(x)}" for r in results for x in r.fel]
    return "\n".join(
        [
            "# The corpus, imported and checked",
            "",
            f"Written by `make corpus` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
            f"({seconds:.1f} s). Each excerpt of `../shared/corpus/docs` is imported as "
            "`styrkoll import` does and checked alone; a refusal that asks for the year or the "
            "committee is answered as a user would (`ange` in `bench/corpus_defects.yaml`).",
            "",
            f"**Defects within the catalogue reported: {found} of {listed} ({share:.0f} %).** "
            f"Fel on the corpus: {len(fel)}.",
            "",
            "| file | kind by its name | kind read | text placed | refused because | findings |",
            "| --- | --- | --- | ---: | --- | --- |",
            *(_row(r) for r in results),
            "",
            "Totals: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())) + ".",
            "",
            "## The README's defects within the catalogue",
            "",
            "| file | rule | defect (our words) | reported |",
            "| --- | --- | --- | --- |",
            *defect_rows,
            "",
            "## Defects in parts the text does not reach",
            "",
            'Each must be "kunde inte bedömas" (or the rule not apply), never "uppfylld".',
            "",
            "| file | rule | defect (our words) | outcome |",
            "| --- | --- | --- | --- |",
            *judged_rows,
            "",
            "## Defects outside the catalogue (read, not measured)",
            "",
            *outside,
            "",
            '## Every "fel" given on the corpus',
            "",
            *(fel or ["None."]),
            "",
        ]
    )


def main() -> int:
    if not CORPUS.is_dir():
        print(f"korpusen saknas: {CORPUS}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = measure()
    OUT.write_text(render(results, time.perf_counter() - started), encoding="utf-8")
    found, listed = coverage(results)
    print(f"skrev {OUT}: {found} av {listed} brister rapporterade")
    return 0


if __name__ == "__main__":
    sys.exit(main())
