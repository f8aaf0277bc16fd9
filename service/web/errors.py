"""Errors as pages: a request for a page gets an HTML error page in the page language; the API
(/api/…, /healthz, /readyz) keeps its problem details (`service.errors.ApiError`)."""

from __future__ import annotations

import logging

from flask import Response, render_template, request
from flask_babel import gettext as _

API_PREFIXES = ("/api/",)
API_PATHS = {"/api", "/healthz", "/readyz"}
LOG = logging.getLogger("styrkoll.requests")


def is_api_path(path: str) -> bool:
    return path in API_PATHS or path.startswith(API_PREFIXES)


def is_page_request() -> bool:
    """Is the request for a page (HTML), not for the API?"""
    try:
        return not is_api_path(request.path)
    except RuntimeError:  # outside a request
        return False


def _texts(status: int) -> tuple[str, str]:
    """The title and the plain explanation of an error status, in the page language."""
    texts = {
        400: (_("Felaktig begäran"), _("Sidan kunde inte förstå det som skickades.")),
        401: (_("Du behöver logga in"), _("Logga in för att se sidan.")),
        403: (
            _("Du har inte behörighet"),
            _("Din roll får inte göra detta. Kontakta din administratör om du behöver det."),
        ),
        404: (
            _("Sidan finns inte"),
            _("Kontrollera adressen. Sidan kan ha flyttats eller tagits bort."),
        ),
        405: (
            _("Det går inte att göra så här"),
            _("Sidan kan inte användas på det sättet. Gå tillbaka och använd formuläret."),
        ),
        413: (
            _("Det du skickade är för stort"),
            _("Skicka mindre filer eller dela upp dem i flera omgångar."),
        ),
        415: (_("Filtypen stöds inte"), _("Skicka YAML, JSON, text, PDF eller Word.")),
        429: (
            _("För många försök"),
            _("Vänta en stund och försök sedan igen."),
        ),
        500: (
            _("Något gick fel hos oss"),
            _("Felet är loggat. Försök igen om en stund. Ange felkoden om du kontaktar support."),
        ),
    }
    return texts.get(status, (_("Något gick fel"), _("Försök igen om en stund.")))


def html_error(
    status: int, detail: str = "", headers: dict[str, str] | None = None, request_id: str = ""
) -> Response:
    """The error page for a status, with what the service said (`detail`, Swedish) below."""
    title, explanation = _texts(status)
    if status == 403 and "CSRF" in detail:  # a form without its token, or an old one
        title = _("Formuläret hade gått ut")
        explanation = _("Gå tillbaka, ladda om sidan och skicka formuläret igen.")
        detail = ""
    try:
        body = render_template(
            "errors/error.html",
            status=status,
            title=title,
            explanation=explanation,
            detail=detail,
            request_id=request_id,
        )
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        LOG.exception("the error page could not be rendered")
        body = (
            '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
            f"<title>{status}</title></head><body><main><h1>{status}</h1>"
            "<p>Något gick fel. Försök igen om en stund.</p></main></body></html>"
        )
    response = Response(body, status=status, mimetype="text/html")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
