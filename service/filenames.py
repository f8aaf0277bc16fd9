"""File names a user sends: made safe to store and to send back (RFC 6266).

An upload's name may hold anything – line breaks, NUL, quotes, path separators, any script. It is
stored as `safe_filename` makes it (Unicode kept, control characters and separators gone), and a
download names it in `Content-Disposition` both as a plain ASCII fallback and as UTF-8
(`filename*`), so no name can break or add to the header.
"""

from __future__ import annotations

import string
import unicodedata
from urllib.parse import quote

MAX_LENGTH = 200
FALLBACK = "dokument"
PLAIN = frozenset(string.ascii_letters + string.digits + " ._-")


def safe_filename(name: str) -> str:
    """The name without control characters, path separators or quotes, at most 200 characters;
    `dokument` when nothing is left."""
    name = unicodedata.normalize("NFC", name)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if unicodedata.category(ch)[0] != "C" or ch.isspace()
    )
    for sep in ("/", "\\", '"'):
        kept = kept.replace(sep, "_")
    kept = " ".join(kept.split()).strip(" .")
    if len(kept) > MAX_LENGTH:
        stem, dot, ext = kept.rpartition(".")
        kept = (stem[: MAX_LENGTH - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else kept
        kept = kept[:MAX_LENGTH]
    return kept or FALLBACK


def content_disposition(name: str) -> str:
    """`attachment` with the name as plain ASCII (letters, digits, space, `.`, `_`, `-`; any
    other character as `_`) and whole as UTF-8 (`filename*`, RFC 6266 / 8187)."""
    safe = safe_filename(name)
    ascii_name = "".join(ch if ch in PLAIN else "_" for ch in safe)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe, safe='')}"
