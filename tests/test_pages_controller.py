"""The controller's pages (service/web/controller.py, findings.py): the overview of current findings
per unit and rule area, counted in SQL with the same few statements however many units; the
findings list each count leads to, filtered and paged as the API's; the queue of requested
exceptions, approved or rejected by another controller (four eyes), never by the one who asked.
Role access, and garbage that is a Swedish error tied to its field, never a 500. Flask's test
client on the demo database, on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import html as entities
import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service import access, decisions, store
from service import findings as stored
from service import stored as stored_rows
from service.db import AuditEntry, Decision, DocumentVersion, FindingRow, OrgUnit, User
from tests.conftest import DEFECT_DOSSIER
from tests.test_pages_base import csrf_of, field_error, html, log_in, summary_links
from tests.test_service import bearer, tokens, unit_id
from tests.test_service_findings import statements

OWN = "Administrativa avdelningen"
OTHER_ADMINISTRATION_UNIT = "Äldreomsorgen Skärholmen"
COUNT = re.compile(r'<a href="(/fynd\?[^"]+)"><span class="tag tag-(\w+)">(\d+) ')


def client_for(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, username).status_code == 303
    return client


def session_of(app: Flask) -> Any:
    return app.extensions["styrkoll_sessions"]()


def user_named(session: Any, username: str) -> User:
    found: User = session.execute(select(User).where(User.username == username)).scalar_one()
    return found


def ask_exception(app: Flask, username: str, rule: str = "R2", unit: str = OWN) -> tuple[int, int]:
    """A requested exception on the first current finding of `rule` in `unit`, asked by
    `username` through service.decisions: (decision id, finding id)."""
    with session_of(app) as session:
        user = user_named(session, username)
        the_unit = session.execute(select(OrgUnit.id).where(OrgUnit.name == unit)).scalar_one()
        _total, found = stored.list_findings(session, stored.Filters(unit=the_unit, rule=rule))
        row = session.get(FindingRow, found[0].id)
        version = session.get(DocumentVersion, found[0].version)
        decision = decisions.record(
            session,
            user,
            version.series_id,
            row,
            "accepted_risk",
            f"Risken bärs till nästa år ({username}).",
            date.today() + timedelta(days=90),
        )
        session.commit()
        return decision.id, found[0].id


def upload_for(app: Flask, username: str, unit: str, name: str = "riskanalys.yaml") -> None:
    """A document of the defect dossier stored for another unit, as the upload stores it."""
    with session_of(app) as session:
        user = user_named(session, username)
        the_unit = session.execute(select(OrgUnit).where(OrgUnit.name == unit)).scalar_one()
        raw = (DEFECT_DOSSIER / name).read_text(encoding="utf-8").replace(OWN, unit).encode()
        checker = app.extensions["styrkoll_get_checker"]()
        store.store_version(session, checker, user, the_unit, raw, name, "application/yaml")
        session.commit()


def overview_counts(page: str) -> dict[tuple[str, str, str], int]:
    """(unit, area, severity) → the count each unit's cell links, from the overview's links."""
    out: dict[tuple[str, str, str], int] = {}
    for href, severity, n in COUNT.findall(page):
        query = dict(p.split("=", 1) for p in entities.unescape(href).split("?", 1)[1].split("&"))
        assert query["severity"] == severity
        if "unit" in query and "area" in query:
            out[(query["unit"], query["area"], severity)] = int(n)
    return out


def api_counts(app: Flask, username: str, query: str = "") -> dict[tuple[str, str, str], int]:
    """The same counts from the API's findings list, counted here."""
    found = app.test_client().get(
        f"/api/v1/findings?per_page=500{query}", headers=bearer(tokens(app)[username])
    )
    assert found.status_code == 200
    body: dict[str, Any] = found.json  # type: ignore[assignment]
    assert body["total"] <= 500
    return dict(Counter((str(f["unit"]), f["rule_id"][0], f["severity"]) for f in body["findings"]))


def list_total(page: str) -> int:
    found = re.search(r'<h2 id="traffar">(\d+) fynd</h2>', page)
    assert found, page[:2000]
    return int(found.group(1))


def listed_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="finding[^"]*" id="fynd-(\d+)"', page)]


# --- the overview ------------------------------------------------------------------------------


def test_the_overview_counts_each_units_current_findings_by_area(service_app: Flask) -> None:
    client = client_for(service_app, "controller")
    response = client.get("/oversikt")
    assert response.status_code == 200
    page = html(response)
    assert "<h1>Översikt</h1>" in page and '<option value="2012" selected>' in page
    counted = overview_counts(page)
    assert counted and counted == api_counts(service_app, "controller", "&year=2012")
    assert "Ekonomienheten" in page and "Inga dokument för 2012" in page  # a unit without any
    # each count leads to a list of exactly that many findings
    for href, _severity, n in COUNT.findall(page):
        listed = client.get(entities.unescape(href))
        assert listed.status_code == 200 and list_total(html(listed)) == int(n), href


def test_the_overview_shows_only_the_units_the_user_may_read(service_app: Flask) -> None:
    upload_for(service_app, "enhet3", OTHER_ADMINISTRATION_UNIT)
    other = str(unit_id(service_app, OTHER_ADMINISTRATION_UNIT))
    controller = html(client_for(service_app, "controller").get("/oversikt"))
    revisor = html(client_for(service_app, "revisor").get("/oversikt"))
    unit_head = html(client_for(service_app, "enhet").get("/oversikt"))
    assert OTHER_ADMINISTRATION_UNIT not in controller
    assert all(unit != other for unit, _a, _s in overview_counts(controller))
    assert OTHER_ADMINISTRATION_UNIT in revisor and "Skärholmens stadsdelsförvaltning" in revisor
    assert {u for u, _a, _s in overview_counts(revisor)} == {
        str(unit_id(service_app, OWN)),
        other,
    }
    assert overview_counts(revisor) == api_counts(service_app, "revisor", "&year=2012")
    assert "Ekonomienheten" not in unit_head and OWN in unit_head
    # an administration the controller may not read is not one to choose
    skarholmen = unit_id(service_app, "Skärholmens stadsdelsförvaltning")
    refused = client_for(service_app, "controller").get(f"/oversikt?administration={skarholmen}")
    assert refused.status_code == 422
    assert field_error(html(refused), "administration") == "Fel: Välj en förvaltning i listan"


def test_the_overview_filters_by_year_administration_and_status(service_app: Flask) -> None:
    upload_for(service_app, "enhet3", OTHER_ADMINISTRATION_UNIT)
    decision, _finding = ask_exception(service_app, "controller")
    client = client_for(service_app, "revisor")
    skarholmen = unit_id(service_app, "Skärholmens stadsdelsförvaltning")
    page = html(client.get(f"/oversikt?administration={skarholmen}"))
    assert OTHER_ADMINISTRATION_UNIT in page and OWN not in page
    assert {u for u, _a, _s in overview_counts(page)} == {
        str(unit_id(service_app, OTHER_ADMINISTRATION_UNIT))
    }
    before = html(client.get("/oversikt?year=2011"))
    assert "Inga dokument för 2011" in before and overview_counts(before) == {}
    every_year = html(client.get("/oversikt?year="))
    assert overview_counts(every_year) == api_counts(service_app, "revisor")
    requested = html(client.get("/oversikt?status=exception_requested"))
    assert overview_counts(requested) == {(str(unit_id(service_app, OWN)), "R", "fel"): 1}
    assert 'href="/fynd?year=2012&amp;status=exception_requested&amp;unit=' in requested
    with session_of(service_app) as session:
        approved = session.get(Decision, decision)
        decisions.approve(session, user_named(session, "controller2"), approved)
        session.commit()
    assert overview_counts(html(client.get("/oversikt?status=exception_requested"))) == {}
    active = overview_counts(html(client.get("/oversikt?status=active")))
    every = overview_counts(html(client.get("/oversikt")))
    own_r = (str(unit_id(service_app, OWN)), "R", "fel")
    assert active[own_r] == every[own_r] - 1


def test_the_overview_costs_the_same_statements_with_more_units(service_app: Flask) -> None:
    client = client_for(service_app, "controller")

    def cost() -> tuple[int, int]:
        with statements(service_app) as seen:
            response = client.get("/oversikt")
        assert response.status_code == 200
        return len(seen), len(overview_counts(html(response)))

    few, few_cells = cost()
    with session_of(service_app) as session:
        parent = session.execute(
            select(OrgUnit).where(OrgUnit.name == "Avdelningen för ledning och ekonomi")
        ).scalar_one()
        for n in range(6):
            session.add(OrgUnit(name=f"Provenhet {n}", level="enhet", parent_id=parent.id))
        session.commit()
    for n in range(3):
        upload_for(service_app, "enhet", f"Provenhet {n}")
    many, many_cells = cost()
    assert many_cells > few_cells
    assert many == few and many <= 12, (few, many)


# --- the findings list -------------------------------------------------------------------------


def test_the_findings_list_filters_and_pages_as_the_api(service_app: Flask) -> None:
    client = client_for(service_app, "controller")
    token = tokens(service_app)["controller"]
    for query in ("", "&severity=fel", "&rule=R3", "&kind=riskanalys&status=active", "&year=2012"):
        api = service_app.test_client().get(
            f"/api/v1/findings?per_page=5&page=2{query}", headers=bearer(token)
        )
        page = html(client.get(f"/fynd?per_page=5&page=2{query}"))
        assert list_total(page) == api.json["total"]  # type: ignore[index]
        assert listed_ids(page) == [f["id"] for f in api.json["findings"]]  # type: ignore[index]
    page = html(client.get("/fynd?per_page=5"))
    assert 'href="/fynd?per_page=5&amp;page=2" rel="next"' in page
    assert "Sida 1 av" in page


def test_the_findings_list_narrows_to_an_area_and_an_administration(service_app: Flask) -> None:
    upload_for(service_app, "enhet3", OTHER_ADMINISTRATION_UNIT)
    client = client_for(service_app, "revisor")
    skarholmen = unit_id(service_app, "Skärholmens stadsdelsförvaltning")
    page = html(client.get(f"/fynd?administration={skarholmen}&area=R&per_page=500"))
    api = service_app.test_client().get(
        f"/api/v1/findings?unit={unit_id(service_app, OTHER_ADMINISTRATION_UNIT)}&per_page=500",
        headers=bearer(tokens(service_app)["revisor"]),
    )
    expected = [f["id"] for f in api.json["findings"] if f["rule_id"].startswith("R")]  # type: ignore[index]
    assert expected and listed_ids(page) == expected


GARBAGE = [
    ("year", "tjugotolv", "Ange året med fyra siffror, till exempel 2012"),
    ("year", "99999", "Ange året med fyra siffror, till exempel 2012"),
    ("administration", "x", "Välj en förvaltning i listan"),
    ("administration", "99999999999999999999", "Välj en förvaltning i listan"),
    ("unit", "-1", "Välj en enhet i listan"),
    ("unit", "2147483648", "Välj en enhet i listan"),
    ("kind", "budget", "Välj en sort av handling i listan"),
    ("severity", "kritisk", "Välj fel, varning eller info"),
    ("area", "Z", "Välj ett område i listan"),
    ("rule", "<script>", "Regelkatalogen har ingen regel <SCRIPT>. Ange ett id som R3."),
    ("status", "\x00", "Välj en status i listan"),
    ("page", "0", "Sidan ska vara ett heltal från 1 till 100000"),
    ("per_page", "1e3", "Ange 1 till 500 fynd per sida"),
]


@pytest.mark.parametrize(("field", "value", "message"), GARBAGE)
def test_garbage_in_the_findings_list_is_an_error_on_its_field(
    service_app: Flask, field: str, value: str, message: str
) -> None:
    client = client_for(service_app, "controller")
    response = client.get("/fynd", query_string={field: value})
    assert response.status_code == 422
    page = html(response)
    assert summary_links(page) == [field]
    assert field_error(page, field) == "Fel: " + message
    assert "<SCRIPT>" not in page  # what was sent is shown escaped
    assert "<title>Fel: Fynd – Styrkoll</title>" in page


@pytest.mark.parametrize(
    "query",
    [
        "year=%FF%FE",
        "year=" + "9" * 5000,
        "status=%E2%80%AE",
        "administration=%00",
        "x=1&year=2012",
    ],
)
def test_garbage_in_the_overview_is_never_a_500(service_app: Flask, query: str) -> None:
    response = client_for(service_app, "controller").get(f"/oversikt?{query}")
    assert response.status_code in (200, 422) and response.mimetype == "text/html"


# --- the exception queue -----------------------------------------------------------------------


def test_another_controller_approves_a_requested_exception(service_app: Flask) -> None:
    decision, finding = ask_exception(service_app, "enhet")
    client = client_for(service_app, "controller2")
    page = html(client.get("/undantag"))
    assert "1 undantag väntar på beslut" in page and "Risken bärs till nästa år (enhet)." in page
    assert f'action="/undantag/{decision}/godkann"' in page
    response = client.post(f"/undantag/{decision}/godkann", data={"csrf_token": csrf_of_page(page)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/undantag?beslut=godkant"
    done = html(client.get(response.headers["Location"]))
    assert "Undantaget är godkänt." in done and "Inga undantag väntar på beslut." in done
    with session_of(service_app) as session:
        row = session.get(Decision, decision)
        assert row.state == "approved" and row.approved_by == user_named(session, "controller2").id
        last = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
        assert (last.actor, last.action, last.subject) == (
            "controller2",
            "decision_approved",
            f"decision:{decision}",
        )
        assert stored_rows.findings_by_id(session, [finding])[0].status == "exception"
    again = client.post(f"/undantag/{decision}/godkann", data={"csrf_token": csrf_of_page(page)})
    assert again.headers["Location"] == "/undantag?beslut=redan"


def csrf_of_page(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_nobody_decides_their_own_request(service_app: Flask) -> None:
    decision, _finding = ask_exception(service_app, "controller")
    client = client_for(service_app, "controller")
    page = html(client.get("/undantag"))
    assert "Du begärde själv det här undantaget" in page
    assert f'action="/undantag/{decision}/godkann"' not in page
    token = csrf_of_page(page)
    for verb in ("godkann", "avsla"):
        response = client.post(
            f"/undantag/{decision}/{verb}", data={"csrf_token": token, "reason": "Jag ångrar mig."}
        )
        assert response.status_code == 403 and response.mimetype == "text/html"
        assert "fyra ögon" in html(response)
    with session_of(service_app) as session:
        assert session.get(Decision, decision).state == "requested"


def test_accounts_of_one_person_do_not_decide_for_each_other(service_app: Flask) -> None:
    """Four eyes count an account and the admin who made it as one person: a controller made by
    the admin who also made the unit's account neither approves nor rejects its request."""
    from service.auth import hash_password
    from service.demo import DEMO_PASSWORD

    with session_of(service_app) as session:
        admin = user_named(session, "admin")
        own = session.execute(select(OrgUnit.id).where(OrgUnit.name == OWN)).scalar_one()
        office = user_named(session, "controller").org_unit_id
        for name, role, unit in (("enhet9", "enhet", own), ("controller9", "controller", office)):
            session.add(
                User(
                    username=name,
                    password_hash=hash_password(DEMO_PASSWORD),
                    role=role,
                    org_unit_id=unit,
                    created_by=admin.id,
                )
            )
        session.commit()
    decision, _finding = ask_exception(service_app, "enhet9")
    client = client_for(service_app, "controller9")
    page = html(client.get("/undantag"))
    assert "Kontot som begärde undantaget räknas som samma person som ditt" in page
    assert f'action="/undantag/{decision}/godkann"' not in page
    token = csrf_of_page(page)
    for verb in ("godkann", "avsla"):
        response = client.post(f"/undantag/{decision}/{verb}", data={"csrf_token": token})
        assert response.status_code == 403 and "fyra ögon" in html(response)
    other = html(client_for(service_app, "controller2").get("/undantag"))
    assert f'action="/undantag/{decision}/godkann"' in other


def test_a_rejection_needs_a_reason_and_leaves_the_finding_active(service_app: Flask) -> None:
    decision, finding = ask_exception(service_app, "enhet")
    client = client_for(service_app, "controller2")
    token = csrf_of(client.get("/undantag"))
    field = f"reason-{decision}"
    empty = client.post(f"/undantag/{decision}/avsla", data={"csrf_token": token, "reason": " "})
    assert empty.status_code == 422
    assert summary_links(html(empty)) == [field]
    assert field_error(html(empty), field) == "Fel: Skriv varför undantaget avslås"
    long = client.post(
        f"/undantag/{decision}/avsla", data={"csrf_token": token, "reason": "x" * 5001}
    )
    assert long.status_code == 422
    assert field_error(html(long), field) == "Fel: Motiveringen får vara högst 5000 tecken"
    with session_of(service_app) as session:
        assert session.get(Decision, decision).state == "requested"
    reason = "Risken är för stor för att bäras ett år till."
    response = client.post(
        f"/undantag/{decision}/avsla", data={"csrf_token": token, "reason": reason}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/undantag?beslut=avslaget"
    with session_of(service_app) as session:
        assert session.get(Decision, decision).state == "rejected"
        found = decisions.rejections(session, [decision])[decision]
        assert (found.by, found.reason) == ("controller2", reason)
        assert stored_rows.findings_by_id(session, [finding])[0].status == "active"
    answered = service_app.test_client().get(
        f"/api/v1/findings/{finding}/decisions", headers=bearer(tokens(service_app)["enhet"])
    )
    assert answered.status_code == 200
    assert answered.json["decisions"][-1]["state"] == "rejected"  # type: ignore[index]


def test_a_rejected_exception_is_read_by_the_reports_and_exports(service_app: Flask) -> None:
    """The decision state `rejected` is one the control report and the exports know."""
    decision, _finding = ask_exception(service_app, "enhet")
    with session_of(service_app) as session:
        asked = session.get(Decision, decision)
        decisions.reject(session, user_named(session, "controller2"), asked, "Risken är för stor.")
        session.commit()
    admin = unit_id(service_app, "Hägersten-Liljeholmens stadsdelsförvaltning")
    client = service_app.test_client()
    headers = bearer(tokens(service_app)["controller"])
    report = client.get(
        f"/api/v1/reports/control?administration={admin}&year=2012", headers=headers
    )
    assert report.status_code == 200, report.json
    states = {d["state"] for d in report.json["decisions"]}  # type: ignore[index]
    assert "rejected" in states
    for kind in ("json", "csv", "xlsx"):
        exported = client.get(f"/api/v1/exports/decisions.{kind}?year=2012", headers=headers)
        assert exported.status_code == 200, (kind, exported.data[:300])
    assert b"avslaget" in client.get("/api/v1/exports/decisions.csv", headers=headers).data


@pytest.mark.parametrize("username", ["enhet", "revisor", "admin"])
def test_only_controllers_have_the_queue(service_app: Flask, username: str) -> None:
    decision, _finding = ask_exception(service_app, "controller")
    client = client_for(service_app, username)
    queue = client.get("/undantag")
    assert queue.status_code == 403 and "Du har inte behörighet" in html(queue)
    token = csrf_of(client.get("/"))
    approve = client.post(f"/undantag/{decision}/godkann", data={"csrf_token": token})
    assert approve.status_code == 403
    assert 'href="/undantag"' not in html(client.get("/"))  # not in the navigation either
    with session_of(service_app) as session:
        assert session.get(Decision, decision).state == "requested"


def test_an_exception_of_a_unit_out_of_reach_does_not_exist(service_app: Flask) -> None:
    upload_for(service_app, "enhet3", OTHER_ADMINISTRATION_UNIT)
    decision, _finding = ask_exception(
        service_app, "enhet3", rule="R2", unit=OTHER_ADMINISTRATION_UNIT
    )
    client = client_for(service_app, "controller")
    page = html(client.get("/undantag"))
    assert "Inga undantag väntar på beslut." in page
    token = csrf_of_page(page)
    for path in (f"/undantag/{decision}/godkann", "/undantag/99999999999/godkann"):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 404 and "Sidan finns inte" in html(response)
    without = client.post(f"/undantag/{decision}/godkann")
    assert without.status_code == 403 and "Formuläret hade gått ut" in html(without)


def test_the_queue_pages_in_order(service_app: Flask) -> None:
    first, _ = ask_exception(service_app, "enhet", rule="R2")
    second, _ = ask_exception(service_app, "enhet", rule="R3")
    page = html(client_for(service_app, "controller2").get("/undantag"))
    assert "2 undantag väntar på beslut" in page
    assert page.index(f'id="undantag-{first}"') < page.index(f'id="undantag-{second}"')
    assert client_for(service_app, "controller2").get("/undantag?page=0").status_code == 404


def test_the_start_page_points_controllers_at_the_overview(service_app: Flask) -> None:
    page = html(client_for(service_app, "controller").get("/"))
    tasks = re.findall(r'<h3 class="task-title"><a href="([^"]+)"', page)
    assert tasks[:2] == ["/oversikt", "/undantag"]
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.S)
    assert nav and 'href="/oversikt"' in nav.group(0) and 'href="/undantag"' in nav.group(0)


def test_every_reader_may_see_the_overview_of_what_they_read(service_app: Flask) -> None:
    for username in ("enhet", "controller", "revisor", "admin"):
        client = client_for(service_app, username)
        assert client.get("/oversikt").status_code == 200
        assert client.get("/fynd").status_code == 200
    assert service_app.test_client().get("/oversikt").status_code == 303  # log in first
    with session_of(service_app) as session:
        user = user_named(session, "enhet")
        assert access.units(session, user, "read") == {unit_id(service_app, OWN)}
