"""A four-month or annual report as normalised lines → a `tertialrapport` or `årsrapport` document.

The reader follows the headings it knows (`HEADINGS`); it reads assessments as a block
(`Åtagande:` / `Bedömning:` / `Analys:` / `Åtgärder:` / `Indikatorer:`) or, under a goal heading,
as a row ending in its grade (`Trygg vård – uppnås delvis`, `Trygg vård  Grön`, `Trygg vård 😐`),
indicator rows under `Indikator  Utfall  Årsmål`, and the economy from sentences and label lines.
It never invents a value: a colour or emoji means what the document's own legend (`Grön = …`)
says, else it stays as written; amounts become tkr with the sign as written (`+`, `−`, `-9,3`,
`minus`, `plus`, underskott/överskott), while a dash and a space before a figure is a list dash
and a lone dash no amount; `budget_netto`/`utfall_netto` are net costs, so only figures stated as
net go there (never a result, never arithmetic); a figure the text lost ("till mnkr") or a run of
figures stripped of their headers is a note. The economy is read in `checks.importers.economy`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from checks.facts.followup_text import any_sign
from checks.importers import Imported, ImportReport
from checks.importers.detect import read_head
from checks.importers.economy import NET, EconomyReader, rounded, sentences, short
from checks.importers.fields import HEAD_LABEL
from checks.importers.text import Head, Line, join_lines
from checks.loading import InputError, SourceMap

_SECTION_WORDS = {
    "summary": "Sammanfattning|SAMMANFATTNING|Sammanfattande bedömning",
    "goals": "Sammanfattning av måluppfyllelse|Måluppfyllelse|Måluppföljning|Mål och delmål|"
    "Mål för verksamheten|Åtaganden|Uppföljning av åtaganden",
    "indicators": "Indikatorer",
    "economy": "Ekonomi|EKONOMI|Ekonomiskt utfall|Ekonomiskt resultat|Ekonomisk uppföljning",
    "complaints": "Synpunkter och klagomål",
    "equality": "Jämställdhet och mångfald",
    "toc": "Innehållsförteckning|INNEHÅLL",
    "guide": "Läsanvisning|Färgförklaring|Teckenförklaring",
    "other": "Förslag till beslut|Bakgrund|Ärendet|Ärendebeskrivning|Beskrivning av ärendet|"
    "Ärendets beredning|Beslutsunderlag|Expedieras till|Bilagor|Yrkande|Ajournering",
}
SECTIONS = {h: kind for kind, words in _SECTION_WORDS.items() for h in words.split("|")}
HEADINGS: tuple[str, ...] = (*SECTIONS, "Åtagande", "ÅTAGANDE", "Bedömning", "Analys", "Åtgärder")
TEXTS = {"summary": "sammanfattning", "economy": "förklaring"}  # sections kept as text
TEXTS |= {"complaints": "synpunkter_och_klagomål", "equality": "jämställdhet_och_mångfald"}
TEXTS |= {"guide": "teckenförklaring"}

_HEADING = re.compile(
    "^(?P<h>" + "|".join(sorted(SECTIONS, key=len, reverse=True)) + r")(?=\s|:|$)[\s:]*(?P<rest>.*)"
)
_TOC = re.compile(r"(\.{2,})\s*\d{1,3}\b|(?<=\S)\s\d{1,3}(?=\s+[A-ZÅÄÖ]|\s*$)")
_BLOCK = re.compile(
    r"^(?:[-•*]\s+)?(?:(?P<title>ÅTAGANDE|Åtagande|NÄMNDMÅL|Nämndmål|Delmål|Mål(?: \d+(?:\.\d+)*)?)"
    r"|(?P<field>Bedömning|Analys|Åtgärder|Indikatorer))\s*(?::\s*(?P<rest>.*)|$)"
)
_EMOJI = "[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?"
_STATUS = f"(?:Grön|Gul|Röd|Blå|Grå|Orange|{_EMOJI})"
_LEGEND = re.compile(
    rf"(?P<key>{_STATUS})\s*=\s*(?P<meaning>.+?)"
    rf"(?=\.(?:\s|$)|\s+{_STATUS}\s*=|(?<=[a-zåäö])\s+[A-ZÅÄÖ]|$)\.?"
)
_NO_AMOUNT = re.compile(r"(?<!\S)[-–]\s*=\s*inget belopp", re.I)
_ROW = re.compile(
    rf"^(?:[-•*]\s+)?(?P<name>.+?)(?:\s*[:–—|]\s*|\s{{2,}}|\s+(?=[A-ZÅÄÖ]|{_EMOJI})|(?={_EMOJI}))"
    r"(?P<grade>(?i:(?:delvis |ej |inte )?(?:uppfyllt|uppnått)|uppnås(?: delvis| ej| inte)?)"
    rf"|{_STATUS})\s*\.?$"
)
_GRADE = r"(?:uppfyll|uppnå)\w*"
_CANON = (
    (rf"\bdelvis\s+{_GRADE}|\b{_GRADE}\s+delvis\b", "delvis uppfyllt"),
    (rf"\b(?:ej|inte)\s+(?:bli\s+)?{_GRADE}|\b{_GRADE}\s+(?:ej|inte)\b", "ej uppfyllt"),
    (rf"\b{_GRADE}", "uppfyllt"),
)
_COUNT = re.compile(rf"(?=.*\b(?:\d+|två|tre|fyra|fem)\b.*\b{_GRADE})(?=.*(?:mål|av dessa))", re.I)
_IND_HEADER = re.compile(r"^Indikator(?:er|n)?\b(?=.*\bUtfall\b)(?P<cols>.*)$")
_VAL = r"(?:[-+−]?\d{1,3}(?: \d{3})*(?:,\d+)?\s?%?|[-+−]?\d+(?:,\d+)?\s?%?|[-–])"
_VALUES = re.compile(rf"(?<!\S){_VAL}(?:\s+{_VAL})*(?!\S)")
_LABEL_LINE = re.compile(  # "Budget netto 24 300", "(tkr)": read as figures, not kept as text
    r"^(?:[-•*]\s+)?(?:\(?(?:tkr|mnkr|mkr)\)?|(?:(?:helårs)?prognos|budget|utfall|avvikelse|"
    r"nettokostnad)\w*\b[^.]{0,40})$",
    re.I,
)
_TERTIAL = re.compile(
    r"\b(?:per\s+(?:den\s+)?(?:30\s+)?|januari\s*[-–—]?\s*|t\.?\s?o\.?\s?m\.?\s+|till och med\s+)"
    r"(?P<m>april|augusti)\b|\b(?:[Dd]elårsrapport|[Tt]ertialrapport|[Tt]ertial|[Dd]elårsbokslut)"
    r"\s+(?P<n>[12]|II|I)\b|\bT(?P<t>[12])\b"
)

# A report after the first quarter ("per mars", "mätperioden på tre månader") falls in the first
# four-month period: read only where the text states no tertial.
_QUARTER = re.compile(
    r"\bper\s+(?:den\s+)?(?:31\s+)?mars\b|\bjanuari\s*[-–—]\s*mars\b"
    r"|\b(?:mätperiod|period)\w*\s+(?:på|om)\s+(?:tre|3)\s+månader",
    re.I,
)

_NO_COMMITTEE = (
    "rapporten anger inte vilken nämnd eller styrelse den gäller; ange den med --nämnd",
    "the report does not state its committee; give it with --nämnd",
)
_NO_TERTIAL = (
    "rapporten anger inte sitt tertial (per april eller januari–april är tertial 1, per augusti "
    "eller januari–augusti tertial 2)",
    "the report does not state its four-month period (April: 1, August: 2)",
)


def _canon(text: str) -> str | None:
    """The grade a phrase states; None where it states none, or two ("… eller kan inte mätas")."""
    found = (grade for p, grade in _CANON if re.search(p, text, re.I))
    return None if re.search(r"\beller\b", text) else next(found, None)


class _Reader(EconomyReader):
    """One pass over the lines, with the state of the section being read."""

    def __init__(self, kind: str, year: int = 0) -> None:
        self.kind, self.report, self.year = kind, ImportReport(kind=kind), year
        self.section, self.unit, self.net = "front", "", False
        self.texts: dict[str, list[str]] = {key: [] for key in TEXTS}
        self.first: dict[str, int] = {}  # section -> its first line
        self.legend: dict[str, tuple[str, int]] = {}  # colour or emoji -> (meaning, line)
        self.no_amount: int | None = None  # the line of a legend "- = Inget belopp"
        self.items: dict[str, list[tuple[int, dict[str, Any]]]] = {"åt": [], "ind": []}
        self.block: dict[str, Any] | None = None
        self.field, self.columns = "åtagande", list[str]()
        self.figures: defaultdict[str, list[tuple[float, int, str]]] = defaultdict(list)
        self.unplaced: dict[int, list[str]] = {}

    def note(self, n: int, text: str) -> None:
        self.report.notes.append((n, text))

    def place(self, text: str) -> None:
        self.report.placed_chars += len("".join(text.split()))

    def read(self, lines: list[Line]) -> None:
        for line in lines:
            for m in _LEGEND.finditer(line.text):
                self.legend.setdefault(m["key"].rstrip("\ufe0f"), (m["meaning"], line.number))
            if self.no_amount is None and _NO_AMOUNT.search(line.text):
                self.no_amount = line.number
        for i, line in enumerate(lines):
            self.report.total_chars += len("".join(line.text.split()))
            if i == 0 and len(line.text) <= 120:  # the title: kind, year and period come from it
                self.place(line.text)
            else:
                self.line(line.number, line.text)
        self.close_block()

    def line(self, n: int, text: str) -> None:
        toc = _TOC.findall(text)
        if re.fullmatch(r"\d{1,3}", text) or sum(map(bool, toc)) >= 2 or len(toc) >= 4:
            return self.place(text)  # page numbers and tables of contents: furniture
        block = _BLOCK.match(text)
        if block and (block["title"] or self.block is not None):
            if block["title"] or block["rest"] or block["field"] != "Indikatorer":
                return self.block_label(n, text, block)
        heading = _HEADING.match(text)
        if heading is None or re.match(r"[a-zåäö]", heading["rest"]):  # "Ekonomi och …" is prose
            return self.body(n, text)
        self.close_block()
        self.section, self.columns = SECTIONS[heading["h"]], []
        unit = re.search(r"\b(tkr|mnkr|mkr)\b", heading["rest"][:20], re.I)
        self.unit = unit[1].lower() if unit else ""
        self.net = bool(NET.search(heading["rest"][:30]))
        self.first.setdefault(self.section, n)
        self.place(heading["h"])
        if self.section == "toc":
            self.place(heading["rest"])
            self.section = "front"
        elif heading["rest"]:
            self.body(n, heading["rest"])

    def body(self, n: int, text: str) -> None:
        if self.block is not None:
            self.block[self.field].append(text)
        elif header := _IND_HEADER.match(text):
            cols = re.findall(r"\b(Utfall|Årsmål|Målvärde|Mål)\b", header["cols"])
            self.columns = ["utfall" if c == "Utfall" else "årsmål" for c in cols]
            self.section = "indicators"
        elif self.section == "indicators" and self.columns and self.indicator(n, text):
            pass
        elif self.section == "goals" and not _LEGEND.match(text) and (row := _ROW.match(text)):
            self.assess(n, row["name"], row["grade"])
        else:
            if self.section not in ("guide", "indicators"):
                self.economy(n, text)
            if self.section not in TEXTS:
                return self.prose(n, text)
            if not (self.section == "economy" and _LABEL_LINE.match(text)):
                self.texts[self.section].append(text)
        self.place(text)

    def prose(self, n: int, text: str) -> None:
        """Text without a home: legends and counts of goals are read, the rest is listed."""
        for m in [*_LEGEND.finditer(text), *_NO_AMOUNT.finditer(text)]:
            self.place(m[0])
            self.texts["guide"].append(" ".join(m[0].split()))
            self.first.setdefault("guide", n)
            text = text.replace(m[0], " ", 1)
        for sentence in sentences(text.strip()):
            count = self.section != "other" and _COUNT.match(sentence)
            if not count and not any_sign(sentence, self.year):
                self.unplaced.setdefault(n, []).append(sentence)
                continue
            self.texts["summary"].append(sentence)  # what a controller reads: kept as text
            self.first.setdefault("summary", n)
            self.place(sentence)
            if count:
                quoted = short(sentence)
                self.note(n, f'måluppfyllelsen anges bara som antal ("{quoted}"); inga bedömningar')

    # --- assessments and indicators -------------------------------------------------------------

    def block_label(self, n: int, text: str, m: re.Match[str]) -> None:
        self.place(text)
        if m["title"]:
            self.close_block()
            fields = ("åtagande", "bedömning", "analys", "åtgärder", "indikatorer")
            self.block, self.field = {"line": n, **{f: [] for f in fields}}, "åtagande"
        else:
            self.field = m["field"].lower()
        if m["rest"] and self.block is not None:
            self.block[self.field].append(m["rest"])

    def close_block(self) -> None:
        b, self.block = self.block, None
        if b is None:
            return
        title, said, analysis = (join_lines(b[f]) for f in ("åtagande", "bedömning", "analys"))
        if not said and (row := _ROW.match(title)):
            title, said = row["name"], row["grade"]
        if len(said) > 40:  # a sentence, not a grade word: kept whole in the analysis
            analysis = said + ("\n" + analysis if analysis else "")
        named = [x for x in re.split(r"\s*[;,\n]\s*", join_lines(b["indikatorer"])) if x]
        self.assess(b["line"], title, said, named, analysis, join_lines(b["åtgärder"]))

    def assess(self, n: int, title: str, said: str, *more: Any) -> None:
        title = " ".join(title.split()).strip(" -–•:")[:2000]
        if any(a["åtagande"].casefold() == title.casefold() for _, a in self.items["åt"]):
            self.note(n, f'"{short(title)}" bedöms en gång till; den första bedömningen gäller')
            return
        item: dict[str, Any] = {"åtagande": title, "bedömning": self.grade(n, said)}
        item |= dict(zip(("indikatorer", "analys", "åtgärder"), more, strict=False))
        if title:
            self.items["åt"].append((n, {k: v for k, v in item.items() if v}))

    def grade(self, n: int, said: str) -> str | None:
        said = " ".join(said.split()).rstrip(".")
        key = said.rstrip("\ufe0f")
        if re.fullmatch(_STATUS, said):
            if key not in self.legend:
                self.note(n, f'"{key}" förklaras inte i dokumentet; bedömningen står som den är')
                return key
            meaning, where = self.legend[key]
            said = _canon(meaning) or meaning
            self.note(n, f'"{key}" läst som "{said}" enligt teckenförklaringen på rad {where}')
            return said
        grade = _canon(said)
        if grade is not None and grade != said.lower():
            self.note(n, f'bedömningen "{short(said)}" läst som "{grade}"')
        return grade or said or None

    def indicator(self, n: int, text: str) -> bool:
        cells, runs = re.split(r"\s{2,}|\t", text), list(_VALUES.finditer(text))
        k = len(self.columns)
        if len(cells) > 1 and all(re.fullmatch(_VAL, c) for c in cells[1 : k + 1]):
            name, values, rest = cells[0], cells[1 : k + 1], " ".join(cells[k + 1 :])
        elif runs:  # single spaces: the last run of values, the name before it
            name, values = text[: runs[-1].start()], re.findall(_VAL, runs[-1][0])
            rest = text[runs[-1].end() :]
        else:
            return False
        name, rest = name.strip(" -•*"), rest.strip()
        if not re.search(r"[^\W\d]", name):
            return False
        item: dict[str, Any] = {"namn": name[:2000], "kommentar": rest or None}
        if len(values) != k:
            self.note(n, f'indikatorn "{name}": {len(values)} värden för {k} kolumner; inga läses')
            values = []
        for column, value in zip(self.columns, values, strict=False):
            if value not in "-–":
                number = float(re.sub(r"[\s%]", "", value).replace("−", "-").replace(",", "."))
                item.setdefault(column, rounded(number))
            elif self.no_amount is not None:
                self.note(n, f'indikatorn "{name}": "-" är inget värde enligt rad {self.no_amount}')
        if re.search(r"\blägre\b", text, re.I):
            item["riktning"] = "lägre"
        if any(i["namn"].casefold() == name.casefold() for _, i in self.items["ind"]):
            self.note(n, f'indikatorn "{name}" står en gång till; den första raden gäller')
        else:
            self.items["ind"].append((n, {k: v for k, v in item.items() if v is not None}))
        return True


def _committee(head: Head, lines: list[Line], kind: str, source: str, notes: list[Any]) -> str:
    """The committee from the head, else the first the whole text names, else an error."""
    if head.committee:
        return head.committee
    whole = read_head(lines, kind, head_chars=sum(len(line.text) for line in lines))
    if whole.committee is None:
        raise InputError(source, *_NO_COMMITTEE, line=lines[0].number)
    name = whole.committee
    n = next((ln.number for ln in lines if name.casefold() in ln.text.casefold()), lines[0].number)
    notes.append((n, f'nämnden står inte i rubriken; "{name}" används'))
    return name


def _tertial(lines: list[Line], source: str, notes: list[Any]) -> tuple[int, int]:
    """The four-month period the report states first, and its line."""
    found = [
        (1 if "april" == m["m"] or m["n"] in ("1", "I") or m["t"] == "1" else 2, line.number, m[0])
        for line in lines
        for m in _TERTIAL.finditer(line.text)
    ]
    if not found:
        quarter = next(((ln.number, m[0]) for ln in lines if (m := _QUARTER.search(ln.text))), None)
        if quarter is None:
            raise InputError(source, *_NO_TERTIAL, line=lines[0].number)
        said = " ".join(quarter[1].split())
        notes.append((quarter[0], f'tertial 1: "{said}" ligger i årets första tertial'))
        return 1, quarter[0]
    value, n, said = found[0]
    notes.append((n, f'tertial {value} ur "{" ".join(said.split())}"'))
    if other := next((f for f in found if f[0] != value), None):
        notes.append((other[1], f'texten nämner också "{other[2]}"; den första angivelsen gäller'))
    return value, n


def parse_report(lines: list[Line], source: str, head: Head, kind: str) -> Imported:
    """Normalised lines of a tertialrapport or årsrapport → the document, its line map, its report.

    `head.year` is set by the caller; a committee the head lacks is taken from the text, or the
    import stops and asks for it (`--nämnd`). A report of a whole committee has it as `enhet` too.
    """
    if kind not in ("tertialrapport", "årsrapport"):
        raise ValueError(f"not a report kind: {kind}")
    if not lines:
        raise InputError(source, "rapporten innehåller ingen text", "the report holds no text")
    reader, smap, first = _Reader(kind, head.year or 0), SourceMap(), lines[0].number
    reader.read(lines)
    report, notes = reader.report, reader.report.notes
    committee = _committee(head, lines, kind, source, notes)
    data: dict[str, Any] = {"dokument": kind, "år": head.year, "nämnd": committee}
    smap.lines.update({(): first, ("dokument",): first, ("år",): head.year_line or first})
    if head.administration:
        data["förvaltning"] = head.administration
    unit = head.unit or next(
        (
            m["value"].strip()
            for line in lines[:80]
            if (m := HEAD_LABEL.match(line.text)) and m["label"] == "Enhet" and m["value"].strip()
        ),
        None,
    )
    data["enhet"] = unit or committee
    if not unit:
        notes.append((first, f'rapporten gäller hela "{committee}"; enhet är nämnden'))
    if kind == "tertialrapport":
        data["tertial"], smap.lines[("tertial",)] = _tertial(lines, source, notes)
    texts = {TEXTS[s]: (join_lines(t), reader.first[s]) for s, t in reader.texts.items() if t}
    economy = reader.economy_data(smap)
    if "förklaring" in texts:
        economy["förklaring"], smap.lines[("ekonomi", "förklaring")] = texts.pop("förklaring")
    for key, (text, n) in texts.items():
        data[key], smap.lines[(key,)] = text, n
    for key, items in (("åtaganden", reader.items["åt"]), ("indikatorer", reader.items["ind"])):
        if items:
            data[key] = [item for _, item in items]
            smap.lines.update({(key, i): n for i, (n, _) in enumerate(items)})
    if economy:
        data["ekonomi"] = economy
        smap.lines[("ekonomi",)] = min(v for k, v in smap.lines.items() if k[:1] == ("ekonomi",))
    report.unplaced = [(n, short(" ".join(parts))) for n, parts in sorted(reader.unplaced.items())]
    notes.sort(key=lambda note: int(note[0]))
    report.counts = {
        "bedömningar": len(reader.items["åt"]),
        "indikatorutfall": len(reader.items["ind"]),
        "ekonomibelopp": sum(key in economy for key in ("budget_netto", "utfall_netto")),
    }
    return Imported(data, smap, report)
