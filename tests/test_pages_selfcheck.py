"""The self-check page (`/sjalvkontroll`): documents sent as files (YAML, JSON, text, PDF, Word) or
pasted are checked at once and shown with how each was read; several are checked together as one
dossier; nothing is stored (every table's row count is the same before and after); bad input is a
Swedish error tied to its field, never a 500. Flask's test client on the demo database, on SQLite
and, when configured, PostgreSQL."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.demo import DEMO_USERS
from tests.conftest import DEFECT_DOSSIER, MINIMAL_PLAN
from tests.test_import import write_docx, write_pdf
from tests.test_pages_base import csrf_of, field_error, html, log_in, summary_links
from tests.test_service import counts

# An operating plan as ILS-webb exports it, written for these tests: a commitment without an
# expected result and without a follow-up (C1, C3 are errors), and a line in the activity table
# the importer cannot place (line 20). The administration above the budget table gives the
# committee, the budget table the year.
ILS_EXPORT = """\
Verksamhetsplan Stadsarkivets läsesal
Inledning
Läsesalen tar emot forskare och allmänhet. Verksamhetsplanen har behandlats på \
arbetsplatsträff den 14 november 2011.
KF:s INRIKTNINGSMÅL 2:
2. En demokratisk stad med öppen förvaltning
KF:s MÅL FÖR VERKSAMHETSOMRÅDET:
2.1 Stadens arkiv är tillgängliga för alla
KF:s indikatorer Årsmål KF:s årsmål Periodicitet
Andel besökare som är nöjda med bemötandet 90 % 85 % År
NÄMNDMÅL:
Läsesalen är öppen och tillgänglig
ÅTAGANDE:
Vi förlänger öppettiderna på torsdagar
Arbetssätt
Personalen turas om att bemanna kvällspasset.
Resursanvändning
Ryms inom befintlig budget.
Enhetens aktiviteter Startdatum Slutdatum
Kvällsöppet på torsdagar 2012-01-09 2012-12-20
Anteckning utan datum i tabellen
Budget 2012
Kulturförvaltning
Budgetår: 2012
Enhetschef: Eva Ek
Intäkter
Avgifter
120
Kostnader
Personal
2 400
Lokaler
800
"""
# The same plan without what gives its year and committee (no APT date, no budget table).
ILS_SILENT = ILS_EXPORT.split("Budget 2012")[0].replace(
    " Verksamhetsplanen har behandlats på arbetsplatsträff den 14 november 2011.", ""
)
UNPLACED = "Anteckning utan datum i tabellen"


def self_check(
    client: FlaskClient,
    files: list[tuple[bytes, str]] | None = None,
    token: str | None = None,
    **fields: str,
) -> TestResponse:
    if token is None:
        token = csrf_of(client.get("/sjalvkontroll"))
    data: dict[str, Any] = {"csrf_token": token, **fields}
    if files is not None:
        data["dokument"] = [(io.BytesIO(raw), name) for raw, name in files]
    return client.post("/sjalvkontroll", data=data, content_type="multipart/form-data")


@pytest.fixture
def client(service_app: Flask) -> FlaskClient:
    client = service_app.test_client()
    assert log_in(client, "enhet").status_code == 303
    return client


def rule_ids(page: str) -> list[str]:
    return re.findall(r"<h4>([A-Z]\d+[a-z]?) · ", page)


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_yaml_plan_shows_its_findings_by_severity_and_nothing_is_stored(
    service_app: Flask, client: FlaskClient
) -> None:
    before = counts(service_app)
    raw = (DEFECT_DOSSIER / "verksamhetsplan.yaml").read_bytes()
    response = self_check(client, [(raw, "verksamhetsplan.yaml")])
    assert response.status_code == 200, text_of(html(response))[:2000]
    page = html(response)
    assert counts(service_app) == before
    headings = re.findall(r'<h3 id="grupp-(\w+)">(\w+) \((\d+)\)</h3>', page)
    assert [h[0] for h in headings] == ["fel", "varning", "info"][: len(headings)]
    assert headings and headings[0][:2] == ("fel", "Fel")
    findings = page.count('<li class="finding finding-')
    assert findings == sum(int(h[2]) for h in headings) == len(rule_ids(page))
    assert "Ingenting har sparats." in page
    text = text_of(page)
    assert "Plats verksamhetsplan.yaml, rad" in text and "Åtgärd" in text
    assert "Lästes som verksamhetsplanen (YAML)" in text


@pytest.mark.parametrize("fmt", ["txt", "pdf", "docx", "pasted"])
def test_an_ils_export_shows_its_findings_and_how_it_was_read(
    service_app: Flask, client: FlaskClient, tmp_path: Path, fmt: str
) -> None:
    before = counts(service_app)
    if fmt == "pasted":
        response = self_check(client, text=ILS_EXPORT)
        name = "inklistrad-text.txt"
    else:
        path = tmp_path / f"lasesal.{fmt}"
        if fmt == "txt":
            path.write_text(ILS_EXPORT, encoding="utf-8")
        elif fmt == "pdf":
            write_pdf(ILS_EXPORT, path)
        else:
            write_docx(ILS_EXPORT, path)
        response = self_check(client, [(path.read_bytes(), path.name)])
        name = path.name
    assert response.status_code == 200, text_of(html(response))[:2000]
    page = html(response)
    assert counts(service_app) == before
    assert {"C1", "C3"} <= set(rule_ids(page))
    summary = text_of(page.split('id="inlasning"')[1])
    assert f"{name} Lästes som verksamhetsplanen" in summary
    assert "Hittade 1 inriktningsmål, 1 KF-mål" in summary
    assert re.search(r"Placerad text \d\d,\d %", summary), summary
    assert "Kunde inte placeras (1 rad)" in summary and UNPLACED in summary
    assert "Stadsarkivets läsesal · Kulturnämnd · 2012" in text_of(page)


def test_several_documents_are_checked_together(service_app: Flask, client: FlaskClient) -> None:
    """F1 compares the plan with the other documents: it fires only on the whole dossier."""
    before = counts(service_app)
    names = (
        "verksamhetsplan",
        "riskanalys",
        "internkontrollplan",
        "tjansteutlatande",
        "arsrapport",
    )
    files = [((DEFECT_DOSSIER / f"{n}.yaml").read_bytes(), f"{n}.yaml") for n in names]
    alone = self_check(client, files[:1])
    together = self_check(client, files)
    assert together.status_code == 200 and alone.status_code == 200
    assert "F1" in rule_ids(html(together)) and "F1" not in rule_ids(html(alone))
    assert html(together).count("Lästes som") == 5
    assert counts(service_app) == before


def test_documents_of_different_units_are_refused_on_the_file_field(client: FlaskClient) -> None:
    other = MINIMAL_PLAN.replace("Exempelenheten", "En annan enhet").replace(
        "verksamhetsplan", "riskanalys"
    )
    response = self_check(
        client, [(MINIMAL_PLAN.encode(), "plan.yaml"), (other.encode(), "risk.yaml")]
    )
    assert response.status_code == 422
    assert summary_links(html(response)) == ["dokument"]
    assert 'handlingen gäller enhet "En annan enhet"' in field_error(html(response), "dokument")


def test_year_and_committee_are_asked_for_on_their_fields(
    service_app: Flask, client: FlaskClient
) -> None:
    before = counts(service_app)
    raw = ILS_SILENT.encode()
    response = self_check(client, [(raw, "plan.txt")])
    assert response.status_code == 422
    assert summary_links(html(response)) == ["committee"]
    error = field_error(html(response), "committee")
    assert error.startswith("Fel: plan.txt rad 1: planen anger inte vilken nämnd")
    assert error.endswith("ange nämnden med fältet Nämnd") and "--" not in error
    response = self_check(client, [(raw, "plan.txt")], committee="Kulturnämnden")
    assert summary_links(html(response)) == ["year"]
    assert field_error(html(response), "year").endswith("ange året med fältet År")
    assert 'value="Kulturnämnden"' in html(response)  # what was given is kept
    response = self_check(client, [(raw, "plan.txt")], committee="Kulturnämnden", year="2013")
    assert response.status_code == 200
    text = text_of(html(response))
    assert "Stadsarkivets läsesal · Kulturnämnden · 2013" in text
    assert "året 2013: fältet År" in text
    assert counts(service_app) == before


def test_a_yaml_error_names_its_line(client: FlaskClient) -> None:
    broken = MINIMAL_PLAN + "budget: [ett, två\n"
    response = self_check(client, [(broken.encode(), "plan.yaml")])
    assert response.status_code == 422
    assert re.match(r"Fel: plan\.yaml rad \d+: ", field_error(html(response), "dokument"))


def test_pasted_yaml_is_read_as_yaml_and_its_errors_are_on_the_text_field(
    client: FlaskClient,
) -> None:
    ok = self_check(client, text=MINIMAL_PLAN)
    assert ok.status_code == 200 and "(YAML)" in text_of(html(ok))
    bad = self_check(client, text=MINIMAL_PLAN.replace("2012", "tvåtusentolv"))
    assert bad.status_code == 422 and summary_links(html(bad)) == ["text"]
    assert "inklistrad-text.yaml rad 2" in field_error(html(bad), "text")


BAD_FILES = [
    (b"MZ\x90\x00\x03junk", "program.exe", "program.exe: filtypen stöds inte"),
    (b"", "tom.yaml", "tom.yaml: filen är tom"),
    (b"   \n", "tom.txt", "tom.txt: filen är tom"),
    (b"\x00\x01\x02\xff" * 100, "skrap.txt", "skrap.txt: filen är binär"),
    (b"\x00\x01\x02\xff" * 100, "skrap.pdf", "skrap.pdf"),
    (b"PK\x03\x04 not a zip", "skrap.docx", "skrap.docx"),
    (b"\xff\xfe" + "x".encode("utf-16-le") * 50, "skrap.yaml", "skrap.yaml"),
    (b"- bara\n- en lista\n", "lista.yaml", "lista.yaml rad 1: dokumentet ska vara"),
    (json.dumps({"dokument": "verksamhetsplan"}).encode(), "plan.json", "plan.json"),
]


@pytest.mark.parametrize(("raw", "name", "message"), BAD_FILES, ids=[b[1] for b in BAD_FILES])
def test_bad_files_are_swedish_errors_on_the_file_field(
    service_app: Flask, client: FlaskClient, raw: bytes, name: str, message: str
) -> None:
    before = counts(service_app)
    response = self_check(client, [(raw, name)])
    assert response.status_code == 422, text_of(html(response))[:1000]
    assert summary_links(html(response)) == ["dokument"]
    assert field_error(html(response), "dokument").startswith(f"Fel: {message}")
    assert counts(service_app) == before


def test_an_unknown_kind_of_document_asks_for_the_kind_field(client: FlaskClient) -> None:
    letter = "Hej\nDet här är inget styrdokument.\n".encode("cp1252")
    response = self_check(client, [(letter, "brev.txt")])
    assert response.status_code == 422 and summary_links(html(response)) == ["kind"]
    error = field_error(html(response), "kind")
    assert error.startswith("Fel: brev.txt rad 1: kunde inte avgöra vilken sorts handling det är")
    assert "Ange sorten med fältet Sort av handling" in error


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "dokument", "Välj en eller flera filer, eller klistra in text"),
        ({"text": " \n\t "}, "dokument", "Välj en eller flera filer, eller klistra in text"),
        ({"year": "20x2"}, "year", "Ange året med fyra siffror, till exempel 2012"),
        ({"year": "9" * 5000}, "year", "Ange året med fyra siffror, till exempel 2012"),
        ({"year": "１２３４"}, "year", "Ange året med fyra siffror, till exempel 2012"),
        ({"year": "1850"}, "year", "Ange året med fyra siffror, till exempel 2012"),
        ({"committee": "n" * 100_000}, "committee", "Nämndens namn får vara högst 200 tecken"),
        ({"kind": "<script>"}, "kind", "Välj en sort i listan, eller låt kontrollen känna igen"),
    ],
)
def test_bad_fields_are_swedish_errors_on_their_field(
    client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    response = self_check(client, text=fields.pop("text", ""), **fields)
    assert response.status_code == 422
    assert field in summary_links(html(response))
    assert field_error(html(response), field).startswith(f"Fel: {message}")
    assert "<script>" not in html(response)


def test_too_many_files_are_refused(client: FlaskClient) -> None:
    files = [(MINIMAL_PLAN.encode(), f"plan{i}.yaml") for i in range(11)]
    response = self_check(client, files)
    assert response.status_code == 422
    assert field_error(html(response), "dokument") == "Fel: Välj högst 10 filer åt gången"


def test_too_large_a_request_is_an_error_on_the_file_field(
    service_app: Flask, client: FlaskClient
) -> None:
    token = csrf_of(client.get("/sjalvkontroll"))
    service_app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = self_check(client, [(b"x" * 60_000, "stor.txt")], token=token)
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert summary_links(html(response)) == ["dokument"]
    assert "Det du skickade är för stort" in field_error(html(response), "dokument")


def test_a_form_without_its_token_is_refused_and_not_checked(client: FlaskClient) -> None:
    for token in ("", "forged"):
        response = self_check(client, [(MINIMAL_PLAN.encode(), "plan.yaml")], token=token)
        assert response.status_code == 403 and response.mimetype == "text/html"
        assert "Formuläret hade gått ut" in html(response)


def test_without_a_login_the_form_goes_to_the_login_page(service_app: Flask) -> None:
    response = service_app.test_client().post("/sjalvkontroll", data={"text": MINIMAL_PLAN})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/logga-in")


@pytest.mark.parametrize("username", [u for u, _, _ in DEMO_USERS])
def test_every_role_may_self_check(service_app: Flask, username: str) -> None:
    client = service_app.test_client()
    log_in(client, username)
    page = client.get("/sjalvkontroll")
    assert page.status_code == 200 and "<h1>Självkontroll</h1>" in html(page)
    assert 'enctype="multipart/form-data"' in html(page)
    for field in ("dokument", "text", "year", "committee", "kind"):
        assert f'<label class="label" for="{field}">' in html(page), field
    response = self_check(client, text=MINIMAL_PLAN)
    assert response.status_code == 200


def test_in_english_the_findings_are_english(client: FlaskClient) -> None:
    client.get("/sprak/en")
    raw = (DEFECT_DOSSIER / "verksamhetsplan.yaml").read_bytes()
    page = html(self_check(client, [(raw, "verksamhetsplan.yaml")]))
    assert '<html lang="en">' in page and "<h1>Result of the self-check</h1>" in page
    assert '<h3 id="grupp-fel">Errors (' in page
    assert "Read as the operating plan (YAML)" in text_of(page)
    plan = yaml.safe_load(MINIMAL_PLAN)
    bad = self_check(client, text=yaml.safe_dump({**plan, "år": "x"}, allow_unicode=True))
    assert "There is a problem with the form" in html(bad)
