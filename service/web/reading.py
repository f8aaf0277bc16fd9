"""The self-check page's reading of what the user sent: each file or pasted text validated as a
document, through the same functions as the API's upload and self-check (`service.store.
parse_upload` for YAML and JSON, `checks.importers.import_file` for text, PDF and Word, whose
import report the page shows), and the documents put together as one dossier. Nothing is stored.

A refusal is the importer's `InputError`, worded for the page: the form's fields (År, Nämnd,
Sort av handling) instead of the command line's options, and tied to the field to fix.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from checks.dossier import Dossier, _belongs, single
from checks.importers import IMPORT_SUFFIXES, ImportReport, import_file
from checks.loading import InputError, LoadedDocument, validate_document
from service import store
from service.filenames import safe_filename

FORMATS = {".yaml": "YAML", ".yml": "YAML", ".json": "JSON", ".txt": "text", ".pdf": "PDF"}
FORMATS[".docx"] = "Word"
# The kinds the importers read (text, PDF, Word); a YAML or JSON document states its own.
IMPORT_KINDS = (
    "verksamhetsplan",
    "internkontrollplan",
    "riskanalys",
    "tertialrapport",
    "årsrapport",
    "tjänsteutlåtande",
)
# What a refusal names, as the command line, the API (`service.store.for_upload`) and the page
# call it: (text in the message, Swedish on the page, English on the page, the field).
FIELDS = (
    ("fältet year (år)", "fältet År", "the field Year", "year"),
    ("fältet committee (nämnd)", "fältet Nämnd", "the field Committee", "committee"),
    ("the field year", "fältet År", "the field Year", "year"),
    ("the field committee", "fältet Nämnd", "the field Committee", "committee"),
    ("--year", "fältet År", "the field Year", "year"),
    ("--nämnd", "fältet Nämnd", "the field Committee", "committee"),
    ("--kind", "fältet Sort av handling", "the field Kind of document", "kind"),
)


@dataclass(frozen=True)
class Source:
    """One thing the user sent: a file, or the pasted text, and the form field it came in."""

    name: str
    raw: bytes
    field: str


@dataclass(frozen=True)
class Read:
    """A source read as a document, with how: its format and, for an export, the import report."""

    source: Source
    loaded: LoadedDocument
    format: str
    report: ImportReport | None


class Refused(Exception):
    """A source that cannot be used: the form field to fix and the refusal in both languages."""

    def __init__(self, field: str, error: InputError) -> None:
        super().__init__(error.render("sv"))
        self.field = field
        self.error = error

    def render(self, lang: str) -> str:
        return self.error.render(lang)

    @property
    def too_large(self) -> bool:
        return bool(getattr(self.error, "too_large", False))


def file_name(given: str | None) -> str:
    """A name to show, store and read the format from: the last part of what the browser sent,
    made safe as the API's uploads are (`service.filenames.safe_filename`); empty if none."""
    name = PurePath((given or "").replace("\\", "/")).name
    return safe_filename(name) if name.strip() else ""


def pasted_name(text: str) -> str:
    """The pasted text as a file: YAML when it looks like one of our documents, else an export
    (text) for the importers."""
    head = [line.strip() for line in text.lstrip("\ufeff").splitlines()[:40]]
    if any(line.startswith("dokument:") for line in head):
        return "inklistrad-text.yaml"
    if text.lstrip().startswith("{"):
        return "inklistrad-text.json"
    return "inklistrad-text.txt"


def worded(exc: InputError, source_field: str) -> Refused:
    """The refusal with the page's field names, tied to the field that fixes it."""
    sv, en, field = exc.message_sv, exc.message_en, source_field
    for said, page_sv, page_en, name in FIELDS:
        if said in sv or said in en:
            field = name if field == source_field else field
            sv, en = sv.replace(said, page_sv), en.replace(said, page_en)
    return Refused(field, dataclasses.replace(exc, message_sv=sv, message_en=en))


def _sv_fields(text: str) -> str:
    for said, page_sv, _en, _field in FIELDS:
        text = text.replace(said, page_sv)
    return text


def read(source: Source, year: int | None, committee: str | None, kind: str | None) -> Read:
    """A source as a validated document, or `Refused`."""
    suffix = PurePath(source.name).suffix.lower()
    try:
        if suffix in IMPORT_SUFFIXES:
            imported = _import(source, year, committee, kind)
            loaded = validate_document(imported.data, source.name, imported.source_map)
            report = imported.report  # its notes (Swedish only) name the options too
            report.notes = [(line, _sv_fields(note)) for line, note in report.notes]
            return Read(source, loaded, FORMATS[suffix], imported.report)
        loaded = store.parse_upload(source.raw, source.name, year, committee)
        return Read(source, loaded, FORMATS.get(suffix, "YAML"), None)
    except InputError as exc:
        raise worded(exc, source.field) from None


def _import(source: Source, year: int | None, committee: str | None, kind: str | None) -> Any:
    """The import, with the committee given only when the document names none of its own (as
    the upload does: `service.store`)."""
    try:
        return import_file(source.raw, source.name, kind, year, None)
    except InputError:
        if committee is None:
            raise
    return import_file(source.raw, source.name, kind, year, committee)


def dossier_of(reads: list[Read]) -> Dossier:
    """One document on its own, or several as one dossier: the plan (or the first document)
    sets its year, committee and unit, and every other must belong to it (as a folder does for
    `styrkoll check`)."""
    if len(reads) == 1:
        return single(reads[0].loaded)
    loaded = [r.loaded for r in reads]
    first: Any = next((d for d in loaded if d.kind == "verksamhetsplan"), loaded[0]).document
    unit = str(
        first.unit
        or next((d.document.unit for d in loaded if getattr(d.document, "unit", None)), "")
    )
    names = ", ".join(r.source.name for r in reads)
    dossier = Dossier(names, first.year, first.committee, unit)
    for r in reads:
        try:
            _belongs(dossier, r.loaded)
        except InputError as exc:
            raise worded(exc, r.source.field) from None
    return dossier
