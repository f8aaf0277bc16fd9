"""The finding page (service/web/finding.py): the message, the original's own lines around it,
the evidence, the rule with its rationale and scenarios, its history across versions and the
decisions with who and when; the forms to respond and to ask for an exception (checked before it
is sent). Flask's test client on the demo database (SQLite and, when configured, PostgreSQL):
every role that may see it, what each may do, refusals tied to their fields and storing
nothing, CSRF, garbage dates and texts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.db import Decision, FindingRow
from service.web.scenarios import scenarios_for
from tests.conftest import DEFECT_DOSSIER
from tests.test_pages_base import csrf_of, field_error, html, summary_links
from tests.test_pages_unit import (
    OWN,
    finding_id,
    ids,
    logged_in,
    refusals,
    stored,
    text_of,
    upload,
    versions,
)
from tests.test_service import counts

# --- the finding page --------------------------------------------------------------------------


def test_the_finding_page_shows_the_place_the_rule_history_and_the_lines(
    service_app: Flask,
) -> None:
    client = logged_in(service_app, "enhet")
    plan = versions(service_app)[("verksamhetsplan", 1)]
    found = finding_id(service_app, plan, "C1")
    response = client.get(f"/fynd/{found}")
    assert response.status_code == 200
    page = html(response)
    text = text_of(page)
    assert "<h1>Fynd C1: Varje åtagande anger förväntat resultat</h1>" in page
    assert "saknar förväntat resultat." in text
    # the original's own lines around the finding's line, its line marked
    with service_app.extensions["styrkoll_sessions"]() as session:
        row = session.get(FindingRow, found)
        assert row is not None and row.line is not None
        line = row.line
    lines = (DEFECT_DOSSIER / "verksamhetsplan.yaml").read_text(encoding="utf-8").splitlines()
    assert f"Rad {line - 3}–{line + 3} i verksamhetsplan.yaml" in text
    marked = re.search(r"<mark>(.*?)</mark>", page)
    assert marked and marked.group(1).replace("\u00a0", " ").strip() == lines[line - 1].strip()
    assert lines[line - 2].strip().replace('"', "&#34;") in page
    # the evidence, the rule with its rationale and remedy, its scenarios
    assert "förväntat resultat" in text_of(page[page.index("Vad kontrollen läste") :])
    assert "Utan förväntat resultat går det inte att avgöra" in text  # the rationale
    assert "Skriv under Förväntat resultat" in text  # the remedy
    assert "Stockholms stads ILS" in text  # the reference
    assert '(<a href="/regler/C1">i regelkatalogen</a>)' in page
    assert "<h3>Regelns scenarier</h3>" in page
    scenarios = scenarios_for("C1")
    assert "Ett åtagande utan förväntat resultat ger ett fel" in [s.name for s in scenarios]
    summaries = [text_of(m) for m in re.findall(r"<summary>(.*?)</summary>", page, re.S)]
    assert summaries == [
        f"{'Scenariomall' if s.outline else 'Scenario'}: {s.name}" for s in scenarios
    ]
    assert "Givet att planens första nämndmål har åtagandet:" in text
    # the history: in version 1, not in version 2 (the plan was fixed)
    history = text_of(page[page.index("<h2>Historik</h2>") :])
    assert "Version 1 (den här)" in history and "Finns (nytt)" in history
    assert "Version 2" in history and "Finns inte" in history
    assert "Ingen har svarat på fyndet" in text
    assert '<h2 id="svara">Svara på fyndet</h2>' in page


@pytest.mark.parametrize("username", ["controller", "revisor", "admin"])
def test_the_finding_page_for_other_roles_offers_what_the_role_may_do(
    service_app: Flask, username: str
) -> None:
    client = logged_in(service_app, username)
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    page = html(client.get(f"/fynd/{found}"))
    assert "<h1>Fynd R3:" in page
    assert "Svara på fyndet" not in page  # only the unit responds
    assert ("Begär undantag" in page) == (username == "controller")


def test_a_finding_on_the_dossier_has_no_lines(service_app: Flask) -> None:
    client = logged_in(service_app, "revisor")
    found = finding_id(service_app, versions(service_app)[("verksamhetsplan", 1)], "R1")
    text = text_of(html(client.get(f"/fynd/{found}")))
    assert "Fyndet gäller akten som helhet" in text


# --- responses ---------------------------------------------------------------------------------


def respond(client: FlaskClient, found: int, **data: str) -> TestResponse:
    token = csrf_of(client.get(f"/fynd/{found}"))
    return client.post(f"/fynd/{found}/svar", data={"csrf_token": token, **data})


def test_the_unit_responds_to_a_finding(service_app: Flask) -> None:
    client = logged_in(service_app, "enhet")
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    response = respond(
        client, found, response_kind="will_fix", response_text="Vi skriver in kontrollen i maj."
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/fynd/{found}?skickat=svar"
    text = text_of(html(client.get(response.headers["Location"])))
    assert "Ditt svar är sparat." in text
    assert "enhet Kommer att åtgärdas Vi skriver in kontrollen i maj. Registrerat" in text
    with service_app.extensions["styrkoll_sessions"]() as session:
        decision = session.execute(select(Decision)).scalar_one()
        assert (decision.kind, decision.state) == ("will_fix", "recorded")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"response_kind": "Välj om enheten", "response_text": "Skriv ditt svar"}),
        ({"response_kind": "approve", "response_text": "ok ok"}, {"response_kind": "Välj"}),
        ({"response_kind": "comment", "response_text": " a "}, {"response_text": "minst 3"}),
        (
            {"response_kind": "comment", "response_text": "x" * 6000},
            {"response_text": "högst 5000 tecken; den är 6000"},
        ),
    ],
)
def test_a_response_with_errors_is_refused_field_by_field(
    service_app: Flask, data: dict[str, str], errors: dict[str, str]
) -> None:
    client = logged_in(service_app, "enhet")
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    before = counts(service_app)
    response = respond(client, found, **data)
    assert response.status_code == 422
    page = html(response)
    assert summary_links(page) == list(errors)
    for field, message in errors.items():
        tag = "textarea" if field == "response_text" else "fieldset"
        assert message in _error_of(page, field, tag)
    assert counts(service_app) == before


def _error_of(page: str, field: str, tag: str) -> str:
    """A field's error: a text field's through field_error, a fieldset's (radios) by its
    aria-describedby."""
    if tag != "fieldset":
        return field_error(page, field)
    fieldset = re.search(r'<fieldset aria-describedby="([^"]*)"', page)
    assert fieldset and f"{field}-error" in fieldset.group(1)
    assert re.search(rf'<input type="radio" id="{field}"', page)
    message = re.search(rf'id="{field}-error">(.*?)</div>', page, re.S)
    assert message
    return " ".join(re.sub(r"<[^>]+>", "", message.group(1)).split())


@pytest.mark.parametrize("username", ["controller", "revisor", "admin"])
def test_only_the_unit_responds(service_app: Flask, username: str) -> None:
    client = logged_in(service_app, username)
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    before, refused = stored(service_app), refusals(service_app)
    response = respond(client, found, response_kind="comment", response_text="Inte min sak")
    assert response.status_code == 403
    assert stored(service_app) == before and refusals(service_app) == refused + 1


def test_a_response_without_its_token_is_refused(service_app: Flask) -> None:
    client = logged_in(service_app, "enhet")
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    before = stored(service_app)
    response = client.post(
        f"/fynd/{found}/svar",
        data={"response_kind": "comment", "response_text": "Utan token"},
    )
    assert response.status_code == 403 and "Formuläret hade gått ut" in html(response)
    assert stored(service_app) == before


def test_a_huge_text_is_a_page_not_a_crash(service_app: Flask) -> None:
    client = logged_in(service_app, "enhet")
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    before = counts(service_app)
    response = respond(client, found, response_kind="comment", response_text="å" * 2_000_000)
    assert response.status_code in (413, 422) and response.mimetype == "text/html"
    assert "<h1>" in html(response)
    assert counts(service_app) == before


# --- exceptions --------------------------------------------------------------------------------


def ask(client: FlaskClient, found: int, path: str = "", **data: str) -> TestResponse:
    token = csrf_of(client.get(f"/fynd/{found}/undantag"))
    return client.post(f"/fynd/{found}/undantag{path}", data={"csrf_token": token, **data})


@pytest.mark.parametrize("username", ["enhet", "controller"])
def test_an_exception_is_checked_then_sent(service_app: Flask, username: str) -> None:
    client = logged_in(service_app, username)
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    until = (date.today() + timedelta(days=90)).isoformat()
    answers = {
        "kind": "accepted_risk",
        "motivation": "Risken bedöms\nlåg till hösten.",
        "expires": until,
    }
    before = counts(service_app)
    check = ask(client, found, **answers)
    assert check.status_code == 200
    page = html(check)
    assert "<h1>Kontrollera begäran innan du skickar den</h1>" in page
    shown = "Accepterad risk Motivering Risken bedöms låg till hösten. Gäller till och med"
    assert f"{shown} {until}" in text_of(page)
    assert counts(service_app) == before  # nothing sent yet
    # change the answers: the form again, filled in
    token = csrf_of(check)
    again = client.post(
        f"/fynd/{found}/undantag", data={"csrf_token": token, "change": "1", **answers}
    )
    assert again.status_code == 200 and f'value="{until}"' in html(again)
    assert "Risken bedöms\nlåg till hösten.</textarea>" in html(again)
    sent = client.post(f"/fynd/{found}/undantag/skicka", data={"csrf_token": token, **answers})
    assert sent.status_code == 303 and sent.headers["Location"] == f"/fynd/{found}?skickat=undantag"
    shown = html(client.get(sent.headers["Location"]))
    assert "Undantaget är begärt." in text_of(shown)
    assert '<span class="tag tag-status">Undantag begärt</span>' in shown
    assert f"Accepterad risk till och med {until}" in text_of(shown)
    with service_app.extensions["styrkoll_sessions"]() as session:
        decision = session.execute(select(Decision)).scalar_one()
        assert (decision.kind, decision.state, decision.expires) == (
            "accepted_risk",
            "requested",
            date.fromisoformat(until),
        )
        assert decision.text == "Risken bedöms\nlåg till hösten."


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            {
                "kind": "Välj vilken sorts undantag",
                "motivation": "Skriv varför undantaget behövs",
                "expires": "Ange ett slutdatum",
            },
        ),
        ({"expires": "2013-02-30"}, {"expires": "år-månad-dag"}),
        ({"expires": "imorgon"}, {"expires": "år-månad-dag"}),
        ({"expires": "99999-01-01"}, {"expires": "år-månad-dag"}),
        ({"expires": "2000-01-01"}, {"expires": "efter dagens datum"}),
        ({"expires": date.today().isoformat()}, {"expires": "efter dagens datum"}),
        ({"kind": "will_fix"}, {"kind": "Välj vilken sorts undantag"}),
        ({"motivation": "x" * 5001}, {"motivation": "högst 5000 tecken"}),
    ],
)
def test_an_exception_with_errors_is_refused_field_by_field(
    service_app: Flask, data: dict[str, str], errors: dict[str, str]
) -> None:
    client = logged_in(service_app, "enhet")
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    valid = {
        "kind": "not_applicable",
        "motivation": "Regeln passar inte för oss.",
        "expires": (date.today() + timedelta(days=30)).isoformat(),
    }
    answers = {**valid, **data} if data else {}
    before = counts(service_app)
    for path in ("", "/skicka"):  # the check and the sending both refuse
        response = ask(client, found, path, **answers)
        assert response.status_code == 422, path
        page = html(response)
        assert summary_links(page) == list(errors)
        for field, message in errors.items():
            tag = "fieldset" if field == "kind" else "input"
            assert message in _error_of(page, field, tag), (path, field)
        assert "<title>Fel: Begär undantag" in page
    assert counts(service_app) == before


@pytest.mark.parametrize("username", ["revisor", "admin"])
def test_auditors_and_admins_ask_for_no_exceptions(service_app: Flask, username: str) -> None:
    client = logged_in(service_app, username)
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    assert client.get(f"/fynd/{found}/undantag").status_code == 403
    token = csrf_of(client.get("/"))
    response = client.post(
        f"/fynd/{found}/undantag/skicka",
        data={
            "csrf_token": token,
            "kind": "accepted_risk",
            "motivation": "Ingen sak för revisorn",
            "expires": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 403


def test_a_finding_page_in_english(service_app: Flask) -> None:
    client = logged_in(service_app, "enhet")
    client.get("/sprak/en?next=/")
    found = finding_id(service_app, versions(service_app)[("verksamhetsplan", 1)], "C1")
    page = html(client.get(f"/fynd/{found}"))
    assert "<h1>Finding C1: Every commitment states its expected result</h1>" in page
    assert "states no expected result" in page
    assert "Without an expected result" in page  # the rationale in English
    assert '<details class="scenario" lang="sv">' in page  # the scenarios are Swedish


def test_the_decisions_say_who_asked_approved_and_rejected_and_when(service_app: Flask) -> None:
    from service import decisions
    from service.db import User

    unit_head = logged_in(service_app, "enhet")
    found = finding_id(service_app, versions(service_app)[("riskanalys", 1)], "R3")
    until = (date.today() + timedelta(days=60)).isoformat()
    for kind in ("accepted_risk", "not_applicable"):
        answers = {"kind": kind, "motivation": f"Motivering för {kind}", "expires": until}
        assert ask(unit_head, found, "/skicka", **answers).status_code == 303
    with service_app.extensions["styrkoll_sessions"]() as session:
        first, second = session.execute(select(Decision).order_by(Decision.id)).scalars()
        controller = session.execute(select(User).where(User.username == "controller")).scalar_one()
        decisions.reject(session, controller, second, "Regeln gäller enheten.")
        session.commit()
        first_id = first.id
    approver = logged_in(service_app, "controller2")
    token = csrf_of(approver.get("/"))
    approved = approver.post(
        f"/api/v1/decisions/{first_id}/approve", headers={"X-CSRF-Token": token}
    )
    assert approved.status_code == 200
    page = html(unit_head.get(f"/fynd/{found}"))
    text = text_of(page)
    assert '<span class="tag tag-status">Undantag gäller</span>' in page
    table = text_of(page[page.index("<h2>Svar och undantag</h2>") :])
    assert "enhet Accepterad risk till och med" in table and "Godkänt controller2," in table
    assert "enhet Inte tillämplig" in table
    assert "Avslaget controller," in table and ": Regeln gäller enheten." in table
    assert "Ditt svar är sparat." not in text


# An ILS-webb export of our own, as text: the unit's plan for 2014, one commitment without an
# expected result (C1) whose line the finding page shows from the original.
EXPORT_2014 = """\
Verksamhetsplan Administrativa avdelningen
Inledning
Avdelningen stöder förvaltningens enheter. Verksamhetsplanen har behandlats på \
arbetsplatsträff den 7 november 2013.
KF:s INRIKTNINGSMÅL 1:
1. En stad där det är lätt att göra rätt
KF:s MÅL FÖR VERKSAMHETSOMRÅDET:
1.1 Stadens handlingar hålls ordnade
KF:s indikatorer Årsmål KF:s årsmål Periodicitet
Andel handlingar som diarieförs inom två dagar 95 % 90 % År
NÄMNDMÅL:
Diariet är sökbart och aktuellt
ÅTAGANDE:
Vi diarieför inkommande post samma dag
Arbetssätt
Registratorn går igenom posten varje förmiddag.
Enhetens aktiviteter Startdatum Slutdatum
Genomgång av diarieplanen 2014-02-03 2014-05-30
"""


def upload_export(client: FlaskClient, app: Flask, name: str, raw: bytes) -> int:
    """The export uploaded for 2014; the id of its C1 finding."""
    response = upload(
        client,
        ids(app)[OWN],
        name,
        raw,
        year="2014",
        committee="Hägersten-Liljeholmens stadsdelsnämnd",
    )
    assert response.status_code == 303, html(response)[:3000]
    version_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return finding_id(app, version_id, "C1")


def test_a_text_exports_finding_shows_the_exports_own_lines(service_app: Flask) -> None:
    client = logged_in(service_app, "enhet")
    found = upload_export(client, service_app, "plan-2014.txt", EXPORT_2014.encode("cp1252"))
    page = html(client.get(f"/fynd/{found}"))
    with service_app.extensions["styrkoll_sessions"]() as session:
        row = session.get(FindingRow, found)
        assert row is not None and row.line is not None
        line = row.line
    lines = EXPORT_2014.splitlines()
    marked = re.search(r"<mark>(.*?)</mark>", page)
    assert marked and unescape(marked.group(1)) == lines[line - 1]
    assert "Vi diarieför inkommande post samma dag" in text_of(page)  # decoded as Windows-1252
    assert "Originalet är en" not in page


def test_a_pdfs_finding_says_the_original_is_a_pdf_and_links_to_it(
    service_app: Flask, tmp_path: Path
) -> None:
    from tests.test_import import write_pdf

    client = logged_in(service_app, "enhet")
    pdf = write_pdf(EXPORT_2014, tmp_path / "plan-2014.pdf")
    found = upload_export(client, service_app, "plan-2014.pdf", pdf.read_bytes())
    page = html(client.get(f"/fynd/{found}"))
    text = text_of(page)
    assert "Originalet är en PDF-fil. Raden avser texten som kontrollen läste ur filen." in text
    link = re.search(r'<a href="(/versioner/\d+/original)">Ladda ned originalet</a>', page)
    assert link, page
    assert client.get(link.group(1)).data == pdf.read_bytes()
    assert "<mark>" not in page
