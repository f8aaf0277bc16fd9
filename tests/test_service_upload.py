"""An upload gives the year and committee a document does not state (fields `year` and
`committee`): a refusal names those fields, never the CLI's options; a year that disagrees with
the document's own is refused; bad values are field errors; nothing half-stored. On SQLite and,
when configured, PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service import store
from service.db import AuditEntry, DocumentVersion
from tests.conftest import MINIMAL_PLAN
from tests.test_service import bearer, counts, tokens, unit_id

UNIT = "Administrativa avdelningen"
COMMITTEE = "Skärholmens stadsdelsnämnd"
# a committee's memo (it names no unit), as an export: its year in the matter, or none
MEMO = """\
TJÄNSTESKRIVELSE
{committee}
Översyn av nämndens mål{year}
Sammanfattning
Målen ses över.
Förslag till beslut
1. Nämnden godkänner översynen.
"""
REPORT = b"Verksamhetsber\xc3\xa4ttelse\nSammanfattning\nEnheten n\xc3\xa5dde sina m\xc3\xa5l.\n"


def memo(year: str = "", committee: str = COMMITTEE) -> bytes:
    return MEMO.format(year=f" {year}" if year else "", committee=committee).encode()


def upload(app: Flask, body: bytes, query: str = "", name: str = "vb.txt", kind: str = "") -> Any:
    unit = unit_id(app, UNIT)
    return app.test_client().post(
        f"/api/v1/documents?unit={unit}&filename={name}{query}",
        data=body,
        content_type=kind or "text/plain",
        headers=bearer(tokens(app)["enhet"]),
    )


def refused(app: Flask, body: bytes, query: str = "", **kw: str) -> dict[str, Any]:
    before = counts(app)
    response = upload(app, body, query, **kw)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert counts(app) == before  # nothing stored, not even an audit entry
    problem: dict[str, Any] = response.json
    return problem


def test_a_document_without_its_year_asks_for_the_year_field(service_app: Flask) -> None:
    problem = refused(service_app, REPORT)
    assert problem["detail"] == (
        "vb.txt rad 1: handlingen (årsrapport eller verksamhetsberättelse) anger inte vilket år "
        "den gäller: inget årtal i rubriken och inget datum att räkna från; ange året med "
        "fältet year (år)"
    )
    assert problem["errors"][0]["line"] == 1 and "--year" not in str(problem)
    problem = refused(service_app, memo(), name="tu.txt")
    assert problem["detail"] == (
        "tu.txt rad 1: tjänsteutlåtandet anger inget år; ange det med fältet year (år)"
    )


def test_the_year_field_gives_the_year_and_stays_with_the_version(
    service_app: Flask, database_url: str
) -> None:
    response = upload(service_app, memo(), "&year=2012")
    assert response.status_code == 201, response.json
    version = response.json["version"]
    assert version["year"] == 2012 and version["kind"] == "tjänsteutlåtande"
    assert version["given_year"] == 2012 and version["given_committee"] is None
    with service_app.extensions["styrkoll_sessions"]() as session:
        stored = session.get(DocumentVersion, version["id"])
        assert stored is not None and stored.given_year == 2012
        assert store.reparse(stored).document.year == 2012  # a re-check reads it the same
        entry = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "upload")
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert entry is not None and entry.details["given_year"] == 2012
    # the recheck of every current document of the year reads the version with its given year
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": database_url}
    proc = subprocess.run(
        [sys.executable, "-m", "checks.cli", "recheck", "--year", "2012"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"version {version['id']} (tjänsteutlåtande 2012)" in proc.stdout


def test_a_year_that_disagrees_with_the_document_is_refused(service_app: Flask) -> None:
    problem = refused(service_app, memo(year="2012"), "&year=2013")
    assert problem["detail"] == (
        'vb.txt rad 3: handlingen anger året 2012 (rubriken: "mål 2012"), men året 2013 angavs '
        "med fältet year (år); ange inget år med fältet year (år), eller rätta det"
    )
    agreeing = upload(service_app, memo(year="2012"), "&year=2012")
    assert agreeing.status_code == 201 and agreeing.json["version"]["year"] == 2012


def test_a_yaml_document_takes_the_year_field_only_where_it_has_no_year(
    service_app: Flask,
) -> None:
    plan = MINIMAL_PLAN.replace("Exempelenheten", UNIT)
    no_year = plan.replace("år: 2012\n", "")
    problem = refused(service_app, no_year.encode(), name="p.yaml", kind="application/yaml")
    assert problem["errors"][0] == {"message": "fältet saknas", "path": "år", "line": 1}
    response = upload(
        service_app, no_year.encode(), "&year=2013", name="p.yaml", kind="application/yaml"
    )
    assert response.status_code == 201 and response.json["version"]["year"] == 2013
    problem = refused(
        service_app, plan.encode(), "&year=2013", name="p.yaml", kind="application/yaml"
    )
    assert problem["errors"][0] == {
        "message": "handlingen anger året 2012, men året 2013 angavs med fältet year (år); ange "
        "inget år med fältet year (år), eller rätta det",
        "path": "år",
        "line": 2,
    }


def test_the_committee_field_fills_in_only_what_the_document_leaves_out(
    service_app: Flask,
) -> None:
    problem = refused(service_app, memo(year="2012", committee=""))
    assert problem["detail"] == (
        "vb.txt rad 1: tjänsteutlåtandet namnger ingen nämnd eller styrelse; ange den med "
        "fältet committee (nämnd)"
    )
    assert "--nämnd" not in str(problem)
    given = upload(service_app, memo(year="2012", committee=""), f"&committee={COMMITTEE}")
    assert given.status_code == 201, given.json
    assert given.json["version"]["given_committee"] == COMMITTEE
    with service_app.extensions["styrkoll_sessions"]() as session:
        stored = session.get(DocumentVersion, given.json["version"]["id"])
        assert stored is not None and store.reparse(stored).document.committee == COMMITTEE
    # a document that names its committee keeps it: the field is not taken over it
    own = upload(service_app, memo(year="2012"), "&committee=Kulturnämnden")
    assert own.status_code == 201
    with service_app.extensions["styrkoll_sessions"]() as session:
        stored = session.get(DocumentVersion, own.json["version"]["id"])
        assert stored is not None and store.reparse(stored).document.committee == COMMITTEE


@pytest.mark.parametrize(
    ("query", "path", "message"),
    [
        ("&year=1989", "year", "minst 1990"),
        ("&year=2101", "year", "högst 2100"),
        ("&year=tjugotolv", "year", "heltal"),
        ("&year=2012.5", "year", "heltal"),
        ("&committee=%20%20", "committee", ""),
        ("&committee=" + "N" * 201, "committee", "200"),
    ],
)
def test_bad_field_values_are_swedish_field_errors(
    service_app: Flask, query: str, path: str, message: str
) -> None:
    problem = refused(service_app, memo(), query)
    assert problem["title"] == "Ogiltig begäran"
    (error,) = [e for e in problem["errors"] if e["path"] == path]
    assert message in error["message"]


def test_the_self_check_takes_the_fields_too(service_app: Flask) -> None:
    client = service_app.test_client()
    headers = bearer(tokens(service_app)["enhet2"])
    before = counts(service_app)
    asked = client.post(
        "/api/v1/checks?filename=vb.txt", data=memo(), content_type="text/plain", headers=headers
    )
    assert asked.status_code == 422 and "fältet year (år)" in asked.json["detail"]
    checked = client.post(
        "/api/v1/checks?filename=vb.txt&year=2019",
        data=memo(),
        content_type="text/plain",
        headers=headers,
    )
    assert checked.status_code == 200, checked.json
    assert checked.json["dossier"]["year"] == 2019
    assert checked.json["tailoring"]["calendar"]["windows"][3]["to"] == "2020-02-29"
    assert counts(service_app) == before


def test_openapi_documents_the_fields(service_app: Flask) -> None:
    client = service_app.test_client()
    spec = client.get("/api/v1/openapi.json", headers=bearer(tokens(service_app)["revisor"])).json
    for route in ("/api/v1/documents", "/api/v1/checks"):
        params = {p["name"]: p for p in spec["paths"][route]["post"]["parameters"]}
        assert "year" in params and "committee" in params, route
        assert not params["year"]["required"]
        assert "året (år) handlingen gäller" in str(params["year"])
        assert "nämnden (nämnd)" in str(params["committee"])


def test_the_cli_and_the_upload_share_the_rule_for_a_given_year() -> None:
    """`import_file` decides: a year stated in the title or a memo's matter is the document's own
    and a different one given is refused; a year only counted from the document's date is a
    guess, and a year given replaces it."""
    from checks.importers import import_file
    from checks.loading import InputError

    plan = "Nämndplan 2019 för Fritidsnämnden\nNämndmål\nAlla ska känna sig trygga\nMålvärde\n"
    assert import_file(plan.encode(), "plan.txt", year=2019).data["år"] == 2019
    with pytest.raises(InputError) as info:
        import_file(plan.encode(), "plan.txt", year=2020)
    assert info.value.line == 1 and "anger året 2019" in info.value.message_sv
    assert "--year" in info.value.message_sv  # the CLI's words; the upload names its field
    dated = "Tertialrapport 1\nKulturnämnden\nDatum: 2016-05-10\nEkonomi\nText\n"
    assert import_file(dated.encode(), "t.txt").data["år"] == 2016
    imported = import_file(dated.encode(), "t.txt", year=2017)
    assert imported.data["år"] == 2017 and (3, "året 2017: --year") in imported.report.notes
