"""Importers: the documents units actually have (ILS-webb exports as .txt, .pdf, .docx) turned
into the document model, with a report of what was placed where and what was not.

`extract_text` gets the text out of a file (pypdf for PDF, python-docx for Word); `ils.parse_plan`
and `memo.parse_memo` read the structure; `import_file` picks the parser and returns the document
as data (Swedish keys, exactly what a YAML file would hold), its line map and the import report.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from checks.importers import guards
from checks.limits import Limits
from checks.limits import current as current_limits
from checks.loading import InputError, SourceMap

IMPORT_SUFFIXES = (".txt", ".pdf", ".docx")
# Every reader's headings: the normaliser puts each at the start of a line wherever it stands.
HEADINGS = (
    "Förslag till beslut",
    "Sammanfattning",
    "Ärendets beredning",
    "Bakgrund",
    "Ärendet",
    "Ärendebeskrivning",
    "Beskrivning av ärendet",
    "Beslutsunderlag",
    "Expedieras till",
    "Förvaltningens förslag",
    "Förvaltningens synpunkter och förslag",
    "Bilagor",
)


@dataclass
class ImportReport:
    """What an import found, what it could not place and where it had to interpret."""

    kind: str
    counts: dict[str, int] = field(default_factory=dict)
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, interpretation)
    placed_chars: int = 0
    total_chars: int = 0
    why: str = ""  # the evidence for the kind: "rad 1: tjänsteutlåtande; rad 3: …"

    @property
    def placed_share(self) -> float:
        return 1.0 if not self.total_chars else self.placed_chars / self.total_chars

    def render(self, source: str) -> str:
        """The summary printed after an import, in Swedish."""
        lines = [f"{source}: importerad som {self.kind}"]
        if self.why:
            lines.append(f"  därför att: {self.why}")
        lines.append("  hittade: " + ", ".join(f"{n} {what}" for what, n in self.counts.items()))
        lines.append(f"  placerad text: {self.placed_share * 100:.1f} %")
        for line, note in self.notes:
            lines.append(f"  tolkning rad {line}: {note}")
        for line, text in self.unplaced:
            lines.append(f"  ej placerad rad {line}: {text}")
        return "\n".join(lines) + "\n"


@dataclass
class Imported:
    data: dict[str, Any]
    source_map: SourceMap
    report: ImportReport


def extract_text(raw: bytes, source: str) -> str:
    """The text of a .txt, .pdf or .docx file, or an `InputError` that says why not: within the
    limits of `checks.limits` (size, pages, unpacked size, XML depth, text), each checked before
    the work it bounds (see `checks.importers.guards`)."""
    limits = current_limits()
    suffix = FsPath(source).suffix.lower()
    guards.too_big(len(raw), source, limits)
    if suffix == ".pdf":
        return _pdf_text(raw, source, limits)
    if suffix == ".docx":
        return _docx_text(raw, source, limits)
    if b"\x00" in raw[:8192]:
        raise InputError(
            source,
            "filen är binär, inte text (spara exporten som text, PDF eller Word)",
            "the file is binary, not text",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")  # Windows exports
        except UnicodeDecodeError:
            raise InputError(
                source, "texten är varken UTF-8 eller Windows-1252", "not UTF-8 or Windows-1252"
            ) from None
    guards.text_limit(source, "filen", limits, len(text))
    return text


def _pdf_text(raw: bytes, source: str, limits: Limits) -> str:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise InputError(source, "PDF-filen är krypterad", "the PDF is encrypted")
        guards.pdf_pages(reader, source, limits)
        return guards.pdf_text(reader.pages, source, limits)
    except InputError:
        raise
    except Exception as exc:  # pypdf's errors, an unknown filter, a broken tree: all refusals
        raise guards.unreadable(source, "PDF-filen", exc) from None


def _docx_text(raw: bytes, source: str, limits: Limits) -> str:
    import docx

    try:
        guards.docx_checked(raw, source, limits)
        document = docx.Document(io.BytesIO(raw))
    except InputError:
        raise
    except Exception as exc:  # a bad zip, a missing part, broken XML: all refusals
        raise guards.unreadable(source, "Word-filen", exc) from None
    body = document.element.body
    if body is None:
        raise InputError(source, "Word-filen har ingen brödtext", "the Word file has no body")
    lines: list[str] = []
    element = guards.etree.Element  # elements only: comments and instructions have no tag text
    for block in body.iterchildren(element):
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in block.iter(element) if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter(element):
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren(element):
                        if cell.tag.endswith("}tc"):
                            text = "".join(
                                t.text or "" for t in cell.iter(element) if t.tag.endswith("}t")
                            )
                            cells.append(text)
                    lines.append(" ".join(cells))
    return "\n".join(lines)


KIND_NAMES = {
    "verksamhetsplan": "verksamhetsplan",
    "internkontrollplan": "internkontrollplan",
    "riskanalys": "risk- och väsentlighetsanalys",
    "tertialrapport": "tertial- eller delårsrapport",
    "årsrapport": "årsrapport eller verksamhetsberättelse",
    "tjänsteutlåtande": "tjänsteutlåtande eller tjänsteskrivelse",
}


def import_file(
    raw: bytes,
    source: str,
    kind: str | None = None,
    year: int | None = None,
    committee: str | None = None,
) -> Imported:
    """`import_here` in a worker process, within the time and memory budget of `checks.limits`
    (import_seconds, import_memory): a document that takes longer is refused and its worker
    killed and replaced, so a runaway document costs one import, never the caller."""
    from checks.import_worker import import_budgeted

    guards.too_big(len(raw), source, current_limits())  # not even sent to the worker
    imported: Imported = import_budgeted(raw, source, kind, year, committee)
    return imported


def import_here(
    raw: bytes,
    source: str,
    kind: str | None = None,
    year: int | None = None,
    committee: str | None = None,
) -> Imported:
    """Text → the document it holds, of the kind the evidence shows (or `kind`), for the year and
    committee the document states (or `year`, `committee`); never today's year. A `year` that
    disagrees with the year the document states (its title, a memo's matter) is refused; one
    given for a document that only has a date to count from is taken instead of that guess."""
    from checks.importers import detect, ils, memo, signs
    from checks.importers.text import normalise

    text = extract_text(raw, source)
    lines = normalise(text, HEADINGS)
    if not lines:
        raise InputError(source, "filen innehåller ingen text", "the file holds no text")
    ranked = detect.evidence(lines)
    chosen = kind or detect.decide(lines)[0]
    if chosen is None:
        raise _unrecognised(source, ranked)
    if chosen == "verksamhetsplan" and ils.is_ils_plan(text):
        ils_plan = ils.parse_plan(text, source, year, committee)  # the ILS-webb layout
        return signs.put_signs(ils_plan, lines, [])
    head = detect.read_head(lines, chosen)
    not_stated = signs.not_stated(lines, chosen, head, year, committee)
    if year is not None:
        if head.year not in (None, year) and head.year_reason.startswith("rubriken"):
            raise _year_disagrees(source, head.year, year, head.year_line, head.year_reason)
        if head.year != year:
            head.year, head.year_reason = year, "--year"
    if committee is not None:
        head.committee = committee
    if head.year is None and chosen != "tjänsteutlåtande":  # a memo may name it in its matter
        raise InputError(
            source,
            f"handlingen ({KIND_NAMES[chosen]}) anger inte vilket år den gäller: inget årtal i "
            "rubriken och inget datum att räkna från; ange året med --year",
            "the document does not state its year; give it with --year",
            line=lines[0].number,
        )
    if chosen == "tjänsteutlåtande":
        imported = memo.parse_memo(lines, source, head)
    else:
        imported = _read(chosen, text, source, head)
    if year is not None and imported.data.get("år") not in (None, year):  # a memo's matter
        line = imported.source_map.line_of(("år",))
        raise _year_disagrees(source, imported.data["år"], year, line, "")
    cut = detect.excerpt_reason(text, lines)
    if cut is None and chosen == "tjänsteutlåtande":
        cut = memo.unfinished(lines, imported.data)
    if cut is not None:  # what the text never reached is "kunde inte bedömas", never "fel"
        imported.data["utdrag"] = True
        imported.report.notes.append((cut[0], f"behandlas som ett utdrag: {cut[1]}"))
    if head.year_reason:
        imported.report.notes[:0] = [(head.year_line or 1, f"året {head.year}: {head.year_reason}")]
    imported.report.notes += head.notes
    imported.report.why = _why(ranked, chosen) if kind is None else "--kind"
    return signs.put_signs(imported, lines, not_stated)


def _read(kind: str, text: str, source: str, head: Any) -> Imported:
    """The reader of a kind, on the text normalised with that reader's headings too."""
    from checks.importers import controls, plans, reports, risks
    from checks.importers.text import normalise

    if kind == "verksamhetsplan":  # a plan outside the ILS-webb 2008-2012 layout
        from checks.importers.detect import excerpt_reason

        lines = normalise(text, (*HEADINGS, *plans.HEADINGS))
        return plans.parse_plan_text(lines, source, head, excerpt_reason(text, lines))
    if kind == "internkontrollplan":
        return controls.parse_control_plan(
            normalise(text, (*HEADINGS, *controls.HEADINGS)), source, head
        )
    if kind == "riskanalys":
        return risks.parse_risk_analysis(
            normalise(text, (*HEADINGS, *risks.HEADINGS)), source, head
        )
    return reports.parse_report(normalise(text, (*HEADINGS, *reports.HEADINGS)), source, head, kind)


def _year_disagrees(source: str, stated: int, given: int, line: int | None, why: str) -> InputError:
    """The year given disagrees with the one the document states: neither is taken silently."""
    why = f" ({why})" if why else ""
    return InputError(
        source,
        f"handlingen anger året {stated}{why}, men året {given} angavs med --year; ange inget år "
        "med --year, eller rätta det",
        f"the document states the year {stated}, but {given} was given with --year; leave it out "
        "or correct it",
        line=line,
    )


def _why(ranked: list[Any], kind: str) -> str:
    ev = next(e for e in ranked if e.kind == kind)
    return "; ".join(f"rad {line}: {what}" for line, what in ev.found[:4]) or "inga tecken"


def _unrecognised(source: str, ranked: list[Any]) -> InputError:
    tried = ", ".join(
        f"{KIND_NAMES[e.kind]} ({_why(ranked, e.kind)})" if e.found else KIND_NAMES[e.kind]
        for e in ranked
    )
    return InputError(
        source,
        f"kunde inte avgöra vilken sorts handling det är; prövade: {tried}. Ange sorten med "
        "--kind (verksamhetsplan, internkontrollplan, riskanalys, tertialrapport, årsrapport, "
        "tjänsteutlåtande)",
        "could not tell which kind of document this is; give it with --kind",
        line=1,
    )


def load_imported(
    path: str | FsPath,
    kind: str | None = None,
    year: int | None = None,
    committee: str | None = None,
) -> tuple[Any, ImportReport]:
    """Read an export file, import it and validate it like a YAML document."""
    from checks.loading import validate_document

    fs = FsPath(path)
    name = str(path)
    try:
        guards.too_big(fs.stat().st_size, name, current_limits())  # before it is read
        raw = fs.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "filen finns inte", "the file does not exist") from None
    except IsADirectoryError:
        raise InputError(name, "är en mapp, inte en fil", "is a folder, not a file") from None
    except PermissionError:
        raise InputError(name, "filen får inte läsas", "the file may not be read") from None
    imported = import_file(raw, name, kind, year, committee)
    return validate_document(imported.data, name, imported.source_map), imported.report
