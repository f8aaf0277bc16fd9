"""A dossier (akt): the documents of one unit and one year, checked together.

A dossier is a folder of documents, or a manifest (`dokument: akt`) that lists them; a single
document is a dossier of one. Every document must belong to the dossier's committee, unit and year,
and a dossier holds at most one document of each kind. Anything else is an `InputError` that names
the file and the line, so the CLI exits 2 and nothing is checked half.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.documents import DOCUMENT_NAMES, DecisionMemo
from checks.importers import IMPORT_SUFFIXES, load_imported
from checks.loading import (
    InputError,
    LoadedDocument,
    SourceMap,
    parse_data,
    read_file,
    validate_document,
    validation_error,
)
from checks.model import Title

MANIFEST_NAME = "akt.yaml"
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


class Manifest(BaseModel):
    """`dokument: akt`: which files make up the dossier, relative to the manifest."""

    model_config = ConfigDict(extra="forbid", title="Akt")

    document: Literal["akt"] = Field(alias="dokument")
    year: int = Field(alias="år", ge=1990, le=2100)
    committee: Title = Field(alias="nämnd")
    unit: Title = Field(alias="enhet")
    files: list[Title] = Field(alias="handlingar", min_length=1)


@dataclass
class Dossier:
    """The validated documents of one unit and year, by kind."""

    source: str
    year: int
    committee: str
    unit: str
    documents: dict[str, LoadedDocument] = field(default_factory=dict)
    is_dossier: bool = True  # False when one document was checked on its own

    def get(self, kind: str) -> LoadedDocument | None:
        return self.documents.get(kind)

    @property
    def kinds(self) -> list[str]:
        return list(self.documents)


def single(loaded: LoadedDocument) -> Dossier:
    """One document checked on its own: rules that need the other documents do not apply."""
    doc: Any = loaded.document
    return Dossier(
        source=loaded.source,
        year=doc.year,
        committee=doc.committee,
        unit=doc.unit or "",
        documents={loaded.kind: loaded},
        is_dossier=False,
    )


def _belongs(dossier: Dossier, loaded: LoadedDocument) -> None:
    """Refuse a document of another year, committee or unit, or a second one of a kind."""
    doc: Any = loaded.document
    smap: SourceMap = loaded.source_map
    checks = (
        ("år", doc.year, dossier.year, "år"),
        ("nämnd", doc.committee, dossier.committee, "nämnd"),
        ("enhet", doc.unit, dossier.unit, "enhet"),
    )
    for key, got, want, word in checks:
        if key == "enhet" and got is None and isinstance(doc, DecisionMemo):
            continue  # a committee memo about all units
        if got != want:
            raise InputError(
                loaded.source,
                f'handlingen gäller {word} "{got}", men akten ({dossier.source}) gäller "{want}"',
                f'the document is for {key} "{got}", but the dossier ({dossier.source}) is for '
                f'"{want}"',
                line=smap.line_of((key,)),
                path=key,
            )
    earlier = dossier.documents.get(loaded.kind)
    if earlier is not None:
        raise InputError(
            loaded.source,
            f"akten har redan {DOCUMENT_NAMES[loaded.kind]} ({earlier.source}); "
            "en akt har högst en handling av varje slag",
            f"the dossier already has a {loaded.kind} ({earlier.source}); "
            "a dossier holds at most one document of each kind",
            line=smap.line_of(("dokument",)) or 1,
            path="dokument",
        )
    dossier.documents[loaded.kind] = loaded


def load_manifest(path: FsPath, data: dict[str, Any], smap: SourceMap) -> Dossier:
    """A dossier from its manifest: every listed file must exist and belong to it."""
    name = str(path)
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, name, smap) from None
    dossier = Dossier(name, manifest.year, manifest.committee, manifest.unit)
    seen: dict[FsPath, int] = {}
    for i, listed in enumerate(manifest.files):
        target = (path.parent / listed).resolve()
        line = smap.line_of(("handlingar", i))
        if target in seen:
            raise InputError(
                name,
                f'"{listed}" står två gånger i handlingar',
                f'"{listed}" is listed twice',
                line=line,
                path=f"handlingar[{i}]",
            )
        seen[target] = i
        if not target.is_file():
            raise InputError(
                name,
                f'handlingen "{listed}" finns inte (sökt som {target})',
                f'the document "{listed}" does not exist (looked for {target})',
                line=line,
                path=f"handlingar[{i}]",
            )
        if target.suffix.lower() in IMPORT_SUFFIXES:
            _belongs(dossier, load_imported(path.parent / listed)[0])
            continue
        raw, fmt = read_file(path.parent / listed)
        doc_data, doc_map = parse_data(raw, str(path.parent / listed), fmt)
        if doc_data.get("dokument") == "akt":
            raise InputError(
                str(path.parent / listed),
                "en akt kan inte innehålla en annan akt",
                "a dossier cannot contain another dossier",
                line=1,
                path="dokument",
            )
        _belongs(dossier, validate_document(doc_data, str(path.parent / listed), doc_map))
    return dossier


def load_folder(folder: FsPath) -> Dossier:
    """A folder's manifest, or else every document in it: the plan (or first document) sets the
    dossier's year, committee and unit."""
    manifest = folder / MANIFEST_NAME
    if manifest.is_file():
        return load_target(manifest)
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in (*DOCUMENT_SUFFIXES, *IMPORT_SUFFIXES)
    )
    if not files:
        raise InputError(
            str(folder),
            "mappen innehåller inga handlingar (.yaml, .yml, .json, .txt, .pdf eller .docx)",
            "the folder holds no documents (.yaml, .yml, .json, .txt, .pdf or .docx)",
        )
    loaded: list[LoadedDocument] = []
    for path in files:
        if path.suffix.lower() in IMPORT_SUFFIXES:
            loaded.append(load_imported(path)[0])
            continue
        raw, fmt = read_file(path)
        data, smap = parse_data(raw, str(path), fmt)
        if data.get("dokument") == "akt":
            raise InputError(
                str(path),
                f"en akt i en mapp ska heta {MANIFEST_NAME}",
                f"a manifest in a folder must be named {MANIFEST_NAME}",
                line=smap.line_of(("dokument",)) or 1,
            )
        loaded.append(validate_document(data, str(path), smap))
    first: Any = next((d for d in loaded if d.kind == "verksamhetsplan"), loaded[0]).document
    unit = str(
        first.unit
        or next((d.document.unit for d in loaded if getattr(d.document, "unit", None)), "")
    )
    dossier = Dossier(str(folder), first.year, first.committee, unit)
    for doc in loaded:
        _belongs(dossier, doc)
    return dossier


def load_target(path: str | FsPath) -> Dossier:
    """What `styrkoll check` is given: a folder, a manifest, or one document."""
    fs = FsPath(path)
    if fs.is_dir():
        return load_folder(fs)
    if fs.suffix.lower() in IMPORT_SUFFIXES:
        loaded, _ = load_imported(fs)
        return single(loaded)
    raw, fmt = read_file(fs)
    data, smap = parse_data(raw, str(path), fmt)
    if data.get("dokument") == "akt":
        return load_manifest(fs, data, smap)
    return single(validate_document(data, str(path), smap))
