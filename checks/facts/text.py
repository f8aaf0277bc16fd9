"""Values read out of running text: amounts, compared years, figures, targets, opening words.

Also the `text_amount` and `text_year` facts of a text field. The differences to the budget table
and to the plan year are derived here because durable-rules crashes on arithmetic inside a join
(see the catalogue's ARITHMETIC note).
"""

from __future__ import annotations

import re
from datetime import date

from checks.facts.base import Fact, FactBase, FactKind, Place, number
from checks.model import Path

KINDS = {
    "text_amount": FactKind(
        derived={
            "amount_tkr": "beloppet omräknat till tkr",
            "qualifier": "ordet efter beloppet (netto, brutto)",
            "quote": "beloppet som det står i texten",
            "field": "fältet där texten står",
            "net_deviation_tkr": "beloppet minus budgettabellens summa netto, i tkr",
        }
    ),
    "text_year": FactKind(
        derived={
            "year": "årtalet som texten jämför med",
            "years_before_plan": "planens år minus årtalet",
            "quote": "jämförelsen som den står i texten",
            "field": "fältet där texten står",
        }
    ),
}

_AMOUNT = re.compile(
    r"(?<![\d,])(?P<num>\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
    r"\s*(?P<unit>mnkr|mkr|miljoner kronor|tkr|tusen kronor)\b"
    r"(?:\s+(?P<qual>netto|brutto)\b)?",
    re.IGNORECASE,
)
_UNIT_TKR = {"mnkr": 1000.0, "mkr": 1000.0, "miljoner kronor": 1000.0, "tkr": 1.0}
_COMPARED_YEAR = re.compile(
    r"jämfört\s+med\s+(?:(?:[a-zåäö]+)\s+){0,3}?(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)?|\b(?:januari|februari|mars|april|maj|juni|juli|augusti|september|"
    r"oktober|november|december|vecka|tertial|kvartal)\b",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"^(?:minst|högst|max|min|över|under|>=|<=|≥|≤|>|<)?\s*"
    r"(?P<num>-?\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|-?\d+(?:[.,]\d+)?)\s*(?:%|procent|st|dagar)?$",
    re.IGNORECASE,
)


# Words a document template leaves behind until someone writes over them (matched lower-case).
TEMPLATE_PHRASES = re.compile(
    r"klicka (?:eller tryck )?här för att ange (?:text|datum)|skriv (?:text|rubrik) här|"
    r"dokument\d\b|lorem ipsum|åååå-mm-dd|(?<!x)x{2,}+-x{2,}|\[(?:rubrik|namn|datum)\]"
)
# A diarienummer as municipalities write them: "KS 2014/742", "TSN/2015:487-0061", "0805/14".
DNR = re.compile(
    r"\b(?:[A-ZÅÄÖ]{1,6}[ /-]?)?(?:19|20)\d{2}[/:]\d{1,6}(?:[:.-]\d+)*\b"
    r"|\b\d{3,4}/\d{2}\b|\b\d{3}-(?:19|20)\d{2}-\d+(?:\.\d+)*"
)


def template_residue(texts: list[str]) -> str | None:
    """The first template phrase left in any of the texts, as it stands there."""
    joined = "\n".join(texts)
    lowered = joined.lower()
    m = TEMPLATE_PHRASES.search(lowered)
    if m is None:
        return None
    same = len(lowered) == len(joined)  # lower() kept every position (it does for Swedish)
    return joined[m.start() : m.end()] if same else m[0]


# Not a Dnr: a statute's number ("(2006:544)", SFS) or a regulation's ("MSBFS 2015:5").
_STATUTE = re.compile(r"(?:[A-ZÅÄÖ]*FS[ /-]?)?(?:19|20)\d{2}:\d+")


def diarienummer(texts: list[str]) -> set[str]:
    """The distinct diarienummer quoted in the texts, one spelling each ("KS-2014/742" and
    "KS 2014/742" are one); statute and regulation numbers are not diarienummer."""
    out: set[str] = set()
    for text in texts:
        for m in DNR.findall(text):
            if _STATUTE.fullmatch(m):
                continue
            out.add(re.sub(r"^([A-ZÅÄÖ]{1,6})[ /-]?(?=\d)", r"\1 ", " ".join(m.split())))
    return out


def quoted_amounts(text: str) -> list[tuple[str, float, str | None]]:
    """Amounts quoted in running text: ("32,9 mnkr netto", 32900.0, "netto")."""
    out: list[tuple[str, float, str | None]] = []
    if "kr" not in text and "Kr" not in text and "KR" not in text:  # cheap test before the regex
        return out
    for m in _AMOUNT.finditer(text):
        value = float(m["num"].replace(" ", "").replace("\u00a0", "").replace(",", "."))
        tkr = value * _UNIT_TKR.get(m["unit"].lower(), 1.0)
        qual = m["qual"].lower() if m["qual"] else None
        out.append((" ".join(m.group(0).split()), round(tkr, 3), qual))
    return out


def compared_years(text: str) -> list[tuple[str, int]]:
    """Comparisons with a stated year in text: ("jämfört med verksamhetsplanen 2010", 2010)."""
    if "mför" not in text.lower():  # "jämfört", also "Jämfört"; a cheap test before the regex
        return []
    return [(" ".join(m.group(0).split()), int(m["year"])) for m in _COMPARED_YEAR.finditer(text)]


def opening(title: str) -> str:
    """The first two words, lower case: "vi åtar" for "Vi åtar oss att …"."""
    return " ".join(_WORD.findall(title.casefold())[:2])


def figures(text: str | None) -> str | None:
    """Numbers and calendar words in a text ("85", "juni"): what makes a result followable."""
    if not text:
        return None
    found = _FIGURE.findall(text)
    return " ".join(found[:10]) if found else None


def target_number(text: str | None) -> float | None:
    """A target that is a number ("85 %", "minst 4,5", "1 200"), else None."""
    if not text:
        return None
    m = _TARGET.match(text.strip())
    if not m:
        return None
    return float(m["num"].replace(" ", "").replace("\u00a0", "").replace(",", "."))


def target_gap(annual: str | None, council: str | None) -> float | None:
    a, c = target_number(annual), target_number(council)
    return None if a is None or c is None else a - c


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (negative when `later` is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def text_facts(
    base: FactBase,
    path: Path,
    flabel: str,
    text: str,
    owner: Place,
    plan_year: int,
    net_total: float | None,
) -> None:
    """Facts for the amounts and compared years quoted in one text field."""
    amounts, years = quoted_amounts(text), compared_years(text)
    if not amounts and not years:
        return
    owner_name, owner_name_en = owner.label_sv, owner.label_en
    for n, (quote, tkr, qual) in enumerate(amounts):
        ref = f"{owner.ref}:{path[-1]}:belopp{n + 1}"
        fact: Fact = {
            "kind": "text_amount",
            "ref": ref,
            "amount_tkr": number(tkr),
            "quote": quote,
            "field": flabel,
        }
        if qual:
            fact["qualifier"] = qual
        if net_total is not None:
            fact["net_deviation_tkr"] = number(tkr - net_total)
        labels = (
            f'beloppet "{quote}" i {flabel} för {owner_name}',
            f'the amount "{quote}" in {path[-1]} of {owner_name_en}',
        )
        base.add(fact, Place(ref, "text_amount", path, owner.order, parent=owner, labels=labels))
    for n, (quote, year) in enumerate(years):
        ref = f"{owner.ref}:{path[-1]}:jamforelse{n + 1}"
        fact = {
            "kind": "text_year",
            "ref": ref,
            "year": year,
            "years_before_plan": plan_year - year,
            "quote": quote,
            "field": flabel,
        }
        labels = (
            f'jämförelsen "{quote}" i {flabel} för {owner_name}',
            f'the comparison "{quote}" in {path[-1]} of {owner_name_en}',
        )
        base.add(fact, Place(ref, "text_year", path, owner.order, parent=owner, labels=labels))
