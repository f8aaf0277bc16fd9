"""Importers: the documents units actually have (ILS-webb exports as .txt, .pdf, .docx) turned
into the document model, with a report of what was placed where and what was not.

`extract_text` gets the text out of a file (pypdf for PDF, python-docx for Word); `ils.parse_plan`
and `memo.parse_memo` read the structure; `import_file` picks the parser and returns the document
as data (Swedish keys, exactly what a YAML file would hold), its line map and the import report.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from checks.loading import MAX_BYTES, InputError, SourceMap

IMPORT_SUFFIXES = (".txt", ".pdf", ".docx")
MAX_PAGES = 2_000


@dataclass
class ImportReport:
    """What an import found, what it could not place and where it had to interpret."""

    kind: str
    counts: dict[str, int] = field(default_factory=dict)
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, interpretation)
    placed_chars: int = 0
    total_chars: int = 0

    @property
    def placed_share(self) -> float:
        return 1.0 if not self.total_chars else self.placed_chars / self.total_chars

    def render(self, source: str) -> str:
        """The summary printed after an import, in Swedish."""
        lines = [f"{source}: importerad som {self.kind}"]
        lines.append("  hittade: " + ", ".join(f"{n} {what}" for what, n in self.counts.items()))
        lines.append(f"  placerad text: {self.placed_share * 100:.1f} %")
        for line, note in self.notes:
            lines.append(f"  tolkning rad {line}: {note}")
        for line, text in self.unplaced:
            lines.append(f"  ej placerad rad {line}: {text}")
        return "\n".join(lines) + "\n"


@dataclass
class Imported:
    data: dict[str, Any]
    source_map: SourceMap
    report: ImportReport


def extract_text(raw: bytes, source: str) -> str:
    """The text of a .txt, .pdf or .docx file, or an `InputError` that says why not."""
    suffix = FsPath(source).suffix.lower()
    if len(raw) > MAX_BYTES * 4:
        raise InputError(
            source,
            f"filen är för stor ({len(raw) // 2**20} MiB; högst {MAX_BYTES * 4 // 2**20} MiB)",
            f"the file is too large ({len(raw) // 2**20} MiB)",
        )
    if suffix == ".pdf":
        return _pdf_text(raw, source)
    if suffix == ".docx":
        return _docx_text(raw, source)
    if b"\x00" in raw[:8192]:
        raise InputError(
            source,
            "filen är binär, inte text (spara exporten som text, PDF eller Word)",
            "the file is binary, not text",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")  # Windows exports
        except UnicodeDecodeError:
            raise InputError(
                source, "texten är varken UTF-8 eller Windows-1252", "not UTF-8 or Windows-1252"
            ) from None


def _pdf_text(raw: bytes, source: str) -> str:
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise InputError(source, "PDF-filen är krypterad", "the PDF is encrypted")
        if len(reader.pages) > MAX_PAGES:
            raise InputError(source, f"PDF-filen har fler än {MAX_PAGES} sidor", "too many pages")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except InputError:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        AssertionError,
        ZeroDivisionError,
    ) as exc:
        raise InputError(
            source,
            f"PDF-filen kan inte läsas ({type(exc).__name__})",
            f"the PDF cannot be read ({type(exc).__name__})",
        ) from None


def _docx_text(raw: bytes, source: str) -> str:
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, AttributeError, TypeError) as exc:
        raise InputError(
            source,
            f"Word-filen kan inte läsas ({type(exc).__name__})",
            f"the Word file cannot be read ({type(exc).__name__})",
        ) from None
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            text = "".join(
                                t.text or "" for t in cell.iter() if t.tag.endswith("}t")
                            )
                            cells.append(text)
                    lines.append(" ".join(cells))
    return "\n".join(lines)


def import_file(raw: bytes, source: str) -> Imported:
    """Text → the document it holds: an ILS-webb plan or a decision memo."""
    from checks.importers import ils, memo

    text = extract_text(raw, source)
    if memo.looks_like_memo(text):
        return memo.parse_memo(text, source)
    return ils.parse_plan(text, source)


def load_imported(path: str | FsPath) -> tuple[Any, ImportReport]:
    """Read an export file, import it and validate it like a YAML document."""
    from checks.loading import validate_document

    fs = FsPath(path)
    name = str(path)
    try:
        if fs.stat().st_size > MAX_BYTES * 4:
            raise InputError(name, "filen är för stor", "the file is too large")
        raw = fs.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "filen finns inte", "the file does not exist") from None
    except IsADirectoryError:
        raise InputError(name, "är en mapp, inte en fil", "is a folder, not a file") from None
    except PermissionError:
        raise InputError(name, "filen får inte läsas", "the file may not be read") from None
    imported = import_file(raw, name)
    return validate_document(imported.data, name, imported.source_map), imported.report
