"""The living policy as the pages show it: the Swedish scenarios of `features/*.feature`, by rule.

A scenario belongs to the rules its tags name (`@A1`, `@A2 @A4`: tags of the feature and of its
`Regel` count too), as the BDD tests run them. The reader is our own, for the Gherkin subset the
features use: `# language: sv`, comments, tags, `Egenskap` with its description, `Bakgrund`,
`Regel`, `Scenario` and `Scenariomall` (or `Abstrakt Scenario`) with `Exempel` tables, steps
(`Givet`, `När`, `Så`, `Och`, `Men`, `*`), doc strings (`\"\"\"` or ```` ``` ````) and data tables.
Anything else is an error naming the file and the line.

The features ship with the package as `checks.features` (pyproject.toml maps it to `features/`,
as `checks.rules` is mapped to `rules/`); a checkout that was never installed reads its own
`features/` folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from checks.catalogue import RULE_ID

PACKAGE = "checks.features"
CHECKOUT = Path(__file__).resolve().parent.parent.parent / "features"

FEATURE = ("Egenskap",)
BACKGROUND = ("Bakgrund",)
RULE = ("Regel",)
SCENARIO = ("Scenario",)
OUTLINE = ("Scenariomall", "Abstrakt Scenario")
EXAMPLES = ("Exempel",)
STEP_WORDS = ("Givet", "När", "Så", "Och", "Men", "*")
DOC_DELIMITERS = ('"""', "```")
_RULE_TAG = re.compile(RULE_ID)
_KEYWORDS = sorted(FEATURE + BACKGROUND + RULE + OUTLINE + SCENARIO + EXAMPLES, key=len)
_HEADER = re.compile(rf"^(?P<word>{'|'.join(reversed(_KEYWORDS))})\s*:\s*(?P<title>.*)$")


class GherkinError(ValueError):
    """A feature file the reader cannot read: the file, the line and what is wrong, in Swedish."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source} rad {line}: {message}")
        self.source = source
        self.line = line


@dataclass(frozen=True)
class Step:
    keyword: str  # Givet, När, Så, Och, Men or *
    text: str
    doc_string: str | None = None
    table: tuple[tuple[str, ...], ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Examples:
    """An `Exempel` table of a scenario outline: the header row and the rows."""

    name: str
    tags: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line: int = 0


@dataclass(frozen=True)
class Scenario:
    """A scenario with where it stands: its feature, its `Regel` (if any) and the backgrounds
    that run before its steps."""

    name: str
    outline: bool
    tags: tuple[str, ...]  # its own, its Regel's and its feature's (and its Exempel's)
    steps: tuple[Step, ...]
    background: tuple[Step, ...]
    examples: tuple[Examples, ...]
    feature: str
    rule: str | None
    source: str
    line: int
    description: str = ""

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(t for t in self.tags if _RULE_TAG.match(t))


@dataclass
class _Block:
    """What is being read: a feature, a rule, a background, a scenario or examples."""

    kind: str
    title: str
    line: int
    tags: tuple[str, ...] = ()
    description: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)
    examples: list[Examples] = field(default_factory=list)
    background: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Feature:
    name: str
    description: str
    tags: tuple[str, ...]
    background: tuple[Step, ...]
    scenarios: tuple[Scenario, ...]
    source: str


def _cells(raw: str, source: str, number: int) -> tuple[str, ...]:
    """The cells of a table row `| a | b |`, with the escapes \\| \\n and \\\\."""
    text = raw.strip()
    if not text.endswith("|") or len(text) < 2:
        raise GherkinError(source, number, "en tabellrad ska sluta med |")
    cells: list[str] = []
    current: list[str] = []
    i = 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            current.append({"|": "|", "n": "\n", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        if char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        i += 1
    return tuple(cells)


def _tags(line: str, source: str, number: int) -> tuple[str, ...]:
    body = re.split(r"\s#", line, maxsplit=1)[0]
    found: list[str] = []
    for word in body.split():
        if not word.startswith("@") or len(word) < 2:
            raise GherkinError(source, number, f"'{word}' är ingen tagg (en tagg börjar med @)")
        found.append(word[1:])
    return tuple(found)


def _step(line: str) -> tuple[str, str] | None:
    for word in STEP_WORDS:
        if line.startswith(word + " ") or (word == "*" and line == "*"):
            return word, line[len(word) :].strip()
    return None


class _Reader:
    """One pass over a feature file's lines."""

    def __init__(self, text: str, source: str) -> None:
        self.lines = text.splitlines()
        self.source = source
        self.feature: _Block | None = None
        self.rule: _Block | None = None
        self.block: _Block | None = None  # the background, scenario or examples being read
        self.pending: tuple[str, ...] = ()
        self.pending_line = 0
        self.scenarios: list[Scenario] = []
        self.feature_background: tuple[Step, ...] = ()
        self._outline: _Block | None = None  # the outline whose Exempel are being read

    def error(self, number: int, message: str) -> GherkinError:
        return GherkinError(self.source, number, message)

    def read(self) -> Feature:
        number = 0
        while number < len(self.lines):
            raw = self.lines[number]
            number += 1
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@"):
                self.pending += _tags(line, self.source, number)
                self.pending_line = self.pending_line or number
                continue
            header = _HEADER.match(line)
            if header:
                self._open(header["word"], header["title"].strip(), number)
                continue
            if line.startswith(DOC_DELIMITERS):
                number = self._doc_string(raw, number)
                continue
            if line.startswith("|"):
                self._row(line, number)
                continue
            step = _step(line)
            if step is not None:
                self._add_step(step, number)
                continue
            self._description(line, number)
        return self._finish(len(self.lines))

    def _open(self, word: str, title: str, number: int) -> None:
        if self.pending and word in BACKGROUND:
            raise self.error(self.pending_line, "Bakgrund kan inte ha taggar")
        tags, self.pending, self.pending_line = self.pending, (), 0
        if word in FEATURE:
            if self.feature is not None:
                raise self.error(number, "filen har redan en Egenskap (en per fil)")
            self.feature = _Block("feature", title, number, tags)
            return
        if self.feature is None:
            raise self.error(number, f"{word} före filens Egenskap")
        if not title and word not in BACKGROUND + EXAMPLES:
            raise self.error(number, f"{word} saknar namn")
        if word in EXAMPLES:
            self._open_examples(title, number, tags)
            return
        self._close_block()
        if word in RULE:
            self.rule = _Block("rule", title, number, tags)
        elif word in BACKGROUND:
            if self.scenarios_started():
                raise self.error(number, "Bakgrund ska stå före scenarierna")
            self.block = _Block("background", title, number)
        else:
            kind = "outline" if word in OUTLINE else "scenario"
            self.block = _Block(kind, title, number, tags, background=self._backgrounds())

    def scenarios_started(self) -> bool:
        """Has the current feature or rule already a scenario (a background comes before)?"""
        since = self.rule.line if self.rule is not None else 0
        return any(s.line > since for s in self.scenarios)

    def _backgrounds(self) -> tuple[Step, ...]:
        own = self.rule.background if self.rule is not None else ()
        return self.feature_background + own

    def _open_examples(self, title: str, number: int, tags: tuple[str, ...]) -> None:
        block = self.block
        if block is None or block.kind not in ("outline", "examples"):
            raise self.error(number, "Exempel hör till en Scenariomall")
        if block.kind == "examples":
            self._close_examples()
        owner = self.block
        assert owner is not None
        self.block = _Block("examples", title, number, tags)
        self.block.background = owner.background
        self._outline = owner

    def _close_examples(self) -> None:
        block = self.block
        assert block is not None and block.kind == "examples"
        if not block.rows:
            raise self.error(block.line, "Exempel saknar tabell")
        header, *rows = block.rows
        if not rows:
            raise self.error(block.line, "Exempel har bara en rubrikrad")
        assert self._outline is not None
        self._outline.examples.append(
            Examples(block.title, block.tags, header, tuple(rows), block.line)
        )
        self.block = self._outline

    def _close_block(self) -> None:
        if self.block is not None and self.block.kind == "examples":
            self._close_examples()
        block, self.block = self.block, None
        if block is None:
            return
        if block.kind == "background":
            if self.rule is not None:
                self.rule.background = tuple(block.steps)
            else:
                self.feature_background = tuple(block.steps)
            return
        if not block.steps:
            raise self.error(block.line, f"scenariot '{block.title}' saknar steg")
        if block.kind == "outline" and not block.examples:
            raise self.error(block.line, f"scenariomallen '{block.title}' saknar Exempel")
        assert self.feature is not None
        inherited = self.feature.tags + (self.rule.tags if self.rule is not None else ())
        example_tags = tuple(t for e in block.examples for t in e.tags)
        tags = tuple(dict.fromkeys(inherited + block.tags + example_tags))
        self.scenarios.append(
            Scenario(
                name=block.title,
                outline=block.kind == "outline",
                tags=tags,
                steps=tuple(block.steps),
                background=block.background,
                examples=tuple(block.examples),
                feature=self.feature.title,
                rule=self.rule.title if self.rule is not None else None,
                source=self.source,
                line=block.line,
                description=" ".join(block.description),
            )
        )

    def _add_step(self, step: tuple[str, str], number: int) -> None:
        block = self.block
        if block is None or block.kind == "examples":
            raise self.error(number, "ett steg står utanför Bakgrund och scenarier")
        keyword, text = step
        if not text:
            raise self.error(number, f"steget '{keyword}' saknar text")
        block.steps.append(Step(keyword, text, line=number))

    def _description(self, line: str, number: int) -> None:
        target = self.block or self.rule or self.feature
        if target is None:
            raise self.error(number, "texten står före filens Egenskap")
        if target.steps or target.rows:
            raise self.error(number, f"'{line}' är inget steg (Givet, När, Så, Och, Men)")
        target.description.append(line)

    def _last_step(self, number: int, what: str) -> Step:
        block = self.block
        if block is None or not block.steps:
            raise self.error(number, f"{what} hör till ett steg")
        return block.steps[-1]

    def _row(self, line: str, number: int) -> None:
        cells = _cells(line, self.source, number)
        block = self.block
        if block is not None and block.kind == "examples":
            if block.rows and len(cells) != len(block.rows[0]):
                raise self.error(number, "raden har inte lika många celler som rubrikraden")
            block.rows.append(cells)
            return
        step = self._last_step(number, "en tabell")
        if step.doc_string is not None:
            raise self.error(number, "ett steg har antingen en textsträng eller en tabell")
        if step.table and len(cells) != len(step.table[0]):
            raise self.error(number, "raden har inte lika många celler som första raden")
        assert block is not None
        block.steps[-1] = Step(step.keyword, step.text, None, (*step.table, cells), step.line)

    def _doc_string(self, raw: str, number: int) -> int:
        """Read a doc string from its opening line; returns the line after its closing one."""
        step = self._last_step(number, "en textsträng")
        if step.doc_string is not None or step.table:
            raise self.error(number, "steget har redan en textsträng eller tabell")
        indent = len(raw) - len(raw.lstrip())
        delimiter = raw.strip()[:3]
        escaped = "".join("\\" + c for c in delimiter)  # \"\"\" inside a """ doc string
        body: list[str] = []
        at = number
        while at < len(self.lines):
            line = self.lines[at]
            at += 1
            if line.strip() == delimiter:
                text = "\n".join(body)
                block = self.block
                assert block is not None
                block.steps[-1] = Step(step.keyword, step.text, text, (), step.line)
                return at
            cut = min(indent, len(line) - len(line.lstrip()))
            body.append(line[cut:].replace(escaped, delimiter))
        raise self.error(number, f"textsträngen saknar sitt avslutande {delimiter}")

    def _finish(self, last: int) -> Feature:
        if self.pending:
            raise self.error(self.pending_line, "taggarna står inte före något")
        self._close_block()
        if self.feature is None:
            raise self.error(max(last, 1), "filen har ingen Egenskap")
        return Feature(
            name=self.feature.title,
            description="\n".join(self.feature.description),
            tags=self.feature.tags,
            background=self.feature_background,
            scenarios=tuple(self.scenarios),
            source=self.source,
        )


def parse(text: str, source: str = "<text>") -> Feature:
    """A feature file read; a file the reader cannot read raises `GherkinError`."""
    return _Reader(text, source).read()


def feature_texts(package: str = PACKAGE, checkout: Path = CHECKOUT) -> dict[str, str]:
    """Every `*.feature` shipped in the package (else the checkout's folder), by file name."""
    try:
        folder = resources.files(package)
    except ModuleNotFoundError:
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(checkout.glob("*.feature"))}
    return {
        item.name: item.read_text(encoding="utf-8")
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".feature") and item.is_file()
    }


@lru_cache(maxsize=1)
def features() -> tuple[Feature, ...]:
    """Every feature, read once per process."""
    return tuple(parse(text, name) for name, text in feature_texts().items())


@lru_cache(maxsize=1)
def by_rule() -> dict[str, tuple[Scenario, ...]]:
    """Rule id → its scenarios, in file order."""
    found: dict[str, list[Scenario]] = {}
    for feature in features():
        for scenario in feature.scenarios:
            for rule_id in scenario.rule_ids:
                found.setdefault(rule_id, []).append(scenario)
    return {rule_id: tuple(found_) for rule_id, found_ in found.items()}


def scenarios_for(rule_id: str) -> tuple[Scenario, ...]:
    """The scenarios of a rule (none for an id no scenario is tagged with)."""
    return by_rule().get(rule_id, ())
