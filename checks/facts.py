"""Facts: the plan flattened for the rule engine, with derived values.

Python derives here (sums of budget lines and their differences to the stated sums, dates as day
numbers, whether a text is present, amounts and years quoted in running text); it never decides
whether a requirement holds. That is the rules' job (`rules/*.yaml`).

`FACT_KINDS` is the contract between this module and the catalogue: every field a rule or message
reads must be listed here, and the catalogue refuses a rule that names anything else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from checks.documents import (
    DOCUMENT_NAMES,
    DOCUMENT_NAMES_EN,
    Assessment,
    Attachment,
    BudgetOutcome,
    Control,
    ControlPlan,
    DecisionMemo,
    Deviation,
    FollowUpReport,
    Risk,
    RiskAnalysis,
)
from checks.model import (
    Activity,
    BoardGoal,
    Budget,
    Commitment,
    CouncilGoal,
    Element,
    Indicator,
    Path,
    Plan,
    QualityGuarantee,
    StrategicGoal,
    digest,
    iter_elements,
    render_path,
)

if TYPE_CHECKING:  # imported for annotations only: the catalogue imports this module
    from checks.catalogue import Calendar
    from checks.dossier import Dossier

FactValue = str | int | float | bool
FACT_TEXT = 200  # a commitment section in a fact is its first 200 characters (presence, opening)
Fact = dict[str, FactValue]

# kind -> field -> what it holds. Every fact also has `kind` and `ref` (its element's stable id).
FACT_KINDS: dict[str, dict[str, str]] = {
    "dossier": {
        "year": "aktens år",
        "unit": "enhetens namn",
        "documents": "antal handlingar i akten",
        "has_plan": "akten har en verksamhetsplan",
        "has_risk_analysis": "akten har en risk- och väsentlighetsanalys",
        "has_control_plan": "akten har en internkontrollplan",
        "has_memo": "akten har ett tjänsteutlåtande",
        "has_annual_report": "akten har en årsrapport",
    },
    "settings": {
        "risk_threshold": "tröskel för riskvärde som kräver kontroll",
        "mbl_max_months": "högsta antal månader mellan MBL-steg och beslut",
        "budget_tolerance_tkr": "tolerans i tkr för budgetens summor",
        "budget_deviation_pct": "högsta budgetavvikelse i procent utan förklaring",
    },
    "document": {
        "doc": "handlingens slag",
        "name": "handlingens namn",
        "year": "år",
        "level": "enhet eller nämnd",
        "concerns": "vad beslutet avser",
        "date": "handlingens datum",
        "decision_day": "beslutsdatum som dagnummer",
        "decision_date": "beslutsdatum",
        "apt_count": "antal APT-datum",
        "apt_before_decision": "antal APT-datum på eller före beslutet (alla om beslut saknas)",
    },
    "decision": {
        "doc": "handlingens slag",
        "name": "handlingens namn",
        "year": "år",
        "level": "nämnd",
        "concerns": "vad beslutet avser",
        "date": "handlingens datum",
        "decision_day": "beslutsdatum som dagnummer",
        "decision_date": "beslutsdatum",
        "apt_count": "antal APT-datum",
        "apt_before_decision": "antal APT-datum på eller före beslutet (alla om beslut saknas)",
    },
    "mbl": {
        "section": "paragraf i MBL (19 eller 11)",
        "date": "datum för MBL-steget",
        "day": "datum som dagnummer",
        "document": "handlingen det gäller",
        "decision_date": "beslutsdatum",
        "days_before_decision": "dagar före beslutet",
        "months_before_decision": "hela månader före beslutet",
        "in_attachment": "datumet står i en bilaga",
        "stated_in": "var datumet står",
    },
    "council_info": {
        "council": "rådet",
        "concerns": "vad beslutet avser",
        "decision_date": "beslutsdatum",
        "informed_date": "datum då rådet informerades",
        "days_before_decision": "dagar före beslutet",
    },
    "calendar_window": {
        "concerns": "vilket beslut perioden gäller",
        "event": "händelse i styrkalendern",
        "from_day": "periodens första dag som dagnummer",
        "to_day": "periodens sista dag som dagnummer",
        "from_date": "periodens första dag",
        "to_date": "periodens sista dag",
    },
    "plan": {
        "serves_users": "enheten möter brukare direkt",
        "year": "planens år",
        "year_start": "1 januari planåret, som dagnummer",
        "year_end": "31 december planåret, som dagnummer",
        "unit": "enhetens namn",
    },
    "strategic_goal": {"number": "inriktningsmålets nummer", "title": "rubrik"},
    "council_goal": {
        "number": "KF-målets nummer, t.ex. 1.1",
        "title": "rubrik",
        "strategic_goal": "id för inriktningsmålet det står under",
    },
    "board_goal": {
        "title": "rubrik",
        "council_goal": "numret på KF-målet nämndmålet bryter ned",
        "year": "år som nämndmålet anger",
        "no_commitment_reason": "motivering till att nämndmålet saknar åtagande",
    },
    "commitment": {
        "title": "rubrik",
        "board_goal": "id för nämndmålet åtagandet hör till",
        "expected_result": "förväntat resultat",
        "way_of_working": "arbetssätt",
        "resources": "resursanvändning",
        "follow_up": "uppföljning",
        "development": "utveckling",
        "key": "nyckel av rubriken (för uppföljningens bedömningar)",
        "opening": "rubrikens två första ord, gemener",
        "expected_result_figures": "tal och månader i förväntat resultat",
        "indicator_links": "antal kopplade indikatorer som finns i planen",
    },
    "indicator": {
        "name": "indikatorns namn",
        "level": "KF eller nämnd",
        "annual_target": "årsmål",
        "council_target": "KF:s årsmål",
        "periodicity": "periodicitet som den står",
        "reported": "rapporteras av enheten",
        "year": "år som indikatorn anger",
        "direction": "riktning (högre eller lägre är bättre)",
        "annual_target_folded": "årsmålet med gemener",
        "target_gap": "årsmålet minus KF:s årsmål, i indikatorns riktning",
    },
    "activity": {
        "title": "rubrik",
        "level": "nämnd eller enhet",
        "start": "startdatum som dagnummer",
        "end": "slutdatum som dagnummer",
        "start_date": "startdatum som text",
        "end_date": "slutdatum som text",
        "duration_days": "slutdatum minus startdatum i dagar",
        "title_folded": "rubriken med gemener",
        "board_activity": "nämndaktiviteten enhetens aktivitet svarar mot",
        "unit_response": "enhetens svar på nämndaktiviteten",
    },
    "quality_guarantee": {
        "title": "rubrik",
        "promise": "vad brukaren kan förvänta sig",
        "promise_figures": "tal och månader i löftet",
        "remedy": "rättelse",
        "complaints": "vart brukaren vänder sig med synpunkter och klagomål",
        "commitment": "id för åtagandet garantin hör till",
    },
    "risk": {
        "process": "process",
        "risk": "risk",
        "likelihood": "sannolikhet",
        "consequence": "konsekvens",
        "stated_value": "angivet riskvärde",
        "computed_value": "sannolikhet × konsekvens",
        "value": "riskvärdet (beräknat, annars angivet)",
        "value_diff": "angivet riskvärde minus sannolikhet × konsekvens",
        "accepted": "risken accepteras",
        "motivation": "motivering",
        "treatment": "hantering",
    },
    "control": {
        "process": "process eller rutin",
        "control_step": "kontrollmoment",
        "method": "metod",
        "frequency": "frekvens",
        "responsible": "ansvarig",
        "reporting_to": "rapporteras till",
    },
    "control_risk": {"control": "kontrollen", "risk": "risken", "risk_id": "riskens id"},
    "deviation": {
        "description": "avvikelse",
        "action": "åtgärd",
        "responsible": "ansvarig",
        "due_date": "datum",
    },
    "assessment": {
        "report": "rapporten",
        "commitment": "åtagandet som det står i rapporten",
        "commitment_key": "nyckel av åtagandets rubrik",
        "grade": "bedömning med gemener",
        "analysis": "analys",
        "measures": "åtgärder",
        "linked_indicators": "antal kopplade indikatorer med utfall i rapporten",
        "linked_not_below": "antal av dem som nått sitt årsmål",
    },
    "budget_outcome": {
        "report": "rapporten",
        "budget_net": "budget netto i tkr",
        "outcome_net": "utfall netto i tkr",
        "deviation_tkr": "utfall minus budget i tkr",
        "deviation_pct": "avvikelse i procent av budget",
        "explanation": "förklaring",
    },
    "report": {
        "doc": "rapportens slag",
        "apt_count": "antal APT-datum",
        "complaints": "synpunkter och klagomål",
        "equality_plan": "arbetet med jämställdhets- och mångfaldsplanen",
    },
    "budget": {
        "year": "budgetår",
        "income_total": "angiven summa intäkter",
        "income_lines_sum": "summan av intäktsraderna",
        "income_diff": "angiven summa intäkter minus summan av raderna",
        "cost_total": "angiven summa kostnader",
        "cost_lines_sum": "summan av kostnadsraderna",
        "cost_diff": "angiven summa kostnader minus summan av raderna",
        "net_total": "angiven summa netto",
        "net_computed": "angiven summa kostnader minus angiven summa intäkter",
        "net_diff": "angiven summa netto minus (summa kostnader minus summa intäkter)",
        "income_diff_abs": "skillnaden mellan summa intäkter och raderna, utan tecken",
        "cost_diff_abs": "skillnaden mellan summa kostnader och raderna, utan tecken",
        "net_diff_abs": "skillnaden för summa netto, utan tecken",
    },
    "budget_frame": {"amount": "enhetens ekonomiska ram i tkr"},
    "text_amount": {
        "amount_tkr": "beloppet omräknat till tkr",
        "qualifier": "ordet efter beloppet (netto, brutto)",
        "quote": "beloppet som det står i texten",
        "field": "fältet där texten står",
        "net_deviation_tkr": "beloppet minus budgettabellens summa netto, i tkr",
    },
    "text_year": {
        "year": "årtalet som texten jämför med",
        "years_before_plan": "planens år minus årtalet",
        "quote": "jämförelsen som den står i texten",
        "field": "fältet där texten står",
    },
}


class Place:
    """Where a fact comes from: what a finding names and points at.

    Labels and breadcrumbs are computed only when a finding asks for them: most facts never
    become findings, and a check must stay within a few milliseconds.
    """

    __slots__ = (
        "ref",
        "kind",
        "path",
        "order",
        "element",
        "parent",
        "doc",
        "_labels",
        "_own_",
        "_crumbs",
    )

    def __init__(
        self,
        ref: str,
        kind: str,
        path: Path,
        order: int,
        element: Element | None = None,
        parent: Place | None = None,
        labels: tuple[str, str] | None = None,
        doc: str = "verksamhetsplan",
    ) -> None:
        self.ref, self.kind, self.path, self.order = ref, kind, path, order
        self.element, self.parent, self.doc = element, parent, doc
        self._labels = labels
        self._own_: tuple[str, str, str | None, str | None] | None = None
        self._crumbs: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    def _own(self) -> tuple[str, str, str | None, str | None]:
        if self._own_ is None:
            if self.element is not None:
                self._own_ = _labels(self.element)
            else:
                assert self._labels is not None
                self._own_ = (self._labels[0], self._labels[1], None, None)
        return self._own_

    @property
    def label_sv(self) -> str:
        return self._own()[0]

    @property
    def label_en(self) -> str:
        return self._own()[1]

    def _crumb(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self._crumbs is None:
            up = self.parent._crumb() if self.parent is not None else ((), ())
            _, _, sv, en = self._own()
            self._crumbs = (up[0] + (sv,), up[1] + (en,)) if sv and en else up
        return self._crumbs

    @property
    def crumb_sv(self) -> tuple[str, ...]:
        return self._crumb()[0]

    @property
    def crumb_en(self) -> tuple[str, ...]:
        return self._crumb()[1]

    @property
    def path_text(self) -> str:
        return render_path(self.path)


@dataclass
class FactBase:
    """The facts of one check and, for each, the place it comes from."""

    facts: list[Fact] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)

    def add(self, fact: Fact, place: Place) -> None:
        ref = str(fact["ref"])
        if ref in self.places:
            raise ValueError(f"two facts share the ref {ref!r}")
        self.facts.append(fact)
        self.places[ref] = place

    def by_ref(self) -> dict[str, Fact]:
        return {str(f["ref"]): f for f in self.facts}


_KIND_OF: dict[type[Element], str] = {
    QualityGuarantee: "quality_guarantee",
    StrategicGoal: "strategic_goal",
    CouncilGoal: "council_goal",
    BoardGoal: "board_goal",
    Commitment: "commitment",
    Indicator: "indicator",
    Activity: "activity",
    Budget: "budget",
}


def _clip(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _present(text: str | None) -> str | None:
    """A text counts as stated when it has anything but white space and dashes."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped.strip("-–—. "):
        return None
    return stripped


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


def _labels(element: Element) -> tuple[str, str, str, str]:
    """(label_sv, label_en, crumb_sv, crumb_en) of an element."""
    if isinstance(element, StrategicGoal | CouncilGoal):
        n, t = element.number, _clip(element.title, 50)
        if isinstance(element, StrategicGoal):
            return (
                f"KF:s inriktningsmål {n}",
                f"council strategic goal {n}",
                f"KF {n} {t}",
                f"KF {n} {t}",
            )
        full = _clip(element.title)
        return (
            f'KF:s mål {n} "{full}"',
            f'council goal {n} "{full}"',
            f"KF {n} {t}",
            f"KF {n} {t}",
        )
    named = _NAMED.get(type(element))
    if named is not None:
        title = str(getattr(element, "title", None) or getattr(element, "name", ""))
        full, short = _clip(title), _clip(title, 50)
        sv, en, crumb_sv, crumb_en = named
        return (f'{sv} "{full}"', f'{en} "{full}"', f"{crumb_sv} {short}", f"{crumb_en} {short}")
    if isinstance(element, Budget):
        return ("budgeten", "the budget", "Budget", "Budget")
    other = _OTHER_LABELS.get(type(element))
    if other is not None:
        sv, en, attr = other
        text = _clip(str(getattr(element, attr)))
        return (
            f'{sv} "{text}"',
            f'{en} "{text}"',
            f"{sv.capitalize()}: {_clip(text, 50)}",
            f"{en.capitalize()}: {_clip(text, 50)}",
        )
    if isinstance(element, BudgetOutcome):
        return ("ekonomin", "the finances", "Ekonomi", "Finances")
    name = type(element).__name__
    return (name, name, name, name)


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


def quoted_amounts(text: str) -> list[tuple[str, float, str | None]]:
    """Amounts quoted in running text: ("32,9 mnkr netto", 32900.0, "netto")."""
    out: list[tuple[str, float, str | None]] = []
    if "kr" not in text and "Kr" not in text and "KR" not in text:  # cheap test before the regex
        return out
    for m in _AMOUNT.finditer(text):
        number = float(m["num"].replace(" ", "").replace("\u00a0", "").replace(",", "."))
        unit = m["unit"].lower()
        tkr = number * _UNIT_TKR.get(unit, 1.0)
        qual = m["qual"].lower() if m["qual"] else None
        out.append((" ".join(m.group(0).split()), round(tkr, 3), qual))
    return out


def compared_years(text: str) -> list[tuple[str, int]]:
    """Comparisons with a stated year in text: ("jämfört med verksamhetsplanen 2010", 2010)."""
    if "mför" not in text.lower():  # "jämfört", also "Jämfört"; a cheap test before the regex
        return []
    return [(" ".join(m.group(0).split()), int(m["year"])) for m in _COMPARED_YEAR.finditer(text)]


def _number(value: float) -> int | float:
    """Amounts as ints when whole, so `== 900` matches in the engine."""
    return int(value) if float(value).is_integer() else round(value, 3)


def derive(
    target: Dossier | Plan,
    settings: Mapping[str, float],
    calendar: Calendar | None = None,
) -> FactBase:
    """The facts of a dossier (or of a plan on its own) for one check.

    `settings` are the organisation's thresholds (see `rules/catalogue.yaml`); `calendar` is the
    steering calendar of the dossier's year, when there is one.
    """
    base = FactBase()
    base.add(
        {"kind": "settings", "ref": "SETTINGS", **{k: _number(v) for k, v in settings.items()}},
        Place("SETTINGS", "settings", (), 0, labels=("inställningarna", "the settings")),
    )
    if isinstance(target, Plan):
        _plan_facts(base, target)
        return base
    dossier = target
    order = 0
    for kind, loaded in dossier.documents.items():
        doc: Any = loaded.document
        if isinstance(doc, Plan):
            _plan_facts(base, doc)
        else:
            _document_facts(base, kind, doc, order)
        order += 100_000
    if dossier.is_dossier:
        kinds = set(dossier.documents)
        base.add(
            {
                "kind": "dossier",
                "ref": "DOSSIER",
                "year": dossier.year,
                "unit": dossier.unit,
                "documents": len(kinds),
                "has_plan": "verksamhetsplan" in kinds,
                "has_risk_analysis": "riskanalys" in kinds,
                "has_control_plan": "internkontrollplan" in kinds,
                "has_memo": "tjänsteutlåtande" in kinds,
                "has_annual_report": "årsrapport" in kinds,
            },
            Place("DOSSIER", "dossier", (), 0, labels=("akten", "the dossier"), doc="akt"),
        )
    if calendar is not None:
        for n, window in enumerate(calendar.windows, start=1):
            ref = f"KALENDER:{n}"
            base.add(
                {
                    "kind": "calendar_window",
                    "ref": ref,
                    "concerns": window.concerns,
                    "event": window.event,
                    "from_day": window.start.toordinal(),
                    "to_day": window.end.toordinal(),
                    "from_date": window.start.isoformat(),
                    "to_date": window.end.isoformat(),
                },
                Place(ref, "calendar_window", (), 0, labels=(window.event, window.event)),
            )
    return base


def _plan_facts(base: FactBase, plan: Plan) -> None:
    """The facts of an operating plan."""
    year_start = date(plan.year, 1, 1).toordinal()
    year_end = date(plan.year, 12, 31).toordinal()
    root_place = Place("PLAN", "plan", (), 0, labels=("planen", "the plan"))
    base.add(
        {
            "kind": "plan",
            "ref": "PLAN",
            "year": plan.year,
            "year_start": year_start,
            "year_end": year_end,
            "unit": plan.unit,
            "serves_users": plan.serves_users,
        },
        root_place,
    )
    _process_facts(
        base,
        "verksamhetsplan",
        plan.process.decision,
        plan.process.apt,
        plan.year,
        0,
        mbl=((19, plan.process.mbl_19), (11, plan.process.mbl_11)),
        path=("process",),
        mbl_path=("process",),
    )
    elements = iter_elements(plan)
    indicator_ids = {str(e.id) for _, e, _ in elements if isinstance(e, Indicator)}
    places: dict[int, Place] = {}  # id(element) -> its place, for the children's breadcrumbs
    texts: list[tuple[Path, str, str, Place]] = []  # (path, field label sv, text, owner place)

    for order, (path, element, up) in enumerate(elements, start=1):
        ref = str(element.id)
        parent = places.get(id(up[-1])) if up else None
        place = Place(ref, _KIND_OF.get(type(element), ""), path, order, element, parent)
        places[id(element)] = place
        fact: Fact | None = None

        if isinstance(element, StrategicGoal):
            fact = {"kind": "strategic_goal", "number": element.number, "title": element.title}
        elif isinstance(element, CouncilGoal):
            fact = {
                "kind": "council_goal",
                "number": element.number,
                "title": element.title,
                "strategic_goal": str(up[0].id),
            }
        elif isinstance(element, BoardGoal):
            fact = {"kind": "board_goal", "title": element.title}
            if element.year is not None:
                fact["year"] = element.year
            reason = _present(element.no_commitment_reason)
            if reason is not None:
                fact["no_commitment_reason"] = reason[:FACT_TEXT]
            stated = element.council_goal
            if up and isinstance(up[-1], CouncilGoal):
                stated = up[-1].number  # nesting is the link
            if stated:
                fact["council_goal"] = stated
        elif isinstance(element, Commitment):
            fact = {
                "kind": "commitment",
                "title": element.title,
                "key": digest(element.title),
                "opening": _opening(element.title),
                "indicator_links": sum(1 for i in element.indicators if i in indicator_ids),
            }
            figures = _figures(element.expected_result)
            if figures:
                fact["expected_result_figures"] = figures
            goal = up[-1].id if up and isinstance(up[-1], BoardGoal) else element.board_goal
            if goal:
                fact["board_goal"] = str(goal)
            for name, label in (
                ("expected_result", "förväntat resultat"),
                ("way_of_working", "arbetssätt"),
                ("resources", "resursanvändning"),
                ("follow_up", "uppföljning"),
                ("development", "utveckling"),
            ):
                text = _present(getattr(element, name))
                if text is not None:
                    # The engine needs presence and the opening words; amounts and years are
                    # read from the whole text below. Long strings cost time in the C core.
                    fact[name] = text[:FACT_TEXT]
                    alias = Commitment.model_fields[name].alias or name
                    texts.append(((*path, alias), label, text, place))
        elif isinstance(element, Indicator):
            fact = {
                "kind": "indicator",
                "name": element.name,
                "level": "KF" if up and isinstance(up[-1], CouncilGoal) else "nämnd",
                "reported": element.reported_by_unit,
            }
            for name in ("annual_target", "council_target", "periodicity"):
                text = _present(getattr(element, name))
                if text is not None:
                    fact[name] = text
            if "annual_target" in fact:
                fact["annual_target_folded"] = str(fact["annual_target"]).casefold()
            if element.year is not None:
                fact["year"] = element.year
            if element.direction is not None:
                fact["direction"] = element.direction
                gap = _target_gap(element.annual_target, element.council_target)
                if gap is not None:
                    fact["target_gap"] = _number(gap if element.direction == "högre" else -gap)
        elif isinstance(element, Activity):
            fact = {
                "kind": "activity",
                "title": element.title,
                "level": "nämnd" if up and isinstance(up[-1], BoardGoal) else "enhet",
                "title_folded": element.title.casefold(),
            }
            if element.board_activity is not None:
                fact["board_activity"] = element.board_activity
            response = _present(element.unit_response)
            if response is not None:
                fact["unit_response"] = response[:FACT_TEXT]
            if element.start is not None:
                fact["start"] = element.start.toordinal()
                fact["start_date"] = element.start.isoformat()
            if element.end is not None:
                fact["end"] = element.end.toordinal()
                fact["end_date"] = element.end.isoformat()
            if element.start is not None and element.end is not None:
                fact["duration_days"] = element.end.toordinal() - element.start.toordinal()
        elif isinstance(element, QualityGuarantee):
            fact = {"kind": "quality_guarantee", "title": element.title}
            for name in ("promise", "remedy", "complaints"):
                text = _present(getattr(element, name))
                if text is not None:
                    fact[name] = text[:FACT_TEXT]
            figures = _figures(element.promise)
            if figures:
                fact["promise_figures"] = figures
            if element.commitment is not None:
                fact["commitment"] = element.commitment
        elif isinstance(element, Budget):
            fact = _budget_fact(element)
            if element.frame is not None:
                base.add(
                    {"kind": "budget_frame", "ref": "BUDGET:ram", "amount": _number(element.frame)},
                    Place(
                        "BUDGET:ram",
                        "budget_frame",
                        (*path, "ram"),
                        order,
                        parent=place,
                        labels=("budgetens ram", "the budget frame"),
                    ),
                )
            comment = _present(element.comment)
            if comment is not None:
                texts.append(((*path, "kommentar"), "kommentaren", comment, place))

        if fact is not None:
            fact["ref"] = ref
            base.add(fact, place)

    for name, label in (
        ("introduction", "inledningen"),
        ("staff", "avsnittet Personal"),
        ("budget", "avsnittet Budget"),
        ("key_issues", "avsnittet Viktiga frågor"),
    ):
        text = _present(getattr(plan.texts, name))
        if text is not None:
            alias = type(plan.texts).model_fields[name].alias or name
            texts.insert(0, (("texter", alias), label, text, root_place))

    net = plan.budget.net_total if plan.budget is not None else None
    for tpath, flabel, text, owner in texts:
        _text_facts(base, tpath, flabel, text, owner, plan.year, net)


def _budget_fact(budget: Budget) -> Fact:
    fact: Fact = {"kind": "budget"}
    if budget.year is not None:
        fact["year"] = budget.year
    income_sum = sum(line.amount for line in budget.income)
    cost_sum = sum(line.amount for line in budget.costs)
    fact["income_lines_sum"] = _number(income_sum)
    fact["cost_lines_sum"] = _number(cost_sum)
    if budget.income_total is not None:
        fact["income_total"] = _number(budget.income_total)
        fact["income_diff"] = _number(budget.income_total - income_sum)
        fact["income_diff_abs"] = _number(abs(budget.income_total - income_sum))
    if budget.cost_total is not None:
        fact["cost_total"] = _number(budget.cost_total)
        fact["cost_diff"] = _number(budget.cost_total - cost_sum)
        fact["cost_diff_abs"] = _number(abs(budget.cost_total - cost_sum))
    if budget.income_total is not None and budget.cost_total is not None:
        fact["net_computed"] = _number(budget.cost_total - budget.income_total)
    if budget.net_total is not None:
        fact["net_total"] = _number(budget.net_total)
        if "net_computed" in fact:
            fact["net_diff"] = _number(budget.net_total - float(fact["net_computed"]))
            fact["net_diff_abs"] = _number(abs(budget.net_total - float(fact["net_computed"])))
    return fact


def _text_facts(
    base: FactBase,
    path: Path,
    flabel: str,
    text: str,
    owner: Place,
    plan_year: int,
    net_total: float | None,
) -> None:
    """Facts for amounts and compared years quoted in one text field.

    The differences to the table and to the plan year are derived here because durable-rules
    crashes on arithmetic inside a join (see the catalogue's ARITHMETIC note).
    """
    amounts, years = quoted_amounts(text), compared_years(text)
    if not amounts and not years:
        return
    owner_name, owner_name_en = owner.label_sv, owner.label_en
    for n, (quote, tkr, qual) in enumerate(amounts):
        ref = f"{owner.ref}:{path[-1]}:belopp{n + 1}"
        fact: Fact = {
            "kind": "text_amount",
            "ref": ref,
            "amount_tkr": _number(tkr),
            "quote": quote,
            "field": flabel,
        }
        if qual:
            fact["qualifier"] = qual
        if net_total is not None:
            fact["net_deviation_tkr"] = _number(tkr - net_total)
        base.add(
            fact,
            Place(
                ref,
                "text_amount",
                path,
                owner.order,
                parent=owner,
                labels=(
                    f'beloppet "{quote}" i {flabel} för {owner_name}',
                    f'the amount "{quote}" in {path[-1]} of {owner_name_en}',
                ),
            ),
        )
    for n, (quote, year) in enumerate(years):
        ref = f"{owner.ref}:{path[-1]}:jamforelse{n + 1}"
        base.add(
            {
                "kind": "text_year",
                "ref": ref,
                "year": year,
                "years_before_plan": plan_year - year,
                "quote": quote,
                "field": flabel,
            },
            Place(
                ref,
                "text_year",
                path,
                owner.order,
                parent=owner,
                labels=(
                    f'jämförelsen "{quote}" i {flabel} för {owner_name}',
                    f'the comparison "{quote}" in {path[-1]} of {owner_name_en}',
                ),
            ),
        )


# --- helpers for text-derived values ----------------------------------------------------------

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


def _opening(title: str) -> str:
    """The first two words, lower case: "vi åtar" for "Vi åtar oss att …"."""
    return " ".join(_WORD.findall(title.casefold())[:2])


def _figures(text: str | None) -> str | None:
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


def _target_gap(annual: str | None, council: str | None) -> float | None:
    a, c = target_number(annual), target_number(council)
    return None if a is None or c is None else a - c


def _months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (negative when `later` is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


# --- the other documents -----------------------------------------------------------------------


def _doc_ref(kind: str) -> str:
    return f"DOC:{kind}"


def _process_facts(
    base: FactBase,
    kind: str,
    decision: date | None,
    apt: list[date],
    year: int,
    order: int,
    level: str = "enhet",
    concerns: str | None = None,
    doc_date: date | None = None,
    mbl: tuple[tuple[int, date | None], ...] = (),
    path: Path = (),
    mbl_path: Path = (),
) -> Place:
    """The `document` fact of one document (`decision` for the committee's decisions on memos),
    and its MBL dates as `mbl` facts."""
    ref = _doc_ref(kind)
    fact_kind = "decision" if level == "nämnd" else "document"
    fact: Fact = {
        "kind": fact_kind,
        "ref": ref,
        "doc": kind,
        "name": DOCUMENT_NAMES[kind],
        "year": year,
        "level": level,
        "concerns": concerns or kind,
        "apt_count": len(apt),
        "apt_before_decision": sum(1 for d in apt if decision is None or d <= decision),
    }
    if doc_date is not None:
        fact["date"] = doc_date.isoformat()
    if decision is not None:
        fact["decision_day"] = decision.toordinal()
        fact["decision_date"] = decision.isoformat()
    place = Place(
        ref,
        fact_kind,
        path,
        order,
        labels=(DOCUMENT_NAMES[kind], DOCUMENT_NAMES_EN[kind]),
        doc=kind,
    )
    base.add(fact, place)
    for section, day in mbl:
        if day is not None:
            _mbl_fact(base, place, section, day, decision, "", False, mbl_path)
    return place


def _mbl_fact(
    base: FactBase,
    owner: Place,
    section: int,
    day: date,
    decision: date | None,
    stated_in: str,
    in_attachment: bool,
    path: Path,
) -> None:
    ref = f"{owner.ref}:{stated_in or 'handling'}:mbl{section}"
    where_sv = stated_in or owner.label_sv
    fact: Fact = {
        "kind": "mbl",
        "ref": ref,
        "section": section,
        "date": day.isoformat(),
        "day": day.toordinal(),
        "document": _doc_ref(owner.doc),
        "in_attachment": in_attachment,
        "stated_in": where_sv,
    }
    if decision is not None:
        fact["decision_date"] = decision.isoformat()
        fact["days_before_decision"] = decision.toordinal() - day.toordinal()
        fact["months_before_decision"] = _months_between(day, decision)
    label = f"MBL § {section} {day.isoformat()} i {where_sv}"
    base.add(
        fact,
        Place(
            ref,
            "mbl",
            (*path, f"mbl_{section}"),
            owner.order,
            parent=owner,
            labels=(label, f"MBL s. {section} {day.isoformat()} in {where_sv}"),
            doc=owner.doc,
        ),
    )


def _element_place(
    kind: str, fact_kind: str, element: Element, path: Path, order: int, parent: Place | None
) -> tuple[str, Place]:
    ref = f"{kind}/{element.id}"
    return ref, Place(ref, fact_kind, path, order, element, parent, doc=kind)


def _put(fact: Fact, name: str, text: str | None) -> None:
    present = _present(text)
    if present is not None:
        fact[name] = present[:FACT_TEXT]


def _document_facts(base: FactBase, kind: str, doc: Any, order: int) -> None:
    """The facts of a risk analysis, control plan, decision memo or follow-up report."""
    if isinstance(doc, RiskAnalysis):
        _process_facts(base, kind, None, [], doc.year, order, doc_date=doc.date, path=("datum",))
        for i, risk in enumerate(doc.risks, start=1):
            ref, place = _element_place(kind, "risk", risk, ("risker", i - 1), order + i, None)
            fact: Fact = {
                "kind": "risk",
                "ref": ref,
                "process": risk.process,
                "risk": risk.risk,
                "accepted": risk.accepted,
            }
            for name in ("likelihood", "consequence"):
                if getattr(risk, name) is not None:
                    fact[name] = getattr(risk, name)
            computed = None
            if risk.likelihood is not None and risk.consequence is not None:
                computed = risk.likelihood * risk.consequence
                fact["computed_value"] = computed
            if risk.risk_value is not None:
                fact["stated_value"] = risk.risk_value
                if computed is not None:
                    fact["value_diff"] = risk.risk_value - computed
            value = computed if computed is not None else risk.risk_value
            if value is not None:
                fact["value"] = value
            _put(fact, "motivation", risk.motivation)
            _put(fact, "treatment", risk.treatment)
            base.add(fact, place)
    elif isinstance(doc, ControlPlan):
        _process_facts(base, kind, None, [], doc.year, order, doc_date=doc.date)
        n = order
        for i, control in enumerate(doc.controls):
            n += 1
            ref, place = _element_place(kind, "control", control, ("kontroller", i), n, None)
            fact = {"kind": "control", "ref": ref, "process": control.process}
            for name in ("control_step", "method", "frequency", "responsible", "reporting_to"):
                _put(fact, name, getattr(control, name))
            base.add(fact, place)
            for risk_id in dict.fromkeys(control.risks):
                link = f"{ref}:{risk_id}"
                base.add(
                    {
                        "kind": "control_risk",
                        "ref": link,
                        "control": ref,
                        "risk": f"riskanalys/{risk_id}",
                        "risk_id": risk_id,
                    },
                    Place(
                        link,
                        "control_risk",
                        ("kontroller", i, "risker"),
                        n,
                        parent=place,
                        labels=(f"kopplingen till risk {risk_id}", f"the link to risk {risk_id}"),
                        doc=kind,
                    ),
                )
            for j, dev in enumerate(control.deviations):
                n += 1
                dref, dplace = _element_place(
                    kind, "deviation", dev, ("kontroller", i, "avvikelser", j), n, place
                )
                dfact: Fact = {"kind": "deviation", "ref": dref, "description": dev.description}
                _put(dfact, "action", dev.action)
                _put(dfact, "responsible", dev.responsible)
                if dev.due is not None:
                    dfact["due_date"] = dev.due.isoformat()
                base.add(dfact, dplace)
    elif isinstance(doc, DecisionMemo):
        prep = doc.preparation
        decision = doc.decision
        place = _process_facts(
            base,
            kind,
            decision,
            prep.apt,
            doc.year,
            order,
            level="nämnd",
            concerns=doc.concerns,
            doc_date=doc.date,
            mbl=((19, prep.mbl_19), (11, prep.mbl_11)),
            path=("beslutsdatum",),
            mbl_path=("beredning",),
        )
        for council, day, key in (
            ("pensionärsrådet", prep.pensioners_council, "pensionärsråd"),
            ("funktionshinderrådet", prep.disability_council, "funktionshinderråd"),
        ):
            ref = f"{place.ref}:{key}"
            cfact: Fact = {
                "kind": "council_info",
                "ref": ref,
                "council": council,
                "concerns": doc.concerns,
            }
            if decision is not None:
                cfact["decision_date"] = decision.isoformat()
            if day is not None:
                cfact["informed_date"] = day.isoformat()
                if decision is not None:
                    cfact["days_before_decision"] = decision.toordinal() - day.toordinal()
            base.add(
                cfact,
                Place(
                    ref,
                    "council_info",
                    ("beredning", key),
                    order,
                    parent=place,
                    labels=(council, council),
                    doc=kind,
                ),
            )
        for i, att in enumerate(doc.attachments):
            label = f'bilagan "{_clip(att.title, 50)}"'
            for section, day in ((19, att.mbl_19), (11, att.mbl_11)):
                if day is not None:
                    _mbl_fact(base, place, section, day, decision, label, True, ("bilagor", i))
    elif isinstance(doc, FollowUpReport):
        _report_facts(base, kind, doc, order)


def _report_facts(base: FactBase, kind: str, doc: FollowUpReport, order: int) -> None:
    place = _process_facts(
        base, kind, doc.process.decision, doc.process.apt, doc.year, order, path=("process",)
    )
    rfact: Fact = {
        "kind": "report",
        "ref": f"{kind}/RAPPORT",
        "doc": kind,
        "apt_count": len(doc.process.apt),
    }
    _put(rfact, "complaints", doc.complaints)
    _put(rfact, "equality_plan", doc.equality_plan)
    base.add(
        rfact,
        Place(
            f"{kind}/RAPPORT",
            "report",
            ("dokument",),
            order,
            parent=None,
            labels=(DOCUMENT_NAMES[kind], DOCUMENT_NAMES_EN[kind]),
            doc=kind,
        ),
    )
    gaps: dict[str, float | None] = {}
    for outcome in doc.indicators:
        gap = None
        if outcome.outcome is not None and outcome.target is not None:
            gap = outcome.outcome - outcome.target
            gap = gap if outcome.direction == "högre" else -gap
        gaps[digest(outcome.name)] = gap
    for i, assessment in enumerate(doc.assessments, start=1):
        ref, aplace = _element_place(
            kind, "assessment", assessment, ("åtaganden", i - 1), order + i, place
        )
        linked = [gaps[digest(n)] for n in assessment.indicators if digest(n) in gaps]
        afact: Fact = {
            "kind": "assessment",
            "ref": ref,
            "report": kind,
            "commitment": assessment.commitment,
            "commitment_key": digest(assessment.commitment),
            "linked_indicators": sum(1 for g in linked if g is not None),
            "linked_not_below": sum(1 for g in linked if g is not None and g >= 0),
        }
        grade = _present(assessment.grade)
        if grade is not None:
            afact["grade"] = " ".join(grade.casefold().split())
        _put(afact, "analysis", assessment.analysis)
        _put(afact, "measures", assessment.measures)
        base.add(afact, aplace)
    if doc.budget is not None:
        b = doc.budget
        ref = f"{kind}/EKONOMI"
        bfact: Fact = {"kind": "budget_outcome", "ref": ref, "report": kind}
        if b.budget_net is not None:
            bfact["budget_net"] = _number(b.budget_net)
        if b.outcome_net is not None:
            bfact["outcome_net"] = _number(b.outcome_net)
        if b.budget_net is not None and b.outcome_net is not None:
            bfact["deviation_tkr"] = _number(b.outcome_net - b.budget_net)
            if b.budget_net:
                bfact["deviation_pct"] = round(
                    (b.outcome_net - b.budget_net) / abs(b.budget_net) * 100, 2
                )
        _put(bfact, "explanation", b.explanation)
        base.add(bfact, Place(ref, "budget_outcome", ("ekonomi",), order, b, place, doc=kind))
