"""The limits of `checks.limits` applied to export files before a library does the work they
bound, and every library error turned into a Swedish `InputError` that names the file.

A PDF's pages are counted (its /Count first, then its page tree) before any text is extracted,
and the text is counted page by page. A Word file's zip directory is read before anything is
unpacked: too many parts, or more unpacked bytes than the limit, and nothing is. Each XML part is
then read within the size its directory states (a part that unpacks to more is refused), refused
when it carries a DTD (`<!DOCTYPE`, `<!ENTITY`: "billion laughs"), and parsed with entities
unresolved, no network and libxml2's own size limits, counting depth and text as it goes, before
python-docx parses the same bytes.
"""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from checks.limits import Limits, number, size, size_en
from checks.loading import InputError

etree: Any = importlib.import_module("lxml.etree")  # untyped: kept out of mypy's way
LIBRARIES = ("pypdf", "docx", "lxml.etree")  # what an import worker loads before its budget


def too_big(length: int, source: str, limits: Limits) -> None:
    """An export of `length` bytes larger than the limit, refused before it is read."""
    if length > limits.import_bytes:
        raise InputError(
            source,
            f"filen är för stor ({size(length)}; högst {size(limits.import_bytes)})",
            f"the file is too large ({size_en(length)}; at most {size_en(limits.import_bytes)})",
            limit="import_bytes",
        )


def text_limit(source: str, what: str, limits: Limits, read: int, where: str = "") -> None:
    """Refuse a text longer than the limit; `what` is "PDF-filen", "Word-filen" or "filen"."""
    if read > limits.text_chars:
        raise InputError(
            source,
            f"{what} innehåller mer än {number(limits.text_chars)} tecken text{where}; högst "
            f"{number(limits.text_chars)} läses",
            f"the file holds more than {limits.text_chars} characters of text",
            limit="text_chars",
        )


def unreadable(source: str, what: str, exc: BaseException) -> InputError:
    """A library's error as a Swedish refusal: `what` is "PDF-filen" or "Word-filen"."""
    name = type(exc).__name__
    if isinstance(exc, MemoryError):
        return InputError(
            source,
            f"{what} kräver mer minne än en inläsning får använda",
            "the file needs more memory than an import may use",
            limit="import_memory",
        )
    if isinstance(exc, RecursionError):
        return InputError(
            source, f"{what} är för djupt nästlad för att läsas", "the file is nested too deeply"
        )
    if isinstance(exc, NotImplementedError):  # pypdf: an unknown filter or a feature it lacks
        found = re.search(r"filter (/\w+)", str(exc))
        feature = f"komprimeringen {found[1]}" if found else "en funktion"
        return InputError(
            source,
            f"{what} använder {feature}, som inte kan läsas",
            f"the file uses a compression or feature that cannot be read ({exc})",
        )
    if isinstance(exc, zipfile.BadZipFile):
        crc = re.search(r"CRC-32 for file '([^']*)'", str(exc))
        return InputError(
            source,
            f"{what} är skadad: delen {crc[1]} packas upp till annat än zip-katalogen anger"
            if crc
            else f"{what} är inget giltigt zip-arkiv (som en .docx-fil är) eller är skadad",
            f"the file is damaged or not a zip archive ({exc})",
        )
    if isinstance(exc, KeyError):  # python-docx: a part the package names is not there
        part = re.search(r"named '([^']*)'", str(exc))
        return InputError(
            source,
            f"{what} saknar en del den hänvisar till" + (f" ({part[1]})" if part else ""),
            f"the file lacks a part it refers to ({exc})",
        )
    return InputError(
        source, f"{what} kan inte läsas ({name})", f"the file cannot be read ({name}: {exc})"
    )


# --- PDF -------------------------------------------------------------------------------------


def pdf_pages(reader: Any, source: str, limits: Limits) -> int:
    """The number of pages, or a refusal when there are more than the limit: the count the file
    states is read first (cheap), then the page tree is walked (the count may lie)."""
    stated = reader.trailer["/Root"]["/Pages"].get("/Count")
    count = stated if isinstance(stated, int) and stated > limits.pdf_pages else len(reader.pages)
    if count > limits.pdf_pages:
        raise InputError(
            source,
            f"PDF-filen har {number(count)} sidor; högst {number(limits.pdf_pages)} läses",
            f"the PDF has {count} pages; at most {limits.pdf_pages} are read",
            limit="pdf_pages",
        )
    return int(count)


def pdf_text(pages: Iterable[Any], source: str, limits: Limits) -> str:
    """The pages' text, refused as soon as it is longer than the limit."""
    parts: list[str] = []
    read = 0
    for number_, page in enumerate(pages, start=1):
        text = page.extract_text() or ""
        read += len(text) + 1
        text_limit(source, "PDF-filen", limits, read, f" (redan på sidan {number_})")
        parts.append(text)
    return "\n".join(parts)


# --- Word ------------------------------------------------------------------------------------


def docx_checked(raw: bytes, source: str, limits: Limits) -> None:
    """Refuse a Word file whose parts would cost more than the limits, before python-docx sees
    it: the zip directory first, then each XML part within the size the directory states."""
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        infos = zf.infolist()
        if len(infos) > limits.docx_parts:
            raise InputError(
                source,
                f"Word-filen består av {number(len(infos))} delar; högst "
                f"{number(limits.docx_parts)} läses",
                f"the Word file has {len(infos)} parts; at most {limits.docx_parts} are read",
                limit="docx_parts",
            )
        stated = sum(info.file_size for info in infos)
        if stated > limits.docx_bytes:
            raise _unpacked(source, stated, limits)
        for info in infos:
            with zf.open(info) as member:  # zipfile stops at the stated size and checks the CRC
                data = member.read(info.file_size + 1)
            if len(data) > info.file_size:  # never more than the directory said
                raise _unpacked(source, stated + len(data), limits)
            if _looks_like_xml(data):
                xml_checked(data, source, info.filename, limits)


def _unpacked(source: str, stated: int, limits: Limits) -> InputError:
    return InputError(
        source,
        f"Word-filen packas upp till {size(stated)}; högst {size(limits.docx_bytes)} läses",
        f"the Word file unpacks to {size_en(stated)}; at most {size_en(limits.docx_bytes)}",
        limit="docx_bytes",
    )


_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?[ \t\r\n]*<")


def _looks_like_xml(data: bytes) -> bool:
    """Whether libxml2 would take the part for XML: a `<` after a byte-order mark and blanks in
    UTF-8, or UTF-16 or UTF-32 (a BOM, or NUL bytes around the first `<`). Media parts (PNG,
    JPEG, EMF …) start otherwise and are never parsed."""
    if _XML_START.match(data):
        return True
    head = data[:4]
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and b"<" in head)


_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
}


def xml_checked(data: bytes, source: str, part: str, limits: Limits) -> None:
    """Refuse an XML part with a DTD, nested deeper or holding more text than the limits."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _dtd(source, part)
    depth = deepest = chars = 0
    try:
        events = etree.iterparse(io.BytesIO(data), events=("start", "end"), **_PARSER_OPTIONS)
        for event, element in events:
            if event == "start":
                depth += 1
                if depth > limits.xml_depth:
                    raise _deep(source, part, limits)
                deepest = max(deepest, depth)
                continue
            depth -= 1
            chars += len(element.text or "") + len(element.tail or "")
            text_limit(source, "Word-filen", limits, chars, f" (i {part})")
            element.clear(keep_tail=True)
        if events.root is not None and events.root.getroottree().docinfo.doctype:
            raise _dtd(source, part)  # a DTD the byte test missed (another encoding)
    except etree.XMLSyntaxError as exc:
        raise _xml_error(source, part, exc, limits) from None


def _dtd(source: str, part: str) -> InputError:
    return InputError(
        source,
        f"Word-filen innehåller en dokumenttypsdefinition (<!DOCTYPE> eller <!ENTITY>) i {part}; "
        "sådana läses inte (Word skriver inga)",
        f"the Word file holds a document type definition in {part}; such files are not read",
    )


def _deep(source: str, part: str, limits: Limits) -> InputError:
    return InputError(
        source,
        f"Word-filens XML i {part} är nästlad i mer än {limits.xml_depth} nivåer; högst "
        f"{limits.xml_depth} läses",
        f"the Word file's XML in {part} is nested deeper than {limits.xml_depth} levels",
        limit="xml_depth",
    )


def _xml_error(source: str, part: str, exc: Any, limits: Limits) -> InputError:
    message = str(exc)
    if "depth" in message.lower():
        return _deep(source, part, limits)
    if "text node too long" in message.lower() or "huge" in message.lower():
        return InputError(
            source,
            f"Word-filen har en text på över 10 000 000 tecken i {part}; högst "
            f"{number(limits.text_chars)} tecken text läses",
            f"the Word file has a text node over 10,000,000 characters in {part}",
            limit="text_chars",
        )
    if "entity" in message.lower() or "amplification" in message.lower():
        return _dtd(source, part)
    line, column = exc.position if getattr(exc, "position", None) else (None, None)
    where = f" (rad {line}, kolumn {column})" if line else ""
    return InputError(
        source,
        f"Word-filens XML i {part} är trasig{where}",
        f"the Word file's XML in {part} is broken: {message}",
    )
