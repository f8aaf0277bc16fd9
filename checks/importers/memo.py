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
from checks.importers.ils import FURNITURE, MONTHS, Line, join_lines
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
}
DAY = r"(?P<day>\d{1,2})\s+(?P<month>januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)(?:\s+(?P<year>\d{4}))?"  # noqa: E501
ISO = re.compile(r"(\d{4}-\d{2}-\d{2})")
SUBJECT = re.compile(
    r"(?P<what>verksamhetsplaner|verksamhetsplan|verksamhetsberättelser|verksamhetsberättelse)"
    r"(?:na)?\s+(?:och kvalitetsgarantier\s+)?(?:för\s+)?(?P<year>(?:19|20)\d{2})",
    re.IGNORECASE,
)
COMMITTEE = re.compile(r"([A-ZÅÄÖ][\w-]+s stadsdelsnämnd)")


def looks_like_memo(text: str) -> bool:
    head = text[:20_000]
    return (
        "Ärendets beredning" in head
        or "TJÄNSTEUTLÅTANDE" in head
        or ("Förslag till beslut" in head and "KF:s INRIKTNINGSMÅL" not in head)
    )


def _dated(match: re.Match[str], default_year: int) -> tuple[date | None, bool]:
    """A Swedish date; True when the year was not written and `default_year` was used."""
    year = int(match["year"]) if match["year"] else default_year
    try:
        return date(year, MONTHS[match["month"]], int(match["day"])), match["year"] is None
    except ValueError:
        return None, False


def parse_memo(text: str, source: str) -> Imported:
    report = ImportReport(kind="tjänsteutlåtande")
    smap = SourceMap()
    sections: dict[str, list[Line]] = {}
    current = ""
    dnr = None
    title_line: Line | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = Line(number, raw)
        stripped = line.text
        if not stripped:
            continue
        report.total_chars += len(stripped)
        if m := re.match(r"^DNR\s+([\w./-]+)$", stripped):
            dnr = m[1]
        if FURNITURE.match(stripped) or re.match(r"^https?://\S+$", stripped):
            report.placed_chars += len(stripped)
            continue
        if stripped in HEADINGS:
            current = HEADINGS[stripped]
            sections.setdefault(current, [])
            smap.lines.setdefault((current,), number)
            report.placed_chars += len(stripped)
            continue
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
            "tjänsteutlåtandet har inga kända rubriker (t.ex. Ärendets beredning)",
            "the memo has none of the known headings",
        )

    def body(key: str) -> str:
        return join_lines([ln.raw for ln in sections.get(key, [])])

    whole = " ".join(join_lines([ln.raw for ln in lines]) for lines in sections.values())
    subject = SUBJECT.search((title_line.text if title_line else "") + " " + whole)
    year = int(subject["year"]) if subject else date.today().year
    what = subject["what"].lower() if subject else ""
    concerns = "årsrapport" if "berättelse" in what else "verksamhetsplan" if what else "annat"
    if not subject:
        report.notes.append((1, f"ärendets år framgår inte; tolkat som {year}"))
    committee = COMMITTEE.search(whole)
    data: dict[str, Any] = {
        "dokument": "tjänsteutlåtande",
        "år": year,
        "nämnd": committee[1] if committee else "Okänd nämnd",
    }
    if dnr:
        data["dnr"] = dnr
    if title_line is not None:
        data["ärende"] = title_line.text
        smap.lines[("ärende",)] = title_line.number
    else:
        noun = "verksamhetsberättelser" if concerns == "årsrapport" else "verksamhetsplaner"
        data["ärende"] = f"Enheternas {noun} {year}"
        report.notes.append((1, f'ärendets rubrik saknas; tolkad som "{data["ärende"]}"'))
    data["avser"] = concerns

    proposal = []
    for item in re.split(r"(?:^|\n)\d+\.\s+", body("förslag_till_beslut")):
        item = " ".join(item.split())
        if item:
            proposal.append(item)
    if proposal:
        data["förslag_till_beslut"] = proposal
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
