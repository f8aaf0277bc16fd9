"""The start page (`/`): one per role, saying what the role does here, with links to the flows
that exist. A page module adds its flows to `TASKS` (a task whose endpoint is not registered is
not shown, so a task may be listed before its page exists)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from service.web.common import current_user, login_required, page

home_pages = Blueprint("pages_home", __name__)


@dataclass(frozen=True)
class Task:
    """A flow on the start page: where it is, what it is called, what it does."""

    endpoint: str
    title: Any  # lazy translations
    description: Any


SELF_CHECK = Task(
    "pages_selfcheck.form",
    _l("Självkontroll"),
    _l(
        "Kontrollera ett eller flera dokument mot regelkatalogen innan du lämnar in dem. "
        "Ingenting sparas."
    ),
)

OVERVIEW = Task(
    "pages_controller.overview",
    _l("Översikt"),
    _l("De aktuella fynden i varje enhet per område och allvarlighetsgrad, med länkar till dem."),
)
EXCEPTION_QUEUE = Task(
    "pages_controller.queue",
    _l("Undantag att besluta"),
    _l("Godkänn eller avslå undantag som någon annan har begärt (fyra ögon)."),
)
AUDIT_TRAIL = Task(
    "pages_audit.trail",
    _l("Granskningslogg"),
    _l("Vem som gjorde vad och när, och om loggens hashkedja håller."),
)
CATALOGUE = Task(
    "pages_catalogue.index",
    _l("Regelkatalogen"),
    _l("Alla regler med varför de finns, vad de bygger på, åtgärd och scenarier."),
)

MY_UNIT = Task(
    "pages_unit.mine",
    _l("Min enhet"),
    _l("Enhetens dokument och versioner, fynden i varje version och dina svar på dem."),
)
UNITS = Task(
    "pages_unit.units_page",
    _l("Enheternas dokument"),
    _l("Välj en enhet och se dess dokument, versioner, fynd, svar och undantag."),
)
SUMMARY = Task(
    "pages_reports.summary_form",
    _l("Sammanfattning för nämnden"),
    _l("Nämndens år i klarspråk med diagram, varje påstående länkat till sina fynd; som PDF."),
)
CONTROL_REPORT = Task(
    "pages_reports.control_form",
    _l("Internkontrollrapport"),
    _l("Förvaltningens fynd, beslut och undantag för ett år, med vem som godkänt dem; som PDF."),
)

# The flows of each role, in the order the start page lists them.
TASKS: dict[str, list[Task]] = {
    "enhet": [MY_UNIT, SELF_CHECK, SUMMARY, CATALOGUE],
    "controller": [
        OVERVIEW,
        EXCEPTION_QUEUE,
        UNITS,
        SUMMARY,
        CONTROL_REPORT,
        SELF_CHECK,
        CATALOGUE,
    ],
    "revisor": [AUDIT_TRAIL, OVERVIEW, UNITS, SUMMARY, CONTROL_REPORT, SELF_CHECK, CATALOGUE],
    "admin": [OVERVIEW, UNITS, SUMMARY, CONTROL_REPORT, SELF_CHECK, AUDIT_TRAIL, CATALOGUE],
}


def tasks_for(role: str) -> list[Task]:
    return [t for t in TASKS.get(role, []) if t.endpoint in current_app.view_functions]


@home_pages.get("/")
@login_required
def start() -> Response:
    user = current_user()
    assert user is not None
    template = f"home/{user.role}.html" if user.role in TASKS else "home/start.html"
    return page(template, tasks=tasks_for(user.role))
