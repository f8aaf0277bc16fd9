"""The checker stands apart from the service: `checks/` never imports `service/`, the checker's
commands never load Flask or SQLAlchemy, and the service's commands join `styrkoll` only through
the entry-point group `styrkoll.commands`."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLEAN_DOSSIER, ROOT, run_styrkoll, seed_path
from tests.test_import import PLAN

# The service and what only the service needs (the extra `service`).
SERVICE_ONLY = ("service", "flask", "flask_openapi3", "sqlalchemy", "alembic", "werkzeug", "argon2")
SERVICE_COMMANDS = ("serve", "db", "recheck", "worker", "audit")


def service_imports(source: str, filename: str = "<source>") -> list[str]:
    """Every import of `service` in a module, at any depth: `import service.x`, `from service
    import x`, `importlib.import_module("service...")`, `__import__("service...")`."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if called in ("import_module", "__import__") and isinstance(first, ast.Constant):
                names = [str(first.value)]
        line = getattr(node, "lineno", 0)
        found += [f"{filename}:{line}: {name}" for name in names if _is_service(name)]
    return found


def _is_service(module: str) -> bool:
    return module.split(".")[0] == "service"


def test_the_scan_finds_service_imports_wherever_they_are() -> None:
    source = (
        "import json\n"
        "import service.app\n"
        "from service import store\n"
        "def f():\n"
        "    from service.cli import run\n"
        "    import importlib\n"
        "    return importlib.import_module('service.audit'), __import__('service')\n"
        "from checks import service_like\n"
        "import servicex\n"
    )
    assert [hit.split(": ")[1] for hit in service_imports(source)] == [
        "service.app",
        "service",
        "service.cli",
        "service.audit",
        "service",
    ]


def test_checks_never_imports_service() -> None:
    modules = sorted((ROOT / "checks").rglob("*.py"))
    assert len(modules) > 10
    found = [
        hit
        for path in modules
        for hit in service_imports(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == [], "checks/ importerar service/:\n" + "\n".join(found)


LOADED_MODULES = """
import json, sys
from checks.cli import main
try:
    code = main(sys.argv[2:])
except SystemExit as exc:  # --help
    code = exc.code
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def loaded_modules(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """`styrkoll ARGS` in a fresh interpreter: its exit code and every module it loaded."""
    out = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", LOADED_MODULES, str(out), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert out.is_file(), proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    return data["code"], set(data["modules"])


def _service_only(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in SERVICE_ONLY)


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (("check", str(CLEAN_DOSSIER)), {0}),
        (("rules",), {0}),
        (("schema",), {0}),
        (("import", str(seed_path(PLAN)), "-o", "plan.yaml"), {0}),
    ],
    ids=["check", "rules", "schema", "import"],
)
def test_the_checker_commands_load_nothing_of_the_service(
    tmp_path: Path, args: tuple[str, ...], codes: set[int]
) -> None:
    code, modules = loaded_modules(tmp_path, *args)
    assert code in codes
    assert "checks.cli" in modules and "checks.catalogue" in modules
    assert _service_only(modules) == []


def test_a_service_command_is_loaded_through_its_entry_point_only_when_asked(
    tmp_path: Path,
) -> None:
    code, modules = loaded_modules(tmp_path, "db", "--help")
    assert code == 0
    assert "service.cli" in modules  # the one plugin module, and nothing heavy for help
    assert _service_only(modules) == ["service", "service.cli"]


def test_help_lists_the_service_commands_from_the_entry_points() -> None:
    proc = run_styrkoll("--help")
    assert proc.returncode == 0, proc.stderr
    for command in SERVICE_COMMANDS:
        assert f"    {command} " in proc.stdout, proc.stdout
    assert "databasens schema: upgrade eller downgrade" in proc.stdout
    db_help = run_styrkoll("db", "--help")
    assert db_help.stdout.startswith("användning: styrkoll db") and "upgrade" in db_help.stdout
    unknown = run_styrkoll("serv")
    assert unknown.returncode == 2 and "ogiltigt val: 'serv'" in unknown.stderr
    assert "'serve'" in unknown.stderr


def test_the_entry_points_name_the_service_commands() -> None:
    from importlib.metadata import entry_points

    from checks.cli import COMMAND_GROUP

    points = {ep.name: ep.value for ep in entry_points(group=COMMAND_GROUP)}
    assert points == {name: f"service.cli:{name.upper()}" for name in SERVICE_COMMANDS}
    for name in SERVICE_COMMANDS:
        command = entry_points(group=COMMAND_GROUP)[name].load()
        assert command.extra == "service" and command.help


def test_a_command_that_cannot_be_loaded_is_named_not_a_traceback() -> None:
    from importlib.metadata import EntryPoint

    from checks.cli import COMMAND_GROUP, _load_plugin

    plugin = _load_plugin(EntryPoint("extra", "no_such_module:COMMAND", COMMAND_GROUP))
    assert plugin.command is None and plugin.note == "kan inte laddas"
    assert plugin.problem == (
        "styrkoll extra: kommandot kan inte laddas (no_such_module:COMMAND): "
        "No module named 'no_such_module'"
    )
