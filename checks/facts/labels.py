"""How a finding names an element: `åtagandet "Vi åtar oss …"`, and its breadcrumb step."""

from __future__ import annotations

from checks.documents import Assessment, Attachment, BudgetOutcome, Control, Deviation, Risk
from checks.model import (
    Activity,
    BoardGoal,
    Budget,
    Commitment,
    CouncilGoal,
    Element,
    Indicator,
    QualityGuarantee,
    StrategicGoal,
)


def clip(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# kind of element -> (Swedish label, English label, Swedish crumb, English crumb) around its title
_NAMED: dict[type[Element], tuple[str, str, str, str]] = {
    BoardGoal: ("nämndmålet", "the board goal", "Nämndmål:", "Board goal:"),
    Commitment: ("åtagandet", "the commitment", "Åtagande:", "Commitment:"),
    Indicator: ("indikatorn", "the indicator", "Indikator:", "Indicator:"),
    Activity: ("aktiviteten", "the activity", "Aktivitet:", "Activity:"),
}

_OTHER_LABELS: dict[type[Element], tuple[str, str, str]] = {
    QualityGuarantee: ("kvalitetsgarantin", "the quality guarantee", "title"),
    Risk: ("risken", "the risk", "risk"),
    Control: ("kontrollen", "the control", "process"),
    Deviation: ("avvikelsen", "the deviation", "description"),
    Assessment: ("bedömningen av åtagandet", "the assessment of the commitment", "commitment"),
    Attachment: ("bilagan", "the attachment", "title"),
}


def labels(element: Element) -> tuple[str, str, str, str]:
    """(label_sv, label_en, crumb_sv, crumb_en) of an element."""
    if isinstance(element, StrategicGoal | CouncilGoal):
        n, t = element.number, clip(element.title, 50)
        if isinstance(element, StrategicGoal):
            return (
                f"KF:s inriktningsmål {n}",
                f"council strategic goal {n}",
                f"KF {n} {t}",
                f"KF {n} {t}",
            )
        full = clip(element.title)
        return (
            f'KF:s mål {n} "{full}"',
            f'council goal {n} "{full}"',
            f"KF {n} {t}",
            f"KF {n} {t}",
        )
    named = _NAMED.get(type(element))
    if named is not None:
        title = str(getattr(element, "title", None) or getattr(element, "name", ""))
        full, short = clip(title), clip(title, 50)
        sv, en, crumb_sv, crumb_en = named
        return (f'{sv} "{full}"', f'{en} "{full}"', f"{crumb_sv} {short}", f"{crumb_en} {short}")
    if isinstance(element, Budget):
        return ("budgeten", "the budget", "Budget", "Budget")
    other = _OTHER_LABELS.get(type(element))
    if other is not None:
        sv, en, attr = other
        text = clip(str(getattr(element, attr)))
        return (
            f'{sv} "{text}"',
            f'{en} "{text}"',
            f"{sv.capitalize()}: {clip(text, 50)}",
            f"{en.capitalize()}: {clip(text, 50)}",
        )
    if isinstance(element, BudgetOutcome):
        return ("ekonomin", "the finances", "Ekonomi", "Finances")
    name = type(element).__name__
    return (name, name, name, name)
