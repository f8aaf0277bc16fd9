"""The web pages: server-rendered HTML (Jinja) for unit heads, controllers and auditors, Swedish
first with English available, working without JavaScript and without anything from outside the
service (stylesheet and any icon are in `service/web/static/`).

One module per concern, each with its blueprint and its templates in a folder of the same name
(`auth` → `templates/auth/`). `register_pages(app)` registers them all, Flask-Babel and the
pages' context. A new page module adds its blueprint to `PAGE_BLUEPRINTS` (see docs/pages.md).
"""

from __future__ import annotations

from flask import Blueprint, Flask

from service.web import i18n
from service.web.audit import audit_pages
from service.web.auth import auth_pages
from service.web.catalogue import catalogue_pages
from service.web.common import install_context
from service.web.controller import controller_pages
from service.web.finding import finding_pages
from service.web.findings import findings_pages
from service.web.home import home_pages
from service.web.reports import reports_pages
from service.web.selfcheck import selfcheck_pages
from service.web.unit import unit_pages

# The stylesheet and the other vendored files, served at /assets/ (/static/ is the app's own).
assets = Blueprint(
    "pages",
    __name__,
    static_folder="static",
    static_url_path="/assets",
    template_folder="templates",
)

PAGE_BLUEPRINTS: tuple[Blueprint, ...] = (
    assets,
    i18n.lang_pages,
    auth_pages,
    home_pages,
    selfcheck_pages,
    unit_pages,
    finding_pages,
    controller_pages,
    findings_pages,
    catalogue_pages,
    audit_pages,
    reports_pages,
)


def register_pages(app: Flask) -> None:
    """Flask-Babel, the pages' shared template context and every page blueprint."""
    i18n.init_babel(app)
    install_context(app)
    for bp in PAGE_BLUEPRINTS:
        app.register_blueprint(bp)
