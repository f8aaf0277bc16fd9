"""What a controller reads in the running text of a report, or of a memo about one: forecast
wording at year end, a count of goals that does not add up, a goal assessment put off to a later
report, a result or deviation stated without its amount, negative equity and a plan to restore it.

Each reader takes a text (the document's text fields, joined) and returns what it found as the
text says it, or None. Python finds and counts here; the rules (F6–F10) judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = (
    "noll en två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton sexton "
    "sjutton arton nitton tjugo"
).split()
NUMBER_WORDS = {w: i for i, w in enumerate(_WORDS)} | {"ett": 1, "arton": 18}
_NUM = r"(?:\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_GOAL = r"(?:\w*mål(?:en|et)?|åtaganden(?:a)?)\b"
_GRADE = (
    r"(?:(?:delvis|inte|ej)\s+)?(?:bli\s+)?(?:uppfyll|uppnå|nås\b|nått|nådd)\w*"
    r"|(?:kan\s+)?(?:inte|ej)\s+(?:(?:kunnat\s+)?bedöm|mät|följ)\w*|(?:saknar|utan)\s+bedömning"
)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+|\n+", text) if s.strip()]


def _quote(text: str, start: int, end: int, room: int = 40) -> str:
    """The match with a little of its sentence, as the text says it."""
    left = max(text.rfind(".", 0, start) + 1, start - room)
    if left > 0 and not text[left - 1].isspace() and text[left - 1] != ".":
        left = min(text.find(" ", left) + 1 or start, start)  # whole words only
    right = text.find(".", end)
    right = min(right if right >= 0 else len(text), end + room)
    if right < len(text) and text[right] not in ". ":
        cut = text.rfind(" ", end, right)
        right = cut if cut >= 0 else end
    return " ".join(text[left:right].split()).strip(" ,;")


# --- F6: forecast wording in a year-end report -----------------------------------------------

_FORECAST = re.compile(
    r"\b(?:bedöms|beräknas|förväntas|väntas)\s+(?:(?:inte|ej)\s+)?bli\s+(?:(?:delvis|inte|ej)\s+)?"
    r"(?:uppfyll|uppnå|nådd|nått)\w*"
    r"|\b(?:kommer|förväntas|väntas)\s+(?:(?:inte|ej)\s+)?(?:att\s+)?(?:kunna\s+)?(?:delvis\s+)?"
    r"(?:uppfyllas|uppnås|nås)\b[^.]{0,30}?\b(?:under|vid|före|innan)\s+(?:året|årets\s+slut)"
    r"|\bprognos(?:en)?\s+(?:är|pekar\s+på)\s+(?:att\s+)?[^.]{0,50}?\b(?:nå|uppnå|uppfyll)\w*"
    r"|\bprognos\s+(?:för|att\s+nå)\s+(?:mål|måluppfyllelse)\w*",
    re.I,
)
_LATER = re.compile(r"\b(?:20\d\d|nästa\s+år|kommande\s+år|på\s+sikt|mandatperiod)", re.I)


def forecast_wording(text: str, year: int) -> str | None:
    """Goals assessed as a forecast ("bedöms bli uppfyllt under året"), not as an outcome; a
    forecast for a later year ("bedöms bli uppfyllt 2025") is a multi-year goal's and is left."""
    for m in _FORECAST.finditer(text):
        after = text[m.end() : m.end() + 50].split(".")[0]
        later = _LATER.search(after)
        if later and not (later[0].isdigit() and int(later[0]) <= year):
            continue
        return _quote(text, m.start(), m.end(), room=30)
    return None


# --- F7: the goal count adds up ----------------------------------------------------------------


@dataclass(frozen=True)
class GoalCount:
    stated: int  # the goals the text says there are
    accounted: int  # those it gives a status for
    quote: str


_TOTAL = re.compile(
    rf"\b(?P<part>{_NUM})\s+av\s+(?:totalt\s+|sammanlagt\s+|de\s+)?(?P<of>{_NUM})\s+(?:\w+\s+){{0,2}}?{_GOAL}"
    rf"|\bav\s+(?:de\s+|totalt\s+|sammanlagt\s+|\w+s\s+)?(?P<av>{_NUM})\s+(?:\w+\s+){{0,2}}?{_GOAL}"
    rf"|\b(?:totalt|sammanlagt)\s+(?P<tot>{_NUM})\s+(?:\w+\s+){{0,2}}?{_GOAL}"
    rf"|\b(?P<n>{_NUM})\s+av\s+(?:de\s+|dessa\s+|\w+s\s+)?(?:\w+\s+)?{_GOAL}",
    re.I,
)
_PART = re.compile(
    rf"\b(?P<n>{_NUM})\b(?!\s*(?:%|procent|kr|mkr|mnkr|tkr))"
    rf"(?=\s+(?:(?!{_NUM}\b)[^\W\d]+\s+){{0,3}}?(?:{_GRADE}))",
    re.I,
)


def _value(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _parts(sentence: str, skip: tuple[int, int] = (0, 0)) -> list[int]:
    out = []
    for m in _PART.finditer(sentence):
        if skip[0] <= m.start("n") < skip[1] or re.fullmatch(r"(?:19|20)\d\d", m["n"]):
            continue
        if re.match(r"\s+av\s+", sentence[m.end("n") :]):  # "8 av 30 …" is read as a total
            continue
        out.append(_value(m["n"]))
    return out


def goal_counts(text: str) -> list[GoalCount]:
    """Each statement of how many goals there are with the statuses it gives them: a total
    ("14 av målen", "av 30 delmål", "8 av 30 delmålen …") and at least two parts with a status
    in that sentence and the sentences right after it ("Av dessa beräknas 7 uppnås och 2 uppnås
    delvis"). A part is a number before a status word; percentages and years are not parts."""
    out: list[GoalCount] = []
    sentences = _sentences(text)
    for i, sentence in enumerate(sentences):
        m = _TOTAL.search(sentence)
        if m is None:
            continue
        parts: list[int] = []
        left = max(0, m.start() - 40)
        if left:  # a few whole words before the count
            left = sentence.find(" ", left) + 1 or m.start()
        lead = sentence[min(left, m.start()) :]
        if m["part"] is not None:
            total = _value(m["of"])
            rest = sentence[m.end() :]
            if re.match(rf"\s+(?:\w+\s+){{0,2}}?(?:{_GRADE})", rest, re.I):
                parts.append(_value(m["part"]))
        else:
            total = _value(m["av"] or m["tot"] or m["n"])
            if m["n"] is not None and re.match(
                rf"\s+(?:\w+\s+){{0,2}}?(?:{_GRADE})", sentence[m.end() :], re.I
            ):
                continue  # "14 av målen uppnås": a part of an unstated total
        parts += _parts(sentence, (m.start(), m.end()))
        quote = [lead]
        for later in sentences[i + 1 : i + 3]:
            found = _parts(later)
            if not found or _TOTAL.search(later):
                break
            parts += found
            quote.append(later)
        if len(parts) >= 2:
            out.append(GoalCount(total, sum(parts), " ".join(" ".join(quote).split())))
    return out


# --- F8: goal assessment put off ---------------------------------------------------------------

_LATER_REPORT = (
    r"(?:delårsrapport|tertialrapport|uppföljningsrapport|årsredovisning|årsrapport|"
    r"verksamhetsberättelse|bokslut)\w*"
)
_DEFERRED = re.compile(
    r"\bbedömning(?:en)?\s+av\s+(?:\w+\s+){0,2}?(?:mål\w*|måluppfyllelse\w*)[^.]{0,60}?"
    r"\b(?:görs|kommer\s+att\s+göras|redovisas|sker|lämnas)\s+(?:först\s+)?(?:i|till|vid|per)\s+"
    rf"[^.]{{0,30}}?{_LATER_REPORT}"
    r"|\buppföljning\s+av\s+(?:samtliga\s+|alla\s+)?(?:\w+\s+)?mål\w*[^.]{0,30}?"
    r"\b(?:görs|kommer\s+att\s+göras|redovisas|sker)\s+(?:först\s+)?(?:i|till|vid|per)\s+"
    rf"[^.]{{0,30}}?{_LATER_REPORT}"
    r"|\bprognos(?:er)?\s+lämnas\s+(?:därför\s+|endast\s+|bara\s+|enbart\s+)?(?:per|på)\s+målområde"
    r"|\bför\s+kort\s+för\s+att\s+(?:kunna\s+)?(?:redovisa|lämna|göra)\s+[^.]{0,30}?"
    r"(?:prognos|bedömning)",
    re.I,
)


def assessment_deferred(text: str) -> str | None:
    """Wording that puts the assessment of the goals off to a later report, or gives no
    prognosis per goal ("Prognos lämnas per målområde"). A legend's "Ingen prognos kan lämnas"
    is a status some goals may have, not a report that assesses none: it is not read."""
    m = _DEFERRED.search(text)
    return _quote(text, m.start(), m.end(), room=20) if m else None


# --- F9: a result or deviation without its amount ----------------------------------------------

_UNIT = r"(?:mnkr|mkr|mdkr|tkr|miljoner kronor|miljarder kronor|tusen kronor|kronor|kr)"
_BEFORE = (
    "till om med på av ca cirka drygt knappt totalt sammanlagt uppgår uppgick motsvarande "
    "ungefär närmare nästan än mot från minus plus är blev var beräknas bedöms"
).split()
_NO_FIGURE = re.compile(rf"(?<!\S)(?P<prev>[^\W\d]+)\s+{_UNIT}\b(?!\s*\d)", re.I)
# a label and its unit whose figure is gone, with prose going on: "Delårsbokslut mkr Resultaten …"
_LABEL = re.compile(
    rf"\b(?i:delårsbokslut|bokslut|helårsprognos|prognos|resultat|utfall|budget)\w*\s+{_UNIT}\s+"
    rf"(?=[A-ZÅÄÖ][a-zåäö]+\s+(?!{_UNIT}\b)[a-zåäö]{{2,}}\b)",
)
_RESULT = re.compile(
    r"\b(?:prognosticerar|prognostiserar|prognostiserade?|prognosticerade?|redovisar|redovisade|"
    r"visar|visade|uppvisar|beräknar|befarar|gör|gjorde|har|hade|får|fick|uppstår|uppstod|"
    r"blir|blev|innebär|innebar)\s+(?:(?!inget|ingen|inga|något|inte)\w+\s+){0,3}?"
    r"(?:ett\s+|en\s+)?(?P<w>underskott|överskott|förlust|negativ\w*\s+(?:budget)?avvikelse|"
    r"positiv\w*\s+(?:budget)?avvikelse)\b",
    re.I,
)
_FIGURE = re.compile(rf"\d\s*(?:{_UNIT}|%|procent|miljoner|miljarder)\b", re.I)


def amount_missing(text: str, excerpt: bool = False) -> str | None:
    """A unit with no figure before it ("till mnkr", "om kronor"), a label whose figure is gone,
    or a result, deficit or deviation stated with no amount in its sentence or the next."""
    for m in _NO_FIGURE.finditer(text):
        if m["prev"].lower() in _BEFORE:
            return _quote(text, m.start(), m.end(), room=40)
    if label := _LABEL.search(text):
        return _quote(text, label.start(), label.end(), room=20)
    sentences = _sentences(text)
    for i, sentence in enumerate(sentences):
        result = _RESULT.search(sentence)
        if result is None:
            continue
        near = sentences[max(i - 1, 0) : i + 2]
        if any(_FIGURE.search(s) for s in near):
            continue
        if excerpt and i == len(sentences) - 1:
            continue  # the text ends here: the amount may follow
        return _quote(sentence, result.start(), result.end(), room=60)
    return None


# --- F10: negative equity and a plan to restore it ---------------------------------------------

_NEGATIVE_EQUITY = re.compile(
    r"\bnegativt?\s+eget\s+kapital|\beget\s+kapital\s+(?:är|blev|var|blir)\s+negativt"
    r"|\bnegativt\s+balanskravsresultat"
    r"|\b(?:underskott|negativa?\s+(?:balanskravs)?resultat)\w*\s+(?:på\s+[\d ,]+\s*\w+\s+)?"
    r"(?:(?:som|att)\s+)?(?:ska|skall|måste|behöver)\s+återställas",
    re.I,
)
_RESTORE_PLAN = re.compile(
    r"\b(?:åtgärdsplan|handlingsplan|åtgärdsprogram|återställningsplan)\w*"
    r"|\bplan\s+för\s+(?:att\s+)?(?:återställ|en\s+ekonomi\s+i\s+balans|ekonomi\s+i\s+balans)"
    r"|\båterställ\w*\s+[^.]{0,40}?\b(?:under|senast|inom|till|år)\s+(?:(?:år\s+)?(?:19|20)\d\d|"
    r"tre\s+år|de\s+(?:närmaste|kommande)|kommande|nästa)"
    r"|\båtgärder\s+för\s+(?:att\s+)?(?:nå\s+|få\s+)?(?:en\s+)?ekonomi\s+i\s+balans",
    re.I,
)


def negative_equity(text: str) -> str | None:
    m = _NEGATIVE_EQUITY.search(text)
    return _quote(text, m.start(), m.end(), room=30) if m else None


def restore_plan(text: str) -> str | None:
    m = _RESTORE_PLAN.search(text)
    return _quote(text, m.start(), m.end(), room=30) if m else None


def any_sign(sentence: str, year: int) -> bool:
    """Whether a sentence holds anything these readers look for: a report reader keeps it."""
    return bool(
        forecast_wording(sentence, year)
        or _TOTAL.search(sentence)
        or _PART.search(sentence)
        or assessment_deferred(sentence)
        or amount_missing(sentence)
        or negative_equity(sentence)
        or restore_plan(sentence)
    )
