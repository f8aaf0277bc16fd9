"""Log in and log out as pages, on the service's own session login (`service.auth.login`: argon2,
the rate limit, a fresh session and CSRF token). The login form carries a CSRF token made before
the login; logging out is a POST form."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from service import audit
from service.auth import login
from service.auth import logout as end_session
from service.errors import ApiError
from service.web.common import FormErrors, csrf_ok, current_user, db, login_required, page
from service.web.i18n import safe_next

auth_pages = Blueprint("pages_auth", __name__)

MAX_FIELD = 200  # longer user names and passwords are refused before anything is looked up


def _login_page(
    errors: FormErrors, username: str = "", target: str = "/", status: int = 200
) -> Response:
    return page(
        "auth/login.html", status=status, errors=errors, username=username, next_path=target
    )


@auth_pages.get("/logga-in")
def login_form() -> Response:
    target = safe_next(request.args.get("next"))
    if current_user() is not None:
        return redirect(target, 303)
    return _login_page(FormErrors(), target=target)


@auth_pages.post("/logga-in")
def login_submit() -> Response:
    target = safe_next(request.form.get("next"))
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    errors = FormErrors()
    if not csrf_ok():
        errors.add(
            "username",
            _("Formuläret hade gått ut. Fyll i användarnamn och lösenord igen och logga in."),
        )
        return _login_page(errors, username[:MAX_FIELD], target, 400)
    if not username:
        errors.add("username", _("Ange ditt användarnamn"))
    elif len(username) > MAX_FIELD:
        errors.add("username", _("Användarnamnet är för långt (högst %(n)d tecken)", n=MAX_FIELD))
    if not password:
        errors.add("password", _("Ange ditt lösenord"))
    elif len(password) > MAX_FIELD:
        errors.add("password", _("Lösenordet är för långt (högst %(n)d tecken)", n=MAX_FIELD))
    if errors:
        return _login_page(errors, username[:MAX_FIELD], target, 422)
    try:
        result = login(current_app, db(), username, password)
    except ApiError as exc:
        if exc.status == 429:
            seconds = int(exc.headers.get("Retry-After", "900"))
            minutes = max(1, (seconds + 59) // 60)
            errors.add(
                "username",
                ngettext(
                    "För många misslyckade inloggningar. Försök igen om %(num)d minut.",
                    "För många misslyckade inloggningar. Försök igen om %(num)d minuter.",
                    minutes,
                ),
            )
            response = _login_page(errors, username, target, 429)
            response.headers["Retry-After"] = str(seconds)
            return response
        errors.add("password", _("Fel användarnamn eller lösenord. Kontrollera och försök igen."))
        return _login_page(errors, username, target, 401)
    audit.append(db(), result["user"], "login", f"user:{result['user']}")
    db().commit()
    return redirect(target, 303)


@auth_pages.post("/logga-ut")
@login_required
def logout() -> Response:
    """Log out (the CSRF token of the form is checked before the request, by service.auth)."""
    user = current_user()
    assert user is not None
    end_session(db(), user)  # every session cookie of the user void from now on
    db().commit()
    return redirect("/logga-in?utloggad=1", 303)
