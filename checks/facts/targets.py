"""What a controller reads in the wording of goals, budgets and internal-control plans: whether a
goal states a measurable target, the year a target is due, an unspecified saving in a budget, a
frequency column in a control table and a plan's statement that controls follow the risk value.

Python only reads the text here; the rules (G6, G7, B6, R8, R9) judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from checks.documents import DecisionMemo
from checks.facts.base import Fact, FactBase, FactKind, Place, present
from checks.facts.labels import clip
from checks.model import Indicator, Path

KINDS = {
    "budget_text": FactKind(
        derived={
            "doc": "handlingens slag",
            "name": "handlingens namn",
            # stays out in an excerpt where none was found: one may stand further on
            "unspecified_savings": "antal ställen med en besparing som inte är fördelad",
            "quote": "det första stället, som det står i texten",
            "field": "fältet där det står",
        }
    ),
}

# "Resande med kollektivtrafik ska öka": a subject and a direction, nothing to measure against.
# "… ska minska jämfört med 2011" names its base and is measurable.
_DIRECTION_ONLY = re.compile(
    r"^.{2,120}?\s(?:ska|skall|bör)\s+(?:fortsätta\s+(?:att\s+)?)?"
    r"(?:öka|minska|förbättras|höjas|sänkas|stärkas|bli\s+(?:bättre|fler|färre|högre|lägre))\.?$",
    re.IGNORECASE,
)
# A figure that makes a goal measurable: a number that is not only a year.
_MEASURE = re.compile(r"(?<![\d-])(?!(?:19|20)\d{2}(?!\d))\d+(?:[.,]\d+)?(?!\d)|\bprocent\b|%")
_YEAR = r"(?P<year{n}>(?:19|20)\d{{2}})(?:-\d{{2}}-\d{{2}}(?!\d)|(?![\d-]|\s*[-–]\s*(?:19|20)\d))"
# A year stated as the target's deadline: "senast 2018", "till och med 2018", "ranking 2017 ska".
_DEADLINE = re.compile(
    r"\b(?:senast|till och med|t\.\s?o\.\s?m\.?|fram till|till|före|innan|inom)\s+"
    r"(?:år\s+|utgången\s+av\s+|slutet\s+av\s+|den\s+\d{1,2}\s+[a-zåäö]+\s+)?"
    + _YEAR.format(n=1)
    + r"|\b(?:ranking(?:en)?|mätning(?:en)?|undersökning(?:en)?|enkät(?:en)?)\s+"
    + _YEAR.format(n=2)
    + r"\s+(?:ska|skall)\b",
    re.IGNORECASE,
)
# A saving not yet laid out on activities: "ospecificerad besparing", "ej fördelad besparing",
# "generell besparing att fördela", "besparingskrav som ännu inte är fördelat".
_SAVING_WORD = r"(?:besparing|sparkrav|sparbeting|effektiviseringskrav)\w*"
_SAVING = re.compile(
    r"(?<!ingen\s)(?<!inga\s)(?<!inte\snågon\s)\b"
    r"(?:(?:ospecificera|ofördela|ej\s+specificera|ej\s+fördela|inte\s+specificera|inte\s+fördela"
    r"|icke\s+fördela)(?:d|de|t)\s+"
    + _SAVING_WORD
    + r"|generell(?:a|t)?\s+"
    + _SAVING_WORD
    + r"\s+(?:som\s+)?(?:att|ska|skall)\s+fördela\w*|"
    + _SAVING_WORD
    + r"\s+(?:som\s+)?(?:är\s+|har\s+)?(?:ännu\s+)?(?:inte|ej)\s+(?:är\s+|har\s+)?"
    r"(?:fördela|specificera)\w*)",
    re.IGNORECASE,
)
# A column that says when or how often a control is made. "Tidpunkt för" cut off is not one:
# it may go on as "… kontroll" or as "… rapportering".
_FREQUENCY_COLUMN = re.compile(
    r"^(?:kontroll)?frekvens\b|^periodicitet\b|^tidpunkt(?:\s+för\s+(?:kontroll|genomförande)\w*)?$"
    r"|^när\b|^tidplan\b",
    re.IGNORECASE,
)
_RISK_VALUE_COLUMN = re.compile(r"^(?:riskvärde|risktal|riskpoäng)\b", re.IGNORECASE)
# "… där risktalet är högst (över 9) …", "risker med riskvärde 9 eller högre"
_BY_RISK_VALUE = re.compile(r"\b(?:riskvärde|risktal|riskpoäng)\w*\b", re.IGNORECASE)


def measurable(title: str) -> bool:
    """The goal's wording holds a figure to measure against (a number that is not a year)."""
    return _MEASURE.search(title) is not None


def direction_only(title: str) -> bool:
    """The goal states only a direction ("… ska öka") and no figure."""
    return _DIRECTION_ONLY.match(title.strip()) is not None and not measurable(title)


def target_year(texts: Iterable[str | None], plan_year: int) -> tuple[int, str] | None:
    """A year the texts state as a target's deadline, with the words that state it: the latest
    of those before the plan year when there is one (a target already past), else the earliest."""
    found = [
        (int(m["year1"] or m["year2"]), " ".join(m[0].split()))
        for text in texts
        for m in _DEADLINE.finditer(text or "")
    ]
    past = [f for f in found if f[0] < plan_year]
    if past:
        return max(past, key=lambda f: f[0])
    return min(found, key=lambda f: f[0]) if found else None


def saving_quote(text: str) -> str | None:
    """The first unspecified saving a text states, with a few words around it."""
    if not any(w in text for w in ("spar", "Spar", "SPAR", "effektivis", "Effektivis")):
        return None  # a cheap test before the pattern: every saving word holds one of these
    m = _SAVING.search(text)
    if m is None:
        return None
    dot = text.rfind(". ", 0, m.start())
    start = max(dot + 2 if dot >= 0 else 0, text.rfind(" ", 0, max(0, m.start() - 40)) + 1)
    stop = [i for i in (text.find(".", m.end()), text.find(" ", m.end() + 40)) if i >= 0]
    return clip(" ".join(text[start : min(stop, default=len(text))].split()), 160)


def frequency_columns(columns: list[str]) -> int:
    return sum(1 for c in columns if _FREQUENCY_COLUMN.search(c.strip()))


def risk_value_column(columns: list[str]) -> bool:
    return any(_RISK_VALUE_COLUMN.search(c.strip()) for c in columns)


def by_risk_value(selection: str | None) -> bool:
    return selection is not None and _BY_RISK_VALUE.search(selection) is not None


BudgetTexts = Sequence[tuple[Path, str, str | None]]  # (path, field label, text)


def budget_text_fact(
    base: FactBase,
    doc: str,
    labels: tuple[str, str],
    texts: BudgetTexts,
    excerpt: bool,
    order: int,
    parent: Place | None,
) -> None:
    """The `budget_text` fact of a document that holds or proposes a budget (B6)."""
    ref = f"{doc}/BUDGETTEXT"
    fact: Fact = {"kind": "budget_text", "ref": ref, "doc": doc, "name": labels[0]}
    found = 0
    path: Path = ()
    for tpath, label, text in texts:
        stated = present(text)
        quote = saving_quote(stated) if stated is not None else None
        if quote is None:
            continue
        found += 1
        if found == 1:
            fact["quote"], fact["field"], path = quote, label, tpath
    if found or not excerpt:  # an excerpt may state one further on
        fact["unspecified_savings"] = found
    base.add(
        fact,
        Place(ref, "budget_text", path, order, parent=parent, labels=labels, doc=doc),
    )


_ABOUT_BUDGET = re.compile(
    r"verksamhetsplan|nämndplan|budget|årsplan|mål och resursplan|driftram|ekonomisk plan",
    re.IGNORECASE,
)


def memo_budget_fact(base: FactBase, kind: str, doc: DecisionMemo, order: int, at: Place) -> None:
    """B6 on a memo: the memo that puts a plan or a budget up for decision (or that states an
    unspecified saving, whatever it is about) has its texts read as the budget's."""
    texts: list[tuple[Path, str, str | None]] = [
        (("förslag_till_beslut", i), "förslaget till beslut", p) for i, p in enumerate(doc.proposal)
    ]
    for key, label, text in (
        ("sammanfattning", "sammanfattningen", doc.summary),
        ("bakgrund", "bakgrunden", doc.background),
        ("ärendet", "ärendet", doc.matter),
        ("förvaltningens_förslag", "förvaltningens förslag", doc.administration_view),
    ):
        texts.append(((key,), label, text))
    about = doc.concerns == "verksamhetsplan" or any(
        _ABOUT_BUDGET.search(text or "") for text in (doc.subject, *doc.proposal)
    )
    if about or any(saving_quote(text or "") for _, _, text in texts):
        budget_text_fact(
            base, kind, ("tjänsteutlåtandet", "the decision memo"), texts, doc.excerpt, order, at
        )


# Where an indicator's direction can safely be read when the plan does not state it: the KF
# target's own bound ("minst 90 %" = higher is better, "högst 5 dagar" = lower), else words of
# the indicator's name whose direction is never in doubt. Anything else stays unknown (not judged).
_HIGHER_BOUND = re.compile(r"^\s*(?:minst|lägst|över|mer än|>=|≥|>)", re.IGNORECASE)
_LOWER_BOUND = re.compile(r"^\s*(?:högst|max(?:imalt)?|under|mindre än|<=|≤|<)", re.IGNORECASE)
_HIGHER_NAME = re.compile(r"nöjd|nöjdhet|\bNKI\b|\bNMI\b|förtroende|trygghet", re.IGNORECASE)
_LOWER_NAME = re.compile(
    r"sjukfrånvaro|väntetid|kötid|handläggningstid|klagomål|olyck|skador", re.IGNORECASE
)


def inferred_direction(indicator: Indicator) -> tuple[str, str] | None:
    """("högre"|"lägre", what it was read from) for an indicator without a stated direction."""
    council = str(indicator.council_target or "")
    if _HIGHER_BOUND.match(council):
        return "högre", f'KF:s årsmål "{council}"'
    if _LOWER_BOUND.match(council):
        return "lägre", f'KF:s årsmål "{council}"'
    name = str(indicator.name or "")
    higher, lower = _HIGHER_NAME.search(name), _LOWER_NAME.search(name)
    if higher and not lower:
        return "högre", f'indikatorns namn ("{higher[0]}")'
    if lower and not higher:
        return "lägre", f'indikatorns namn ("{lower[0]}")'
    return None
