"""The audit trail as a page (service/web/audit.py): for revisor and admin only; every entry, newest
first, filtered by user, unit, action and period (Stockholm days), paged; the chain's verification
shown, and an entry changed in the database named and marked. Dates and other input that cannot be
used are Swedish errors tied to their fields, never a 500. Flask's test client on the demo
database, on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select, update

from service import audit
from service.db import AuditEntry, CheckRun, Decision, DocumentSeries, DocumentVersion
from tests.test_pages_base import field_error, html, summary_links
from tests.test_pages_controller import (
    OTHER_ADMINISTRATION_UNIT,
    OWN,
    ask_exception,
    client_for,
    session_of,
    upload_for,
)
from tests.test_service import unit_id

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def shown_ids(page: str) -> list[int]:
    """The entries of the page's table, by id, as listed."""
    return [int(i) for i in re.findall(r'<tr>\s*<th scope="row">(\d+)', page)]


def total_of(page: str) -> int:
    found = re.search(r'<h2 id="poster">(\d+) post(?:er)?</h2>', page)
    assert found, page[:3000]
    return int(found.group(1))


def entries(app: Flask) -> list[AuditEntry]:
    with session_of(app) as session:
        found: list[AuditEntry] = list(
            session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars()
        )
        session.expunge_all()
        return found


def local_day(at: datetime) -> date:
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(STOCKHOLM).date()


@pytest.mark.parametrize(("username", "status"), [("enhet", 403), ("controller", 403)])
def test_only_revisor_and_admin_read_the_trail(
    service_app: Flask, username: str, status: int
) -> None:
    client = client_for(service_app, username)
    for path in ("/granskningslogg", "/granskningslogg/kontroll"):
        response = client.get(path)
        assert response.status_code == status and "Du har inte behörighet" in html(response)
        assert "granskningsloggen läses av revisor och admin" in html(response)
    assert 'href="/granskningslogg"' not in html(client.get("/"))
    assert service_app.test_client().get("/granskningslogg").status_code == 303


@pytest.mark.parametrize("username", ["revisor", "admin"])
def test_the_trail_lists_every_entry_newest_first_and_the_chain_holds(
    service_app: Flask, username: str
) -> None:
    client = client_for(service_app, username)
    page = html(client.get("/granskningslogg"))
    every = entries(service_app)
    assert total_of(page) == len(every)
    assert shown_ids(page) == [e.id for e in every][:50]
    assert f"{username}</td>" in page  # the login just made is the newest entry
    assert 'href="/granskningslogg/kontroll"' in page  # the chain is checked on its own page
    checked = html(client.get("/granskningslogg/kontroll"))
    assert "<h2>Kedjan håller</h2>" in checked and "Bruten" not in checked
    assert f"Alla {len(entries(service_app))} poster stämmer med sina hashar" in checked


def test_the_start_page_points_the_auditor_at_the_trail(service_app: Flask) -> None:
    page = html(client_for(service_app, "revisor").get("/"))
    tasks = re.findall(r'<h3 class="task-title"><a href="([^"]+)"', page)
    assert tasks[0] == "/granskningslogg"


def test_the_trail_filters_by_user_and_action(service_app: Flask) -> None:
    ask_exception(service_app, "controller")
    client = client_for(service_app, "revisor")
    every = entries(service_app)
    page = html(client.get("/granskningslogg?user=controller"))
    assert shown_ids(page) == [e.id for e in every if e.actor == "controller"]
    page = html(client.get("/granskningslogg?action=upload"))
    assert shown_ids(page) == [e.id for e in every if e.action == "upload"]
    page = html(client.get("/granskningslogg?user=controller&action=decision_requested"))
    expected = [e.id for e in every if (e.actor, e.action) == ("controller", "decision_requested")]
    assert len(expected) == 1 and shown_ids(page) == expected
    assert html(client.get("/granskningslogg?user=ingen")).count("Inga poster") == 1


def _subjects_of_unit(app: Flask, unit: int) -> set[str]:
    """What the entries about a unit name: its versions, their runs, its decisions."""
    with session_of(app) as session:
        series = select(DocumentSeries.id).where(DocumentSeries.unit_id == unit)
        versions = list(
            session.execute(
                select(DocumentVersion.id).where(DocumentVersion.series_id.in_(series))
            ).scalars()
        )
        runs = session.execute(select(CheckRun.id).where(CheckRun.version_id.in_(versions)))
        made = session.execute(select(Decision.id).where(Decision.series_id.in_(series)))
        return (
            {f"unit:{unit}"}
            | {f"version:{v}" for v in versions}
            | {f"run:{r}" for r in runs.scalars()}
            | {f"decision:{d}" for d in made.scalars()}
        )


def _about(entry: AuditEntry, unit: int, subjects: set[str]) -> bool:
    return entry.subject in subjects or (entry.details or {}).get("unit") == unit


def test_the_trail_filters_by_unit(service_app: Flask) -> None:
    upload_for(service_app, "enhet3", OTHER_ADMINISTRATION_UNIT)
    ask_exception(service_app, "enhet")
    client = client_for(service_app, "admin")
    every = entries(service_app)
    for name in (OWN, OTHER_ADMINISTRATION_UNIT, "Ekonomienheten"):
        unit = unit_id(service_app, name)
        subjects = _subjects_of_unit(service_app, unit)
        expected = [e.id for e in every if _about(e, unit, subjects)]
        page = html(client.get(f"/granskningslogg?unit={unit}"))
        assert total_of(page) == len(expected), name
        assert shown_ids(page) == expected[:50], name
    own = html(client.get(f"/granskningslogg?unit={unit_id(service_app, OWN)}&action=upload"))
    assert total_of(own) == 6  # the demo's six uploads


def test_the_trail_filters_by_period_in_stockholm_days(service_app: Flask) -> None:
    client = client_for(service_app, "revisor")
    every = entries(service_app)
    days = sorted({local_day(e.at) for e in every})
    first, last = days[0].isoformat(), days[-1].isoformat()
    page = html(client.get(f"/granskningslogg?from={first}&to={first}"))
    assert total_of(page) == sum(local_day(e.at) == days[0] for e in every)
    page = html(client.get(f"/granskningslogg?from={last}"))
    assert total_of(page) == sum(local_day(e.at) >= days[-1] for e in every)
    page = html(client.get("/granskningslogg?to=2000-01-01"))
    assert total_of(page) == 0 and "Inga poster med de här filtren." in page
    page = html(client.get("/granskningslogg?from=2099-12-31"))
    assert total_of(page) == 0


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=1%2F3", "from", "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-01"),
        ("to=2026-02-30", "to", "Datumet 2026-02-30 finns inte i almanackan"),
        ("from=1850-01-01", "from", "Ange ett datum mellan år 1990 och 2100"),
        ("from=2026-03-02&to=2026-03-01", "to", "Till och med-datumet ligger före från och med"),
        ("user=" + "x" * 101, "user", "Användarnamnet får ha högst 100 tecken"),
        ("user=a%00b", "user", "Användarnamnet får inte innehålla styrtecken"),
        ("unit=tre", "unit", "Välj en enhet i listan"),
        ("unit=99999999999999", "unit", "Välj en enhet i listan"),
        ("action=%3Cscript%3E", "action", "Välj en händelse i listan"),
        ("page=-1", "page", "Sidan ska vara ett heltal från 1 till 100000"),
    ],
)
def test_input_that_cannot_be_used_is_an_error_on_its_field(
    service_app: Flask, query: str, field: str, message: str
) -> None:
    response = client_for(service_app, "revisor").get(f"/granskningslogg?{query}")
    assert response.status_code == 422
    page = html(response)
    assert summary_links(page) == [field]
    assert field_error(page, field).startswith("Fel: " + message)
    assert "<title>Fel: Granskningslogg – Styrkoll</title>" in page


def test_the_trail_pages_and_keeps_its_filters(service_app: Flask) -> None:
    with session_of(service_app) as session:
        for n in range(60):
            audit.append(session, "provare", "login", "user:provare", {"n": n})
        session.commit()
    client = client_for(service_app, "revisor")
    mine = [e.id for e in entries(service_app) if e.actor == "provare"]
    first = html(client.get("/granskningslogg?user=provare"))
    assert total_of(first) == 60 and shown_ids(first) == mine[:50]
    assert 'href="/granskningslogg?user=provare&amp;page=2" rel="next"' in first
    second = html(client.get("/granskningslogg?user=provare&page=2"))
    assert shown_ids(second) == mine[50:]
    assert shown_ids(html(client.get("/granskningslogg?user=provare&page=3"))) == []


def test_an_entry_changed_in_the_database_breaks_the_chain_on_the_check(
    service_app: Flask,
) -> None:
    with session_of(service_app) as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(actor="någon annan"))
        session.commit()
    response = client_for(service_app, "revisor").get("/granskningslogg/kontroll")
    assert response.status_code == 200
    page = html(response)
    assert '<h2 class="error-summary-title">Kedjan är bruten</h2>' in page
    assert "post 3: innehållet stämmer inte med sin hash (ändrad)" in page
    assert shown_ids(page) == [3]
    assert '<th scope="row">3 <strong class="tag tag-fel">Bruten</strong></th>' in page
    assert "någon annan</td>" in page
