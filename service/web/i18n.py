"""The pages' language: Swedish unless the `lang` cookie says English.

The cookie is set by the language switch in the header, a plain link (`/sprak/en?next=…`), so it
works without JavaScript. Anything but `sv` or `en` in the cookie or the link means Swedish.
Catalogues: `service/translations/<lang>/LC_MESSAGES/messages.po` (msgids are the Swedish texts),
compiled to `.mo` beside them; see docs/pages.md for extract, update and compile.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, redirect, request
from flask_babel import Babel
from werkzeug.wrappers import Response

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
COOKIE = "lang"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

lang_pages = Blueprint("pages_lang", __name__)


def current_lang() -> str:
    """The page language of this request: the cookie's, when it is one we have."""
    wanted = request.cookies.get(COOKIE, DEFAULT)
    return wanted if wanted in LANGUAGES else DEFAULT


def init_babel(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=current_lang)


def safe_next(target: str | None, default: str = "/") -> str:
    """A path on this site to go on to: never another host (`//host`, `https://…`, `\\`)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target) or len(target) > 2000:
        return default
    return target


@lang_pages.get("/sprak/<lang>")
def switch(lang: str) -> Response:
    """Set the page language and go back to the page the switch was on."""
    response = redirect(safe_next(request.args.get("next")), 303)
    chosen = lang if lang in LANGUAGES else DEFAULT
    response.set_cookie(
        COOKIE,
        chosen,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response
