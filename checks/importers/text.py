"""The one normalising step before every reader, the same for .txt, .pdf and .docx.

Real exports put a whole page or a table row on one line, keep page furniture ("Sid 2 (15)",
"(3)"), split words over lines ("årsredovis- ningen"), carry soft hyphens, private-use bullet
glyphs and no-break spaces. `normalise` turns the text into `Line`s that keep the number of the
line they came from (findings and refusals name it), with the furniture gone and every known
heading at the start of a line of its own, wherever it stood.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Line:
    """A line of the document, numbered as in the file the user has."""

    number: int
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip()


@dataclass
class Head:
    """What a document says about itself, found before any reader runs."""

    year: int | None = None
    year_line: int | None = None
    year_reason: str = ""
    committee: str | None = None
    unit: str | None = None
    administration: str | None = None
    dnr: str | None = None
    date: str | None = None  # ISO
    title: str | None = None
    notes: list[tuple[int, str]] = field(default_factory=list)


# Page furniture: counters and markers that stand alone, or open a page-per-line export.
_FURNITURE_LINE = re.compile(
    r"^(?:(?:SID|Sid|Sida|sida)\s+\d+\s*(?:\(\d+\)|av\s+\d+)?|\(\d+\)|\d+\s*\(\d+\)|\d+/\d+)$"
)
_FURNITURE_INLINE = re.compile(r"(?<!\w)(?:SID|Sid|Sida)\s+\d+\s*(?:\(\d+\)|av\s+\d+)(?!\w)")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]\s*")
_SPLIT_WORD = re.compile(r"\b([A-Za-zÅÄÖåäöÉé]{2,})- ([a-zåäöé]{2,})\b")
_KEEP_HYPHEN = {"och", "eller", "samt", "till", "som", "men"}


def _mend_split_words(text: str) -> str:
    """ "årsredovis- ningen" → "årsredovisningen"; "barn- och ungdom" stays."""

    def join(m: re.Match[str]) -> str:
        return m[0] if m[2] in _KEEP_HYPHEN else m[1] + m[2]

    return _SPLIT_WORD.sub(join, text)


def clean(text: str) -> str:
    """One line's characters made plain: no soft hyphens, no private-use bullets, plain spaces."""
    text = text.translate(_INVISIBLE).replace("\u00a0", " ").replace("\u2009", " ")
    text = _PRIVATE_USE.sub("• ", text)
    return _mend_split_words(_FURNITURE_INLINE.sub(" ", text))


def normalise(text: str, headings: Iterable[str] = ()) -> list[Line]:
    """The document as numbered lines: furniture dropped, headings at the start of a line.

    `headings` are the known headings (exact words, case as written); one that stands in the
    middle of a line (a page or a table row flattened into one line) starts a new line there,
    keeping the line number it came from.
    """
    pattern = _heading_pattern(headings)
    out: list[Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean(raw).rstrip()
        if not line.strip() or _FURNITURE_LINE.match(line.strip()):
            continue
        for part in _split(line, pattern):
            if part.strip() and not _FURNITURE_LINE.match(part.strip()):
                out.append(Line(number, part))
    return out


def _heading_pattern(headings: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({h for h in headings if h}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    # a heading mid-line: after a sentence end, a closing parenthesis or a run of text, never
    # inside a word, and followed by a space, a colon or the end of the line
    return re.compile(rf"(?<=[\w.:;!?)\]”\"–-])\s+(?=(?:{alternatives})(?:\s|:|$))")


def _split(line: str, pattern: re.Pattern[str] | None) -> list[str]:
    if pattern is None:
        return [line]
    return [part.strip() for part in pattern.split(line)]


def join_lines(lines: list[str]) -> str:
    """Lines of wrapped text → one text: hyphenated words joined, lists kept on their own lines."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif re.match(r"^(-|\d+\.\s)", line):
            out += "\n" + line
        elif (
            re.search(r"[a-zåäö]-$", out)
            and line[0].islower()
            and not re.match(r"^(och|eller|samt)\b", line)
        ):
            out = out[:-1] + line
        elif out.endswith("/"):
            out += line
        else:
            out += " " + line
    return out
