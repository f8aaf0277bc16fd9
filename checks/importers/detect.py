"""Which document is this, and which year: decided from evidence in the text, and said why.

Each kind has signs (words of its title, its headings, its table headers); a sign in the title
(the first lines) weighs more. The year, committee, Dnr and date come from the document itself;
never from today's date: when the document does not state its year, the import stops and asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checks.importers.text import Head, Line

# kind -> (pattern, weight, what it shows in Swedish)
SIGNS: dict[str, list[tuple[re.Pattern[str], int, str]]] = {}


def _signs(kind: str, *items: tuple[str, int, str]) -> None:
    SIGNS[kind] = [(re.compile(p, re.IGNORECASE), w, what) for p, w, what in items]


_signs(
    "verksamhetsplan",
    (r"\bverksamhetsplan(?:en)?\b(?! för intern)", 4, "ordet verksamhetsplan"),
    (r"\b(?:nämndplan|programplan|nämndbudget|budgetunderlag)\b", 4, "en nämnds plan eller budget"),
    (r"\bmål(?:-| )och budget", 3, "mål och budget"),
    (r"KF:s INRIKTNINGSMÅL|KF:s MÅL FÖR VERKSAMHETSOMRÅDET", 6, "ILS-webbens målrubriker"),
    (r"\bNÄMNDMÅL\b|\bÅTAGANDE\b", 3, "nämndmål och åtaganden"),
    (r"\bMålvärde\b|\bnämndsmål\b|\bNämndmål\b", 2, "mål med målvärden"),
    (r"Indikator\s+Årsmål|Aktivitet\s+Startdatum", 5, "ILS-tabellrubriker"),
)
_signs(
    "internkontrollplan",
    (r"\bintern ?kontrollplan|\bplan för intern(?: kontroll)?\b", 6, "internkontrollplan"),
    (r"\bKontrollmoment\b|\bKontrollmetod\b|\bKontrollansvarig\b", 4, "kontrollkolumner"),
    (r"Inbyggda kontroller|Nämndens granskningar|Kommungemensamma granskning", 4, "granskningar"),
    (r"Intern kontroll Inmatning|\buppföljning av intern kontroll\b", 4, "intern kontroll"),
)
_signs(
    "riskanalys",
    (r"risk- och väsentlighetsanalys|väsentlighets- och riskanalys", 6, "ROV"),
    (r"\brisk- och sårbarhetsanalys|\bsårbarhetsanalys\b", 5, "risk- och sårbarhetsanalys"),
    (r"\bRiskanalys\b|\bRiskmatris\b|\bRiskbedömning\b", 3, "riskanalys"),
    (r"\bsannolikhet\b.*\bkonsekvens\b", 2, "sannolikhet och konsekvens"),
)
_signs(
    "tertialrapport",
    (r"\btertialrapport|\bdelårsrapport|\bdelårsbokslut|\buppföljningsrapport", 6, "delårsrapport"),
    (r"\bper (?:april|augusti)\b|\bjanuari\s*[-–]\s*(?:april|augusti)\b", 3, "perioden"),
    (r"\bprognos\w*\b", 1, "prognos"),
)
_signs(
    "årsrapport",
    (r"\bårsrapport|\bverksamhetsberättelse|\bårsredovisning", 6, "årsrapport"),
    (r"\bmåluppfyllelse|\bmåluppföljning", 2, "måluppfyllelse"),
    (r"\bper (?:den )?31 december\b", 4, "bokslutsdagen"),
    (r"\bekonomiskt utfall\b|\bårets resultat\b", 3, "årets utfall"),
)
_signs(
    "tjänsteutlåtande",
    (r"\btjänsteutlåtande|\btjänsteskrivelse|\bskrivelse\b|\bPM\b", 4, "tjänsteutlåtande"),
    (r"Förslag till beslut|förslag till beslut", 4, "förslag till beslut"),
    (r"\bBeslutsunderlag\b|\bÄrendets beredning\b|\bExpedieras till\b", 3, "ärendets delar"),
    (r"\bDiarienummer\b|\bÄrendebeteckning\b|\bDnr\b", 2, "diarienummer"),
    (r"\bBeskrivning av ärendet\b|\bÄrendet\b|\bÄrendebeskrivning\b", 2, "ärendebeskrivning"),
    (r"(?:^|[•\s])§\s*\d+\b", 2, "paragrafer i en föredragningslista"),
    (r"\bföredragningslista\b|\bVal av justerare\b", 4, "föredragningslista"),
)
KINDS = tuple(SIGNS)
TITLE_CHARS = 500  # the title region: signs and the year are read here first


@dataclass
class Evidence:
    """How strongly the text looks like one kind, and where."""

    kind: str
    score: int = 0
    found: list[tuple[int, str]] = field(default_factory=list)  # (line, what)


def evidence(lines: list[Line]) -> list[Evidence]:
    """Every kind with its score and the signs found, strongest first."""
    title = " ".join(line.text for line in lines)[:TITLE_CHARS]
    out = []
    for kind, signs in SIGNS.items():
        ev = Evidence(kind)
        for pattern, weight, what in signs:
            where = next((line.number for line in lines if pattern.search(line.text)), None)
            if where is None:
                continue
            ev.score += weight * (3 if pattern.search(title) else 1)
            ev.found.append((where, what))
        out.append(ev)
    return sorted(out, key=lambda e: -e.score)


def decide(lines: list[Line]) -> tuple[str | None, list[Evidence]]:
    """The kind the evidence points at, or None when nothing points anywhere.

    A memo whose title names a plan, a report or an internal-control plan, and whose text shows
    that document's content, is that document: cover memos are how they reach the committee.
    """
    ranked = evidence(lines)
    best = ranked[0]
    if best.score < 4:
        return None, ranked
    prepared = any("Ärendets beredning" in line.text for line in lines)
    if best.kind == "tjänsteutlåtande" and not prepared:  # a memo with its beredning is a memo
        # the subject's content must show, not only its name: a memo about the units' plans
        # names them in its title and stays a memo
        subject = next((e for e in ranked[1:] if e.score >= 12 and len(e.found) >= 2), None)
        if subject is not None and _title_names(lines, subject.kind):
            return subject.kind, ranked
    return best.kind, ranked


_TITLE_OF = {
    "verksamhetsplan": r"verksamhetsplan|nämndplan|programplan|nämndbudget",
    "internkontrollplan": r"intern ?kontrollplan|plan för intern",
    "riskanalys": r"riskanalys|sårbarhetsanalys",
    "tertialrapport": r"tertialrapport|delårsrapport|uppföljningsrapport",
    "årsrapport": r"årsrapport|verksamhetsberättelse|årsredovisning",
}


def _title_names(lines: list[Line], kind: str) -> bool:
    head = " ".join(line.text for line in lines[:4])[:TITLE_CHARS]
    return re.search(_TITLE_OF.get(kind, r"^$"), head, re.IGNORECASE) is not None


# --- what the document says about itself ---------------------------------------------------------

# A year in the title region, after a word that names the document or its period: never a date
# ("2018-01-11") and never a year the text only mentions further down.
YEAR_IN_TITLE = re.compile(
    r"\b(?:verksamhetsplan\w*|\w*plan|\w*budget\w*|\w*förutsättningar|kontrollplan|"
    r"intern kontroll|\w*analys|\w*rapport|verksamhetsberättelse|årsredovisning|bokslut|"
    r"uppföljning|per (?:april|augusti|december)|målbild|mål och styrmått|mål)\b"
    r"(?:[^\d]|\b\d{1,2}\b){0,60}?"
    r"(?<![\d-])((?:19|20)\d{2})(?!-\d{2}-\d{2})(?:\s*[-–]\s*(?:19|20)\d{2})?\b",
    re.IGNORECASE,
)
_ISO = re.compile(r"\b((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_DNR = re.compile(
    r"(?:\bDnr|\bDiarienummer|\bDiarienr|\bÄrendebeteckning|\bDIARIENR)[:.]?\s*"
    r"((?:[A-ZÅÄÖ]{1,6}[ /-]?)?\d{1,4}[/:.-]\d{0,6}(?:[:.-]\d+)*)"
)
_DNR_BARE = re.compile(r"\b([A-ZÅÄÖ]{2,5}[ /]?(?:19|20)\d{2}[/:](?:\d+(?:[:.-]\d+)*)?)")
_COMMITTEE = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäö]+-(?: och |, )[a-zåäö]+(?:nämnd(?:en)?|styrelse(?:n)?))"
    r"|\b((?:[A-ZÅÄÖ][a-zåäö]+-)*[A-ZÅÄÖ][a-zåäö]+s (?:stadsdels)?nämnd(?:en)?)\b"
    r"|\b([A-ZÅÄÖ][a-zåäö]+a nämnden)\b"
    r"|\b(Nämnden för [A-ZÅÄÖ][a-zåäö]+)"
    r"|\b((?:[Kk]ommun|[Rr]egion|[Ll]andstings)(?:styrelsen|fullmäktige))\b"
    r"|\b([A-ZÅÄÖ][a-zåäö]{3,}(?:nämnd(?:en)?|styrelsen))(?:s\b(?= förslag)|\b)"
)


def read_head(lines: list[Line], kind: str, head_chars: int = 3000) -> Head:
    """Year, committee, Dnr, date and title as the document states them (first pages only)."""
    head = Head()
    seen = 0
    date_line = 0
    for line in lines:
        text = line.text
        if head.title is None and len(text) > 3:
            head.title = text[:120]
        if head.year is None and seen < TITLE_CHARS:
            m = YEAR_IN_TITLE.search(text[: TITLE_CHARS - seen])
            if m:
                head.year, head.year_line = int(m[1]), line.number
                head.year_reason = f'rubriken: "{" ".join(m[0].split())}"'
        if head.date is None and (m := _ISO.search(text)):
            head.date, date_line = m[0], line.number
        if head.dnr is None and (m := _DNR.search(text) or _DNR_BARE.search(text)):
            head.dnr = m.group(1).strip()
        if head.committee is None:
            head.committee = _committee(text, seen)
        seen += len(text)
        if seen > head_chars:
            break
    if head.year is None and head.date is not None:
        _year_from_date(head, kind, date_line)
    return head


# A label that says whose the document is: "Nämnd: …", "Organisation: …", "Till …".
_OWNER_LABEL = re.compile(
    r"(?:Nämnd|Organisation|Styrelse|Till|Beslutsinstans|Beslutande)\s*:?\s*$"
)


def _committee(text: str, seen: int) -> str | None:
    """The committee a line names as the document's own: in the title region, on a short line
    (a letterhead, a label's value) or after a label. A body merely mentioned in running prose
    ("… som kommunfullmäktige beslutade") is not taken for the document's committee."""
    for m in _COMMITTEE.finditer(text):
        owner = (
            seen + m.start() < TITLE_CHARS
            or len(text) <= 100
            or _OWNER_LABEL.search(text[max(0, m.start() - 20) : m.start()])
        )
        if owner:
            name = next(g for g in m.groups() if g)
            return name[0].upper() + name[1:]
    return None


def _year_from_date(head: Head, kind: str, line: int) -> None:
    """The year a document is about, from its own date where the kind makes that safe."""
    assert head.date is not None
    year, month = int(head.date[:4]), int(head.date[5:7])
    if kind == "tjänsteutlåtande" or kind == "tertialrapport":
        head.year = year
    elif kind in ("verksamhetsplan", "internkontrollplan") and month >= 9:
        head.year = year + 1  # decided in the autumn before the year it plans
        head.notes.append((line, f"året tolkat som {year + 1}: handlingen är daterad {head.date}"))
    elif kind == "årsrapport" and month <= 4:
        head.year = year - 1  # the annual report is decided early the year after
        head.notes.append((line, f"året tolkat som {year - 1}: handlingen är daterad {head.date}"))
    else:
        return
    head.year_line = line
    head.year_reason = f"datumet {head.date}"


_PAGE_OF = re.compile(
    r"(?:\b(?:SID|Sid|Sida|sida)\s+)?\b(\d{1,3})\s*(?:\((\d{1,3})\)|av\s+(\d{1,3}))"
)


# The parts a document closes with; what follows them needs no full stop.
_CLOSING = re.compile(r"^(?:Expedieras till|Beslutet (?:expedieras|skickas) till|Bilagor?)\b")


def excerpt_reason(text: str, lines: list[Line]) -> tuple[int, str] | None:
    """(line, why) when the text we have ends before the document does, else None."""
    seen = total = 0
    for m in _PAGE_OF.finditer(text):
        page, of = int(m[1]), int(m[2] or m[3])
        if 0 < page <= of <= 999:
            seen, total = max(seen, page), max(total, of)
    last = lines[-1] if lines else None
    if total and seen < total and last is not None:
        return last.number, f"texten når sida {seen} av {total}"
    # running prose that stops without its full stop; the entries of a closing block (an
    # addressee under "Expedieras till", an attachment's name) end a document without one
    closing = len(lines[-1].text) <= 60 if lines else False  # an entry, not running prose
    closing = closing and any(_CLOSING.match(line.text) for line in lines[-6:])
    if (
        last is not None
        and not closing
        and re.search(r"[\w,-]$", last.text)
        and not re.search(r"\d$", last.text)
    ):
        return last.number, f'texten slutar mitt i en mening ("…{last.text[-30:]}")'
    return None
