"""The document model: an operating plan (verksamhetsplan) as the city's planning system exports it.

Field names are English; the document keys (aliases) are Swedish, as users write them. The model is
strict about structure and types (unknown keys, wrong types and impossible dates are input errors)
and lenient about content: a blank expected result or an odd periodicity is accepted here and judged
by the rules in `rules/`, never by this module.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from checks.limits import current, number

MAX_TEXT = 100_000  # characters in one text field; a plan's longest section is a few thousand
# The largest magnitudes a number field takes (`checks.limits`: integer, amount), read when the
# model is built: the rule engine refuses numbers beyond 63 bits, so they are refused here first,
# as a field error with the place.
MAX_INTEGER = current().integer
MAX_AMOUNT = current().amount

_SPACE = re.compile(r"\s+")


def _text_or_none(value: Any) -> Any:
    """Accept a number where text is expected (YAML reads `35` as an int) and keep None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


def _amount(value: Any) -> Any:
    """Accept Swedish number formats in amounts: "15 931", "32,9", "−1 200"."""
    if isinstance(value, str):
        cleaned = value.replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
        cleaned = cleaned.replace(",", ".")
        if re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
            return float(cleaned) if "." in cleaned else int(cleaned)
    return value


def _within(limit: int) -> Any:
    """A check that a number's magnitude is at most `limit`, in Swedish."""

    def check(value: int | float) -> int | float:
        if abs(value) > limit:
            digits = len(str(int(abs(value))))
            what = f"talet {value}" if digits <= 15 else f"ett tal med {digits} siffror"
            raise ValueError(f"{what} är för stort; högst {number(limit)} till beloppet")
        return value

    return AfterValidator(check)


# A whole number (sannolikhet, riskvärde, år …) and a measured value (utfall, årsmål …) within the
# limits; an amount (tkr) is a measured value written as Swedes write numbers.
Integer = Annotated[int, _within(MAX_INTEGER)]
Measure = Annotated[float, Field(allow_inf_nan=False), _within(MAX_AMOUNT)]


# The length limit sits on the text itself: on the union it would be applied to None (a key left
# empty in YAML) and pydantic then raises a TypeError instead of a validation error.
Text = Annotated[
    Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None,
    BeforeValidator(_text_or_none),
    Field(default=None),
]
Title = Annotated[str, BeforeValidator(_text_or_none), Field(min_length=1, max_length=2_000)]
Number = Annotated[str, BeforeValidator(_text_or_none), Field(min_length=1, max_length=20)]
Amount = Annotated[Measure, BeforeValidator(_amount)]
OptionalAmount = Annotated[Measure | None, BeforeValidator(_amount), Field(default=None)]
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
ElementId = Annotated[str | None, Field(default=None, pattern=ID_PATTERN)]


class Element(BaseModel):
    """Base of every element a finding can point at: strict, with Swedish keys."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, validate_assignment=False)

    # How a derived id is made (see `_natural_key`): prefix, then a digest of these fields.
    prefix: ClassVar[str] = "EL"
    key_fields: ClassVar[tuple[str, ...]] = ("title",)
    keyed_by_parent: ClassVar[bool] = False  # the parent's id is part of the digest
    singleton: ClassVar[bool] = False  # one per document: the id is the prefix
    numbered: ClassVar[bool] = False  # the id is the prefix and the element's number

    id: ElementId = None


class Activity(Element):
    """An activity (nämndens or enhetens aktivitet) with start and end dates."""

    prefix = "AKT"
    keyed_by_parent = True

    title: Title = Field(alias="titel")
    start: date | None = Field(default=None, alias="startdatum")
    end: date | None = Field(default=None, alias="slutdatum")
    # A unit activity may answer a board activity (its id); a board activity may carry the
    # unit's statement of how it is addressed (A3).
    board_activity: ElementId = Field(default=None, alias="nämndaktivitet")
    unit_response: Text = Field(default=None, alias="enhetens_svar")


class Indicator(Element):
    """An indicator with the unit's target (årsmål), the council's target and periodicity."""

    prefix = "IND"
    key_fields = ("name",)
    keyed_by_parent = True

    name: Title = Field(alias="namn")
    annual_target: Text = Field(default=None, alias="årsmål")
    council_target: Text = Field(default=None, alias="kf_årsmål")
    periodicity: Text = Field(default=None, alias="periodicitet")
    reported_by_unit: bool = Field(default=True, alias="rapporteras_av_enheten")
    direction: Literal["högre", "lägre"] | None = Field(default=None, alias="riktning")
    year: Integer | None = Field(default=None, alias="år")


class Commitment(Element):
    """An åtagande: what the unit promises, with its sections and activities."""

    prefix = "AT"

    title: Title = Field(alias="titel")
    board_goal: ElementId = Field(default=None, alias="nämndmål")
    expected_result: Text = Field(default=None, alias="förväntat_resultat")
    way_of_working: Text = Field(default=None, alias="arbetssätt")
    resources: Text = Field(default=None, alias="resursanvändning")
    follow_up: Text = Field(default=None, alias="uppföljning")
    development: Text = Field(default=None, alias="utveckling")
    indicators: list[str] = Field(default_factory=list, alias="indikatorer")
    activities: list[Activity] = Field(default_factory=list, alias="aktiviteter")


class BoardGoal(Element):
    """A nämndmål: the board's breakdown of a council goal, with its activities and indicators."""

    prefix = "NM"

    title: Title = Field(alias="titel")
    council_goal: Number | None = Field(default=None, alias="kf_mål")
    year: Integer | None = Field(default=None, alias="år")
    # The goal's own target value ("Målvärde"); an empty string: the label stands with no value.
    target_value: Text = Field(default=None, alias="målvärde")
    no_commitment_reason: Text = Field(default=None, alias="motivering_utan_åtagande")
    activities: list[Activity] = Field(default_factory=list, alias="aktiviteter")
    indicators: list[Indicator] = Field(default_factory=list, alias="indikatorer")
    commitments: list[Commitment] = Field(default_factory=list, alias="åtaganden")


class CouncilGoal(Element):
    """KF:s mål för verksamhetsområdet, numbered like 1.1, with KF indicators and board goals."""

    prefix = "KF"
    numbered = True

    number: Number = Field(alias="nummer")
    title: Title = Field(alias="titel")
    indicators: list[Indicator] = Field(default_factory=list, alias="indikatorer")
    board_goals: list[BoardGoal] = Field(default_factory=list, alias="nämndmål")


class StrategicGoal(Element):
    """KF:s inriktningsmål, numbered 1, 2, 3."""

    prefix = "IM"
    numbered = True

    number: Number = Field(alias="nummer")
    title: Title = Field(alias="titel")
    goals: list[CouncilGoal] = Field(default_factory=list, alias="mål")


class QualityGuarantee(Element):
    """A kvalitetsgaranti: a commitment aimed directly at users."""

    prefix = "KG"

    title: Title = Field(alias="titel")
    promise: Text = Field(default=None, alias="vad_du_kan_förvänta_dig")
    remedy: Text = Field(default=None, alias="rättelse")
    complaints: Text = Field(default=None, alias="synpunkter_och_klagomål")
    commitment: ElementId = Field(default=None, alias="åtagande")


class BudgetLine(Element):
    """One income or cost line of the budget table, in the budget's unit (tkr)."""

    prefix = "BR"
    key_fields = ("name",)
    keyed_by_parent = True

    name: Title = Field(alias="namn")
    amount: Amount = Field(alias="belopp")


class Budget(Element):
    """The unit's budget table with the stated sums and the frame (ram) the board allocated."""

    prefix = "BUDGET"
    singleton = True

    year: Integer | None = Field(default=None, alias="år")
    unit: Literal["tkr"] = Field(default="tkr", alias="enhet")
    frame: OptionalAmount = Field(default=None, alias="ram")
    income: list[BudgetLine] = Field(default_factory=list, alias="intäkter")
    income_total: OptionalAmount = Field(default=None, alias="summa_intäkter")
    costs: list[BudgetLine] = Field(default_factory=list, alias="kostnader")
    cost_total: OptionalAmount = Field(default=None, alias="summa_kostnader")
    net_total: OptionalAmount = Field(default=None, alias="summa_netto")
    comment: Text = Field(default=None, alias="kommentar")


class Process(Element):
    """The plan's process records: workplace meetings, union steps and the decision."""

    prefix = "PROCESS"
    singleton = True

    apt: list[date] = Field(default_factory=list, alias="apt")
    mbl_19: date | None = Field(default=None, alias="mbl_19")
    mbl_11: date | None = Field(default=None, alias="mbl_11")
    decision: date | None = Field(default=None, alias="beslut")


class Texts(BaseModel):
    """The plan's introduction sections."""

    model_config = ConfigDict(extra="forbid")

    introduction: Text = Field(default=None, alias="inledning")
    staff: Text = Field(default=None, alias="personal")
    budget: Text = Field(default=None, alias="budget")
    key_issues: Text = Field(default=None, alias="viktiga_frågor")


class TextSign(BaseModel):
    """One sign in the document's text, as it stands there, with the line of the export."""

    model_config = ConfigDict(extra="forbid")

    text: Title = Field(alias="text")
    line: Annotated[Integer, Field(ge=1)] | None = Field(default=None, alias="rad")


class TextSigns(BaseModel):
    """What an import saw in the document's whole text, placed or not: the signs a controller
    reads before the content. Written by `styrkoll import`; a document keyed in by hand has none.
    """

    model_config = ConfigDict(extra="forbid")

    empty_fields: list[TextSign] = Field(default_factory=list, alias="tomma_fält")
    truncated_numbers: list[TextSign] = Field(default_factory=list, alias="stympade_nummer")
    template_text: list[TextSign] = Field(default_factory=list, alias="malltext")
    file_paths: list[TextSign] = Field(default_factory=list, alias="filsökvägar")
    phase: TextSign | None = Field(default=None, alias="fas")
    # what the document does not state about itself and the import was told (--year, --nämnd)
    not_stated: list[Literal["år", "nämnd"]] = Field(default_factory=list, alias="ej_i_texten")


class Plan(BaseModel):
    """A unit's operating plan (verksamhetsplan) for one year."""

    model_config = ConfigDict(
        extra="forbid",
        title="Verksamhetsplan",
        json_schema_extra={"description": "En enhets verksamhetsplan för ett år (Styrkoll)."},
    )

    document: Literal["verksamhetsplan"] = Field(alias="dokument")
    year: int = Field(alias="år", ge=1990, le=2100)
    committee: Title = Field(alias="nämnd")
    administration: Text = Field(default=None, alias="förvaltning")
    department: Text = Field(default=None, alias="avdelning")
    unit: Title = Field(alias="enhet")
    unit_head: Text = Field(default=None, alias="enhetschef")
    serves_users: bool = Field(default=False, alias="brukarnära")
    excerpt: bool = Field(default=False, alias="utdrag")  # the text ends before the plan does
    signs: TextSigns | None = Field(default=None, alias="tecken")  # seen in the text by the import
    texts: Texts = Field(default_factory=Texts, alias="texter")
    strategic_goals: list[StrategicGoal] = Field(default_factory=list, alias="inriktningsmål")
    board_goals: list[BoardGoal] = Field(default_factory=list, alias="nämndmål")
    commitments: list[Commitment] = Field(default_factory=list, alias="åtaganden")
    quality_guarantees: list[QualityGuarantee] = Field(
        default_factory=list, alias="kvalitetsgarantier"
    )
    budget: Budget | None = Field(default=None, alias="budget")
    process: Process = Field(default_factory=Process, alias="process")


def digest(*parts: str) -> str:
    """A short stable digest of normalised text, used for derived element ids."""
    normal = "\x1f".join(_SPACE.sub(" ", p).strip().casefold() for p in parts)
    return hashlib.sha1(normal.encode("utf-8")).hexdigest()[:8]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan document, with the Swedish keys users write."""
    return Plan.model_json_schema(by_alias=True)


Path = tuple[str | int, ...]


def iter_elements(document: BaseModel) -> list[tuple[Path, Element, tuple[Element, ...]]]:
    """Every element of a document in document order, with its path and its ancestors.

    Generic over the document kinds: an element is any `Element` held in a field or a list.
    """
    out: list[tuple[Path, Element, tuple[Element, ...]]] = []

    def walk(model: BaseModel, path: Path, up: tuple[Element, ...]) -> None:
        for name, alias in _element_fields(type(model)):
            value = getattr(model, name)
            if isinstance(value, Element):
                visit(value, (*path, alias), up)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    visit(item, (*path, alias, i), up)

    def visit(element: Element, path: Path, up: tuple[Element, ...]) -> None:
        out.append((path, element, up))
        walk(element, path, (*up, element))

    walk(document, (), ())
    return out


_FIELDS: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {}


def _element_fields(cls: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(field, alias) of a model's fields that hold an element or a list of elements."""
    cached = _FIELDS.get(cls)
    if cached is None:
        found = []
        for name, info in cls.model_fields.items():
            if _holds_elements(info.annotation):
                found.append((name, info.alias or name))
        cached = _FIELDS[cls] = tuple(found)
    return cached


def _holds_elements(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, Element):
        return True
    return any(_holds_elements(arg) for arg in getattr(annotation, "__args__", ()))


def _natural_key(element: Element, up: tuple[Element, ...]) -> str:
    """What a derived id is made of: content, never position, so re-ordering keeps ids."""
    cls = type(element)
    if cls.singleton:
        return cls.prefix
    if cls.numbered:
        return f"{cls.prefix}{vars(element)['number']}"
    parts = [str(getattr(element, name) or "") for name in cls.key_fields]
    if cls.keyed_by_parent:
        parts.insert(0, up[-1].id if up and up[-1].id else "")
    return f"{cls.prefix}-{digest(*parts)}"


def assign_ids(plan: BaseModel) -> list[tuple[Path, str]]:
    """Give every element without an id a derived one; return the paths of duplicate given ids.

    Derived ids come from content (number or title), so re-ordering a plan keeps every id. Two
    elements with the same content get `-2`, `-3` … in document order.
    """
    elements = iter_elements(plan)
    duplicates: list[tuple[Path, str]] = []
    taken: set[str] = set()
    for path, element, _ in elements:
        if element.id is not None:
            if element.id in taken:
                duplicates.append((path, element.id))
            taken.add(element.id)
    for _, element, up in elements:
        if element.id is None:
            base = _natural_key(element, up)
            candidate, n = base, 1
            while candidate in taken:
                n += 1
                candidate = f"{base}-{n}"
            element.id = candidate
            taken.add(candidate)
    return duplicates


def render_path(path: Path) -> str:
    """Render a path the way users read it: `inriktningsmål[0].mål[2].åtaganden[1]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
