"""The reading both the internal-control and the risk-analysis readers share.

Column names and labels (`Fields`: a header row, `Label: value` pairs, a label without its colon),
the cells of a table row (`cells`: by tabs, `|` or two spaces, or by the numbers where single
spaces part them), the values `S=3 K=4 Riskvärde: 12` (`scores`), contents lines, titles and
names; the head (`base_data`: år, nämnd, enhet, förvaltning, datum); and `Reader`, the
line-by-line reader that places every line or lists it as not placed, each reader's `body`
reading the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checks.importers import ImportReport
from checks.importers.text import Head, Line, join_lines
from checks.loading import InputError, SourceMap

Columns = tuple[tuple[str, str | None], ...]  # (pattern of a column name or label, its field)
Names = list[tuple[str, str | None]]  # (a column name as written, its field)
NUMERIC = ("sannolikhet", "konsekvens", "riskvärde")
CONTENTS_ENTRY = re.compile(r"(?P<title>\S.{0,200}?)\s*\.{2,}\s*(?P<page>\d{1,3})(?=\s|$)")
HEAD_LABEL = re.compile(
    r"^(?P<label>År|Nämnd|Styrelse|Organisation|Enhet|Förvaltning|Datum)\s*:\s*(?P<value>.*)$"
)
ADOPTED_BY = re.compile(
    r"\b(?:fastställd|antagen|beslutad|godkänd)\s+av\s+"
    r"(?P<body>[\wåäöÅÄÖ-]*(?:nämnd(?:en)?|styrelse(?:n)?|fullmäktige))\b",
    re.IGNORECASE,
)
_SCORE = re.compile(
    r"(?<![\wåäöÅÄÖ])(?:(?P<long>(?i:sannolikhet|konsekvens|riskvärde|risktal))\s*[:=]?\s*"
    r"|(?P<short>S|K|RV)\s*[:=]\s*)(?P<n>\d{1,3})(?!\d|[,.]\d)"
)
_SCORE_KEY = {"s": "sannolikhet", "k": "konsekvens", "rv": "riskvärde", "risktal": "riskvärde"}
_CELLS = re.compile(r"\t|\s*\|\s*|\s{2,}")
_PROCESS_FROM = 'processen framgår inte; rubriken "{}" (rad {}) används som process'


def scores(text: str) -> tuple[dict[str, int], str, int | None]:
    """Sannolikhet, konsekvens and riskvärde stated in a text, the text left, where they start."""
    values: dict[str, int] = {}
    start = None
    for m in _SCORE.finditer(text):
        word = (m["long"] or m["short"]).lower()
        values.setdefault(_SCORE_KEY.get(word, word), int(m["n"]))
        start = m.start() if start is None else start
    return values, _SCORE.sub(" ", text), start


def contents_entries(text: str) -> list[str] | None:
    """The entries of a contents line (`Title ... 9`, several may stand on one line), or None."""
    found = list(CONTENTS_ENTRY.finditer(text)) if ".." in text else []
    if not found:
        return None
    tail = text[found[-1].end() :].strip()
    return [m["title"].strip() for m in found] + ([tail] if tail else [])


def first_sentence(text: str) -> tuple[str, str]:
    """A risk's name (its first sentence, without the full stop) and the text after it."""
    m = re.match(r"(.+?[.!?])\s+(?=[A-ZÅÄÖ])", text)
    name, rest = (m[1], text[m.end() :]) if m else (text, "")
    return name.removesuffix("."), rest


def title_like(text: str) -> bool:
    """Short, capitalised, one sentence at most: a heading or a title, not running text."""
    return len(text) <= 160 and text[:1].isupper() and not re.search(r"[.!?]\s+[A-ZÅÄÖ]|:$", text)


def same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(re.sub(r"[^\wåäö ]", " ", s.casefold()).split())

    return norm(a) == norm(b)


def sections(*items: tuple[str, str]) -> list[tuple[re.Pattern[str], str]]:
    """(heading pattern, mode); a heading may carry a chapter number and text after it."""
    return [
        (re.compile(rf"^(?:\d+(?:\.\d+)*\.?\s+)?(?P<head>{p})(?P<rest>\s.*)?$"), mode)
        for p, mode in items
    ]


class Fields:
    """The names a reader knows, as column headers (`Process Risk Sannolikhet …`) and as labels
    (`Process: …`, `S=3`, or a label opening a flattened line without its colon)."""

    def __init__(self, columns: Columns) -> None:
        self.columns = [(re.compile(rf"(?:{p})(?=[\s|:]|$)", re.IGNORECASE), f) for p, f in columns]
        alternatives = "|".join(p for p, _ in columns)
        self.label = re.compile(rf"(?:^|(?<=\s))(?P<label>{alternatives})\s*[:=]\s*", re.I)
        self.bare_label = re.compile(rf"^(?P<label>{alternatives})(?:\s+(?P<value>[A-ZÅÄÖ\d].*))?$")

    def key(self, name: str) -> str | None:
        found = [(m[0], key) for pattern, key in self.columns if (m := pattern.match(name))]
        return max(found, key=lambda f: len(f[0]))[1] if found else None

    def names(self, text: str) -> Names | None:
        """The column names a text is made of, or None when anything else stands in it."""
        out: Names = []
        rest = text.strip(" \t|")
        while rest:
            found = [(m[0], key) for pattern, key in self.columns if (m := pattern.match(rest))]
            if not found:
                return None
            out.append(max(found, key=lambda f: len(f[0])))
            rest = rest[len(out[-1][0]) :].lstrip(" \t|:")
        return out

    def header_at(self, lines: list[Line], i: int) -> tuple[Names, int] | None:
        """The columns of a header row at lines[i] (the normaliser may have split it), its end."""
        names = self.names(lines[i].text)
        j = i + 1
        while names is not None and j < len(lines) and lines[j].number == lines[i].number:
            if (more := self.names(lines[j].text)) is None:
                break
            names, j = names + more, j + 1
        if names is None or len(names) < 3 or sum(key is not None for _, key in names) < 2:
            return None
        return names, j

    def pairs(self, text: str) -> list[tuple[str | None, str, str]] | None:
        """(field, value, the pair's text) for each label, when the line starts with one."""
        found = list(self.label.finditer(text))
        if not found or found[0].start() != 0:
            return None
        ends = [m.start() for m in found[1:]] + [len(text)]
        return [
            (self.key(m["label"]), text[m.end() : end].strip(), text[m.start() : end].strip())
            for m, end in zip(found, ends, strict=True)
        ]

    def bare(self, text: str) -> tuple[str | None, str] | None:
        m = self.bare_label.match(text)
        return (self.key(m["label"]), m["value"] or "") if m else None


def _fits(keys: list[str | None], cells: list[str]) -> bool:
    """Numbers (or a word) in the value columns, and no bare number in a text column."""
    return all(
        re.fullmatch(r"\d{1,3}|[\wåäö]{0,12}", cell) if key in NUMERIC else not cell.isdigit()
        for key, cell in zip(keys, cells, strict=True)
    )


def numeric_run(pairs: list[tuple[str | None, str, str]]) -> list[tuple[str | None, str, str]]:
    """The labelled values at the start of `pairs` that are risk values (S, K, riskvärde)."""
    end = next((i for i, (key, _, _) in enumerate(pairs) if key not in NUMERIC), len(pairs))
    return pairs[:end]


def cells(keys: list[str | None], text: str) -> tuple[list[str], str] | None:
    """The cells of a table row, and how they were told apart when the separators did not."""
    text = text.strip().strip("|").strip()
    parts = [c.strip() for c in _CELLS.split(text)]
    numeric = [i for i, key in enumerate(keys) if key in NUMERIC]
    if len(parts) == len(keys):
        return parts, ""
    if numeric and len(parts) == len(keys) - 1 > 1:  # an empty first or last cell, lost
        fits = [
            (c, e) for c, e in (([""] + parts, "första"), (parts + [""], "sista")) if _fits(keys, c)
        ]
        return fits[0] if len(fits) == 1 else None
    if len(parts) != 1 or not numeric or numeric != list(range(numeric[0], numeric[-1] + 1)):
        return None
    before, after = numeric[0], len(keys) - numeric[-1] - 1
    if before > 1 or after > 1:
        return None  # which words belong to which cell cannot be told
    pattern = (r"(.+?)\s+" if before else "") + r"\s+".join([r"(\d{1,3})"] * len(numeric))
    m = re.fullmatch(pattern + (r"(?:\s+(.+))?" if after else ""), text)
    return ([g or "" for g in m.groups()], "numbers") if m else None


def base_data(
    lines: list[Line], source: str, head: Head, kind: str, report: ImportReport, smap: SourceMap
) -> dict[str, Any]:
    """dokument, år, nämnd, enhet, förvaltning, datum: from the head, else from the text itself."""
    first = lines[0].number if lines else 1
    if head.year is None:
        raise InputError(
            source,
            "handlingen anger inte vilket år den gäller; ange året med --year",
            "the document does not state its year; give it with --year",
            line=first,
        )
    data: dict[str, Any] = {"dokument": kind, "år": head.year}
    smap.lines[("år",)] = head.year_line or first
    stated: dict[str, tuple[str, int]] = {}
    for line in lines:
        if (m := HEAD_LABEL.match(line.text)) and m["value"].strip():
            stated.setdefault(m["label"], (m["value"].strip(), line.number))
    if "År" in stated and stated["År"][0] != str(head.year):
        report.notes.append((stated["År"][1], f'texten anger "År: {stated["År"][0]}"'))
    committee, where = head.committee, first
    if committee is None:
        found = stated.get("Nämnd") or stated.get("Styrelse") or stated.get("Organisation")
        for line in lines if found is None else ():
            if m := ADOPTED_BY.search(line.text):
                found = (m["body"][0].upper() + m["body"][1:], line.number)
                break
        if found is None:
            raise InputError(
                source,
                "handlingen anger inte vilken nämnd eller styrelse den gäller; "
                "ange den med --nämnd",
                "the document does not state its committee; give it with --nämnd",
                line=first,
            )
        committee, where = found
        report.notes.append((where, f'nämnden "{committee}" enligt texten på rad {where}'))
    data["nämnd"] = committee
    smap.lines[("nämnd",)] = where
    if head.administration:
        data["förvaltning"] = head.administration
    unit = (head.unit, first) if head.unit else stated.get("Enhet")
    if unit is None:
        unit = (committee, where)
        report.notes.append((where, f"handlingen gäller nämnden: enhet satt till {committee}"))
    data["enhet"], smap.lines[("enhet",)] = unit
    if head.date:
        data["datum"] = head.date
    return data


@dataclass
class Block:
    """One element being read: its fields, the line of each, the text it took, its notes."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    taken: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)

    def put(self, key: str, value: Any, line: int, append: bool = False) -> None:
        if append and isinstance(self.fields.get(key), str):
            self.fields[key] = join_lines([self.fields[key], value])
        else:
            self.fields[key], self.lines[key] = value, line


@dataclass
class Context:
    """The process the elements that follow belong to, and the note when the text did not say so."""

    process: str
    line: int
    why: str | None = None


class Reader:
    """What both readers do: contents, headings, header rows, labelled and wrapped values; each
    reader's `body` reads the rest. Every line is placed (counted) or listed as not placed."""

    fields: Fields
    sections: list[tuple[re.Pattern[str], str]]
    title: re.Pattern[str]  # the document's own title line
    text_fields: tuple[str, ...]
    heading_as_process = False

    def __init__(self, report: ImportReport, counting: bool = True, known: tuple[str, ...] = ()):
        self.report, self.counting, self.known = report, counting, known
        self.mode = "preamble"
        self.heading: tuple[str, int] | None = None
        self.context: Context | None = None
        self.pending: tuple[str, int] | None = None  # a title: a sub-heading or an element
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.field: str | None = None  # the labelled field wrapped lines continue
        self.keys: list[str | None] | None = None  # the columns of the table being read
        self.header_line: int | None = None
        self.rows = 0
        self.headers: list[tuple[int, list[str]]] = []  # (line, column names as written)

    def structure(self, text: str) -> None:
        if self.counting:
            self.report.placed_chars += len(text)

    def place(self, line: int, text: str, block: Block | None = None) -> None:
        self.structure(text)
        if (target := block or self.block) is not None:
            target.taken.append((line, text))

    def unplace(self, line: int, text: str) -> None:
        if self.counting and text.strip():
            self.report.unplaced.append((line, text.strip()))

    def note(self, line: int, text: str) -> None:
        if self.counting:
            self.report.notes.append((line, text))

    def feed(self, lines: list[Line], i: int) -> int:
        """Read lines[i] (with the parts of a header row after it); the index to read next."""
        text, n = lines[i].text, lines[i].number
        if HEAD_LABEL.match(text) or self.title.match(text) or text in self.known:
            self.structure(text)
            return i + 1
        if (entries := contents_entries(text)) is not None:
            self.structure(text)
            self.contents(n, entries)
            return i + 1
        if (header := self.fields.header_at(lines, i)) is not None:
            context = self.context  # a process named above the table holds for its rows
            self.new_section(None, "table")
            names, j = header
            self.keys, self.context = [key for _, key in names], context
            if unused := [name for name, key in names if key is None]:
                self.note(n, f"kolumnen {' och '.join(unused)} har ingen plats i modellen")
            self.header_line, self.rows = n, 0
            if self.counting:
                self.headers.append((n, [name for name, _ in names]))
            self.structure(" ".join(line.text for line in lines[i:j]))
            return j
        for pattern, mode in self.sections:
            m = pattern.match(text)
            if m and (not m["rest"] or m["rest"].lstrip()[:1].isupper()):
                self.new_section((m["head"], n), mode)
                self.structure(text[: m.start("rest")] if m["rest"] else text)
                text = (m["rest"] or "").strip()
                break
        if text:
            self.body(n, text)
        return i + 1

    def contents(self, n: int, entries: list[str]) -> None:
        """The entries of a contents line (placed already)."""

    def body(self, n: int, text: str) -> None:
        raise NotImplementedError

    def end_section(self) -> None:
        """Whatever the section still holds, read before the next one starts."""

    def new_section(self, heading: tuple[str, int] | None, mode: str) -> None:
        self.end_section()
        self.flush_pending()
        self.block = self.field = self.keys = self.context = None
        self.mode = mode
        if heading is not None:
            self.heading = heading

    def flush_pending(self, as_context: bool = False) -> None:
        """The title waiting: the heading of what follows, or (when nothing took it) not placed."""
        if self.pending is not None:
            title, line = self.pending
            self.pending = None
            if as_context:
                self.context = Context(title, line, _PROCESS_FROM.format(title, line))
                self.structure(title)
            else:
                self.unplace(line, title)

    def new_block(self, n: int, process: str = "") -> Block:
        """An element, with its process stated, else from the context, else the heading."""
        self.block, self.field = Block(n), None
        self.blocks.append(self.block)
        if process:
            self.block.put("process", process, n)
        elif (ctx := self.context) is not None:
            self.block.put("process", ctx.process, ctx.line)
            if ctx.why:
                self.block.notes.append((n, ctx.why))
        elif self.heading is not None and self.heading_as_process:
            self.block.put("process", self.heading[0], self.heading[1])
            self.block.notes.append((n, _PROCESS_FROM.format(*self.heading)))
        return self.block

    def continues(self, n: int, text: str) -> bool:
        """A wrapped line of the labelled value above, or a value after a label without a colon."""
        if self.block is None:
            return False
        bare = self.fields.bare(text)
        if bare is not None and bare[0] in self.text_fields and bare[0] != "process":
            self.block.put(bare[0], bare[1], n)
            self.field = bare[0]
            self.place(n, text)
            return True
        before = str(self.block.fields.get(self.field or "", ""))
        if self.field is None or (before and not text[:1].islower() and before[-1:] in ".!?"):
            return False
        self.block.put(self.field, text, n, append=bool(before))
        self.place(n, text)
        return True

    def not_placed(self, n: int, text: str) -> None:
        """A line no reading fits; in a table, a row whose cells cannot be told apart says so."""
        self.field = None
        if self.keys is not None and re.search(r"\t|\||\s{2}|\s\d{1,3}(?:\s|$)", text):
            self.note(n, f"raden kan inte delas i tabellens {len(self.keys)} kolumner")
        self.unplace(n, text)

    def stated(self, n: int, text: str) -> dict[str, str] | None:
        """The cells of a table row by field, or None when the row cannot be read as one."""
        assert self.keys is not None
        got = cells(self.keys, text)
        if got is None:
            return None
        if got[1] == "numbers":
            self.note(n, "cellerna skiljs bara av mellanslag: raden delad vid talen")
        elif got[1]:
            self.note(
                n, f"raden har en cell för lite: den {got[1]} tolkad som tom (talen visar det)"
            )
        self.rows += 1
        return {k: c for k, c in zip(self.keys, got[0], strict=True) if k and c not in "-–"}

    def finish(self, required: str) -> list[Block]:
        """The elements read whole; the rest listed as not placed, with why."""
        self.new_section(None, "end")
        kept = []
        for block in self.blocks:
            if block.fields.get(required):
                kept.append(block)
                continue
            self.note(block.line, f"{required} framgår inte; inte läst")
            for line, text in block.taken:
                self.report.placed_chars -= len(text) if self.counting else 0
                self.unplace(line, text)
        if self.header_line is not None and not self.rows:
            self.note(self.header_line, "tabellen har inga rader i texten")
        return kept
