"""An internal-control plan as text → an `internkontrollplan` document.

Layouts read, from lines already normalised (`checks.importers.text.normalise` with `HEADINGS`):

* a header row naming the columns (`Process/rutin/system Kontrollmoment Riskvärde Kontrollmetod
  Kontrollansvarig …`), then a row a line (see `fields.cells` for how cells are told apart);
* labelled controls: `Process:`, `Kontrollmoment:`, `Kontrollmetod:`, `Frekvens:`, `Ansvarig:`,
  `Rapporteras till:`, `Resultat:`, `Risk: …` and the inline Stratsys `Riskvärde: N (Sannolikhet:
  s, Konsekvens: k)`; a label without its colon opening a flattened line is read too;
* the Stratsys export `Fas: Intern kontroll Inmatning Rapportperiod: … Organisation: …`: a process
  tree under a category in capitals (`LEDNINGSPROCESSER …`), then `Risk för …` with its text;
* the Malmö template: `Inbyggda kontroller - <område>` with its processes, `Åtgärder`, `Nämndens
  granskningar` and `Kommungemensamma granskningar`, where a granskning is a risk title and a
  granskning title; read from the body, and from the contents where the body does not have it;
* a narrative plan: its text has no place in the model and is listed as not placed.

A control's risk is named, not linked: the import notes it (the risk analysis holds the risk and
its value; `risker:` takes the risk's id). Nothing is invented: a field the text does not state
stays out, and a control needs a process the text gives.
"""

from __future__ import annotations

import re

from checks.importers import Imported, ImportReport
from checks.importers.fields import (
    NUMERIC,
    Context,
    Fields,
    Reader,
    base_data,
    contents_entries,
    first_sentence,
    numeric_run,
    same_name,
    scores,
    sections,
    title_like,
)
from checks.importers.text import Head, Line
from checks.loading import SourceMap

HEADINGS: tuple[str, ...] = (
    "Innehållsförteckning", "Innehåll", "Inledning", "Ansvar", "Bakgrund", "Sammanfattning",
    "Förslag till beslut", "Bilagor", "Inbyggda kontroller", "Åtgärder", "Direktåtgärder",
    "Granskningar", "Nämndens granskningar", "Kommungemensamma granskningar",
    "Kommungemensamma granskningsområden", "Fas:", "Rapportperiod:", "Organisation:",
    "LEDNINGSPROCESSER", "KÄRNPROCESSER", "HUVUDPROCESSER", "STÖDPROCESSER", "Risk för",
    "Process/rutin/system", "Process", "Kontrollmoment", "Kontrollmetod", "Metod", "Frekvens",
    "Kontrollfrekvens", "Kontrollansvarig", "Ansvarig", "Rapporteras till", "Rapportering till",
    "Riskvärde", "Tidpunkt för", "Resultat", "År:", "Nämnd:", "Enhet:",
)  # fmt: skip
CONTROL_ORDER = (
    "process", "kontrollmoment", "metod", "frekvens", "ansvarig", "rapporteras_till", "riskvärde",
    "resultat",
)  # fmt: skip
_CATEGORY = re.compile(r"^(?P<category>[A-ZÅÄÖ]{3,}PROCESSER)\b\s*(?P<rest>.*)$")
_STRATSYS = re.compile(r"^(?P<label>Fas|Rapportperiod)\s*:\s*(?P<value>.*)$")
_ITEM = re.compile(r"\s+(?=[A-ZÅÄÖ][a-zåäö])")  # a tree flattened: each item starts with a capital
_AREA = re.compile(r"^Inbyggda kontroller\s*[-–]\s*(?P<area>.+)$")
_APPENDIX = re.compile(
    r"\bBilaga\s+(?P<n>\d+)\.?\s+[^.]{0,40}?(?:intern ?kontrollplan|plan för intern kontroll)",
    re.IGNORECASE,
)


class _ControlReader(Reader):
    fields = Fields(
        (
            (r"Process(?:/rutin(?:/system)?)?|Rutin(?:/system)?|Område|Delprocess", "process"),
            (r"Kontrollmoment|Kontrollaktivitet|Kontroll", "kontrollmoment"),
            (r"Kontrollmetod|Metod", "metod"),
            (r"Frekvens|Kontrollfrekvens|Tidpunkt för kontroll", "frekvens"),
            (r"Kontrollansvarig|Ansvarig(?: för kontroll)?", "ansvarig"),
            (r"Rapporteras till|Rapportering till|Återrapportering till", "rapporteras_till"),
            (r"Resultat", "resultat"),
            (r"Risk(?:er|en)?|Risk \d{1,3}", "risk"),
            (r"Riskvärde|Risktal", "riskvärde"),
            (r"Sannolikhet", "sannolikhet"),
            (r"Konsekvens", "konsekvens"),
            (r"Tidpunkt för(?: \w+)?|Tidpunkt|Kommentar|Status|Nr", None),
        )
    )
    sections = sections(
        (r"Inbyggda kontroller(?:\s*[-–]\s*[\wåäöÅÄÖ/-]+(?:\s+[a-zåäö/][\wåäö/-]*)*)?", "builtin"),
        (
            r"Nämndens granskningar|Kommungemensamma granskningar|Granskningar"
            r"|Kommungemensamma granskningsområden|Granskningsområden",
            "review",
        ),
        (
            r"Åtgärder|Direktåtgärder|Inledning|Ansvar|Arbetsgång(?: vid \w+)?|Arbetsmetod"
            r"|Ansvarsfördelning(?: mellan \w+ och \w+)?|Bakgrund|Sammanfattning|Bilagor"
            r"|Förslag till beslut|Innehållsförteckning|Innehåll",
            "prose",
        ),
    )
    title = re.compile(
        r"^(?:\d+\s+)?(?:Intern ?kontrollplan|Plan för intern kontroll|Uppföljning (?:av )?intern "
        r"kontroll|Intern kontroll)(?:\s+(?:19|20)\d{2})?$",
        re.IGNORECASE,
    )
    text_fields = CONTROL_ORDER

    def __init__(self, report: ImportReport, counting: bool = True, known: tuple[str, ...] = ()):
        super().__init__(report, counting, known)
        self.titles: list[tuple[str, int]] = []  # granskning titles not yet made controls
        self.area: tuple[str, int] | None = None  # the area of Inbyggda kontroller
        self.area_used = False
        self.tree_open = False  # a process category seen, its first process not yet
        self.toc = _ControlReader(report, counting=False) if counting else None

    def contents(self, n: int, entries: list[str]) -> None:
        for entry in entries:
            if self.toc is not None:
                self.toc.feed([Line(n, entry)], 0)

    def new_section(self, heading: tuple[str, int] | None, mode: str) -> None:
        super().new_section(heading, mode)
        m = _AREA.match(heading[0]) if heading is not None and mode == "builtin" else None
        self.area = (m["area"].strip(), heading[1]) if m and heading is not None else None
        self.area_used = False

    def end_section(self) -> None:
        self.flush_titles()
        if self.area is not None and not self.area_used:
            area, line = self.area
            block = self.new_block(line, area)
            block.notes.append((line, f'inbyggda kontroller inom "{area}" (området som process)'))
        self.area = None

    def body(self, n: int, text: str) -> None:
        if (m := _STRATSYS.match(text)) is not None:
            self.stratsys(n, text, m["label"], m["value"].strip())
        elif (m := _CATEGORY.match(text)) is not None:
            self.flush_titles()
            self.block, self.field, self.mode = None, None, "stratsys"
            items = [item for item in _ITEM.split(m["rest"]) if item]
            self.tree_open = not items
            if items:
                self.tree(n, m["category"], items)
            self.structure(text)
        elif self.keys is not None and (stated := self.stated(n, text)) is not None:
            self.row(n, text, stated)
        elif (pairs := self.fields.pairs(text)) is not None:
            self.flush_titles()
            self.labelled(n, pairs)
        elif self.mode == "review" and (title_like(text) or text[:1].islower() and self.titles):
            if text[:1].islower():  # the title above was the first line of running text
                title, line = self.titles.pop()
                self.unplace(line, title)
                self.unplace(n, text)
            else:
                self.titles.append((text, n))
        elif self.mode == "builtin" and title_like(text) and not text.endswith("."):
            block = self.new_block(n, text)
            area = f' inom "{self.area[0]}"' if self.area else ""
            block.notes.append((n, f'inbyggda kontroller{area} i "{text}"'))
            self.area_used = True
            self.place(n, text)
        elif self.mode == "stratsys" and title_like(text) and not text.endswith("."):
            if self.tree_open:
                self.tree(n, "", [text])
                self.tree_open = False
            self.structure(text)
        elif (
            text.startswith("Risk för")
            and self.mode != "review"
            and (self.mode == "stratsys" or self.context is not None or self.block is not None)
        ):
            name, tail = first_sentence(text)
            self.risk(n, name)
            self.place(n, name)
            self.unplace(n, tail)
        elif not self.continues(n, text):
            self.flush_titles()
            self.not_placed(n, text)

    def stratsys(self, n: int, text: str, label: str, value: str) -> None:
        self.structure(text)
        if label == "Fas":
            self.new_section(None, "stratsys")
            self.note(n, f"Stratsys-export, fas: {value or 'tom'}")
        elif not value:
            self.note(n, "rapportperioden är tom")

    def tree(self, n: int, category: str, items: list[str]) -> None:
        under = f"; under den: {', '.join(items[1:])}" if items[1:] else ""
        where = f"{category} › " if category else ""
        why = f'processen "{items[0]}" ur processträdet ({where}{items[0]}{under})'
        self.context = Context(items[0], n, why)

    def risk(self, n: int, name: str) -> None:
        if self.block is None or "risk" in self.block.fields:
            self.new_block(n)
        assert self.block is not None
        self.block.put("risk", name, n)
        self.block.notes.append((n, f'kontrollen avser risken "{name}" (dess id hör till risker:)'))

    def labelled(self, n: int, pairs: list[tuple[str | None, str, str]]) -> None:
        for k, (key, value, piece) in enumerate(pairs):
            if key in NUMERIC:
                if k == 0 or pairs[k - 1][0] not in NUMERIC:  # the values in a row together
                    run = " ".join(p for _, _, p in numeric_run(pairs[k:]))
                    self.risk_value(n, run, scores(run)[0])
                continue
            if key == "process":
                self.block = None
                self.context = Context(value, n) if value else None
                self.new_block(n, value)
            elif key == "risk":
                self.risk(n, value)
            elif key is None or not value:
                self.unplace(n, piece)
                continue
            elif self.block is None or (key == "kontrollmoment" and key in self.block.fields):
                self.new_block(n)
            if key not in ("process", "risk") and self.block is not None:
                self.block.put(key, value, n)
                self.field = key
            self.place(n, piece)

    def risk_value(self, n: int, text: str, values: dict[str, int]) -> None:
        if self.block is None or not values:
            self.unplace(n, text)
            return
        stated = ", ".join(f"{key} {value}" for key, value in values.items())
        if "riskvärde" in values:
            self.block.put("riskvärde", values["riskvärde"], n)
        self.block.notes.append((n, f"{stated} står vid kontrollen; värdet hör till riskanalysen"))
        self.place(n, text)

    def row(self, n: int, text: str, stated: dict[str, str]) -> None:
        block = self.new_block(n, stated.get("process", ""))
        if "process" in stated:
            self.context = Context(stated["process"], n, f"processen från raden ovan (rad {n})")
        for key in CONTROL_ORDER[1:]:
            if key in stated and key != "riskvärde":
                block.put(key, stated[key], n)
        if "risk" in stated:
            self.risk(n, stated["risk"])
        values = {key: int(stated[key]) for key in NUMERIC if stated.get(key, "").isdigit()}
        if values:
            self.risk_value(n, "", values)
        self.place(n, text, block)
        self.block = None

    def flush_titles(self) -> None:
        """Granskning titles → controls: a risk title and a granskning title make one control
        where the titles alternate so (most first titles name a risk, few second ones do)."""
        titles, self.titles = self.titles, []
        firsts, seconds = titles[0::2], titles[1::2]
        risky = sum(t.startswith("Risk") for t, _ in firsts)
        paired = len(titles) % 2 == 0 and risky * 2 >= len(firsts) > 0
        paired = paired and risky > sum(t.startswith("Risk") for t, _ in seconds)
        for (risk, line), (title, at) in zip(firsts, seconds, strict=True) if paired else []:
            block = self.new_block(at, title)
            block.notes.append((line, f'granskningen "{title}" avser risken "{risk}"'))
            self.place(line, risk, block)
            self.place(at, title, block)
        for title, at in [] if paired else titles:
            block = self.new_block(at, title)
            block.notes.append((at, f'granskningen "{title}" (rubriken som process)'))
            self.place(at, title, block)


# "… de områden där risktalet är högst (över 9) valts ut …": the controls follow the risk value
_SELECTION = re.compile(
    r"[^.]*\b(?:risktal|riskvärde|riskpoäng)\w*\b[^.]*?"
    r"\b(?:över|minst|överstiger|högre än|lägst|från|högst|eller högre|och högre)\b[^.]*\.?",
    re.IGNORECASE,
)


def _selection(lines: list[Line]) -> tuple[str, int] | None:
    """The sentence that says how the controls were chosen by risk value, with its line."""
    for line in lines:
        if (m := _SELECTION.search(line.text)) is not None:
            return " ".join(m[0].split())[:300], line.number
    return None


def parse_control_plan(lines: list[Line], source: str, head: Head) -> Imported:
    """Normalised lines of an internal-control plan → an `internkontrollplan` document."""
    report = ImportReport(kind="internkontrollplan")
    smap = SourceMap()
    data = base_data(lines, source, head, "internkontrollplan", report, smap)
    report.total_chars = sum(len(line.text) for line in lines)
    reader = _ControlReader(report, known=(data["nämnd"], data["enhet"]))
    i, after_contents = 0, False
    while i < len(lines):
        text, n = lines[i].text, lines[i].number
        is_contents = contents_entries(text) is not None
        last = i + 1 == len(lines) or contents_entries(lines[i + 1].text) is not None
        if after_contents and not is_contents and last and title_like(text):
            reader.structure(text)  # an entry of the contents without its page number
            reader.contents(n, [text])
            i += 1
            continue
        after_contents = is_contents
        i = reader.feed(lines, i)
    blocks = reader.finish("process")
    assert reader.toc is not None
    extra = [
        block
        for block in reader.toc.finish("process")
        if not any(same_name(block.fields["process"], b.fields["process"]) for b in blocks)
    ]
    if extra:
        said = f"{len(extra)} kontroller bara ur innehållsförteckningen"
        report.notes.append((extra[0].line, said))
    controls = []
    for k, block in enumerate(sorted(blocks + extra, key=lambda b: b.line)):
        controls.append({key: block.fields[key] for key in CONTROL_ORDER if key in block.fields})
        smap.lines[("kontroller", k)] = block.line
        smap.lines.update(
            {("kontroller", k, key): line for key, line in block.lines.items() if key != "risk"}
        )
        report.notes += block.notes
    if reader.headers:
        line, names = reader.headers[0]
        data["kolumner"], smap.lines[("kolumner",)] = names, line
    if (selection := _selection(lines)) is not None:
        data["urval"], smap.lines[("urval",)] = selection
        report.notes.append((selection[1], f'urvalet av kontroller: "{selection[0]}"'))
    if controls:
        data["kontroller"] = controls
    report.counts = {"kontroller": len(controls)}
    if not controls:
        where = next((ln for ln in lines if _APPENDIX.search(ln.text)), None)
        said = f"; enligt rad {where.number} står planen i en bilaga" if where else ""
        report.notes.append((lines[0].number if lines else 1, f"inga kontroller i texten{said}"))
    report.notes.sort(key=lambda note: note[0])
    return Imported(data, smap, report)
