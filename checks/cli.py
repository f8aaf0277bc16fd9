"""`styrkoll`: check documents and dossiers, list the rules, print the document schemas.

Exit codes of `styrkoll check`: 0 no finding at or above --fail-on; 1 findings; 2 a file could not
be used (its error names file, line and field); 3 Styrkoll itself could not check (rule catalogue
or engine), never reported as "no findings"; 3 also when a command from another package (see
`Command`) cannot run in this installation.

Other packages add commands through the entry-point group `styrkoll.commands` (the service's serve,
db, recheck and audit: pyproject.toml). They are looked up only when the command line names a
command that is not built in, or asks for help, so `check`, `rules`, `import` and `schema` never
import them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn, Protocol

import yaml

from checks.catalogue import Catalogue, CatalogueError, load_catalogue
from checks.checker import Checker, CheckResult, settle_after_startup
from checks.config import load_config
from checks.documents import json_schemas
from checks.dossier import load_target
from checks.engine import EngineError
from checks.importers import KIND_NAMES, load_imported
from checks.loading import InputError
from checks.report import render_json, render_junit, render_markdown, render_text

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
COMMAND_GROUP = "styrkoll.commands"
BUILTIN_COMMANDS = ("check", "import", "rules", "schema")


class Command(Protocol):
    """What an entry point of the group `styrkoll.commands` names; the entry point's name is the
    command's name. `extra` is the extra of the entry point's distribution the command needs (e.g.
    "service"), or None: when one of its requirements is not installed, `styrkoll` says so in
    Swedish (exit 3) instead of running the command."""

    @property
    def help(self) -> str: ...

    @property
    def extra(self) -> str | None: ...

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


@dataclass(frozen=True)
class _Plugin:
    name: str
    command: Command | None
    problem: str | None  # why it cannot run in this installation, in Swedish
    note: str = ""  # the same in a few words, for the help list


_EXTRA_MARKER = re.compile(r"""\bextra\s*==\s*["']([^"']+)["']""")
_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _missing_requirements(entry_point: EntryPoint, extra: str) -> list[str]:
    """The requirements of `extra` (of the entry point's distribution) that are not installed."""
    from importlib.metadata import PackageNotFoundError, distribution

    if entry_point.dist is None:
        return []
    missing: list[str] = []
    for requirement in entry_point.dist.requires or ():
        spec, _, marker = requirement.partition(";")
        name = _REQUIREMENT_NAME.match(spec)
        if name is None or extra not in _EXTRA_MARKER.findall(marker):
            continue
        try:
            distribution(name.group(1))
        except PackageNotFoundError:
            missing.append(name.group(1))
    return missing


def _load_plugin(entry_point: EntryPoint) -> _Plugin:
    name = entry_point.name
    dist = entry_point.dist.name if entry_point.dist is not None else "styrkoll"
    try:
        command = entry_point.load()
    except ImportError as exc:
        return _Plugin(
            name,
            None,
            f"styrkoll {name}: kommandot kan inte laddas ({entry_point.value}): {exc}",
            "kan inte laddas",
        )
    if not all(hasattr(command, attr) for attr in ("help", "add_arguments", "run")):
        problem = (
            f"styrkoll {name}: {entry_point.value} är inget kommando (help, add_arguments, run)"
        )
        return _Plugin(name, None, problem, "kan inte laddas")
    extra = getattr(command, "extra", None)
    missing = _missing_requirements(entry_point, extra) if extra else []
    if missing:
        problem = (
            f"styrkoll {name}: kommandot kräver {dist}[{extra}], som inte är installerat här "
            f"(saknas: {', '.join(missing)}).\n"
            f"Installera det med: pip install '{dist}[{extra}]'"
        )
        return _Plugin(name, command, problem, f"kräver {dist}[{extra}]")
    return _Plugin(name, command, None)


def _plugins(requested: str | None) -> dict[str, _Plugin]:
    """The commands of other packages: none for a built-in command; the requested one alone;
    all of them for help, a missing or an unknown command."""
    if requested in BUILTIN_COMMANDS:
        return {}
    from importlib.metadata import entry_points

    found: dict[str, EntryPoint] = {}
    for entry_point in entry_points(group=COMMAND_GROUP):
        if entry_point.name not in BUILTIN_COMMANDS:
            found.setdefault(entry_point.name, entry_point)
    if requested in found:
        return {requested: _load_plugin(found[requested])}
    return {name: _load_plugin(entry_point) for name, entry_point in sorted(found.items())}


_ARGPARSE_SV = (
    ("usage:", "användning:"),
    ("positional arguments:", "argument:"),
    ("options:", "flaggor:"),
    ("show this help message and exit", "visa den här hjälpen och avsluta"),
    ("the following arguments are required", "följande argument saknas"),
    ("unrecognized arguments", "okända argument"),
    ("invalid choice", "ogiltigt val"),
    ("choose from", "välj bland"),
    ("expected one argument", "ett värde saknas"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with its own words in Swedish and exit code 2 for a wrong command line."""

    def _swedish(self, text: str) -> str:
        for en, sv in _ARGPARSE_SV:
            text = text.replace(en, sv)
        return text

    def format_usage(self) -> str:
        return self._swedish(super().format_usage())

    def format_help(self) -> str:
        return self._swedish(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: fel i kommandoraden: {self._swedish(message)}\n")


def _parser(plugins: dict[str, _Plugin] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="styrkoll",
        description="Styrkoll: internkontroll av enheternas styrdokument mot deklarativa regler.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser(
        "check",
        help="kontrollera handlingar: en fil (.yaml, .json; .txt, .pdf, .docx importeras), "
        "en akt (mapp) eller akt.yaml",
    )
    check.add_argument(
        "files", nargs="+", metavar="FIL", help="handling, mapp med en akt, eller akt.yaml"
    )
    check.add_argument(
        "--config", metavar="FIL", help="organisationens inställningar (trösklar, urval, avstängda)"
    )
    check.add_argument(
        "--format", choices=["text", "json", "junit"], default="text", help="rapportformat"
    )
    check.add_argument(
        "--fail-on",
        choices=["fel", "varning", "info"],
        default="fel",
        help="lägsta allvarlighetsgrad som ger slutkod 1 (standard: fel)",
    )
    check.add_argument("--lang", choices=["sv", "en"], default="sv", help="språk (standard: sv)")
    check.add_argument("--rules", metavar="MAPP", help="regelkatalog (standard: den medföljande)")

    imp = sub.add_parser(
        "import",
        help="läs en handling ur en export (.txt, .pdf, .docx) och skriv den som YAML; "
        "säger vilken sort den lästes som och varför",
    )
    imp.add_argument(
        "file", metavar="FIL", help="exporten: en plan, en rapport eller ett tjänsteutlåtande"
    )
    imp.add_argument("-o", "--output", metavar="UT", help="skriv YAML hit (standard: skärmen)")
    imp.add_argument(
        "--kind",
        choices=list(KIND_NAMES),
        help="handlingens sort, när den inte framgår av texten (standard: avgörs av texten)",
    )
    imp.add_argument(
        "--year", type=int, metavar="ÅR", help="året handlingen gäller, när texten inte anger det"
    )
    imp.add_argument(
        "--nämnd", dest="committee", metavar="NÄMND", help="nämnden, när texten inte namnger den"
    )

    rules = sub.add_parser("rules", help="lista reglerna, eller visa en med 'rules show ID'")
    rules.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    rules.add_argument("rule_id", nargs="?", metavar="ID")
    rules.add_argument(
        "--format", choices=["text", "json", "markdown"], default="text", help="utdataformat"
    )
    rules.add_argument("--lang", choices=["sv", "en"], default="sv")
    rules.add_argument("--rules", metavar="MAPP", help="regelkatalog (standard: den medföljande)")

    schema = sub.add_parser("schema", help="skriv ut JSON-schemat för en handlingstyp")
    schema.add_argument(
        "kind",
        nargs="?",
        default="verksamhetsplan",
        choices=[
            "verksamhetsplan",
            "riskanalys",
            "internkontrollplan",
            "tjänsteutlåtande",
            "tertialrapport",
        ],
        help="handlingstyp (standard: verksamhetsplan; tertialrapport gäller även årsrapport)",
    )
    for plugin in (plugins or {}).values():
        helptext = plugin.command.help if plugin.command is not None else ""
        if plugin.note:
            helptext = f"{helptext} ({plugin.note})" if helptext else f"({plugin.note})"
        plugin_parser = sub.add_parser(plugin.name, help=helptext)
        if plugin.command is not None and plugin.problem is None:
            plugin.command.add_arguments(plugin_parser)
    return parser


def _cmd_import(args: argparse.Namespace) -> int:
    """Import an export, validate it, write YAML and say what was found and what was not."""
    try:
        loaded, report = load_imported(args.file, args.kind, args.year, args.committee)
    except InputError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_INPUT
    data = loaded.document.model_dump(mode="json", by_alias=True, exclude_none=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    sys.stderr.write(report.render(args.file))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.rules)
    config = None
    if args.config:
        try:
            config = load_config(args.config, catalogue)
        except InputError as exc:
            print(exc.render(args.lang), file=sys.stderr)
            return EXIT_INPUT
    results: list[CheckResult] = []
    exit_code = EXIT_OK
    with Checker(catalogue) as checker:
        settle_after_startup()
        for name in args.files:
            try:
                target = load_target(name)
            except InputError as exc:
                print(exc.render(args.lang), file=sys.stderr)
                exit_code = max(exit_code, EXIT_INPUT)
                continue
            try:
                result = checker.check(target, args.lang, config)
            except EngineError as exc:
                print(f"{name}: {exc.render(args.lang)}", file=sys.stderr)
                exit_code = EXIT_INTERNAL
                continue
            results.append(result)
            if result.at_or_above(args.fail_on):
                exit_code = max(exit_code, EXIT_FINDINGS)
    if args.format == "json":
        sys.stdout.write(render_json(results))
    elif args.format == "junit":
        sys.stdout.write(render_junit(results, catalogue, args.lang))
    elif results:
        sys.stdout.write(render_text(results, catalogue, args.lang))
    return exit_code


def _rule_text(catalogue: Catalogue, rule_id: str, lang: str) -> str:
    checked = catalogue.get(rule_id)
    if checked is None:
        raise KeyError(rule_id)
    r = checked.rule
    sv = lang == "sv"
    lines = [
        f"{r.id}  {r.title.get(lang)}",
        f"  {'Allvarlighetsgrad' if sv else 'Severity'}: {r.severity}",
        f"  {'Gäller' if sv else 'Applies to'}: {r.applies_to}",
        f"  {'Varför' if sv else 'Rationale'}: {r.rationale.get(lang)}",
        f"  {'Grund' if sv else 'Reference'}: {r.reference.get(lang)}",
        f"  {'Åtgärd' if sv else 'Remedy'}: {r.remedy.get(lang)}",
        f"  {'Meddelande' if sv else 'Message'}: {r.message.get(lang)}",
        f"  {'Villkor' if sv else 'Condition'} (durable-rules):",
        *("    " + line for line in json.dumps(r.when, ensure_ascii=False, indent=2).splitlines()),
        f"  {'Fil' if sv else 'File'}: {checked.source}",
    ]
    return "\n".join(lines) + "\n"


def _cmd_rules(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.rules)
    if args.action == "show" or args.rule_id:
        if not args.rule_id:
            print("styrkoll rules show: ange ett regel-id, t.ex. C1", file=sys.stderr)
            return EXIT_INPUT
        rule_id = args.rule_id.upper()
        checked = catalogue.get(rule_id)
        if checked is None:
            known = ", ".join(r.id for r in catalogue.rules)
            print(f"styrkoll: ingen regel med id {args.rule_id} (finns: {known})", file=sys.stderr)
            return EXIT_INPUT
        if args.format == "json":
            print(json.dumps(checked.rule.model_dump(mode="json"), ensure_ascii=False, indent=2))
        else:
            sys.stdout.write(_rule_text(catalogue, rule_id, args.lang))
        return EXIT_OK
    if args.format == "markdown":
        sys.stdout.write(render_markdown(catalogue, args.lang))
        return EXIT_OK
    if args.format == "json":
        payload = {
            "version": catalogue.version,
            "hash": catalogue.content_hash,
            "rules": [c.rule.model_dump(mode="json") for c in catalogue.rules],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    head, word = ("Regelkatalog", "regler") if args.lang == "sv" else ("Rule catalogue", "rules")
    print(
        f"{head} {catalogue.version} (sha256 {catalogue.short_hash}), {len(catalogue.rules)} {word}"
    )
    for area in catalogue.areas:
        print(f"\n{area.code}  {area.title.get(args.lang)}")
        for checked in catalogue.rules:
            if checked.rule.area == area.code:
                r = checked.rule
                print(f"  {r.id:<4} {r.severity:<8} {r.title.get(args.lang)}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    requested = words[0] if words and not words[0].startswith("-") else None
    plugins = _plugins(requested)
    chosen = plugins.get(requested) if requested is not None else None
    if chosen is not None and chosen.problem is not None:
        print(chosen.problem, file=sys.stderr)
        return EXIT_INTERNAL
    args = _parser(plugins).parse_args(words)
    try:
        if args.command == "check":
            return _cmd_check(args)
        if args.command == "rules":
            return _cmd_rules(args)
        if args.command == "import":
            return _cmd_import(args)
        if chosen is not None and chosen.command is not None:
            return chosen.command.run(args)
        print(json.dumps(json_schemas()[args.kind], ensure_ascii=False, indent=2))
        return EXIT_OK
    except CatalogueError as exc:
        print("styrkoll: regelkatalogen kan inte användas:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:  # e.g. `styrkoll rules | head`
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
