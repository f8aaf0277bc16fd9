"""A risk analysis as text → a `riskanalys` document; and the reader machinery controls shares.

Layouts read, from lines already normalised (`checks.importers.text.normalise` with `HEADINGS`):
labelled blocks (`Process: …`, `Risk: …`, `Sannolikhet: 3, Konsekvens: 4, Riskvärde: 12` or
`S=3 K=4`, `Hantering:`/`Åtgärd: …`, `Ansvarig: …`, `Motivering: …`, `Accepterad: ja`); a table
whose header row names the columns, a row a line with cells apart by tabs, `|` or two spaces (with
single spaces only where the numbers tell the cells apart); risks titled `Risk för …` (or a title
followed by its values) under `Riskanalys`, as in an RSA or a VoR, with a later `Riskmatris` and
`Åtgärder för riskerna` matched to the risks by name.

Nothing is invented: a value the text does not state stays out, and a risk value is never
computed from sannolikhet × konsekvens (the rules do that). The model requires a process: when the
text names none, the heading the risk stands under is used, and the import says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checks.importers import Imported, ImportReport
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


# --- the risk analysis ----------------------------------------------------------------------

HEADINGS: tuple[str, ...] = (
    "Innehållsförteckning", "INNEHÅLLSFÖRTECKNING", "Inledning", "Bakgrund och lagkrav",
    "Bakgrund", "Syfte och mål", "Metod", "Sammanfattning", "SAMMANFATTNING", "Riskanalys",
    "Riskmatris", "Riskbedömning", "Identifierade risker", "Åtgärder för riskerna",
    "Sårbarhetsanalys", "Åtgärder för sårbarheterna", "Resultat och slutsatser", "Bilagor",
    "Process", "Risk:", "Risk för", "Sannolikhet", "Konsekvens", "Riskvärde", "Hantering",
    "Åtgärd", "Ansvarig", "Motivering",
)  # fmt: skip
RISK_ORDER = ("process", "risk", *NUMERIC, "hantering", "accepterad", "motivering", "ansvarig")
_RISK_TITLE = re.compile(r"^Risk för\s|^Risk\s+\d{1,3}\s*[:.]\s*")
_YES_NO = re.compile(r"(?i)(ja|x|nej)$")


class _RiskReader(Reader):
    fields = Fields(
        (
            (r"Process(?:/rutin(?:/system)?)?|Verksamhet(?:sområde)?|Område|Delprocess", "process"),
            (r"Risk(?:en|beskrivning)?|Identifierad risk|Händelse|Risk \d{1,3}", "risk"),
            (r"Sannolikhet|S", "sannolikhet"),
            (r"Konsekvens|K", "konsekvens"),
            (r"Riskvärde|Risktal|RV|S ?[x×*] ?K", "riskvärde"),
            (r"Hantering|Åtgärd(?:er)?|Riskhantering|Åtgärd/hantering", "hantering"),
            (r"Ansvarig|Riskägare", "ansvarig"),
            (r"Motivering", "motivering"),
            (r"Accepterad|Accepteras", "accepterad"),
            (r"Nr|Kommentar|Väsentlighet", None),
        )
    )
    sections = sections(
        (r"Riskmatris(?:en)?|Riskbedömning(?:ar)?|Bedömning av riskerna", "matrix"),
        (r"Åtgärder för riskerna|Åtgärder|Riskhantering|Handlingsplan", "measures"),
        (r"Riskanalys|Identifierade risker|Risker|Väsentlighets- och riskanalys", "risks"),
        (
            r"Innehållsförteckning|INNEHÅLLSFÖRTECKNING|Innehåll|Inledning|Bakgrund(?: och "
            r"lagkrav)?|Syfte och mål|Syfte|Metod|Sammanfattning|SAMMANFATTNING|Resultat och "
            r"slutsatser|Sårbarhetsanalys|Åtgärder för sårbarheterna|Bilagor",
            "prose",
        ),
    )
    title = re.compile(
        r"^(?:\d+\s+)?(?:[\w -]{0,80}?s\s+)?(?:risk- och (?:sårbarhets|väsentlighets)analys"
        r"|riskanalys|väsentlighets- och riskanalys)\b[\w ]{0,60}?(?:19|20)\d{2}$",
        re.IGNORECASE,
    )
    text_fields = ("process", "risk", "hantering", "ansvarig", "motivering")
    heading_as_process = True

    def body(self, n: int, text: str) -> None:
        values, rest, start = scores(text)
        if self.keys is not None and (stated := self.stated(n, text)) is not None:
            self.row(n, text, stated)
        elif (pairs := self.fields.pairs(text)) is not None:
            self.labelled(n, pairs)
        elif values and start == 0:
            self.score_line(n, text, values, rest)
        elif self.mode not in ("prose", "measures") and (
            _RISK_TITLE.match(text)
            or (values and start and self.mode != "preamble" and text[:start].strip(" :–-,("))
        ):
            name, tail = first_sentence(text[:start].rstrip(" :–-,(") if start else text)
            self.flush_pending(as_context=True)
            self.risk(n, re.sub(r"^Risk\s+\d{1,3}\s*[:.]\s*", "", name), values)
            self.place(n, text.replace(tail, "", 1) if tail else text)
            self.unplace(n, tail)
        elif self.mode == "measures" and self.measure(n, text) or self.continues(n, text):
            return
        elif self.mode in ("risks", "matrix") and title_like(text) and text[-1:] != ".":
            self.flush_pending()
            self.pending = (text, n)
        else:
            self.flush_pending(as_context=self.mode in ("risks", "matrix"))
            self.not_placed(n, text)

    def risk(self, n: int, name: str, values: dict[str, int], process: str = "") -> Block:
        """A new risk, or the risk of the same name read before (the values join it)."""
        for block in self.blocks:
            stated = process in ("", block.fields.get("process"))
            if same_name(block.fields["risk"], name) and stated:
                self.block, self.field = block, None
                break
        else:
            block = self.new_block(n, process)
            block.put("risk", name.strip(), n)
            for key, value in values.items():
                block.put(key, value, n)
            return block
        for key, value in values.items():  # the values of a risk named again, further on
            if key not in block.fields:
                block.put(key, value, n)
                block.notes.append((n, f"{key} {value} förd till risken på rad {block.line}"))
            elif block.fields[key] != value:
                was = f"{block.fields[key]} på rad {block.lines[key]}"
                block.notes.append((n, f"{key} {value} här men {was}; det första gäller"))
        return block

    def score_line(self, n: int, text: str, values: dict[str, int], rest: str) -> None:
        if self.pending is not None:  # the title above is the risk these values belong to
            title, line = self.pending
            self.pending = None
            self.risk(line, title, {})
            self.place(line, title)
        if self.block is None or any(key in self.block.fields for key in values):
            self.unplace(n, text)
            return
        for key, value in values.items():
            self.block.put(key, value, n)
        left = re.sub(r"[\s,;()/×x*=–-]+", " ", rest).strip()
        self.place(n, text[: len(text) - len(left)])
        self.unplace(n, left)

    def labelled(self, n: int, pairs: list[tuple[str | None, str, str]]) -> None:
        for k, (key, value, piece) in enumerate(pairs):
            if key in NUMERIC:
                if k == 0 or pairs[k - 1][0] not in NUMERIC:  # the values in a row together
                    run = " ".join(p for _, _, p in numeric_run(pairs[k:]))
                    self.score_line(n, run, *scores(run)[:2])
                continue
            if key == "process" and value:
                self.new_section(None, self.mode)
                self.context = Context(value, n)
                self.structure(piece)
            elif key == "risk" and value:
                values, _, start = scores(value)
                self.flush_pending(as_context=True)
                self.risk(n, value[:start].rstrip(" ,;(") if start else value, values)
                self.place(n, piece)
            elif key is None or self.block is None or not value:
                self.unplace(n, piece)
            elif key == "accepterad" and not _YES_NO.match(value):
                self.unplace(n, piece)
            else:
                self.block.put(key, value.lower() != "nej" if key == "accepterad" else value, n)
                self.field = key if key in self.text_fields else None
                self.place(n, piece)

    def row(self, n: int, text: str, stated: dict[str, str]) -> None:
        if "risk" not in stated:
            if set(stated) == {"process"}:  # a row naming the process of the rows below
                self.context = Context(stated["process"], n)
                self.structure(text)
            else:
                self.unplace(n, text)
            return
        values = {k: int(stated[k]) for k in NUMERIC if stated.get(k, "").isdigit()}
        block = self.risk(n, stated["risk"], values, stated.get("process", ""))
        for key in sorted(set(NUMERIC) & set(stated) - set(values)):
            block.notes.append((n, f'{key} "{stated[key]}" är inget heltal; utelämnat'))
        if "process" in stated:
            self.context = Context(stated["process"], n, f"processen från raden ovan (rad {n})")
        for key in ("hantering", "ansvarig", "motivering"):
            if key in stated:
                block.put(key, stated[key], n)
        if _YES_NO.match(stated.get("accepterad", "")):
            block.put("accepterad", stated["accepterad"].lower() != "nej", n)
        self.place(n, text, block)
        self.block = None

    def measure(self, n: int, text: str) -> bool:
        """`<risk>: <åtgärd>` under Åtgärder för riskerna: the åtgärd is the risk's hantering."""
        m = re.match(r"(?P<name>.+?)(?::\s+|\s+[–-]\s+)(?P<what>\S.*)$", text)
        for block in self.blocks if m is not None else []:
            assert m is not None
            if same_name(block.fields["risk"], m["name"]) and "hantering" not in block.fields:
                block.put("hantering", m["what"], n)
                block.notes.append((n, "åtgärden ur avsnittet om åtgärder"))
                self.place(n, text, block)
                return True
        return False


def parse_risk_analysis(lines: list[Line], source: str, head: Head) -> Imported:
    """Normalised lines of a risk analysis (ROV, VoR or RSA) → a `riskanalys` document."""
    report = ImportReport(kind="riskanalys")
    smap = SourceMap()
    data = base_data(lines, source, head, "riskanalys", report, smap)
    report.total_chars = sum(len(line.text) for line in lines)
    reader = _RiskReader(report, known=(data["nämnd"], data["enhet"]))
    i = 0
    while i < len(lines):
        i = reader.feed(lines, i)
    risks = []
    for k, block in enumerate(reader.finish("process")):
        risks.append({key: block.fields[key] for key in RISK_ORDER if key in block.fields})
        smap.lines[("risker", k)] = block.line
        smap.lines.update({("risker", k, key): line for key, line in block.lines.items()})
        report.notes += block.notes
    if risks:
        data["risker"] = risks
    scored = sum(1 for r in risks if "sannolikhet" in r and "konsekvens" in r)
    report.counts = {"risker": len(risks), "risker med sannolikhet och konsekvens": scored}
    if not risks:
        first = lines[0].number if lines else 1
        report.notes.append((first, "inga risker i texten (de kan stå på senare sidor)"))
    report.notes.sort(key=lambda note: note[0])
    return Imported(data, smap, report)
