"""What libraries say, said in Swedish: YAML and JSON syntax errors, pydantic's validation errors
and the operating system's file errors.

A library words its own errors, in English, and rewords them between releases (PyYAML 6.0.4 began
refusing deep nesting itself). A Swedish error must never carry such a fragment: each known
problem has its Swedish text here, and anything unknown gets a plain Swedish sentence of its own.
The library's words stay in the English rendering, where they help whoever reads the log.
"""

from __future__ import annotations

import errno
import json
import re
from typing import Any

# --- YAML (libyaml's and PyYAML's own wording; both loaders are covered) -------------------------

NESTED_SV = "dokumentet är för djupt nästlat"
NESTED_EN = "the document is nested too deeply"

_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"maximum nesting depth", NESTED_SV),
    (r"mapping values are not allowed", "ett kolon (nyckel: värde) står där det inte får stå"),
    (r"did not find expected key|expected <block end>", "indraget stämmer inte: en rad står fel"),
    (r"expected '?-'? indicator", "indraget stämmer inte: en listrad (-) står fel"),
    (r"expected ',' or '\]'", "en lista inom [ ] är inte avslutad med ]"),
    (r"expected ',' or '}'", "en samling inom { } är inte avslutad med }"),
    (r"unexpected end of stream", "texten tar slut mitt i ett värde (saknas ett citattecken?)"),
    (r"unknown escape character", "okänt tecken efter \\ i en text inom citattecken"),
    (r"undefined alias", "en hänvisning (*namn) till ett ankare (&namn) som inte finns"),
    (r"duplicate anchor|second occurrence", "samma ankare (&namn) finns två gånger"),
    (
        r"cannot start any token",
        "ett tecken som inte får inleda ett värde (t.ex. tabb, @ eller `); sätt texten inom "
        "citattecken och dra in med mellanslag",
    ),
    (r"another document", "filen innehåller mer än ett dokument (---); en handling per fil"),
    (r"document start", "texten kan inte läsas som nyckel: värde"),
    (r"incompatible YAML", "YAML-versionen stöds inte"),
    (r"control characters|special characters", "filen innehåller ett otillåtet styrtecken"),
    (r"tab character", "en tabb i indraget; dra in med mellanslag"),
    (r"could not determine a constructor|constructor for the tag", "okänd YAML-tagg (!!…)"),
    (r"found unhashable key", "en nyckel måste vara text"),
)
_YAML_FALLBACK_SV = "texten följer inte YAML:s regler här"


def yaml_problem(problem: str) -> str:
    """The Swedish text of a YAML library's problem (its `problem` or `context` wording)."""
    for pattern, sv in _YAML_PROBLEMS:
        if re.search(pattern, problem, re.IGNORECASE):
            return sv
    return _YAML_FALLBACK_SV


# --- JSON (the json module's wording) ------------------------------------------------------------

_JSON_PROBLEMS: tuple[tuple[str, str], ...] = (
    (
        "Expecting property name",
        "en nyckel ska stå inom dubbla citattecken (ett komma för mycket?)",
    ),
    ("Expecting ':' delimiter", "kolon saknas efter nyckeln"),
    ("Expecting ',' delimiter", "kommatecken saknas"),
    ("Expecting value", "ett värde saknas eller är ogiltigt"),
    ("Invalid control character", "en text innehåller ett radbyte eller styrtecken"),
    ("Invalid \\escape", "okänt tecken efter \\ i en text"),
    ("Invalid \\uXXXX escape", "ogiltig \\u-kod i en text"),
    ("Unterminated string", "en text är inte avslutad med citattecken"),
    ("Extra data", "mer text efter dokumentets slut"),
)


def json_problem(msg: str) -> str:
    """The Swedish text of a `json.JSONDecodeError.msg`."""
    for start, sv in _JSON_PROBLEMS:
        if msg.startswith(start):
            return sv
    return "texten följer inte JSON:s regler här"


# --- the operating system ------------------------------------------------------------------------

_OS: dict[int, str] = {
    errno.ENOENT: "filen finns inte",
    errno.EACCES: "filen får inte läsas",
    errno.EPERM: "filen får inte läsas",
    errno.EISDIR: "är en mapp, inte en fil",
    errno.ENOTDIR: "en del av sökvägen är inte en mapp",
    errno.ELOOP: "sökvägen har för många länkar",
    errno.ENAMETOOLONG: "sökvägen är för lång",
    errno.EIO: "läsfel på disken",
}


def os_problem(exc: OSError) -> tuple[str, str]:
    """(Swedish, English) for a file that cannot be read."""
    en = exc.strerror or type(exc).__name__
    return _OS.get(exc.errno or 0, "filen kan inte läsas"), en


# --- pydantic ------------------------------------------------------------------------------------

_INVALID_DATE = ('ogiltigt datum "{input}"', 'invalid date "{input}"')
_WHOLE = ('ska vara ett heltal, inte "{input}"', 'must be a whole number, not "{input}"')
_NUMBER = ('ska vara ett tal, inte "{input}"', 'must be a number, not "{input}"')
_BOOL = (
    'ska vara sant eller falskt (true/false), inte "{input}"',
    'must be true or false, not "{input}"',
)
_MAPPING = ("ska vara en samling fält (nyckel: värde)", "must be a mapping (key: value)")
_ERRORS: dict[str, tuple[str, str]] = {
    "missing": ("fältet saknas", "the field is missing"),
    "extra_forbidden": ("okänt fält", "unknown field"),
    "date_from_datetime_parsing": _INVALID_DATE,
    "date_parsing": _INVALID_DATE,
    "date_type": _INVALID_DATE,
    "date_from_datetime_inexact": _INVALID_DATE,
    "date_future": _INVALID_DATE,
    "date_past": _INVALID_DATE,
    "datetime_parsing": _INVALID_DATE,
    "datetime_type": _INVALID_DATE,
    "int_parsing": _WHOLE,
    "int_type": _WHOLE,
    "int_from_float": _WHOLE,
    "int_parsing_size": ('talet "{input}" är för stort', 'the number "{input}" is too large'),
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "finite_number": ('ska vara ett ändligt tal, inte "{input}"', 'must be finite, not "{input}"'),
    "bool_parsing": _BOOL,
    "bool_type": _BOOL,
    "string_type": ('ska vara text, inte "{input}"', 'must be text, not "{input}"'),
    "string_too_short": ("får inte vara tomt", "must not be empty"),
    "string_too_long": (
        "är för långt (högst {max_length} tecken)",
        "is too long (at most {max_length} characters)",
    ),
    "string_pattern_mismatch": (
        'ogiltigt id "{input}" (bokstäver a–z, siffror och . _ : -, högst 64 tecken)',
        'invalid id "{input}" (letters a-z, digits and . _ : -, at most 64 characters)',
    ),
    "string_unicode": ("ska vara text", "must be text"),
    # raised only by our own model validators, whose messages are Swedish
    "value_error": ("{error}", "{error}"),
    "list_type": ("ska vara en lista", "must be a list"),
    "tuple_type": ("ska vara en lista", "must be a list"),
    "set_type": ("ska vara en lista", "must be a list"),
    "too_short": ("ska ha minst {min_length} element", "must have at least {min_length} items"),
    "too_long": ("får ha högst {max_length} element", "may have at most {max_length} items"),
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "dict_type": _MAPPING,
    "literal_error": ('ska vara {expected}, inte "{input}"', 'must be {expected}, not "{input}"'),
    "enum": ('ska vara {expected}, inte "{input}"', 'must be {expected}, not "{input}"'),
    "greater_than_equal": ("ska vara minst {ge}", "must be at least {ge}"),
    "greater_than": ("ska vara större än {gt}", "must be greater than {gt}"),
    "less_than_equal": ("ska vara högst {le}", "must be at most {le}"),
    "less_than": ("ska vara mindre än {lt}", "must be less than {lt}"),
    "json_invalid": ("ogiltig JSON", "invalid JSON: {msg}"),
    "json_type": ("ska vara JSON", "must be JSON"),
    "union_tag_invalid": ('ska vara {expected_tags}, inte "{tag}"', "{msg}"),
    "union_tag_not_found": ("fältet {discriminator} saknas", "{msg}"),
    "recursion_loop": (NESTED_SV, NESTED_EN),
}
# pydantic's own wording, kept out of the Swedish text: a type we do not know yet
_FALLBACK = ("ogiltigt värde", "invalid value: {msg}")


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def error_text(error: Any) -> tuple[str, str]:
    """One pydantic error as (Swedish, English) text, e.g. ('ska vara ett heltal, inte "tre"')."""
    sv, en = _ERRORS.get(error["type"], _FALLBACK)
    ctx = dict(error.get("ctx") or {})
    values = {"input": _short(error.get("input")), "msg": error.get("msg", ""), **ctx}
    if "expected" in values:
        values["expected"] = str(values["expected"]).replace(" or ", " eller ")
    return sv.format_map(_Defaults(values)), en.format_map(_Defaults(values))
