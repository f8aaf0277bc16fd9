"""Load a plan from YAML or JSON, or fail with an error that says what and where, in Swedish.

Every way a file can be unusable (too large, binary, not UTF-8, not YAML, wrong shape, wrong type,
impossible date, duplicate key or id) ends in one `InputError` naming the file, the line when it is
known and the field path. Nothing here decides whether the plan meets a requirement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import ValidationError

from checks.documents import DOCUMENT_MODELS, Document, document_kind
from checks.limits import Limits, count_mappings, number
from checks.limits import current as current_limits
from checks.model import Path, Plan, assign_ids, render_path
from checks.wording import NESTED_EN, NESTED_SV, error_text, json_problem, yaml_problem

__all__ = ["error_text"]  # re-exported: the service words request errors the same way

# The defaults (see `checks.limits.Limits`); the limits in force are the environment's.
MAX_BYTES, MAX_NODES, MAX_DEPTH = Limits.file_bytes, Limits.yaml_nodes, Limits.yaml_depth


@dataclass
class InputError(Exception):
    """An unusable document: what is wrong and where, in Swedish with an English rendering."""

    source: str
    message_sv: str
    message_en: str
    line: int | None = None
    path: str | None = None
    # the limit of `checks.limits` that refused the document (its field name), if one did
    limit: str | None = None

    @property
    def too_large(self) -> bool:
        """Refused for its size, not for its time or memory: the service answers 413, not 422."""
        return self.limit is not None and not self.limit.endswith(("_seconds", "_memory"))

    def render(self, lang: str = "sv") -> str:
        """E.g. `plan.yaml rad 42: åtaganden[3].aktiviteter[0].slutdatum: ogiltigt datum "…"`."""
        where = self.source
        if self.line is not None:
            where += f" {'rad' if lang == 'sv' else 'line'} {self.line}"
        what = self.message_sv if lang == "sv" else self.message_en
        if self.path:
            what = f"{self.path}: {what}"
        return f"{where}: {what}"

    def __str__(self) -> str:
        return self.render("sv")


@dataclass
class SourceMap:
    """Where each path of a document stands in its file (1-based lines)."""

    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of a path, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


@dataclass
class LoadedDocument:
    """A validated document with its source name and line map."""

    document: Document
    source: str
    source_map: SourceMap

    @property
    def kind(self) -> str:
        """What a dossier files it under: verksamhetsplan, riskanalys, tertialrapport_1 …"""
        return document_kind(self.document)

    @property
    def plan(self) -> Plan:
        assert isinstance(self.document, Plan), f"{self.source} is not a plan"
        return self.document


LoadedPlan = LoadedDocument


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader (libyaml when present), keeping dates as text so the model judges them."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _too_large(size: int, source: str) -> InputError:
    mb = f"{size / 1024 / 1024:.1f}"
    limit = f"{current_limits().file_bytes / 1024 / 1024:.1f}".removesuffix(".0")
    return InputError(
        source,
        f"filen är för stor ({mb.replace('.', ',')} MB; högst {limit.replace('.', ',')} MB)",
        f"the file is too large ({mb} MB; at most {limit} MB)",
        limit="file_bytes",
    )


def decode_text(raw: bytes, source: str) -> str:
    if not raw.strip():
        raise InputError(source, "filen är tom", "the file is empty")
    if len(raw) > current_limits().file_bytes:
        raise _too_large(len(raw), source)
    if b"\x00" in raw[:8192]:
        raise InputError(
            source,
            "filen är inte en textfil (den innehåller binära data)",
            "the file is not a text file (it contains binary data)",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            source,
            f"filen är inte UTF-8-kodad (ogiltig byte 0x{raw[exc.start]:02x}); spara den som UTF-8",
            f"the file is not UTF-8 (invalid byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            line=line,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(
            source, "filen innehåller ett NUL-tecken", "the file contains a NUL character", line
        )
    return text


def _nested(source: str, line: int | None = None) -> InputError:
    return InputError(source, NESTED_SV, NESTED_EN, line=line)


def compose_yaml(text: str, source: str) -> tuple[Any, SourceMap]:
    """Parse YAML into plain data and a map from path to line, refusing duplicate keys."""
    loader: Any = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "?"
        sv = yaml_problem(problem)
        line = mark.line + 1 if mark else None
        if sv == NESTED_SV:
            raise _nested(source, line) from None
        raise InputError(
            source, f"ogiltig YAML: {sv}", f"invalid YAML: {problem}", line=line
        ) from None
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
        raise InputError(
            source, f"ogiltig YAML: {yaml_problem(problem)}", f"invalid YAML: {problem}"
        ) from None
    except RecursionError:
        raise _nested(source) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise InputError(source, "filen är tom", "the file is empty")

    smap = SourceMap()
    count = 0
    limits = current_limits()

    def build(n: yaml.Node, path: Path) -> Any:
        nonlocal count
        count += 1
        if len(path) > limits.yaml_depth:
            raise _nested(source, n.start_mark.line + 1)
        if count > limits.yaml_nodes:
            raise InputError(
                source,
                f"dokumentet är för stort (över {number(limits.yaml_nodes)} element)",
                f"the document is too large (over {limits.yaml_nodes} elements)",
                limit="yaml_nodes",
            )
        smap.lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in n.value:
                key = (
                    loader.construct_scalar(key_node)
                    if isinstance(key_node, yaml.ScalarNode)
                    else None
                )
                if not isinstance(key, str):
                    raise InputError(
                        source,
                        "en nyckel måste vara text",
                        "a key must be text",
                        line=key_node.start_mark.line + 1,
                        path=render_path(path) or None,
                    )
                if key in out:
                    raise InputError(
                        source,
                        f'nyckeln "{key}" förekommer två gånger',
                        f'the key "{key}" occurs twice',
                        line=key_node.start_mark.line + 1,
                        path=render_path(path) or None,
                    )
                smap.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = build(value_node, (*path, key))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(n.value)]
        try:
            return loader.construct_object(n, deep=True)
        except yaml.YAMLError as exc:
            problem = str(exc).splitlines()[0]
            raise InputError(
                source,
                f"ogiltigt värde: {yaml_problem(problem)}",
                f"invalid value: {problem}",
                line=n.start_mark.line + 1,
                path=render_path(path) or None,
            ) from None

    try:
        data = build(node, ())
    except RecursionError:
        raise _nested(source) from None
    return data, smap


def _parse_json(text: str, source: str) -> tuple[Any, SourceMap]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            source,
            f"ogiltig JSON: {json_problem(exc.msg)}",
            f"invalid JSON: {exc.msg}",
            line=exc.lineno,
        ) from None
    except RecursionError:
        compose_yaml(text, source)  # refuses the same nesting, naming the line
        raise _nested(source) from None
    try:  # JSON is YAML: the composer gives the lines; data stays json's own
        _, smap = compose_yaml(text, source)
    except InputError as exc:
        if exc.message_sv == NESTED_SV:  # the same depth limit whatever the format
            raise
        smap = SourceMap()
    return data, smap


def validation_error(exc: ValidationError, source: str, smap: SourceMap) -> InputError:
    """The first validation error, in Swedish, with its line and path."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    path: Path = tuple(first["loc"])
    kind = first["type"]
    sv, en = error_text(first)
    more = len(errors) - 1
    suffix_sv = f" (och {more} fel till)" if more else ""
    suffix_en = f" (and {more} more errors)" if more else ""
    line = smap.lines.get(path) if kind == "extra_forbidden" else smap.line_of(path)
    if line is None:
        line = smap.line_of(path)
    return InputError(
        source,
        sv + suffix_sv,
        en + suffix_en,
        line=line,
        path=render_path(path) or None,
    )


KINDS_TEXT = ", ".join([*DOCUMENT_MODELS, "akt"])


def parse_data(raw: bytes, source: str, fmt: str | None = None) -> tuple[dict[str, Any], SourceMap]:
    """Bytes to a mapping and its line map; `fmt` is "json" or "yaml" (from the name if None)."""
    text = decode_text(raw, source)
    kind = fmt or ("json" if source.lower().endswith(".json") else "yaml")
    data, smap = _parse_json(text, source) if kind == "json" else compose_yaml(text, source)
    if not isinstance(data, dict):
        raise InputError(
            source,
            "dokumentet ska vara en samling fält (nyckel: värde), "
            "t.ex. 'dokument: verksamhetsplan'",
            "the document must be a mapping (key: value), e.g. 'dokument: verksamhetsplan'",
            line=1,
        )
    return data, smap


def document_model(data: dict[str, Any], source: str, smap: SourceMap) -> type[Any]:
    """The model a mapping's `dokument:` names, or an error that lists the kinds."""
    name = data.get("dokument")
    model = DOCUMENT_MODELS.get(name) if isinstance(name, str) else None
    if model is None:
        what = "saknas" if name is None else f'okänd handlingstyp "{name}"'
        what_en = "missing" if name is None else f'unknown kind of document "{name}"'
        raise InputError(
            source,
            f"{what}; ska vara en av: {KINDS_TEXT}",
            f"{what_en}; must be one of: {KINDS_TEXT}",
            line=smap.line_of(("dokument",)) or 1,
            path="dokument",
        )
    return model


def count_elements(data: Any, source: str) -> int:
    """The elements of a document's data (see `checks.limits.count_mappings`), or an
    `InputError` when there are more than a check may take."""
    count = count_mappings(data)
    limit = current_limits().elements
    if count > limit:
        raise InputError(
            source,
            f"dokumentet har {number(count)} element (mål, åtaganden, aktiviteter, risker, "
            f"kontroller, rader …); högst {number(limit)} läses",
            f"the document has {count} elements; at most {limit} are read",
            limit="elements",
        )
    return count


def validate_document(data: dict[str, Any], source: str, smap: SourceMap) -> LoadedDocument:
    """Validate a mapping as the document its `dokument:` names and give its elements ids."""
    count_elements(data, source)
    model = document_model(data, source, smap)
    try:
        document = model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, source, smap) from None
    duplicates = assign_ids(document)
    if duplicates:
        path, ident = duplicates[0]
        raise InputError(
            source,
            f'id "{ident}" används av mer än ett element',
            f'the id "{ident}" is used by more than one element',
            line=smap.line_of((*path, "id")),
            path=render_path((*path, "id")),
        )
    return LoadedDocument(document=document, source=source, source_map=smap)


def parse_document(raw: bytes, source: str, fmt: str | None = None) -> LoadedDocument:
    """Parse and validate one document of any kind from bytes."""
    data, smap = parse_data(raw, source, fmt)
    return validate_document(data, source, smap)


def parse_plan(raw: bytes, source: str, fmt: str | None = None) -> LoadedDocument:
    """Parse and validate a document that must be an operating plan."""
    data, smap = parse_data(raw, source, fmt)
    if "dokument" not in data or data.get("dokument") == "verksamhetsplan":
        count_elements(data, source)
        try:
            plan = Plan.model_validate(data)
        except ValidationError as exc:
            raise validation_error(exc, source, smap) from None
        data_ok = LoadedDocument(document=plan, source=source, source_map=smap)
        duplicates = assign_ids(plan)
        if duplicates:
            return validate_document(data, source, smap)  # raises with the place
        return data_ok
    return validate_document(data, source, smap)


def read_file(path: str | FsPath) -> tuple[bytes, str]:
    """The bytes of a document file and its format, or an error saying why it cannot be read."""
    fs = FsPath(path)
    name = str(path)
    suffix = fs.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError(
            name,
            f'okänd filtyp "{suffix or "(ingen)"}"; Styrkoll läser .yaml, .yml och .json '
            "(och importerar .txt, .pdf och .docx)",
            f'unknown file type "{suffix or "(none)"}"; Styrkoll reads .yaml, .yml and .json '
            "(and imports .txt, .pdf and .docx)",
        )
    try:
        size = fs.stat().st_size
        if size > current_limits().file_bytes:  # refuse before reading a huge file into memory
            raise _too_large(size, name)
        raw = fs.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "filen finns inte", "the file does not exist") from None
    except IsADirectoryError:
        raise InputError(name, "är en mapp, inte en fil", "is a folder, not a file") from None
    except PermissionError:
        raise InputError(name, "filen får inte läsas", "the file may not be read") from None
    return raw, "json" if suffix == ".json" else "yaml"


def load_document(path: str | FsPath) -> LoadedDocument:
    """Read and validate one document file (.yaml, .yml or .json) of any kind."""
    raw, fmt = read_file(path)
    return parse_document(raw, str(path), fmt)


def load_plan(path: str | FsPath) -> LoadedDocument:
    """Read and validate an operating plan file."""
    raw, fmt = read_file(path)
    return parse_plan(raw, str(path), fmt)
