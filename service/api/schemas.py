"""The request and response models of the HTTP API, from which flask-openapi3 generates the
OpenAPI document."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field


class LoginBody(BaseModel):
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


class UploadQuery(BaseModel):
    unit: int = Field(description="enhetens id")
    filename: str = Field(default="", max_length=300, description="filnamn, avgör formatet")
    year: int | None = _year_field()
    committee: str | None = _committee_field()


class CheckQuery(BaseModel):
    filename: str = Field(default="document.yaml", max_length=300)
    year: int | None = _year_field()
    committee: str | None = _committee_field()


class VersionPath(BaseModel):
    version_id: int


class RunPath(BaseModel):
    run_id: int


class FindingPath(BaseModel):
    finding_id: int


class DecisionPath(BaseModel):
    decision_id: int


class UserPath(BaseModel):
    user_id: int


class DocumentsQuery(BaseModel):
    unit: int | None = None
    year: int | None = None
    kind: str | None = None


class DiffQuery(BaseModel):
    against: int | None = Field(default=None, description="äldre version (standard: föregående)")


class FindingsQuery(BaseModel):
    unit: int | None = None
    year: int | None = None
    kind: str | None = None
    severity: Literal["fel", "varning", "info"] | None = None
    rule: str | None = Field(default=None, max_length=8)
    status: Literal["active", "exception", "exception_expired", "exception_requested"] | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=500)


class DecisionBody(BaseModel):
    kind: Literal["will_fix", "comment", "accepted_risk", "not_applicable"]
    text: str = Field(min_length=3, max_length=5000, description="svar eller motivering")
    expires: date | None = Field(default=None, description="krävs för undantag")


class UserBody(BaseModel):
    username: str = Field(min_length=2, max_length=100, pattern=r"^[a-z0-9._-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Literal["enhet", "controller", "revisor", "admin"]
    org_unit_id: int | None = None


class RoleBody(BaseModel):
    role: Literal["enhet", "controller", "revisor", "admin"]
    org_unit_id: int | None = None


class UnitBody(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    level: Literal["nämnd", "förvaltning", "avdelning", "enhet"]
    parent_id: int | None = None
