"""Exports of findings and decisions (issue 13): the Excel workbook opens with openpyxl and the
CSV with the csv module, and each holds exactly the findings the findings list gives for the
same filters – per sheet (unit or area) with a frozen header, auto filters, Swedish column names
and dates as dates; CSV as Swedish Excel reads it (UTF-8 with BOM, semicolons). Decisions carry
who asked and who approved. On SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from checks.catalogue import load_catalogue
from tests.test_reports_summary import ADMIN_UNIT, ADMINISTRATION, COMMITTEE, all_findings
from tests.test_service import bearer, tokens, unit_id

FILTERS = (
    "",
    "year=2012",
    "severity=fel",
    "severity=varning&kind=riskanalys",
    "rule=R3",
    "status=active",
    "status=exception",
)
SWEDISH = ["Fynd-id", "Enhet", "År", "Handling", "Version", "Område", "Regel", "Allvarlighetsgrad"]


def get(app: Flask, user: str, url: str) -> Any:
    response = app.test_client().get(url, headers=bearer(tokens(app)[user]))
    assert response.status_code == 200, (url, response.json)
    return response


def sheets(body: bytes) -> dict[str, list[dict[str, Any]]]:
    """Every sheet of a workbook as rows of header -> value; checks the header and filters."""
    book = load_workbook(io.BytesIO(body))
    out = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}{len(rows)}"
        assert all(ws.cell(1, i + 1).font.b for i in range(len(header)))
        out[ws.title] = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    return out


def read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def decide(app: Flask) -> dict[str, Any]:
    """A response on one finding and an approved exception on another; returns them."""
    client = app.test_client()
    toks = tokens(app)
    found = all_findings(app, "revisor", "year=2012")
    fixed, excepted = found[0], next(f for f in found if f["rule_id"] == "R3")
    response = client.post(
        f"/api/v1/findings/{fixed['id']}/decisions",
        json={"kind": "will_fix", "text": "Vi rättar det i nästa version."},
        headers=bearer(toks["enhet"]),
    ).json
    later = date.today() + timedelta(days=90)
    asked = client.post(
        f"/api/v1/findings/{excepted['id']}/decisions",
        json={
            "kind": "accepted_risk",
            "text": "Risken bärs under året.",
            "expires": later.isoformat(),
        },
        headers=bearer(toks["enhet"]),
    ).json
    assert response is not None and asked is not None
    approved = client.post(
        f"/api/v1/decisions/{asked['id']}/approve", headers=bearer(toks["controller"])
    )
    assert approved.status_code == 200
    return {
        "response": response,
        "exception": asked,
        "fixed": fixed,
        "excepted": excepted,
        "expires": later,
    }


@pytest.mark.parametrize("query", FILTERS)
def test_each_format_holds_exactly_the_findings_the_list_gives(
    service_app: Flask, query: str
) -> None:
    decide(service_app)  # so that the status filters select something
    listed = all_findings(service_app, "controller", query)
    ids = [f["id"] for f in listed]
    book = sheets(get(service_app, "controller", f"/api/v1/exports/findings.xlsx?{query}").data)
    rows = [r for found in book.values() for r in found]
    assert sorted(r["Fynd-id"] for r in rows) == sorted(ids)
    assert len(rows) == len(ids)  # each once
    header = list(next(iter(book.values()))[0]) if rows else []
    assert header[: len(SWEDISH)] == SWEDISH or not rows
    for name, found in book.items():
        assert all(r["Enhet"] == name for r in found)  # a sheet per unit
    by_id = {f["id"]: f for f in listed}
    for r in rows:
        f = by_id[r["Fynd-id"]]
        assert (r["Regel"], r["Allvarlighetsgrad"], r["Meddelande"]) == (
            f["rule_id"],
            f["severity"],
            f["message"],
        )
        assert r["År"] == f["year"] and r["Handling"] == f["kind"]
        assert isinstance(r["Först upptäckt"], datetime)
    table = read_csv(get(service_app, "controller", f"/api/v1/exports/findings.csv?{query}").data)
    assert [int(r["Fynd-id"]) for r in table] == ids
    assert all(r["Meddelande"] == by_id[int(r["Fynd-id"])]["message"] for r in table)
    body = json.loads(get(service_app, "controller", f"/api/v1/exports/findings.json?{query}").data)
    assert body["total"] == len(ids) and body["findings"] == listed


def test_sheets_per_area_and_what_a_unit_may_export(service_app: Flask) -> None:
    areas = {a.code: a.title.sv for a in load_catalogue().areas}
    book = sheets(get(service_app, "revisor", "/api/v1/exports/findings.xlsx?sheets=omrade").data)
    listed = all_findings(service_app, "revisor")
    assert set(book) == {areas[f["rule_id"][0]] for f in listed}
    for name, rows in book.items():
        assert all(r["Område"] == name and areas[r["Regel"][0]] == name for r in rows)
    assert sum(len(rows) for rows in book.values()) == len(listed)
    # Ekonomienheten has no documents: its user's export is the header alone
    empty = sheets(get(service_app, "enhet2", "/api/v1/exports/findings.xlsx").data)
    assert empty == {"Fynd": []}
    assert read_csv(get(service_app, "enhet2", "/api/v1/exports/findings.csv").data) == []
    english = read_csv(
        get(service_app, "enhet", "/api/v1/exports/findings.csv?lang=en&rule=F4").data
    )
    assert (
        len(english) == 1 and english[0]["Severity"] == "error" and english[0]["Unit"] == ADMIN_UNIT
    )


def test_decisions_carry_who_asked_and_who_approved(service_app: Flask) -> None:
    made = decide(service_app)
    book = sheets(get(service_app, "revisor", "/api/v1/exports/decisions.xlsx?year=2012").data)
    assert list(book) == [ADMIN_UNIT]
    rows = {r["Besluts-id"]: r for r in book[ADMIN_UNIT]}
    exception = rows[made["exception"]["id"]]
    assert exception["Begärt av"] == "enhet" and exception["Godkänt av"] == "controller"
    assert exception["Läge"] == "godkänt" and exception["Beslut"] == "Undantag: accepterad risk"
    assert exception["Gäller till"] == datetime.combine(made["expires"], datetime.min.time())
    assert isinstance(exception["Godkänt"], datetime) and exception["Fyndets status"] == "undantag"
    assert exception["Fynd-id"] == made["excepted"]["id"] and exception["Regel"] == "R3"
    response = rows[made["response"]["id"]]
    assert response["Godkänt av"] is None and response["Läge"] == "registrerat"
    table = read_csv(
        get(service_app, "revisor", "/api/v1/exports/decisions.csv?status=exception").data
    )
    assert [int(r["Besluts-id"]) for r in table] == [made["exception"]["id"]]
    assert table[0]["Gäller till"] == made["expires"].isoformat()
    body = json.loads(get(service_app, "controller", "/api/v1/exports/decisions.json?rule=R3").data)
    assert [d["id"] for d in body["decisions"]] == [made["exception"]["id"]]
    assert body["decisions"][0]["approved_by"] == "controller"
    assert (
        json.loads(get(service_app, "enhet2", "/api/v1/exports/decisions.json").data)["total"] == 0
    )


def test_control_characters_in_a_decision_do_not_break_the_workbook(service_app: Flask) -> None:
    target = all_findings(service_app, "enhet", "year=2012")[0]
    made = service_app.test_client().post(
        f"/api/v1/findings/{target['id']}/decisions",
        json={"kind": "comment", "text": "Vi rättar\x0b det\x01 snart."},
        headers=bearer(tokens(service_app)["enhet"]),
    )
    assert made.status_code == 201, made.json
    book = sheets(get(service_app, "revisor", "/api/v1/exports/decisions.xlsx").data)
    assert [r["Text"] for r in book[ADMIN_UNIT]] == ["Vi rättar det snart."]
    table = read_csv(get(service_app, "revisor", "/api/v1/exports/decisions.csv").data)
    assert [r["Text"] for r in table] == ["Vi rättar\x0b det\x01 snart."]  # CSV keeps the text


def test_bad_filters_get_a_swedish_problem(service_app: Flask) -> None:
    client = service_app.test_client()
    enhet = bearer(tokens(service_app)["enhet"])
    for url in (
        "/api/v1/exports/findings.xlsx?severity=x",
        "/api/v1/exports/findings.xlsx?sheets=blad",
        "/api/v1/exports/findings.csv?status=old",
        "/api/v1/exports/decisions.json?year=abc",
    ):
        response = client.get(url, headers=enhet)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert response.json["errors"][0]["path"] in {"severity", "sheets", "status", "year"}  # type: ignore[index]
    assert client.get("/api/v1/exports/findings.csv").status_code == 401


# The problems the report routes give beyond their shape (tests/test_service_openapi.py).
REPORT_PROBLEMS: dict[tuple[str, str], set[int]] = {
    ("get", f"/api/v1/reports/{name}"): {404}
    for name in ("summary", "summary.pdf", "chart.svg", "control", "control.pdf")
}


def exercise_reports(api: Callable[..., Any], app: Flask) -> None:
    """Every report and export route once with success and with its problems, through the
    OpenAPI conformance checker of tests/test_service_openapi.py."""
    toks = tokens(app)
    revisor, controller = bearer(toks["revisor"]), bearer(toks["controller"])
    committee, administration = unit_id(app, COMMITTEE), unit_id(app, ADMINISTRATION)
    for name, first in (("summary", "committee"), ("control", "administration")):
        root = committee if name == "summary" else administration
        for suffix in ("", ".pdf"):
            path = f"/api/v1/reports/{name}{suffix}"
            api("get", path, 200, url=f"{path}?{first}={root}&year=2012", headers=revisor)
            api("get", path, 404, url=f"{path}?{first}=99999&year=2012", headers=revisor)
            api("get", path, 422, url=f"{path}?{first}={root}&year=x", headers=revisor)
            api("get", path, 401, url=f"{path}?{first}={root}&year=2012")
    chart = "/api/v1/reports/chart.svg"
    api(
        "get",
        chart,
        200,
        url=f"{chart}?committee={committee}&year=2012&chart=omraden",
        headers=controller,
    )
    api("get", chart, 404, url=f"{chart}?committee=99999&year=2012&chart=ar", headers=controller)
    api(
        "get",
        chart,
        422,
        url=f"{chart}?committee={committee}&year=2012&chart=paj",
        headers=controller,
    )
    api("get", chart, 401, url=f"{chart}?committee={committee}&year=2012&chart=ar")
    for what in ("findings", "decisions"):
        for suffix in ("xlsx", "csv", "json"):
            path = f"/api/v1/exports/{what}.{suffix}"
            api("get", path, 200, url=f"{path}?year=2012", headers=controller)
            api("get", path, 422, url=f"{path}?severity=x", headers=controller)
            api("get", path, 401)
