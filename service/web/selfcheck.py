"""The self-check page: documents checked at once, nothing stored."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from service import access
from service.web.common import FormErrors, current_user, db, login_required, page

selfcheck_pages = Blueprint("pages_selfcheck", __name__)


@selfcheck_pages.get("/sjalvkontroll")
@login_required
def form() -> Response:
    user = current_user()
    assert user is not None
    access.require(db(), user, "self_check")
    return page("selfcheck/form.html", errors=FormErrors())
