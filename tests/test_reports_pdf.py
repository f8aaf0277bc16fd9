"""The reports as PDF (issue 13), read back with pypdf: the committee summary's PDF states the
same figures as the summary (and as the independent count of tests/test_reports_summary.py),
its links reach the findings it lists; the controller's internal-control report names who asked
for and who approved each exception; both are A4 with numbered pages, in Swedish or English.
On SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

from flask import Flask
from pypdf import PdfReader

from service.reports.control import ControlReport
from service.reports.pdf import control_document, pdf
from tests.test_reports_summary import (
    ADMIN_UNIT,
    ADMINISTRATION,
    COMMITTEE,
    DEMO,
    all_findings,
    check_summary,
    load,
    plain,
    statements,
    summary,
)
from tests.test_service import bearer, tokens, unit_id

A4 = (595.3, 841.9)  # points
FOOTER = re.compile(r"(?:Sida|Page) (\d+) (?:av|of) \d+")


def read(app: Flask, user: str, url: str) -> tuple[PdfReader, str]:
    response = app.test_client().get(url, headers=bearer(tokens(app)[user]))
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata is not None
    title = str(reader.metadata.title)
    pages = []
    for page in reader.pages:  # the text without the page's header and footer
        text = FOOTER.sub(" ", page.extract_text())
        pages.append(text.replace(title, " ") if page.page_number else text)
    return reader, plain(" ".join(pages))


def links(reader: PdfReader) -> list[str]:
    found = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            target = annotation.get_object().get("/Dest")
            if target is not None:
                found.append(str(target))
    return found


def test_the_summary_pdf_has_the_summary_s_figures(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    body = summary(service_app, "revisor", committee)
    # the figures of the summary are those counted independently from the documents
    check_summary(service_app, body, [{k: load(p) for k, p in DEMO.items()} | {"unit": ADMIN_UNIT}])
    reader, text = read(
        service_app, "revisor", f"/api/v1/reports/summary.pdf?committee={committee}&year=2012"
    )
    for s in statements(body):
        assert plain(s["text"]) in text, s["text"]
    for section in body["sections"]:
        assert section["heading"] in text
    for figure in (
        "16 av 16 åtaganden (100 %)",
        "+1 700 tkr (5,2 %)",
        "11 av dem är fel",
    ):
        assert figure in text, figure
    # every chart is there with its text alternative and its table
    for key in (
        "Öppna brister per område",
        "Avvikelse från budget per enhet",
        "Siffrorna i diagrammet",
    ):
        assert key in text
    # the appendix lists the open findings the statements show (the first 12 of each)
    open_ids = {f["id"] for f in all_findings(service_app, "revisor", "year=2012")}
    shown = {i for s in statements(body) for i in s["findings"][:12]} & open_ids
    assert shown == open_ids  # on the demo data every open finding is shown somewhere
    destinations = set(reader.named_destinations)
    assert {d for d in destinations if d.startswith("fynd-")} == {f"fynd-{i}" for i in shown}
    targets = links(reader)  # every link to a finding reaches it
    assert targets and set(targets) <= destinations
    assert {f"fynd-{i}" for s in statements(body, "brister") for i in s["findings"][:12]} <= set(
        targets
    )
    assert "Sida 1 av" in reader.pages[0].extract_text()
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == A4
    assert reader.metadata is not None and COMMITTEE in str(reader.metadata.title)


def test_the_control_report_pdf_names_who_asked_and_who_approved(service_app: Flask) -> None:
    client = service_app.test_client()
    toks = tokens(service_app)
    target = next(
        f for f in all_findings(service_app, "revisor", "year=2012") if f["rule_id"] == "R3"
    )
    later = (date.today() + timedelta(days=30)).isoformat()
    asked = client.post(
        f"/api/v1/findings/{target['id']}/decisions",
        json={"kind": "accepted_risk", "text": "Lönerisken bärs till bokslutet.", "expires": later},
        headers=bearer(toks["enhet"]),
    ).json
    assert asked is not None
    approved = client.post(
        f"/api/v1/decisions/{asked['id']}/approve", headers=bearer(toks["controller2"])
    )
    assert approved.status_code == 200
    administration = unit_id(service_app, ADMINISTRATION)
    report: Any = client.get(
        f"/api/v1/reports/control?administration={administration}&year=2012",
        headers=bearer(toks["revisor"]),
    ).json
    decision = next(d for d in report["decisions"] if d["id"] == asked["id"])
    assert (decision["requested_by"], decision["approved_by"]) == ("enhet", "controller2")
    assert decision["finding"] == target["id"] and decision["finding_status"] == "exception"
    open_ = [
        f for f in all_findings(service_app, "revisor", "year=2012") if f["status"] != "exception"
    ]
    assert sum(report["open_findings"].values()) == len(open_)
    reader, text = read(
        service_app,
        "revisor",
        f"/api/v1/reports/control.pdf?administration={administration}&year=2012",
    )
    assert "Lönerisken bärs till bokslutet." in text
    row = text[text.index("Undantag: accepterad risk") :]
    assert "enhet" in row and "controller2" in row and f"gäller till {later}" in row
    for s in report["statements"]:
        assert plain(s["text"]) in text
    assert f"fynd-{target['id']}" in reader.named_destinations


def test_the_pdf_reads_in_english(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    body = summary(service_app, "controller", committee, lang="en")
    reader, text = read(
        service_app,
        "controller",
        f"/api/v1/reports/summary.pdf?committee={committee}&year=2012&lang=en",
    )
    assert "Page 1 of" in reader.pages[0].extract_text()
    for s in statements(body):
        assert plain(s["text"]) in text, s["text"]


def test_a_long_control_report_lists_the_most_severe_and_says_so(service_app: Flask) -> None:
    administration = unit_id(service_app, ADMINISTRATION)
    body: Any = (
        service_app.test_client()
        .get(
            f"/api/v1/reports/control?administration={administration}&year=2012",
            headers=bearer(tokens(service_app)["revisor"]),
        )
        .json
    )
    report = ControlReport.model_validate(body)
    html = control_document(report, {u.unit_id: u.unit for u in report.units}, limit=3)
    reader = PdfReader(io.BytesIO(pdf(html)))
    text = plain(" ".join(p.extract_text() for p in reader.pages))
    total = len(report.findings)
    assert f"Här visas de 3 allvarligaste av årets {total} fynd." in text
    listed = {d for d in reader.named_destinations if d.startswith("fynd-")}
    errors = sorted(f.id for f in report.findings if f.severity == "fel")
    assert len(errors) >= 3 and listed <= {f"fynd-{i}" for i in errors} and len(listed) == 3
