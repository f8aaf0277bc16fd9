"""Stored findings, whole: read through the API in Swedish and English they equal what
`styrkoll check --format json` gives for the same documents; an upload checks its unit's
dossier once and touches no other unit; a list of findings costs a constant number of SQL
statements. On SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from checks.checker import OUTCOMES_SV
from service.db import CheckRun, DocumentSeries, DocumentVersion, OrgUnit
from tests.conftest import CLEAN_DOSSIER, DEFECT_DOSSIER, ROOT
from tests.test_service import YAML, bearer, tokens, unit_id

# what the demo holds for Administrativa avdelningen, 2012: the clean plan (version 2) and the
# defect dossier's other documents, by the names they were uploaded with
DEMO_CURRENT = {
    "verksamhetsplan.yaml": CLEAN_DOSSIER / "verksamhetsplan.yaml",
    "riskanalys.yaml": DEFECT_DOSSIER / "riskanalys.yaml",
    "internkontrollplan.yaml": DEFECT_DOSSIER / "internkontrollplan.yaml",
    "tjansteutlatande.yaml": DEFECT_DOSSIER / "tjansteutlatande.yaml",
    "arsrapport.yaml": DEFECT_DOSSIER / "arsrapport.yaml",
}
SERVICE_FIELDS = {"id", "run", "version", "unit", "year", "kind", "change", "first_seen_at"}


def _cli_findings(folder: Path, lang: str) -> list[dict[str, Any]]:
    """`styrkoll check --format json` run in the folder, so documents are named as uploaded."""
    proc = subprocess.run(
        [sys.executable, "-m", "checks.cli", "check", "--format", "json", "--lang", lang, "."],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 1, proc.stderr
    found: list[dict[str, Any]] = json.loads(proc.stdout)["results"][0]["findings"]
    return found


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_stored_finding_reads_as_the_checker_reports_it(
    service_app: Flask, tmp_path: Path, lang: str
) -> None:
    for name, source in DEMO_CURRENT.items():
        shutil.copy(source, tmp_path / name)
    cli = _cli_findings(tmp_path, lang)
    token = tokens(service_app)["revisor"]
    client = service_app.test_client()
    unit = unit_id(service_app, "Administrativa avdelningen")
    listed = client.get(
        f"/api/v1/findings?unit={unit}&per_page=500&lang={lang}", headers=bearer(token)
    ).json
    stored: list[dict[str, Any]] = listed["findings"]  # type: ignore[index]
    assert len(stored) == len(cli) == listed["total"]  # type: ignore[index]
    assert {f["status"] for f in stored} == {"active"}
    for kind in {f["document_kind"] for f in cli}:
        want = [f for f in cli if f["document_kind"] == kind]
        got = [
            {k: v for k, v in f.items() if k not in SERVICE_FIELDS | {"status"}}
            for f in stored
            if f["document_kind"] == kind
        ]
        assert got == want, kind
    assert all(f["reference"] and f["remedy"] and f["lang"] == lang for f in stored)
    assert sum(bool(f["evidence"]) for f in stored) > len(stored) // 2
    # the same finding in its run, in its version's diff, in the same language
    first = stored[0]
    run = client.get(f"/api/v1/runs/{first['run']}?lang={lang}", headers=bearer(token)).json
    assert first in run["findings"]  # type: ignore[index]
    assert set(run["outcomes"].values()) <= set(OUTCOMES_SV)  # type: ignore[index]
    diff = client.get(
        f"/api/v1/documents/{first['version']}/diff?lang={lang}", headers=bearer(token)
    ).json
    in_diff = diff["new"] + diff["persisting"]  # type: ignore[index]
    assert {k: v for k, v in first.items() if k != "status"} in [
        {k: v for k, v in f.items() if k != "status"} for f in in_diff
    ]


def test_english_and_swedish_differ_where_the_catalogue_does(service_app: Flask) -> None:
    token = tokens(service_app)["controller"]
    client = service_app.test_client()
    sv = client.get("/api/v1/findings?rule=R3", headers=bearer(token)).json["findings"][0]  # type: ignore[index]
    en = client.get("/api/v1/findings?rule=R3&lang=en", headers=bearer(token)).json["findings"][0]  # type: ignore[index]
    assert sv["id"] == en["id"] and sv["fingerprint"] == en["fingerprint"]
    assert sv["title"] != en["title"] and sv["remedy"] != en["remedy"]
    assert sv["lang"] == "sv" and en["lang"] == "en"
    assert [e["value"] for e in sv["evidence"]] == [e["value"] for e in en["evidence"]]
    bad = client.get("/api/v1/findings?lang=de", headers=bearer(token))
    assert bad.status_code == 422 and bad.json["errors"][0]["path"] == "lang"  # type: ignore[index]


def _runs(app: Flask) -> dict[int, list[CheckRun]]:
    """Every run by unit."""
    with app.extensions["styrkoll_sessions"]() as session:
        out: dict[int, list[CheckRun]] = {}
        for run, unit in session.execute(
            select(CheckRun, DocumentSeries.unit_id)
            .join(DocumentVersion, DocumentVersion.id == CheckRun.version_id)
            .join(DocumentSeries)
            .order_by(CheckRun.id)
        ):
            out.setdefault(unit, []).append(run)
        return out


def _upload(app: Flask, user: str, unit: int, path: Path, text: str | None = None) -> Any:
    response = app.test_client().post(
        f"/api/v1/documents?unit={unit}&filename={path.name}",
        data=(text if text is not None else path.read_text(encoding="utf-8")).encode("utf-8"),
        content_type=YAML,
        headers=bearer(tokens(app)[user]),
    )
    assert response.status_code == 201, response.json
    return response.json


def test_an_upload_checks_its_units_dossier_once_and_no_other_unit(service_app: Flask) -> None:
    own = unit_id(service_app, "Administrativa avdelningen")
    other = unit_id(service_app, "Ekonomienheten")
    plan = DEFECT_DOSSIER / "verksamhetsplan.yaml"
    text = plan.read_text(encoding="utf-8").replace(
        "enhet: Administrativa avdelningen", "enhet: Ekonomienheten"
    )
    _upload(service_app, "enhet2", other, plan, text)
    before = _runs(service_app)
    answer = _upload(service_app, "enhet", own, DEFECT_DOSSIER / "riskanalys.yaml")
    after = _runs(service_app)
    assert [r.id for r in after[other]] == [r.id for r in before[other]]  # untouched
    new = after[own][len(before[own]) :]
    assert len(new) == 5  # one run per document of the dossier, from one check
    assert {r.duration_ms for r in new} == {new[0].duration_ms}
    assert all(r.outcomes == new[0].outcomes and r.dossier == new[0].dossier for r in new)
    with service_app.extensions["styrkoll_sessions"]() as session:
        members = session.execute(
            select(DocumentSeries.unit_id)
            .join(DocumentVersion)
            .where(DocumentVersion.id.in_(new[0].dossier.values()))
        ).scalars()
        assert set(members) == {own}
    assert new[0].dossier["riskanalys"] == answer["version"]["id"]
    # every rule's outcome, "kunde inte bedömas" and "ej tillämplig" among them, and the
    # elements not judged, with the document they stand in
    outcomes = set(new[0].outcomes.values())
    assert {"failed", "passed", "not_applicable", "not_judged"} <= outcomes
    judged = {r.version_id: r for r in new}
    run = client_run(service_app, answer["run"])
    assert run["outcomes"] == new[0].outcomes and run["dossier"] == new[0].dossier
    unjudged = [u for r in judged.values() for items in r.unjudged.values() for u in items]
    assert unjudged and all({"element_id", "path", "missing"} <= set(u) for u in unjudged)


def client_run(app: Flask, run_id: int) -> dict[str, Any]:
    response = app.test_client().get(
        f"/api/v1/runs/{run_id}", headers=bearer(tokens(app)["revisor"])
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json  # type: ignore[assignment]
    return body


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs."""
    seen: list[str] = []
    engine = app.extensions["styrkoll_engine"]

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


LIST_REQUESTS = (
    "/api/v1/findings?per_page=500",
    "/api/v1/findings?severity=fel&status=active&per_page=3&page=2",
    "/api/v1/findings?year=2012&kind=riskanalys&rule=R3&lang=en",
)


def test_a_list_of_findings_costs_the_same_few_statements_however_many(
    service_app: Flask,
) -> None:
    token = tokens(service_app)["controller"]
    client = service_app.test_client()

    def cost() -> tuple[list[int], list[int]]:
        counts, totals = [], []
        for url in LIST_REQUESTS:
            with statements(service_app) as seen:
                response = client.get(url, headers=bearer(token))
            assert response.status_code == 200
            counts.append(len(seen))
            totals.append(response.json["total"])  # type: ignore[index]
        return counts, totals

    few, few_totals = cost()
    other = unit_id(service_app, "Ekonomienheten")
    for name in ("riskanalys.yaml", "internkontrollplan.yaml", "verksamhetsplan.yaml"):
        path = DEFECT_DOSSIER / name
        text = path.read_text(encoding="utf-8").replace(
            "Administrativa avdelningen", "Ekonomienheten"
        )
        _upload(service_app, "enhet2", other, path, text)
    many, many_totals = cost()
    assert all(m > f for m, f in zip(many_totals[:2], few_totals[:2], strict=True))
    assert many == few and max(many) <= 12, many


def test_the_list_counts_and_pages_in_sql_with_status_filters(service_app: Flask) -> None:
    token = tokens(service_app)["controller"]
    client = service_app.test_client()
    everything = client.get("/api/v1/findings?per_page=500", headers=bearer(token)).json
    ids = [f["id"] for f in everything["findings"]]  # type: ignore[index]
    pages = []
    for page in range(1, len(ids) // 7 + 2):
        got = client.get(f"/api/v1/findings?per_page=7&page={page}", headers=bearer(token)).json
        assert got["total"] == len(ids)  # type: ignore[index]
        pages += [f["id"] for f in got["findings"]]  # type: ignore[index]
    assert pages == ids
    with service_app.extensions["styrkoll_sessions"]() as session:
        units = session.execute(select(func.count()).select_from(OrgUnit)).scalar_one()
    assert units > 1
    none = client.get("/api/v1/findings?status=exception", headers=bearer(token)).json
    assert none["total"] == 0 and none["findings"] == []  # type: ignore[index]


@pytest.mark.parametrize(
    "query",
    ["", "severity=fel", "severity=varning", "severity=info", "kind=verksamhetsplan", "year=2011"],
)
def test_a_total_summed_from_the_runs_counts_is_the_number_of_findings(
    service_app: Flask, query: str
) -> None:
    """Without a rule or status filter the total is summed from the runs' severity counts; it is
    always the number of current findings the list holds, page after page."""
    token = tokens(service_app)["revisor"]
    client = service_app.test_client()
    ids: list[int] = []
    page = 1
    while True:
        got = client.get(f"/api/v1/findings?per_page=20&page={page}&{query}", headers=bearer(token))
        assert got.status_code == 200, got.json
        body = got.json
        assert body is not None
        ids += [f["id"] for f in body["findings"]]
        if not body["findings"]:
            break
        page += 1
    assert body["total"] == len(ids) == len(set(ids))
    if query in ("", "severity=fel", "severity=varning", "kind=verksamhetsplan"):
        assert ids, f"the demo has findings for {query!r}"


def test_an_upload_and_a_self_check_answer_in_the_language_asked_for(service_app: Flask) -> None:
    token = tokens(service_app)["enhet"]
    client = service_app.test_client()
    unit = unit_id(service_app, "Administrativa avdelningen")
    text = (DEFECT_DOSSIER / "verksamhetsplan.yaml").read_bytes()
    headers = {**bearer(token), "Content-Type": YAML}
    checked = {
        lang: client.post(f"/api/v1/checks?lang={lang}", data=text, headers=headers).json
        for lang in ("sv", "en")
    }
    uploaded = client.post(
        f"/api/v1/documents?unit={unit}&filename=verksamhetsplan.yaml&lang=en",
        data=text,
        headers=headers,
    )
    assert uploaded.status_code == 201, uploaded.json
    found = uploaded.json["findings"]  # type: ignore[index]
    assert found and {f["lang"] for f in found} == {"en"}
    sv = checked["sv"]["findings"]  # type: ignore[index]
    en = checked["en"]["findings"]  # type: ignore[index]
    assert [f["fingerprint"] for f in sv] == [f["fingerprint"] for f in en]
    assert {f["lang"] for f in en} == {"en"} and sv[0]["title"] != en[0]["title"]
