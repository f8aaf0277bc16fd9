"""The limits on what a document may cost, enforced before the work they bound.

One frozen `Limits`, its defaults documented beside each field (and in docs/limits.md), each
overridable by an environment variable `STYRKOLL_LIMIT_<FIELD>` (upper case): e.g.
`STYRKOLL_LIMIT_PDF_PAGES=800`. Byte sizes may carry a suffix K, M or G (powers of 1024).
A value that is not a whole number in the field's range stops the program with a Swedish message:
a limit silently ignored would be no limit.

`current()` reads the environment (cheaply, on every call), so a server, a worker process and a
test see the limits of the environment they run in. The number bounds of the document model are
read once, when `checks.model` is imported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


@dataclass(frozen=True)
class Limits:
    """What one document may cost; every refusal names the limit it met."""

    # A YAML or JSON document, in bytes. A 19-page plan is about 30 kB as YAML.
    file_bytes: int = 5 * MIB
    # An export (.txt, .pdf, .docx) as a file, in bytes. A 60-page PDF is about 1 MB. The
    # service refuses a larger request body before it is read (STYRKOLL_MAX_UPLOAD, 6 MiB).
    import_bytes: int = 20 * MIB
    # Pages of a PDF. The longest real document, an annual report, has about 150.
    pdf_pages: int = 500
    # A Word file unpacked: the sum of its parts' sizes as its zip directory states them, checked
    # before anything is unpacked; a part that unpacks to more than it states is refused too.
    docx_bytes: int = 50 * MIB
    # Parts (files) in a Word file. A real one has 10 to 40.
    docx_parts: int = 1_000
    # Levels of nesting in a Word file's XML. Body, table, row, cell, paragraph, run and text are
    # 7; a table in a table adds 4.
    xml_depth: int = 100
    # Characters of text read out of an export. A 150-page report has about 400,000.
    text_chars: int = 2_000_000
    # Elements of one document (goals, commitments, activities, risks, controls, rows …: every
    # mapping in it). A large plan has about 300; a dossier of six documents at the limit stays
    # within the rule engine's 20,000 facts per check.
    elements: int = 2_000
    # YAML nodes after aliases are expanded (guards against "billion laughs").
    yaml_nodes: int = 200_000
    # Levels of nesting in a YAML or JSON document; a plan has about 8.
    yaml_depth: int = 100
    # The largest whole number a field takes (sannolikhet, konsekvens, riskvärde, år …), as a
    # magnitude: the rule engine multiplies two of them and keeps 63 bits.
    integer: int = 10**9
    # The largest amount or measured value a field takes (belopp, ram, utfall …), in its own
    # unit (tkr for amounts): a municipality's whole budget is below 10^8 tkr.
    amount: int = 10**12
    # Seconds an import (reading an export's text and its structure) may take, in a worker
    # process that is killed and replaced when the time is up.
    import_seconds: int = 10
    # Address space of the import worker process, in bytes.
    import_memory: int = 1 * GIB
    # Seconds the rule engine may take for one check, in its worker process.
    check_seconds: int = 60
    # Address space of the rule engine's worker process, in bytes.
    check_memory: int = 2 * GIB

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable of a field: `pdf_pages` → `STYRKOLL_LIMIT_PDF_PAGES`."""
        return "STYRKOLL_LIMIT_" + name.upper()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, with every `STYRKOLL_LIMIT_…` set in `environ` (default `os.environ`)."""
        env = os.environ if environ is None else environ
        given: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(cls.variable(f.name))
            if raw is not None and raw.strip():
                given[f.name] = _parse(f.name, raw)
        return cls(**given)


# Each field's range: a limit outside it is a mistake (a check that can never run, or a number
# the engine would refuse after all).
RANGES: dict[str, tuple[int, int]] = {
    "integer": (1, 10**9),
    "amount": (1, 10**15),  # floats hold whole numbers exactly up to 2^53
    "import_memory": (128 * MIB, 1024 * GIB),
    "check_memory": (256 * MIB, 1024 * GIB),
}
_DEFAULT_RANGE = (1, 10**15)
_SIZED = re.compile(r"^\s*(\d+)\s*([KMG]?)i?B?\s*$", re.IGNORECASE)
_FACTORS = {"": 1, "K": KIB, "M": MIB, "G": GIB}


class LimitsError(ValueError):
    """An environment variable that does not give a usable limit (a configuration mistake)."""


def _parse(name: str, raw: str) -> int:
    variable = Limits.variable(name)
    sized = name.endswith(("_bytes", "_memory"))
    match = _SIZED.match(raw) if sized else re.match(r"^\s*(\d+)\s*()$", raw.replace("_", ""))
    if match is None:
        what = "ett heltal (byte, eller med K, M eller G)" if sized else "ett heltal"
        raise LimitsError(f'{variable}="{raw}" är inte {what}')
    value = int(match[1]) * _FACTORS[match[2].upper()]
    low, high = RANGES.get(name, _DEFAULT_RANGE)
    if not low <= value <= high:
        raise LimitsError(f"{variable}={raw}: ska vara mellan {low} och {high}")
    return value


_CACHE: tuple[tuple[str | None, ...], Limits] | None = None
_NAMES = tuple(Limits.variable(f.name) for f in fields(Limits))


def current() -> Limits:
    """The limits of this process's environment now."""
    global _CACHE
    key = tuple(os.environ.get(name) for name in _NAMES)
    if _CACHE is None or _CACHE[0] != key:
        _CACHE = (key, Limits.from_env())
    return _CACHE[1]


def count_mappings(data: Any) -> int:
    """The mappings in a document's data below its top: its elements (goals, activities, risks,
    controls, rows, signs …), as the `elements` limit counts them."""
    count, stack = 0, [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            count += 1
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count - isinstance(data, dict)


def number(value: int) -> str:
    """A count as Swedish writes it: 2 000, 1 500 000."""
    return f"{value:,}".replace(",", " ")


def size(value: int) -> str:
    """A size in bytes as Swedish writes it: 1 GB, 50 MB, 1,5 MB, 300 kB."""
    return size_en(value).replace(".", ",").replace("bytes", "byte")


def size_en(value: int) -> str:
    for factor, unit in ((GIB, "GB"), (MIB, "MB"), (KIB, "kB")):
        if value >= factor:
            return f"{value / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{value} bytes"
