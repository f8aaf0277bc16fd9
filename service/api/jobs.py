"""Check jobs (`service.jobs`): an upload's answer names its job; the job tells whether its check
is queued, running, done or failed, and when done, the runs it stored (findings under
/api/v1/runs/{run_id}). A job is visible to whoever may read its unit's documents."""

from __future__ import annotations

from typing import Literal

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import Field

from service import access
from service.api.common import SECURITY, db, iso, ok, responses
from service.api.schemas import FindingOut, Out, Query, VersionOut
from service.auth import require_user
from service.db import CheckJob
from service.errors import not_found
from service.jobs import state_of

jobs_bp = APIBlueprint(
    "jobs",
    __name__,
    url_prefix="/api/v1",
    abp_tags=[Tag(name="jobb")],
    abp_security=SECURITY,
)


class JobPath(Query):
    job_id: int


class JobRunOut(Out):
    version: int
    kind: str
    run: int = Field(description="körningen: GET /api/v1/runs/{run_id} ger dess fynd")
    findings: int
    new: int
    resolved: int


class JobOut(Out):
    id: int
    state: Literal["queued", "running", "done", "failed"] = Field(
        description="queued: i kön; running: en arbetare kontrollerar; done: körningarna är "
        "sparade; failed: gav upp efter flera försök (error säger varför)"
    )
    reason: Literal["upload", "recheck"]
    unit: int
    year: int
    version: int | None = Field(description="den uppladdade versionen, för en uppladdning")
    catalogue_hash: str | None = Field(description="katalogen den bedöms mot (null: arbetarens)")
    attempts: int = Field(
        description="avslutade försök: 1 för ett jobb klart på första försöket, fler om ett "
        "försök misslyckades eller dess arbetare dog"
    )
    created_at: str = Field(json_schema_extra={"format": "date-time"})
    finished_at: str | None = Field(json_schema_extra={"format": "date-time"})
    error: str | None = Field(description="senaste felet, om något")
    runs: list[JobRunOut] = Field(description="körningarna jobbet sparade, när det är klart")


class UploadJobOut(Out):
    """The upload's answer: the version, its job and – when the check is done (inline, on
    SQLite) – its run and findings; queued (on PostgreSQL), `run` is null and the findings empty
    until the job is done."""

    version: VersionOut
    run: int | None = Field(description="versionens körning; null medan jobbet väntar i kön")
    findings: list[FindingOut]
    resolved: list[FindingOut]
    job: JobOut


def job_out(job: CheckJob) -> JobOut:
    state = state_of(db(), job)
    return JobOut(
        id=job.id,
        state=state.state,
        reason="upload" if job.reason == "upload" else "recheck",
        unit=job.unit_id,
        year=job.year,
        version=job.version_id,
        catalogue_hash=job.catalogue_hash,
        attempts=state.attempts,
        created_at=iso(job.created_at),
        finished_at=iso(job.finished_at) if job.finished_at is not None else None,
        error=job.error,
        runs=[JobRunOut.model_validate(r) for r in job.runs or []],
    )


@jobs_bp.get("/jobs/<int:job_id>", responses=responses(JobOut, 401, 404))
def get_job(path: JobPath) -> Response:
    """Ett kontrolljobb: köat, pågår, klart eller misslyckat, och körningarna det sparade."""
    user = require_user()
    job = db().get(CheckJob, path.job_id)
    if job is None or not access.allowed(db(), user, "read", job.unit_id):
        raise not_found("jobbet")
    return ok(job_out(job))
