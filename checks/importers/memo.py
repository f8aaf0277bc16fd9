"""A decision memo (tjänsteutlåtande) as text → a `tjänsteutlåtande` document.

The memo's top-level headings (Förslag till beslut, Sammanfattning, Ärendets beredning, Bakgrund,
Ärendet, Förvaltningens förslag, Bilagor) each open a place; the lines under a heading are placed
there (sub-headings stay in the text). The union steps are read from the preparation text
("informerades den 13 januari enligt § 19 MBL", "förhandlades enligt § 11 MBL den 20 januari");
a date written without a year gets one from the matter, and the import says so.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from checks.importers import Imported, ImportReport
from checks.importers.ils import FURNITURE, MONTHS
from checks.importers.text import Head, Line, join_lines
from checks.loading import InputError, SourceMap

HEADINGS = {
    "Förslag till beslut": "förslag_till_beslut",
    "Sammanfattning": "sammanfattning",
    "Ärendets beredning": "beredning",
    "Bakgrund": "bakgrund",
    "Ärendet": "ärendet",
    "Förvaltningens förslag": "förvaltningens_förslag",
    "Förvaltningens synpunkter och förslag": "förvaltningens_förslag",
    "Bilagor": "bilagor",
    # other municipalities' words for the same parts
    "Ärendebeskrivning": "ärendet",
    "Beskrivning av ärendet": "ärendet",
    "Beslutsunderlag": "beslutsunderlag",  # read, not kept: the model has no place for it
    "Expedieras till": "expedieras",
}


def _heading(text: str) -> str | None:
    """The known heading a line starts with (normalise put it there), if any."""
    for heading in sorted(HEADINGS, key=len, reverse=True):
        if text == heading or text.startswith(heading + ":"):
            return heading
        # a flattened line: the heading, then its section's first sentence ("Bakgrund Enligt …");
        # "Ärendet har beretts …" is a sentence, not a heading
        rest = text[len(heading) :]
        if text.startswith(heading + " ") and re.match(r"\s+(?:[A-ZÅÄÖ0-9]|att\b|•|-)", rest):
            return heading
    return None


DAY = r"(?P<day>\d{1,2})\s+(?P<month>januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)(?:\s+(?P<year>\d{4}))?"  # noqa: E501
ISO = re.compile(r"(\d{4}-\d{2}-\d{2})")
SUBJECT = re.compile(
    r"(?P<what>verksamhetsplaner|verksamhetsplan|verksamhetsberättelser|verksamhetsberättelse)"
    r"(?:na)?\s+(?:och kvalitetsgarantier\s+)?(?:för\s+)?(?P<year>(?:19|20)\d{2})",
    re.IGNORECASE,
)
# What a matter's title says it decides, when SUBJECT found no plan or report with its year.
_CONCERNS = (
    ("årsrapport", re.compile(r"\b(?:årsredovisning|verksamhetsberättelse|årsrapport)", re.I)),
    (
        "tertialrapport_2",
        re.compile(
            r"(?:delårsrapport|tertialrapport|tertialuppföljning)\s*(?:2|II)\b|"
            r"(?:delårsrapport|tertialrapport)\w*\s+per\s+augusti",
            re.I,
        ),
    ),
    (
        "tertialrapport_1",
        re.compile(
            r"(?:delårsrapport|tertialrapport|tertialuppföljning)\s*(?:1|I)\b|"
            r"(?:delårsrapport|tertialrapport)\w*\s+per\s+april",
            re.I,
        ),
    ),
    (
        "verksamhetsplan",
        re.compile(r"verksamhetsplan|programplan|nämndplan|nämndbudget|mål och budget", re.I),
    ),
)


def concerns_of(title: str) -> str:
    """The plan or report a matter's title names ("annat" when none)."""
    return next((kind for kind, words in _CONCERNS if words.search(title)), "annat")


COMMITTEE = re.compile(r"([A-ZÅÄÖ][\w-]+s stadsdelsnämnd)")


def _dated(match: re.Match[str], default_year: int) -> tuple[date | None, bool]:
    """A Swedish date; True when the year was not written and `default_year` was used."""
    year = int(match["year"]) if match["year"] else default_year
    try:
        return date(year, MONTHS[match["month"]], int(match["day"])), match["year"] is None
    except ValueError:
        return None, False


# An agenda's item: "2 Delårsrapport 2 …" (insynsverige), "• § 3 …" (edokmeetings), followed
# within a few lines by its own Dnr.
_ITEM = re.compile(r"^(?:•\s*)?(?:§\s*)?(?P<n>\d{1,3})\s+(?P<title>[A-ZÅÄÖ].{3,})$")
_ITEM_NUMBER = re.compile(r"^(?:•\s*)?§\s*(?P<n>\d{1,3})$")
_ITEM_BULLET = re.compile(r"^•\s+(?P<title>[A-ZÅÄÖ].{3,})$")
_ITEM_DNR = re.compile(r"^Dnr\b:?\s*(?P<dnr>\S.*)?$", re.IGNORECASE)
# The items Styrkoll is about, chosen when an agenda holds several.
_GOVERNANCE = re.compile(
    r"delårsrapport|tertialrapport|verksamhetsplan|intern ?kontroll|årsredovisning|"
    r"verksamhetsberättelse|budget|riskanalys|månadsrapport|uppföljning",
    re.IGNORECASE,
)
# "Kommunstyrelsens förslag till beslut": the proposal heading with the proposing body before it.
_BODY_PROPOSAL = re.compile(r"^[A-ZÅÄÖ][\w-]*s förslag till beslut\b")


def unfinished(lines: list[Line], data: dict[str, Any]) -> tuple[int, str] | None:
    """(line, why) when a memo's text stops before the memo does: it holds no proposal and none
    of the parts a memo closes with (Bilagor, Expedieras till). A memo that closes without a
    proposal is complete, and P8 judges it."""
    if data.get("förslag_till_beslut") or not lines:
        return None
    closing = re.compile(r"^(?:Bilagor|Bilaga|Expedieras till|Beslutet skickas till)\b")
    if any(closing.match(line.text) for line in lines):
        return None
    return lines[-1].number, (
        "texten slutar utan förslag till beslut och utan de delar ett utlåtande slutar med "
        "(Bilagor, Expedieras till)"
    )


def _items(lines: list[Line]) -> list[tuple[int, str, Line, int]]:
    """(index, number, title, first body index) of each agenda item: "2 Title" with a Dnr after
    it, "• § 3" with its title on the next line, or — once items have begun — an unnumbered
    bullet about a plan or report ("• Månadsrapport per oktober …")."""
    out: list[tuple[int, str, Line, int]] = []
    for i, line in enumerate(lines):
        text = line.text
        if (m := _ITEM.match(text)) and any(_ITEM_DNR.match(n.text) for n in lines[i + 1 : i + 4]):
            out.append((i, m["n"], Line(line.number, m["title"]), i + 1))
        elif (m := _ITEM_NUMBER.match(text)) and i + 1 < len(lines):
            out.append((i, m["n"], lines[i + 1], i + 2))
        elif out and (m := _ITEM_BULLET.match(text)) and _GOVERNANCE.search(text):
            title = re.split(r"(?<=[a-zåäö0-9])[.:](?:\s|$)", m["title"])[0][:120]
            out.append((i, "", Line(line.number, title), i))
    return out


def agenda_item(lines: list[Line]) -> tuple[list[Line], Line, str] | None:
    """A meeting agenda of several matters: the lines of the matter Styrkoll is about (a plan,
    a report, internal control; else the first), its title line and a note saying which was
    read. None when the text is one matter."""
    items = _items(lines)
    if len(items) < 2:
        return None
    ends = [i for i, _, _, _ in items[1:]] + [len(lines)]
    spans = [(*item, end) for item, end in zip(items, ends, strict=True)]
    chosen = next((s for s in spans if _GOVERNANCE.search(s[2].text)), spans[0])
    index, number, title, body, end = chosen
    which = f"ärende {number}" if number else "den onumrerade punkten"
    note = (
        f"en dagordning med {len(spans)} ärenden; läste {which} (rad {title.number}), det som "
        "gäller en plan, rapport eller intern kontroll"
        if _GOVERNANCE.search(title.text)
        else f"en dagordning med {len(spans)} ärenden; läste det första (rad {title.number})"
    )
    lines = lines[body:end]
    if lines and index == body:  # the bullet is the matter's first line of text
        lines = [Line(lines[0].number, _ITEM_BULLET.sub(r"\g<title>", lines[0].text)), *lines[1:]]
    return lines, title, note


def parse_memo(lines: list[Line], source: str, head: Head) -> Imported:
    """A memo's normalised lines → a `tjänsteutlåtande`; year and committee from the document's
    own head (the caller refuses a document that states no year). Of a meeting agenda, the
    matter that concerns a plan, report or internal control is read."""
    report = ImportReport(kind="tjänsteutlåtande")
    smap = SourceMap()
    sections: dict[str, list[Line]] = {}
    current = ""
    dnr = head.dnr
    title_line: Line | None = None
    picked = agenda_item(lines)
    if picked is not None:
        lines, title_line, note = picked
        report.notes.append((title_line.number, note))
        dnr = None  # the head's Dnr may be another matter's
    for line in lines:
        number = line.number
        stripped = line.text
        if not stripped:
            continue
        report.total_chars += len(stripped)
        if m := re.match(r"^DNR\s+([\w./-]+)$", stripped):
            dnr = m[1]
        if picked is not None and (m := _ITEM_DNR.match(stripped)) and m["dnr"] and dnr is None:
            dnr = m["dnr"].strip()
            report.placed_chars += len(stripped)
            continue
        if m := _BODY_PROPOSAL.match(stripped):
            stripped = "Förslag till beslut" + stripped[m.end() :]
            line = Line(number, stripped)
        if FURNITURE.match(stripped) or re.match(r"^https?://\S+$", stripped):
            report.placed_chars += len(stripped)
            continue
        heading = _heading(stripped)
        if heading is not None:
            current = HEADINGS[heading]
            sections.setdefault(current, [])
            smap.lines.setdefault((current,), number)
            rest = stripped[len(heading) :].lstrip(" :")
            report.placed_chars += len(stripped) - len(rest)
            if not rest:
                continue
            line, stripped = Line(number, rest), rest  # a heading that opened a flattened line
        if (
            re.match(r"^Enheternas .+ (19|20)\d{2}$", stripped)
            and title_line is None
            and (current == "" or current == "sammanfattning")
            and len(stripped) < 80
        ):
            title_line = line
            report.placed_chars += len(stripped)
            continue
        if not current:
            report.unplaced.append((number, stripped))
            continue
        sections[current].append(line)
        report.placed_chars += len(stripped)

    if not sections:
        raise InputError(
            source,
            "tjänsteutlåtandet har ingen av rubrikerna "
            + ", ".join(sorted(set(HEADINGS)))
            + " (inte heller mitt på en rad)",
            "the memo has none of the known headings",
            line=lines[0].number if lines else 1,
        )

    def body(key: str) -> str:
        return join_lines([ln.raw for ln in sections.get(key, [])])

    whole = " ".join(join_lines([ln.raw for ln in part]) for part in sections.values())
    subject = SUBJECT.search((title_line.text if title_line else "") + " " + whole)
    year = int(subject["year"]) if subject else head.year
    if year is None:
        raise InputError(
            source,
            "tjänsteutlåtandet anger inget år; ange det med --year",
            "the memo states no year; give it with --year",
            line=1,
        )
    what = subject["what"].lower() if subject else ""
    concerns = "årsrapport" if "berättelse" in what else "verksamhetsplan" if what else "annat"
    committee = COMMITTEE.search(whole)
    body_name = committee[1] if committee else head.committee
    if body_name is None:  # "Kommunstyrelsens förslag till beslut": the body that proposes
        for ln in lines:
            if proposer := _BODY_PROPOSAL.match(ln.text):
                body_name = proposer[0].split()[0][:-1]  # "Kommunstyrelsens" -> "…styrelsen"
                note = f"nämnden: {body_name}, som lägger förslaget till beslut"
                report.notes.append((ln.number, note))
                break
    if body_name is None:
        raise InputError(
            source,
            "tjänsteutlåtandet namnger ingen nämnd eller styrelse; ange den med --nämnd",
            "the memo names no committee; give it with --nämnd",
            line=1,
        )
    data: dict[str, Any] = {"dokument": "tjänsteutlåtande", "år": year, "nämnd": body_name}
    if dnr:
        data["dnr"] = dnr
    if head.date is not None:
        data["datum"] = head.date
    if title_line is not None:
        data["ärende"] = title_line.text
        smap.lines[("ärende",)] = title_line.number
    elif head.title:
        data["ärende"] = head.title
        smap.lines[("ärende",)] = lines[0].number if lines else 1
        report.notes.append((smap.lines[("ärende",)], "ärendet är dokumentets första rad"))
    else:
        raise InputError(
            source, "tjänsteutlåtandet har ingen rubrik", "the memo has no title", line=1
        )

    proposal = []
    for item in re.split(r"(?:^|\n)(?:\d+\.|[-–•])\s+", body("förslag_till_beslut")):
        item = " ".join(item.split())
        if item:
            proposal.append(item)
    if proposal:
        data["förslag_till_beslut"] = proposal
    elif picked is not None:  # an agenda item's proposal stands in the matter's own papers
        data["utdrag"] = True
        report.notes.append(
            (
                title_line.number if title_line else 1,
                "behandlas som ett utdrag: punkten på dagordningen visar inte förslaget till "
                "beslut; det står i ärendets handlingar",
            )
        )
    if concerns == "annat":  # the matter's title, else what its first proposal decides
        concerns = concerns_of(data["ärende"])
    if concerns == "annat" and proposal:
        concerns = concerns_of(proposal[0])
    data["avser"] = concerns
    for key in ("sammanfattning", "bakgrund", "ärendet", "förvaltningens_förslag"):
        if body(key):
            data[key] = body(key)

    # Decision date, then the union steps: plans for year Y are decided in December Y-1 or early
    # in Y, annual reports early in Y+1: a date written without a year is read that way.
    preparation_text = body("beredning")
    default_year = year + 1 if concerns == "årsrapport" else year
    preparation: dict[str, Any] = {}
    if preparation_text:
        preparation["text"] = preparation_text
    decision = re.search(r"(?:behandla|besluta|beslut)\w*\b[^.]*?\bden\s+" + DAY, preparation_text)
    if decision:
        day, guessed = _dated(decision, default_year)
        if day:
            data["beslutsdatum"] = day.isoformat()
            if guessed:
                report.notes.append(
                    (
                        smap.lines.get(("beredning",), 1),
                        f"beslutsdatumet saknar år; tolkat som {day.isoformat()}",
                    )
                )
    for section in ("19", "11"):
        for sentence in re.split(r"(?<=\.)\s+|\boch\b", preparation_text):
            if f"§ {section}" not in sentence and f"§{section}" not in sentence:
                continue
            m = re.search(r"den\s+" + DAY, sentence)
            if not m:
                continue
            day, guessed = _dated(m, default_year)
            if day:
                preparation[f"mbl_{section}"] = day.isoformat()
                if guessed:
                    report.notes.append(
                        (
                            smap.lines.get(("beredning",), 1),
                            f"MBL § {section}-datumet saknar år; tolkat som {day.isoformat()}",
                        )
                    )
            break
    if preparation:
        data["beredning"] = preparation

    attachments: list[dict[str, Any]] = []
    for line in sections.get("bilagor", []):
        stripped = re.sub(r"^\d+\.\s*", "", line.text)
        attachment: dict[str, Any] = {"titel": stripped}
        iso = ISO.search(stripped)
        if iso:
            attachment["datum"] = iso[1]
            for section in ("19", "11"):
                if re.search(rf"MBL\s*§\s*{section}\b|§\s*{section}\s*MBL", stripped):
                    attachment[f"mbl_{section}"] = iso[1]
            attachment["titel"] = stripped[: iso.start()].strip() or stripped
        smap.lines[("bilagor", len(attachments))] = line.number
        attachments.append(attachment)
    if attachments:
        data["bilagor"] = attachments
    report.counts = {
        "beslutsförslag": len(proposal),
        "MBL-datum": sum(1 for k in ("mbl_19", "mbl_11") if k in preparation),
        "bilagor": len(attachments),
    }
    return Imported(data, smap, report)
