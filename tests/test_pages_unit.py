"""The unit's pages (service/web/unit.py): "Min enhet", a unit's documents, the upload of a new
version and a version's findings along the goal tree, new, persisting and resolved. Flask's test
client on the demo database (SQLite and, when configured, PostgreSQL): every page for every role
that may see it, the same 404 for what is absent and what is not one's own, refusals tied to
their fields and storing nothing. The finding page: tests/test_pages_finding.py."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from service.db import AuditEntry, DocumentVersion, FindingRow, OrgUnit
from tests.conftest import DEFECT_DOSSIER
from tests.test_pages_base import csrf_of, field_error, html, log_in, summary_links
from tests.test_service import counts

OWN = "Administrativa avdelningen"  # the unit of user enhet, with the demo's documents
SIBLING = "Ekonomienheten"  # enhet2's, in the same department
ELSEWHERE = "Äldreomsorgen Skärholmen"  # enhet3's, under another administration

# A plan of our own for 2013: one KF goal, one board goal, one commitment without an expected
# result or follow-up (C1, C3, C4) and no workplace meeting (P1: the document as a whole).
PLAN_2013 = """\
dokument: verksamhetsplan
år: 2013
nämnd: Hägersten-Liljeholmens stadsdelsnämnd
enhet: Administrativa avdelningen
inriktningsmål:
  - nummer: 1
    titel: En stad att leva och verka i
    mål:
      - nummer: "1.1"
        titel: Stadens service ska vara lätt att nå
        nämndmål:
          - titel: Invånarna får svar inom en vecka
            åtaganden:
              - titel: Vi åtar oss att besvara alla frågor skriftligt
                arbetssätt: Frågorna fördelas varje morgon till den som kan svara.
"""


def ids(app: Flask) -> dict[str, int]:
    with app.extensions["styrkoll_sessions"]() as session:
        return {u.name: u.id for u in session.execute(select(OrgUnit)).scalars()}


def versions(app: Flask) -> dict[tuple[str, int], int]:
    """(kind, version number) → id of the own unit's 2012 versions."""
    with app.extensions["styrkoll_sessions"]() as session:
        return {
            (v.series.kind, v.version): v.id
            for v in session.execute(select(DocumentVersion)).scalars()
        }


def finding_id(app: Flask, version_id: int, rule: str) -> int:
    """A finding of the version's latest run, by rule."""
    with app.extensions["styrkoll_sessions"]() as session:
        version = session.get(DocumentVersion, version_id)
        assert version is not None
        found: int = session.execute(
            select(FindingRow.id)
            .where(FindingRow.run_id == version.latest_run_id, FindingRow.rule_id == rule)
            .order_by(FindingRow.id)
            .limit(1)
        ).scalar_one()
        return found


def text_of(page: str) -> str:
    """The page's visible text, one space between words."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ").split())


def error_page(response: TestResponse) -> str:
    """An error page without what differs from request to request: its id, and the language
    switch's way back to the address asked for."""
    page = re.sub(r"<code>[0-9a-f]{32}</code>", "", html(response))
    return re.sub(r'next=[^"]*"', 'next="', page)


def stored(app: Flask) -> dict[str, int]:
    """What a refused request must not add: every table but the audit trail's, where the service
    records each refusal (403)."""
    found = counts(app)
    found.pop("audit_entry")
    return found


def refusals(app: Flask) -> int:
    with app.extensions["styrkoll_sessions"]() as session:
        found: int = session.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "refused")
        ).scalar_one()
        return found


def logged_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, username).status_code == 303
    return client


def upload(client: FlaskClient, unit_id: int, name: str, raw: bytes, **fields: str) -> TestResponse:

    token = csrf_of(client.get(f"/enheter/{unit_id}/ladda-upp"))
    data: dict[str, object] = {"csrf_token": token, **fields}
    if name:
        data["dokument"] = (io.BytesIO(raw), name)
    return client.post(
        f"/enheter/{unit_id}/ladda-upp", data=data, content_type="multipart/form-data"
    )


# --- Min enhet and the unit's page -------------------------------------------------------------


def test_a_unit_head_goes_from_the_start_page_to_their_own_unit(service_app: Flask) -> None:
    client = logged_in(service_app, "enhet")
    start = html(client.get("/"))
    nav = start[start.index('<nav class="site-nav"') :]
    assert '<a href="/min-enhet">Min enhet</a>' in nav[: nav.index("</nav>")]
    tasks = start[start.index('<ul class="task-list">') :]
    assert tasks.index('href="/min-enhet"') < tasks.index('href="/sjalvkontroll"')  # first
    response = client.get("/min-enhet")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/enheter/{ids(service_app)[OWN]}"
    page = html(client.get(response.headers["Location"]))
    assert f"<h1>{OWN}</h1>" in page
    assert "<h2>2012</h2>" in page
    for heading in ("Verksamhetsplan", "Risk- och väsentlighetsanalys", "Årsrapport"):
        assert f"<h3>{heading}</h3>" in page
    plan = versions(service_app)
    # newest first, each version linked, the plan's two versions with their own counts
    first, second = plan[("verksamhetsplan", 1)], plan[("verksamhetsplan", 2)]
    assert page.index(f'href="/versioner/{second}"') < page.index(f'href="/versioner/{first}"')
    assert f'href="/enheter/{ids(service_app)[OWN]}/ladda-upp"' in page


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("controller", [OWN, SIBLING], [ELSEWHERE]),
        ("revisor", [OWN, SIBLING, ELSEWHERE], []),
        ("admin", [OWN, SIBLING, ELSEWHERE], []),
    ],
)
def test_others_choose_among_the_units_they_may_read(
    service_app: Flask, username: str, visible: list[str], hidden: list[str]
) -> None:
    client = logged_in(service_app, username)
    start = html(client.get("/"))
    assert 'href="/min-enhet"' not in start and 'href="/enheter"' in start
    page = html(client.get("/min-enhet"))
    assert "<h1>Enheter</h1>" in page
    unit_ids = ids(service_app)
    for name in visible:
        assert f'<a href="/enheter/{unit_ids[name]}">{name}</a>' in page
    for name in hidden:
        assert name not in page
    own = html(client.get(f"/enheter/{unit_ids[OWN]}"))
    assert f"<h1>{OWN}</h1>" in own
    assert "ladda-upp" not in own  # only the unit itself uploads


@pytest.mark.parametrize(
    ("username", "unit"),
    [("enhet2", OWN), ("enhet", SIBLING), ("controller", ELSEWHERE), ("enhet3", OWN)],
)
def test_a_unit_one_may_not_read_is_the_same_page_as_none(
    service_app: Flask, username: str, unit: str
) -> None:
    client = logged_in(service_app, username)
    theirs = client.get(f"/enheter/{ids(service_app)[unit]}")
    absent = client.get("/enheter/999999")
    assert theirs.status_code == absent.status_code == 404
    assert error_page(theirs) == error_page(absent)
    assert unit not in html(theirs)
    refused = client.get(f"/enheter/{ids(service_app)[unit]}/ladda-upp")
    assert refused.status_code == 404 and error_page(refused) == error_page(absent)


def test_versions_and_findings_of_others_are_404_as_absent_ones(service_app: Flask) -> None:
    plan = versions(service_app)[("verksamhetsplan", 1)]
    found = finding_id(service_app, plan, "C1")
    client = logged_in(service_app, "enhet2")
    for path, absent in (
        (f"/versioner/{plan}", "/versioner/999999"),
        (f"/versioner/{plan}/original", "/versioner/999999/original"),
        (f"/fynd/{found}", "/fynd/999999"),
        (f"/fynd/{found}/undantag", "/fynd/999999/undantag"),
    ):
        theirs, none = client.get(path), client.get(absent)
        assert theirs.status_code == none.status_code == 404, path
        assert error_page(theirs) == error_page(none), path
    token = csrf_of(client.get("/"))
    posted = client.post(
        f"/fynd/{found}/svar",
        data={"csrf_token": token, "response_kind": "comment", "response_text": "Hej hej"},
    )
    assert posted.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/enheter/0",
        "/enheter/2147483648",
        "/enheter/99999999999999999999999",
        "/versioner/0",
        "/versioner/99999999999999999999999",
        "/versioner/-1",
        "/versioner/abc",
        "/fynd/0",
        "/fynd/99999999999999999999999",
        "/fynd/99999999999999999999999/undantag",
        "/versioner/1/original/x",
    ],
)
def test_ids_out_of_range_are_404_pages(service_app: Flask, path: str) -> None:
    client = logged_in(service_app, "admin")
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "<h1>Sidan finns inte</h1>" in html(response)


def test_the_pages_need_a_login(service_app: Flask) -> None:
    client = service_app.test_client()
    for path in ("/min-enhet", "/enheter", "/enheter/1", "/versioner/1", "/fynd/1"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith(
            "/logga-in?next="
        ), path


# --- upload ------------------------------------------------------------------------------------


def test_a_unit_head_uploads_a_plan_and_sees_its_findings_along_the_goal_tree(
    service_app: Flask,
) -> None:
    client = logged_in(service_app, "enhet")
    unit_id = ids(service_app)[OWN]
    before = counts(service_app)
    response = upload(client, unit_id, "plan-2013.yaml", PLAN_2013.encode())
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/versioner/\d+", location)
    after = counts(service_app)
    assert after["document_version"] == before["document_version"] + 1
    page = html(client.get(location))
    text = text_of(page)
    assert "<h1>Verksamhetsplan 2013, version 1</h1>" in page
    assert "Kontrollen gav 4 fynd: 3 fel 1 varning 0 info" in text
    # the tree: KF goal, its board goal, its commitment, each a heading one level down
    kf = page.index("<h3>KF 1.1 Stadens service ska vara lätt att nå</h3>")
    board = page.index("<h4>Nämndmål: Invånarna får svar inom en vecka</h4>")
    commitment = page.index("<h5>Åtagande: Vi åtar oss att besvara alla frågor skriftligt</h5>")
    assert kf < board < commitment
    assert "Under KF 1 En stad att leva och verka i" in text
    below = text_of(page[commitment:])
    for message in (
        'Åtagandet "Vi åtar oss att besvara alla frågor skriftligt" saknar förväntat resultat.',
        'Åtagandet "Vi åtar oss att besvara alla frågor skriftligt" saknar uppföljning.',
    ):
        assert message in below
    whole = page.index("<h2>Fynd som gäller dokumentet eller akten som helhet</h2>")
    assert "behandlats på APT" in text_of(page[whole:])  # P1: the document as a whole
    assert text.count("Nytt") == 4 and "Kvarstår" not in text
    assert "ladda ned originalet" in text


def test_a_new_version_marks_persisting_and_resolved_findings(service_app: Flask) -> None:
    client = logged_in(service_app, "enhet")
    unit_id = ids(service_app)[OWN]
    upload(client, unit_id, "plan-2013.yaml", PLAN_2013.encode())
    fixed = PLAN_2013.replace(
        "                arbetssätt:",
        "                förväntat_resultat: Alla får svar inom en vecka.\n"
        "                arbetssätt:",
    )
    response = upload(client, unit_id, "plan-2013-v2.yaml", fixed.encode())
    page = html(client.get(response.headers["Location"]))
    text = text_of(page)
    assert "<h1>Verksamhetsplan 2013, version 2</h1>" in page
    assert "1 fynd är åtgärdat sedan version 1." in text
    resolved = page.index('<h2 id="atgardade">Åtgärdat sedan version 1</h2>')
    assert "saknar förväntat resultat" in text_of(page[resolved:])
    assert "saknar förväntat resultat" not in text_of(page[:resolved]).split("Sammanfattning")[1]
    assert text.count("Kvarstår") == 3 and "Nytt" not in text


def upload_errors(response: TestResponse) -> tuple[list[str], dict[str, str]]:
    page = html(response)
    links = summary_links(page)
    return links, {field: field_error(page, field) for field in dict.fromkeys(links)}


@pytest.mark.parametrize(
    ("name", "raw", "fields", "status", "field", "message"),
    [
        ("", b"", {}, 422, "dokument", "Välj filen du vill ladda upp"),
        ("plan.exe", b"MZ", {}, 422, "dokument", "plan.exe: filtypen stöds inte"),
        ("plan.yaml", b"  \n", {}, 422, "dokument", "plan.yaml: filen är tom"),
        ("plan.yaml", PLAN_2013.encode(), {"year": "20x3"}, 422, "year", "fyra siffror"),
        ("plan.yaml", PLAN_2013.encode(), {"year": "2012"}, 422, "year", "året 2013"),
        ("plan.yaml", PLAN_2013.encode(), {"committee": "N" * 300}, 422, "committee", "200"),
        ("plan.yaml", b"dokument: [\n", {}, 422, "dokument", "plan.yaml"),
        (
            "plan.yaml",
            PLAN_2013.replace("enhet: Administrativa", "enhet: Ekonomi").encode(),
            {},
            422,
            "dokument",
            'laddades upp för "Administrativa avdelningen"',
        ),
        ("plan.pdf", b"%PDF-1.4 not really", {}, 422, "dokument", "plan.pdf"),
    ],
)
def test_a_refused_upload_stores_nothing_and_says_which_field_to_fix(
    service_app: Flask,
    name: str,
    raw: bytes,
    fields: dict[str, str],
    status: int,
    field: str,
    message: str,
) -> None:
    client = logged_in(service_app, "enhet")
    before = counts(service_app)
    response = upload(client, ids(service_app)[OWN], name, raw, **fields)
    assert response.status_code == status, html(response)[:2000]
    links, errors = upload_errors(response)
    assert links[0] == field
    assert message in errors[field], errors
    assert errors[field].startswith("Fel: ")
    assert "<title>Fel: Ladda upp en ny version – Styrkoll</title>" in html(response)
    assert counts(service_app) == before


def test_an_upload_too_large_is_an_error_on_the_file_field(service_app: Flask) -> None:
    service_app.config["MAX_CONTENT_LENGTH"] = 50_000
    client = logged_in(service_app, "enhet")
    before, before_stored = counts(service_app), stored(service_app)
    response = upload(client, ids(service_app)[OWN], "plan.yaml", b"x: 1\n" * 20_000)
    assert response.status_code == 413
    assert "Filen är för stor" in field_error(html(response), "dokument")
    assert counts(service_app) == before
    # one who may not upload there gets the page their role gets, never a crash
    for username, status in (("controller", 403), ("enhet2", 404)):
        other = logged_in(service_app, username)
        token = csrf_of(other.get("/"))
        refused = other.post(
            f"/enheter/{ids(service_app)[OWN]}/ladda-upp",
            data={"csrf_token": token, "dokument": (io.BytesIO(b"x: 1\n" * 20_000), "p.yaml")},
            content_type="multipart/form-data",
        )
        assert refused.status_code == status and refused.mimetype == "text/html"
        assert "Filen är för stor" not in html(refused)
    assert stored(service_app) == before_stored


@pytest.mark.parametrize("username", ["controller", "revisor", "admin"])
def test_only_the_unit_uploads(service_app: Flask, username: str) -> None:
    client = logged_in(service_app, username)
    unit_id = ids(service_app)[OWN]
    before, refused = stored(service_app), refusals(service_app)
    assert client.get(f"/enheter/{unit_id}/ladda-upp").status_code == 403
    token = csrf_of(client.get("/"))

    response = client.post(
        f"/enheter/{unit_id}/ladda-upp",
        data={"csrf_token": token, "dokument": (io.BytesIO(PLAN_2013.encode()), "p.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403 and "Du har inte behörighet" in html(response)
    assert stored(service_app) == before and refusals(service_app) == refused + 2


def test_an_upload_without_its_token_is_refused(service_app: Flask) -> None:

    client = logged_in(service_app, "enhet")
    before = stored(service_app)
    response = client.post(
        f"/enheter/{ids(service_app)[OWN]}/ladda-upp",
        data={"csrf_token": "forged", "dokument": (io.BytesIO(PLAN_2013.encode()), "p.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403 and "Formuläret hade gått ut" in html(response)
    assert stored(service_app) == before


def test_the_original_downloads_byte_for_byte(service_app: Flask) -> None:
    client = logged_in(service_app, "revisor")
    version_id = versions(service_app)[("riskanalys", 1)]
    response = client.get(f"/versioner/{version_id}/original")
    assert response.status_code == 200
    assert response.data == (DEFECT_DOSSIER / "riskanalys.yaml").read_bytes()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "riskanalys.yaml" in response.headers["Content-Disposition"]


# --- a version's page --------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["enhet", "controller", "revisor", "admin"])
def test_a_version_page_for_every_role_that_reads_it(service_app: Flask, username: str) -> None:
    client = logged_in(service_app, username)
    plan = versions(service_app)[("verksamhetsplan", 1)]
    response = client.get(f"/versioner/{plan}")
    assert response.status_code == 200
    page = html(response)
    text = text_of(page)
    assert "<h1>Verksamhetsplan 2012, version 1</h1>" in page
    assert "Det finns en nyare version av dokumentet." in text
    assert "<h2>Fynd längs målkedjan</h2>" in page
    assert "<h3>KF 1.3 Stockholms livsmiljö ska vara hållbar</h3>" in page
    # counts at the top agree with the findings listed
    found = re.search(r"Kontrollen gav (\d+) fynd: (\d+) fel (\d+) varning\w* (\d+) info", text)
    assert found, text[:800]
    total, errors, warnings, infos = (int(g) for g in found.groups())
    assert total == errors + warnings + infos == page.count('<li class="finding ')
    assert page.count('<li class="finding finding-fel">') == errors


def test_a_version_page_in_english(service_app: Flask) -> None:
    client = logged_in(service_app, "controller")
    client.get("/sprak/en?next=/")
    plan = versions(service_app)[("verksamhetsplan", 1)]
    page = html(client.get(f"/versioner/{plan}"))
    assert "<h1>Operating plan 2012, version 1</h1>" in page
    assert "Findings along the goal chain" in page
    assert "Board goal:" in page and "Nämndmål:" not in page


def test_a_queued_upload_shows_its_version_until_the_check_is_done(
    service_app: Flask, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the job queue is PostgreSQL's (STYRKOLL_JOBS=queue)")
    service_app.config["JOBS"] = "queue"
    client = logged_in(service_app, "enhet")
    response = upload(client, ids(service_app)[OWN], "plan-2013.yaml", PLAN_2013.encode())
    assert response.status_code == 303
    page = html(client.get(response.headers["Location"]))
    assert "<h1>Verksamhetsplan 2013, version 1</h1>" in page
    assert "Versionen är sparad och kontrolleras nu." in text_of(page)
    assert "Sammanfattning" not in page
    unit_page = text_of(html(client.get(f"/enheter/{ids(service_app)[OWN]}")))
    assert "Version 1 aktuell plan-2013.yaml" in unit_page
    assert "Kontrolleras" in unit_page
