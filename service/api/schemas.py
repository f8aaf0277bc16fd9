"""The request and response models of the HTTP API, from which flask-openapi3 generates the
OpenAPI document: every success body is one of the `…Out` models below, every error a `Problem`
(RFC 9457, `application/problem+json`)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic.json_schema import DEFAULT_REF_TEMPLATE, GenerateJsonSchema, JsonSchemaMode
from pydantic_core import PydanticCustomError

from checks.catalogue import Rule
from checks.findings import Finding
from service.access import Role
from service.decisions import DecisionKind
from service.stored import StoredFinding

Level = Literal["nämnd", "förvaltning", "avdelning", "enhet"]
Severity = Literal["fel", "varning", "info"]
FindingStatus = Literal["active", "exception", "exception_expired", "exception_requested"]
MAX_ID = 2**31 - 1  # the ids' column type on PostgreSQL; beyond it nothing exists
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Body(BaseModel):
    """A JSON request body: every field the JSON type the document declares (strict: not 0 for
    false, "5" for 5 or a number of seconds for a date)."""

    model_config = ConfigDict(strict=True)


def _date_text(value: Any) -> Any:
    """A date in JSON is text (YYYY-MM-DD), never a number."""
    if value is not None and not isinstance(value, str):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


# a date in a JSON body: ISO text, parsed as such (strict pydantic would take only a date object)
JsonDate = Annotated[Annotated[date, Strict(False)] | None, BeforeValidator(_date_text)]


class LoginBody(Body):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


def _year_field() -> Any:
    return Field(
        default=None,
        ge=1990,
        le=2100,
        description="året (år) handlingen gäller, när den inte anger det själv; anger den ett "
        "annat år avvisas den",
    )


def _committee_field() -> Any:
    return Field(
        default=None,
        min_length=2,
        max_length=200,
        pattern=r"\S",
        description="nämnden (nämnd) handlingen hör till, när den inte namnger någon själv",
    )


Lang = Literal["sv", "en"]


_SCHEMAS: dict[tuple[Any, ...], dict[str, Any]] = {}


class Query(BaseModel):
    """A query string's model. flask-openapi3 asks for its JSON schema on every request to split
    the query string (about 1 ms a request, measured 2026-11-30 in a self-check's profile): it is
    generated once per class and arguments here, and each caller gets its own copy."""

    @classmethod
    def model_json_schema(
        cls,
        by_alias: bool | None = None,
        ref_template: str = DEFAULT_REF_TEMPLATE,
        schema_generator: type[GenerateJsonSchema] = GenerateJsonSchema,
        mode: JsonSchemaMode = "validation",
        *,
        union_format: Literal["any_of", "primitive_type_array"] = "any_of",
    ) -> dict[str, Any]:
        key = (cls, by_alias, ref_template, schema_generator, mode, union_format)
        found = _SCHEMAS.get(key)
        if found is None:
            found = _SCHEMAS[key] = super().model_json_schema(
                by_alias, ref_template, schema_generator, mode, union_format=union_format
            )
        return copy.deepcopy(found)


def _lang_field() -> Any:
    return Field(default="sv", description="språket fynd och utfall visas på: sv eller en")


class UploadQuery(Query):
    unit: Id = Field(description="enhetens id")
    filename: str = Field(default="", max_length=300, description="filnamn, avgör formatet")
    year: int | None = _year_field()
    committee: str | None = _committee_field()
    lang: Lang = _lang_field()


class CheckQuery(Query):
    filename: str = Field(default="document.yaml", max_length=300)
    year: int | None = _year_field()
    committee: str | None = _committee_field()
    lang: Lang = _lang_field()


class LangQuery(Query):
    lang: Lang = _lang_field()


class VersionPath(Query):
    version_id: Id


class RunPath(Query):
    run_id: Id


class FindingPath(Query):
    finding_id: Id


class DecisionPath(Query):
    decision_id: Id


class UserPath(Query):
    user_id: Id


class DocumentsQuery(Query):
    unit: Id | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    kind: str | None = None


class DiffQuery(Query):
    against: Id | None = Field(default=None, description="äldre version (standard: föregående)")
    lang: Lang = _lang_field()


class FindingsQuery(Query):
    unit: Id | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    kind: str | None = None
    severity: Severity | None = None
    rule: str | None = Field(default=None, max_length=8)
    status: FindingStatus | None = None
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=500)
    lang: Lang = _lang_field()


class DecisionBody(Body):
    kind: DecisionKind
    text: str = Field(min_length=3, max_length=5000, description="svar eller motivering")
    expires: JsonDate = Field(default=None, description="krävs för undantag")


class RejectBody(Body):
    reason: str = Field(
        min_length=1, max_length=5000, pattern=r"\S", description="varför undantaget avslås"
    )


class UserBody(Body):
    username: str = Field(min_length=2, max_length=100, pattern=r"^[a-z0-9._-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Role
    org_unit_id: Id | None = None


class RoleBody(Body):
    role: Role
    org_unit_id: Id | None = None


class UnitBody(Body):
    name: str = Field(min_length=2, max_length=200)
    level: Level
    parent_id: Id | None = None


# --- responses --------------------------------------------------------------------------------


class Out(BaseModel):
    """A response body: exactly these fields, nothing else."""

    model_config = ConfigDict(extra="forbid")


def _when(description: str = "tidpunkt, UTC") -> Any:
    return Field(description=description, json_schema_extra={"format": "date-time"})


class FieldError(Out):
    """One field that is wrong, or the place in a document that cannot be used."""

    message: str
    path: str | None = None
    line: int | None = None


class Problem(Out):
    """An error as RFC 9457 problem details (`application/problem+json`), in Swedish."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None
    request_id: str | None = Field(default=None, description="begärans id, som i loggen")


class StatusOut(Out):
    status: str


class LoginOut(Out):
    user: str
    role: Role
    csrf_token: str = Field(description="skickas i X-CSRF-Token vid ändringar med sessionen")


class TokenOut(Out):
    token: str = Field(description="API-nyckeln; visas bara nu")
    note: str
    id: int = Field(description="nyckelns id, för listan och återkallelse")
    name: str
    expires_at: str = _when("när nyckeln slutar gälla, UTC")


class VersionOut(Out):
    id: int
    unit: int
    year: int
    kind: str
    version: int
    filename: str
    media_type: str
    sha256: str
    uploaded_by: int
    uploaded_at: str = _when()
    given_year: int | None = Field(description="året uppladdaren angav, om något")
    given_committee: str | None = Field(description="nämnden uppladdaren angav, om någon")


class VersionDetailOut(VersionOut):
    runs: list[int]


class VersionListOut(Out):
    versions: list[VersionOut]


# one model of a finding: the library's `Finding` with where the service keeps it
FindingOut = StoredFinding
ListedFindingOut = StoredFinding


class FindingPageOut(Out):
    total: int
    page: int
    per_page: int
    findings: list[ListedFindingOut]


class UploadOut(Out):
    version: VersionOut
    run: int
    findings: list[FindingOut]
    resolved: list[FindingOut]


class DiffOut(Out):
    version: int
    against: int | None
    new: list[FindingOut]
    persisting: list[FindingOut]
    resolved: list[FindingOut]


class RunOut(Out):
    id: int
    version: int
    catalogue_version: str
    catalogue_hash: str
    input_hash: str
    duration_ms: float
    outcomes: dict[str, str] = Field(
        description="regel-id → utfall: failed, passed, not_judged, not_applicable, not_selected,"
        " switched_off eller not_in_force (samma nycklar på båda språken)"
    )
    unjudged: dict[str, Any] = Field(description="regel-id → handlingens element som inte bedömdes")
    dossier: dict[str, int] = Field(description="akten som bedömdes: handlingstyp → version")
    created_at: str = _when()
    findings: list[FindingOut]


class ReportDossier(Out):
    year: int
    unit: str
    committee: str
    documents: dict[str, str] = Field(description="dokumentslag → källa")


class ReportCatalogue(Out):
    version: str
    hash: str


class CheckReportOut(Out):
    """The library's JSON report of one dossier (`styrkoll check --format json`, one result)."""

    source: str
    dossier: ReportDossier
    catalogue: ReportCatalogue
    rules_checked: int
    rules_applied: int
    outcomes: dict[str, str]
    unjudged: dict[str, list[dict[str, Any]]]
    tailoring: dict[str, Any]
    summary: dict[str, int]
    findings: list[Finding]


class DecisionOut(Out):
    id: int
    series: int
    fingerprint: str
    kind: DecisionKind
    text: str
    expires: date | None
    requested_by: int
    approved_by: int | None
    state: Literal["recorded", "requested", "approved", "rejected"]


class DecisionListOut(Out):
    status: FindingStatus
    decisions: list[DecisionOut]


class CatalogueOut(Out):
    version: str
    hash: str
    rules: list[Rule]


class UnitOut(Out):
    id: int
    name: str
    level: Level
    parent: int | None


class OrganisationOut(Out):
    units: list[UnitOut]


class AuditEntryOut(Out):
    id: int
    at: str = _when()
    actor: str
    action: str
    subject: str
    details: dict[str, Any] | None
    hash: str


class AuditOut(Out):
    verified: bool
    problems: list[str]
    notes: list[str] = Field(
        default_factory=list, description="det som inte kunde kontrolleras (inget fel i sig)"
    )
    entries: list[AuditEntryOut]


class UserOut(Out):
    id: int
    username: str
    role: Role
    unit: int | None = Field(default=None, description="enhetens id, om någon")
    active: bool = True
    created_by: int | None = Field(
        default=None, description="administratören som skapade kontot (inget: utanför API:t)"
    )


# --- accounts: tokens, users (issue 14) ---------------------------------------------------------


class TokenQuery(Query):
    name: str = Field(default="", max_length=100, description="vad nyckeln används till")
    days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="dagar nyckeln gäller (standard och högst: tjänstens TOKEN_DAYS, 90)",
    )


class TokenPath(Query):
    token_id: int


class UserTokenPath(Query):
    user_id: Id
    token_id: int


class TokenInfoOut(Out):
    """An API token as its owner and admins see it: never the token itself."""

    id: int
    user: str
    name: str
    created_at: str = _when()
    expires_at: str = _when("när nyckeln slutar gälla, UTC")
    revoked_at: str | None = _when("när nyckeln återkallades, UTC (inget: inte återkallad)")
    active: bool = Field(description="gäller nu: varken återkallad eller utgången")
    current: bool = Field(description="nyckeln den här begäran skickades med")


class TokenListOut(Out):
    tokens: list[TokenInfoOut]


class UserPatchBody(Body):
    """What changes: any of role, unit and active (false: the account is ended – its tokens are
    revoked and its sessions void; true: it may log in again, with new tokens)."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    org_unit_id: Id | None = None
    active: bool | None = None


class UserListOut(Out):
    users: list[UserOut]
