"""A risk analysis as text → a `riskanalys` document (read with `checks.importers.fields`).

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

from checks.importers import Imported, ImportReport
from checks.importers.fields import (
    NUMERIC,
    Block,
    Context,
    Fields,
    Reader,
    base_data,
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


_RSA = re.compile(r"\b(?:risk-\s+och\s+)?sårbarhetsanalys\w*|\bRSA\b", re.IGNORECASE)
_ROV = re.compile(r"\bväsentlighets\w*|\bintern\s?kontroll\w*", re.IGNORECASE)


def _analysis_kind(lines: list[Line]) -> tuple[str, int, str] | None:
    """rsa or rov, the line and the words that show it: the title first, then the whole text
    when it names only one of the two."""
    title = lines[:3]
    for found in (_first(_RSA, title, "rsa"), _first(_ROV, title, "rov")):
        if found is not None:
            return found
    rsa, rov = _first(_RSA, lines, "rsa"), _first(_ROV, lines, "rov")
    return rsa if rov is None else rov if rsa is None else None


def _first(pattern: re.Pattern[str], lines: list[Line], kind: str) -> tuple[str, int, str] | None:
    for line in lines:
        if (m := pattern.search(line.text)) is not None:
            return kind, line.number, m[0]
    return None


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
    if (found := _analysis_kind(lines)) is not None:
        data["analystyp"], smap.lines[("analystyp",)] = found[0], found[1]
        what = "risk- och sårbarhetsanalys (krisberedskap)" if found[0] == "rsa" else "ROV"
        report.notes.append((found[1], f"analysen är en {what}: {found[2]}"))
    if risks:
        data["risker"] = risks
    scored = sum(1 for r in risks if "sannolikhet" in r and "konsekvens" in r)
    report.counts = {"risker": len(risks), "risker med sannolikhet och konsekvens": scored}
    if not risks:
        first = lines[0].number if lines else 1
        report.notes.append((first, "inga risker i texten (de kan stå på senare sidor)"))
    report.notes.sort(key=lambda note: note[0])
    return Imported(data, smap, report)
