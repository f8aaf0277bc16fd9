"""The wheel outside the checkout: built, installed into fresh virtual environments with the
dependencies uv.lock pins, and run from a folder that has nothing to do with the repository.

A checker-only environment (no extra) checks, imports and lists the rules from the catalogue that
ships in the wheel, and says in Swedish that the service commands need `styrkoll[service]`; an
environment with the extra migrates a database, which proves the migrations ship too.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import DEFECT_DOSSIER, ROOT
from tests.test_import import PLAN, latin1_text

UV = Path(sys.executable).with_name("uv")
BUILD_LEFTOVERS = (
    ".git",
    ".venv*",
    "*.egg-info",
    "build",
    "dist",
    "instance",
    "__pycache__",
    ".*cache",
    ".hypothesis",
    "node_modules",
)
SERVICE_MODULES = ("flask", "flask_openapi3", "sqlalchemy", "alembic", "argon2", "psycopg")
# What the developer's shell may carry that would point an installed styrkoll back at the checkout.
SCRUBBED = (
    *("VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON"),
    *("STYRKOLL_RULES", "STYRKOLL_INSTANCE", "DATABASE_URL"),
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(extra)
    return env


def _run(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _ok(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    proc = _run(*args, cwd=cwd, **env)
    assert proc.returncode == 0, f"{args}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _environment(folder: Path, wheel: Path, extras: tuple[str, ...]) -> Path:
    """A fresh virtual environment in `folder`: the locked dependencies (hashes checked), then
    the wheel alone. Returns its bin/ folder."""
    folder.mkdir()
    requirements = folder / "requirements.txt"
    extra_args = [a for e in extras for a in ("--extra", e)]
    _ok(UV, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-header",
        "--format", "requirements-txt", *extra_args, "-o", requirements, cwd=ROOT)  # fmt: skip
    venv = folder / "venv"
    _ok(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=folder)
    python = venv / "bin" / "python"
    _ok(UV, "pip", "install", "--quiet", "--python", python, "--require-hashes",
        "-r", requirements, cwd=folder)  # fmt: skip
    _ok(UV, "pip", "install", "--quiet", "--python", python, "--no-deps", wheel, cwd=folder)
    return venv / "bin"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the checkout without build leftovers: setuptools would
    otherwise reuse the file list of an earlier build (styrkoll.egg-info/SOURCES.txt) and ship
    files that pyproject.toml no longer declares. The checkout itself stays untouched."""
    source = tmp_path_factory.mktemp("source") / "styrkoll"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS))
    dist = tmp_path_factory.mktemp("dist")
    _ok(UV, "build", "--wheel", "--quiet", "--out-dir", dist, source, cwd=dist)
    (found,) = dist.glob("styrkoll-*.whl")
    return found


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder outside the checkout, with an example dossier and an export in it."""
    work = tmp_path_factory.mktemp("work")
    assert not work.resolve().is_relative_to(ROOT)
    shutil.copytree(DEFECT_DOSSIER, work / "akt")
    (work / "plan.txt").write_text(latin1_text(PLAN), encoding="utf-8")
    return work


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists the packages by name (the rules are mapped onto rules/): a new
    subpackage that is not listed would be missing from the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("checks", "service")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk - listed == set(), "lägg till paketen i [tool.setuptools] packages"
    assert config["tool"]["setuptools"]["package-dir"] == {
        "checks.rules": "rules",
        "checks.features": "features",
    }


def test_the_wheel_carries_the_rules_and_the_migrations(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    rules = {f"checks/rules/{p.relative_to(ROOT / 'rules')}" for p in ROOT.glob("rules/**/*.yaml")}
    assert "checks/rules/catalogue.yaml" in rules and "checks/rules/kalender/standard.yaml" in rules
    assert rules <= names
    assert {"service/migrations/env.py", "service/migrations/script.py.mako"} <= names
    assert any(n.startswith("service/migrations/versions/0001_") for n in names)
    # the living policy the pages show, the pages' templates, styles and message catalogues,
    # the reports' templates
    features = {f"checks/features/{p.name}" for p in ROOT.glob("features/*.feature")}
    assert features and features <= names
    for folder in ("service/web/templates", "service/web/static", "service/reports/templates"):
        files = {str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert files and files <= names, folder
    assert {
        f"service/translations/{lang}/LC_MESSAGES/messages.mo" for lang in ("sv", "en")
    } <= names
    points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(points).decode()
    assert "[styrkoll.commands]" in text and "serve = service.cli:SERVE" in text


def test_the_checker_alone_outside_the_checkout(wheel: Path, outside: Path) -> None:
    bin_ = _environment(outside / "checker", wheel, extras=())
    styrkoll = bin_ / "styrkoll"

    absent = _ok(
        bin_ / "python",
        "-c",
        "import importlib.util, sys; "
        "print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m)))",
        *SERVICE_MODULES,
        cwd=outside,
    )
    assert absent.stdout.strip() == "", "the checker-only environment has the service's libraries"
    where = _ok(
        bin_ / "python",
        "-c",
        "from checks.catalogue import default_rules_dir; print(default_rules_dir())",
        cwd=outside,
    )
    rules_dir = Path(where.stdout.strip())
    assert rules_dir.is_relative_to(outside / "checker" / "venv"), rules_dir
    assert (rules_dir / "catalogue.yaml").is_file()

    listing = _ok(styrkoll, "rules", cwd=outside)
    assert listing.stdout.startswith("Regelkatalog ") and "C1   fel" in listing.stdout

    checked = _run(styrkoll, "check", "akt", cwd=outside)
    assert checked.returncode == 1, checked.stderr  # findings, there on purpose
    assert "FEL (" in checked.stdout and "Traceback" not in checked.stderr

    imported = _ok(styrkoll, "import", "plan.txt", "-o", "plan.yaml", cwd=outside)
    assert "hittade:" in imported.stderr
    plan = yaml.safe_load((outside / "plan.yaml").read_text(encoding="utf-8"))
    assert plan["dokument"] == "verksamhetsplan"

    for command in (["serve"], ["db", "upgrade"]):
        refused = _run(styrkoll, *command, cwd=outside)
        assert refused.returncode == 3, refused.stderr
        assert f"styrkoll {command[0]}: kommandot kräver styrkoll[service]" in refused.stderr
        assert "pip install 'styrkoll[service]'" in refused.stderr
        assert "Traceback" not in refused.stderr and refused.stdout == ""
    helptext = _ok(styrkoll, "--help", cwd=outside).stdout
    assert "(kräver styrkoll[service])" in helptext.replace("\n", " ").replace("  ", " ")


def test_the_service_extra_migrates_outside_the_checkout(wheel: Path, outside: Path) -> None:
    bin_ = _environment(outside / "service", wheel, extras=("service",))
    styrkoll = bin_ / "styrkoll"
    database = outside / "styrkoll-test.db"
    migrated = _ok(styrkoll, "db", "upgrade", cwd=outside, DATABASE_URL=f"sqlite:///{database}")
    assert "databasen upgrade: klar" in migrated.stdout
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"alembic_version", "audit_entry"} <= tables, tables
    verified = _ok(styrkoll, "audit", "verify", cwd=outside, DATABASE_URL=f"sqlite:///{database}")
    assert "granskningsloggen är hel" in verified.stdout

    # Without DATABASE_URL: the instance folder, STYRKOLL_INSTANCE or the environment's var/.
    _ok(styrkoll, "db", "upgrade", cwd=outside, STYRKOLL_INSTANCE=str(outside / "inst"))
    assert (outside / "inst" / "styrkoll.db").is_file()
    _ok(styrkoll, "db", "upgrade", cwd=outside)
    assert (outside / "service" / "venv" / "var" / "styrkoll-instance" / "styrkoll.db").is_file()
    assert not list((outside / "service" / "venv").glob("lib/*/site-packages/instance"))
