"""Form fields several pages share, read as the API reads them: the year a document is about, the
committee it belongs to (for an export that does not say), a size in megabytes for a message."""

from __future__ import annotations

from flask_babel import gettext as _

from service.web.common import FormErrors
from service.web.i18n import current_lang

MAX_COMMITTEE = 200  # characters of a committee's name (as the API's `committee`)


def megabytes(size: int) -> str:
    """A size in MB as the page's language writes it (1,5 or 1.5)."""
    text = f"{size / 1024 / 1024:.1f}".removesuffix(".0")
    return text.replace(".", ",") if current_lang() == "sv" else text


def form_year(value: str, errors: FormErrors) -> int | None:
    """The field `year`: empty, or four digits 1990–2100 (else an error tied to the field)."""
    value = value.strip()
    if not value:
        return None
    if not (len(value) == 4 and value.isascii() and value.isdigit()) or not (
        1990 <= int(value) <= 2100
    ):
        errors.add("year", _("Ange året med fyra siffror, till exempel 2012"))
        return None
    return int(value)


def form_committee(value: str, errors: FormErrors) -> str | None:
    """The field `committee`: spaces collapsed, at most MAX_COMMITTEE characters."""
    value = " ".join(value.split())
    if len(value) > MAX_COMMITTEE:
        errors.add("committee", _("Nämndens namn får vara högst %(n)d tecken", n=MAX_COMMITTEE))
        return None
    return value or None
