"""The self-check page (`/sjalvkontroll`): one document or several (files, or pasted text) checked
at once against the rule catalogue, with how each was read beside the findings. Nothing is
stored: no version, no run, no audit entry (the API's `POST /api/v1/checks` likewise)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from checks.catalogue import SEVERITY_RANK
from checks.checker import CheckResult
from checks.documents import DOCUMENT_NAMES, DOCUMENT_NAMES_EN
from service import access, ratelimit
from service.db import User
from service.web.common import FormErrors, checker, current_user, db, login_required, page
from service.web.fields import MAX_COMMITTEE, form_committee, form_year, megabytes
from service.web.i18n import current_lang
from service.web.reading import (
    FORMATS,
    IMPORT_KINDS,
    Read,
    Refused,
    Source,
    dossier_of,
    file_name,
    pasted_name,
    read,
)

selfcheck_pages = Blueprint("pages_selfcheck", __name__)

MAX_FILES = 10  # a dossier holds at most one document of each of seven kinds
ACCEPT = ",".join(FORMATS)
KIND_LABELS = {
    "verksamhetsplan": _l("Verksamhetsplan"),
    "internkontrollplan": _l("Internkontrollplan"),
    "riskanalys": _l("Risk- och väsentlighetsanalys"),
    "tertialrapport": _l("Tertial- eller delårsrapport"),
    "årsrapport": _l("Årsrapport eller verksamhetsberättelse"),
    "tjänsteutlåtande": _l("Tjänsteutlåtande eller tjänsteskrivelse"),
}
SEVERITY_HEADINGS = {"fel": _l("Fel"), "varning": _l("Varningar"), "info": _l("Information")}


def _may() -> User:
    user = current_user()
    assert user is not None
    access.require(db(), user, "self_check")
    return user


def _form(errors: FormErrors, values: dict[str, str] | None = None, status: int = 200) -> Response:
    return page(
        "selfcheck/form.html",
        status=status,
        errors=errors,
        values=values or {},
        kinds=IMPORT_KINDS,
        kind_label=lambda kind: KIND_LABELS.get(kind, kind),
        accept=ACCEPT,
        max_files=MAX_FILES,
    )


@selfcheck_pages.get("/sjalvkontroll")
@login_required
def form() -> Response:
    _may()
    return _form(FormErrors())


@selfcheck_pages.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge) -> Response:
    """A request larger than the service takes (files together, or the pasted text): the form
    again, with the error on the file field (the body was not read, so nothing else is kept)."""
    errors = FormErrors()
    errors.add(
        "dokument",
        _(
            "Det du skickade är för stort. Filerna får vara högst %(files)s MB tillsammans och "
            "inklistrad text högst %(text)s kB. Skicka färre eller mindre filer.",
            files=megabytes(_max_request()),
            text=_max_text() // 1000,
        ),
    )
    return _form(errors, status=413)


def _max_request() -> int:
    from flask import current_app

    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)


def _max_text() -> int:
    from flask import current_app

    return int(current_app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000)


def _sources(files: list[FileStorage], text: str, errors: FormErrors) -> list[Source]:
    sources: list[Source] = []
    chosen = [f for f in files if f.filename]
    if len(chosen) > MAX_FILES:
        errors.add("dokument", _("Välj högst %(n)d filer åt gången", n=MAX_FILES))
        return []
    for upload in chosen:
        name = file_name(upload.filename) or "dokument"
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if f".{suffix}" not in FORMATS:
            errors.add(
                "dokument",
                _(
                    "%(name)s: filtypen stöds inte. Välj en fil som slutar på .yaml, .json, "
                    ".txt, .pdf eller .docx",
                    name=name,
                ),
            )
            continue
        raw = upload.read()
        if not raw.strip():
            errors.add("dokument", _("%(name)s: filen är tom", name=name))
            continue
        sources.append(Source(name, raw, "dokument"))
    if text.strip():
        sources.append(Source(pasted_name(text), text.encode("utf-8"), "text"))
    if not sources and not errors:
        errors.add("dokument", _("Välj en eller flera filer, eller klistra in text"))
    return sources


@selfcheck_pages.post("/sjalvkontroll")
@login_required
def check() -> Response:
    """Read, check, show; nothing is stored."""
    ratelimit.limit("check", _may().id)  # counted before any work: a 429 page past the limit
    form = request.form
    values = {
        "year": form.get("year", "")[:20],
        "committee": form.get("committee", "")[: MAX_COMMITTEE + 20],
        "kind": form.get("kind", ""),
        "text": form.get("text", ""),
    }
    errors = FormErrors()
    year = form_year(form.get("year", ""), errors)
    committee = form_committee(form.get("committee", ""), errors)
    kind = form.get("kind", "") or None
    if kind is not None and kind not in IMPORT_KINDS:
        errors.add("kind", _("Välj en sort i listan, eller låt kontrollen känna igen den"))
    sources = _sources(request.files.getlist("dokument"), form.get("text", ""), errors)
    if errors:
        return _form(errors, values, 422)
    reads: list[Read] = []
    too_large = False
    lang = current_lang()
    for source in sources:
        try:
            reads.append(read(source, year, committee, kind))
        except Refused as refused:
            errors.add(refused.field, refused.render(lang))
            too_large = too_large or refused.too_large
    if not errors:
        try:
            dossier = dossier_of(reads)
        except Refused as refused:
            errors.add(refused.field, refused.render(lang))
    if errors:
        return _form(errors, values, 413 if too_large else 422)
    result = checker().check(dossier, lang)
    return page("selfcheck/result.html", **_result_context(result, reads, lang))


def _result_context(result: CheckResult, reads: list[Read], lang: str) -> dict[str, Any]:
    names = DOCUMENT_NAMES if lang == "sv" else DOCUMENT_NAMES_EN
    groups = [
        (
            severity,
            sorted(
                (f for f in result.findings if f.severity == severity),
                key=lambda f: (f.document, f.line or 0, f.rule_id),
            ),
        )
        for severity in sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__)
    ]
    return {
        "result": result,
        "reads": reads,
        "groups": [(s, found) for s, found in groups if found],
        "counts": {s: result.count(s) for s in SEVERITY_RANK},
        "kind_name": lambda kind: names.get(kind, kind),
        "passed": result.outcome_count("passed"),
        "severity_heading": lambda severity: SEVERITY_HEADINGS.get(severity, severity),
        "percent": lambda share: _percent(share, lang),
    }


def _percent(share: float, lang: str) -> str:
    text = f"{share * 100:.1f}\u00a0%"
    return text.replace(".", ",") if lang == "sv" else text
