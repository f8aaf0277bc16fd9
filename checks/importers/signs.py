"""The signs a controller reads in a document's text as a whole, before its content: identity
fields left empty, a diarienummer cut short, template text, a local file path, a planning
system's draft phase. Read over every line of the export, placed by a reader or not, and kept
in the document as `tecken` with the line each stands on; the rules P12, P13 and P16–P19 judge
them. Nothing here decides that a sign is a defect: an empty "Dnr:" may be a value the export
lost, and the rules say so.
"""

from __future__ import annotations

import re
from typing import Any

from checks.facts.text import TEMPLATE_PHRASES
from checks.importers import Imported
from checks.importers.text import Head, Line

MAX_SIGNS = 10  # of one kind per document: enough to show, never a flood

# An identity field: its label as documents write it (the Swedish word, any case).
_LABELS = (
    r"Dnr|Diarienummer|Diarienr|Ärendebeteckning|Ärendenummer|Beteckning|Datum|Beslutsdatum|"
    r"Handläggare|Rapportperiod|Period|Nämnd|Förvaltning|Enhet|Organisation|Verksamhetsår|År"
)
# "Label:" with nothing after it before another "Label:" on the same line (a flattened form)
_EMPTY_INLINE = re.compile(
    rf"(?<![\w-])(?P<label>{_LABELS})\s*:[ \t]*(?=[A-ZÅÄÖ][\wåäö-]*(?: [\wåäö-]+)?\s*:(?!\d))"
)
# "Label:" ending a line
_EMPTY_AT_END = re.compile(rf"(?<![\w-])(?P<label>{_LABELS})\s*:\s*$")
# "Label: value" opening a line: the form the line after an empty label must have to show it
_FILLED_LABEL = re.compile(r"^[A-ZÅÄÖ][\wåäö-]*(?: [\wåäö-]+)?\s*:\s*\S")
# A decision line whose body or date is missing: "Örebro kommun Beslutad i" ending the line
_DECIDED_BLANK = re.compile(r"(?<=\s)(?P<label>(?:Beslutad|Fastställd|Antagen) (?:i|av|den))\s*$")
_DATE_OR_WORD = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{1,2} [a-zåäö]+|[a-zåäö§])")

# A diarienummer or reference cut after its year or before its serial: "ON 2017/", "KS/2016:",
# "Diarienummer 0805/", "(KF handling 36/ )"
_TRUNCATED = (
    re.compile(r"(?<![\w/.])(?P<ref>[A-ZÅÄÖ]{1,6}[ /-]?(?:19|20)\d{2}/)(?![\w/:.-])(?!\s*\d)"),
    re.compile(r"(?<![\w/.])(?P<ref>[A-ZÅÄÖ]{1,6}[/-](?:19|20)\d{2}:)(?![\w/:.-])(?!\s*\d)"),
    re.compile(
        r"\b(?:Dnr|Diarienummer|Diarienr|Ärendebeteckning)[:.]?\s*"
        r"(?P<ref>(?:[A-ZÅÄÖ]{1,6}[ /-]?)?\d{1,4}[/:])(?![\w/:.-])(?!\s*\d)"
    ),
    re.compile(r"\b(?P<ref>(?:KF|KS)?\s?handling\s+(?:nr\s+)?\d{1,4}/)(?![\w/])(?!\s*\d)"),
)

# A file on someone's disk or share: "c:\temp\x.doc", "Y:\Alla\…\Tertial 1.doc", "\\server\…"
_EXTENSION = r"\.(?:docx?|dotx?|xlsx?|pptx?|pdf|odt|rtf|txt|msg)\b"
_PATHS = (
    re.compile(rf"(?<![\w/])[A-Za-z]:\\(?:[^\\\n]{{1,80}}\\){{0,12}}[^\\\n]{{0,80}}?{_EXTENSION}"),
    re.compile(r"(?<![\w/])[A-Za-z]:\\[^\s\\]+(?:\\[^\s\\]+)*"),
    re.compile(
        rf"(?<![\w\\])\\\\[\w.$-]+\\(?:[^\\\n]{{1,80}}\\){{0,12}}[^\\\n]{{0,80}}?{_EXTENSION}"
    ),
    re.compile(r"(?<![\w\\])\\\\[\w.$-]+\\[^\s\\]+(?:\\[^\s\\]+)*"),
    re.compile(r"(?<![\w/])/(?:Users|home)/[\w.-]+/\S+"),
    re.compile(r"\bfile:/{2,3}\S+"),
)

# Template words (checks.facts.text; its run of x's is read once, in linear time)
TEMPLATE = TEMPLATE_PHRASES
_TEMPLATE_WORDS = ("klicka", "skriv", "dokument", "lorem", "åååå", "xx", "[")
_DECIDED_WORDS = re.compile(r"(?:Beslutad|Fastställd|Antagen) (?:i|av|den)\s*$")

# A planning system's phase, and the words that make it a draft
_PHASE = re.compile(r"(?<![\w-])(?:Fas|Status)\s*:\s*")
_NEXT_LABEL = re.compile(r"\s[A-ZÅÄÖ][\wåäö]*\s*:")
_DRAFT = re.compile(
    r"\b(?:inmatning|utkast|arbetsmaterial|preliminär|under arbete|ej (?:fastställd|beslutad|"
    r"godkänd|antagen))\b",
    re.IGNORECASE,
)
# A deciding body named anywhere, also in the genitive: "Kommunstyrelsens förslag till beslut"
_BODY_NAMED = re.compile(r"\b[A-ZÅÄÖ][\wåäö-]*(?:nämnd|styrelse|fullmäktige|utskott)(?:en|et)?s?\b")
_DRAFT_LINE = re.compile(r"^(?:UTKAST|Utkast|ARBETSMATERIAL|Arbetsmaterial)$")


def read_signs(lines: list[Line], not_stated: list[str]) -> tuple[dict[str, Any], int | None]:
    """The `tecken` of a document (Swedish keys, as YAML holds them) and the first line with a
    sign; `not_stated` is what the document does not say about itself and the import was told."""
    found: dict[str, list[dict[str, Any]]] = {
        "tomma_fält": [],
        "stympade_nummer": [],
        "malltext": [],
        "filsökvägar": [],
    }
    phase: dict[str, Any] | None = None

    def add(key: str, text: str, line: int) -> None:
        text = " ".join(text.split())
        if len(found[key]) < MAX_SIGNS and all(s["text"] != text for s in found[key]):
            found[key].append({"text": text, "rad": line})

    for i, line in enumerate(lines):
        text = line.text
        if ":" in text or _DECIDED_WORDS.search(text[-20:]) or _HEADER_ROW.search(text):
            following = next((n.text for n in lines[i + 1 :] if n.text.strip()), None)
            for label in _empty_fields(text, following):
                add("tomma_fält", label, line.number)
        if "/" in text or ":" in text:
            for pattern in _TRUNCATED:
                for m in pattern.finditer(text):
                    add("stympade_nummer", m["ref"], line.number)
        lowered = text.lower()
        if any(word in lowered for word in _TEMPLATE_WORDS):
            for m in TEMPLATE.finditer(lowered):
                same = len(lowered) == len(text)  # lower() keeps positions for Swedish
                add("malltext", text[m.start() : m.end()] if same else m[0], line.number)
        if "\\" in text or "/Users/" in text or "/home/" in text or "file:/" in text:
            for path in _paths(text):
                add("filsökvägar", path, line.number)
        if phase is None and (value := _draft_phase(text)) is not None:
            phase = {"text": value, "rad": line.number}
    data: dict[str, Any] = {key: signs for key, signs in found.items() if signs}
    if phase is not None:
        data["fas"] = phase
    if not_stated:
        data["ej_i_texten"] = not_stated
    lines_with = [s["rad"] for signs in found.values() for s in signs]
    if phase is not None:
        lines_with.append(phase["rad"])
    return data, min(lines_with) if lines_with else None


# A header row of two or more labels without colons ("Handläggare Datum Diarienummer",
# "PROTOKOLL DATUM DIARIENR"), its values after it on the line or on the next line.
_ROW_DATE = r"Datum|Utfärdat|Beslutsdatum"
_ROW_DNR = r"Diarienummer|Diarienr|Dnr|Ärendebeteckning|Ärendenummer"
_HEADER_ROW = re.compile(
    rf"(?<![\w-])(?:(?:{_ROW_DATE}|{_ROW_DNR}|Handläggare|Protokoll)[ ]+){{1,4}}"
    rf"(?:{_ROW_DATE}|{_ROW_DNR}|Handläggare)(?![\w-])",
    re.IGNORECASE,
)
_A_DATE = re.compile(
    r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./](?:19|20)?\d{2}\b|"
    r"\b\d{1,2} (?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|"
    r"november|december) (?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_A_NUMBER = re.compile(r"\d[/:.-]\s?\d|(?:19|20)\d{2}/|\b\d{3,}/")


def _header_row(text: str, following: str | None) -> list[str]:
    """The date and Dnr labels of a header row whose values (the rest of the line and the next
    line) hold no date, or no number, for them: "Utfärdat Diarienummer 0936/17" has no date."""
    m = _HEADER_ROW.search(text)
    if m is None or following is None and m.end() >= len(text.rstrip()):
        return []  # the text ends at the row: its values may come after the cut
    window = text[m.end() : m.end() + 120] + " " + (following or "")[:120]
    out: list[str] = []
    for label in m[0].split():
        if re.fullmatch(_ROW_DATE, label, re.IGNORECASE) and not _A_DATE.search(window):
            out.append(label)
        elif re.fullmatch(_ROW_DNR, label, re.IGNORECASE) and not _A_NUMBER.search(window):
            out.append(label)
    return out


def _empty_fields(text: str, following: str | None) -> list[str]:
    """The identity labels on a line with a colon that stand with no value."""
    out = [m["label"] for m in _EMPTY_INLINE.finditer(text)]
    out += _header_row(text, following)
    if following is None:  # the last line of the text may be cut short: never judged
        return out
    at_end = _EMPTY_AT_END.search(text[-40:])
    if at_end is not None and _FILLED_LABEL.match(following):
        out.append(at_end["label"])
    decided = _DECIDED_BLANK.search(text[-40:])
    if decided is not None and not _DATE_OR_WORD.match(following):
        out.append(decided["label"])
    return out


def _paths(text: str) -> list[str]:
    """Local file paths on a line, each once (the first pattern that covers it wins)."""
    taken: list[tuple[int, int]] = []
    out: list[str] = []
    for pattern in _PATHS:
        for m in pattern.finditer(text):
            if not any(a <= m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
                out.append(m[0].rstrip(".,;)"))
    return out


def _draft_phase(text: str) -> str | None:
    """The phase a line states ("Fas: … Inmatning") when it is a draft, or a line that is only
    the word Utkast or Arbetsmaterial."""
    m = _PHASE.search(text) if "Fas" in text or "Status" in text else None
    if m is not None:
        value = text[m.end() : m.end() + 60]
        if (nxt := _NEXT_LABEL.search(value)) is not None:
            value = value[: nxt.start()]
        if _DRAFT.search(value):
            return " ".join(value.split())
    return text if len(text) < 16 and _DRAFT_LINE.match(text) else None


_WHAT = {
    "tomma_fält": "tomt fält",
    "stympade_nummer": "stympat nummer",
    "malltext": "malltext",
    "filsökvägar": "filsökväg",
}


def put_signs(imported: Imported, lines: list[Line], not_stated: list[str]) -> Imported:
    """The document with its `tecken`, always written by an import (empty when none was seen),
    so the rules that read them judge every imported document; the report lists each sign."""
    data, first = read_signs(lines, not_stated)
    imported.data["tecken"] = data
    if first is not None:
        imported.source_map.lines[("tecken",)] = first
    for key, what in _WHAT.items():
        for sign in data.get(key, []):
            imported.report.notes.append((sign["rad"], f'tecken: {what} "{sign["text"]}"'))
    if "fas" in data:
        imported.report.notes.append((data["fas"]["rad"], f'tecken: fas "{data["fas"]["text"]}"'))
    for what in not_stated:
        imported.report.notes.append((1, f"tecken: handlingen anger inte sitt {what}"))
    return imported


def not_stated(
    lines: list[Line], kind: str, head: Head, year: int | None, committee: str | None
) -> list[str]:
    """What the import was told (`--year`, `--nämnd`) that the document does not say itself:
    no year in its title region, date or matter; no committee named as its own (in the title
    region, on a short line or after a label: a body mentioned in prose is not its owner)."""
    from checks.importers import memo
    from checks.importers.detect import TITLE_CHARS, read_head
    from checks.importers.fields import HEAD_LABEL

    out: list[str] = []
    whole = " ".join(line.text for line in lines)
    if year is not None and head.year is None:
        title = whole[:TITLE_CHARS]  # the year the import was told, written in the title region
        if not (
            re.search(rf"(?<![\d-]){year}(?![\d-])", title)
            or (kind == "tjänsteutlåtande" and memo.SUBJECT.search(whole))
        ):
            out.append("år")
    if committee is not None and head.committee is None:
        named = read_head(lines, kind, head_chars=len(whole)).committee is not None
        labelled = any(
            (m := HEAD_LABEL.match(line.text)) is not None
            and m["label"] in ("Nämnd", "Styrelse", "Organisation")
            and m["value"].strip()
            for line in lines
        )
        if not (named or labelled):
            out.append("nämnd")
    return out
