"""Shared fixtures and the Swedish step vocabulary of the living policy (features/*.feature)."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_bdd import given, parsers, then, when

from checks.catalogue import Catalogue, load_catalogue
from checks.checker import Checker, CheckResult
from checks.dossier import load_target
from checks.facts import derive
from checks.findings import Finding
from checks.loading import compose_yaml, parse_plan

# Every check the tests make, in this process and in the CLI and service processes they start,
# runs the watchman beside the engine (checks.watchman): any difference in matches fails the test.
os.environ.setdefault("STYRKOLL_WATCH", "1")
# Tests check far more often than a person: the per-user rate limits (service.ratelimit) are off
# here, in every app and server process the tests start, except where a test sets them.
os.environ.setdefault("STYRKOLL_RATE_CHECKS", "0")
os.environ.setdefault("STYRKOLL_RATE_UPLOADS", "0")
# Checks run in the request's (or the command's) own process and transaction, on PostgreSQL too,
# so that every test sees an upload's findings in its answer; tests/test_jobs*.py use the queue.
os.environ.setdefault("STYRKOLL_JOBS", "inline")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CLEAN_DOSSIER = EXAMPLES / "akt-2012"
DEFECT_DOSSIER = EXAMPLES / "akt-2012-brister"
CLEAN_EXAMPLE = CLEAN_DOSSIER / "verksamhetsplan.yaml"
DEFECT_EXAMPLE = DEFECT_DOSSIER / "verksamhetsplan.yaml"
SEEDS = ROOT.parent / "shared" / "seeds"


MINIMAL_PLAN = """\
dokument: verksamhetsplan
år: 2012
nämnd: Exempelnämnden
enhet: Exempelenheten
"""


def run_styrkoll(*args: str) -> subprocess.CompletedProcess[str]:
    """`styrkoll ARGS` as a user runs it: a separate process, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "checks.cli", *args], capture_output=True, text=True, timeout=120
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register every rule id as a marker: a feature tag that names no rule fails collection."""
    for rule in load_catalogue().rules:
        config.addinivalue_line("markers", f"{rule.id}: scenarios of rule {rule.id}")


def seed_path(name: str) -> Path:
    """A real document from ../shared/seeds/; skipped with a reason where it is absent.

    Under CI=true the seeds must be there, so a missing folder fails instead of skipping.
    """
    path = SEEDS / name
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the seed {path} is missing")
        pytest.skip(f"the real documents are not beside this clone ({SEEDS} is absent)")
    return path


CORPUS = ROOT.parent / "shared" / "corpus" / "docs"


def corpus_names(*prefixes: str) -> list[str]:
    """The corpus excerpts whose names start with a prefix ("ikplan", "rov" …); a placeholder
    where the corpus is absent, so the test that asks for it says why it skips (or fails, under
    CI=true)."""
    found = sorted(p.name for p in CORPUS.glob("*.txt") if p.name.split("-")[0] in prefixes)
    return found or [f"{'|'.join(prefixes)}-*.txt"]


def corpus_path(name: str) -> Path:
    """A corpus excerpt, as `seed_path` gives a seed: skipped where absent, failing under CI."""
    path = CORPUS / name
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the corpus file {path} is missing")
        pytest.skip(f"the real excerpts are not beside this clone ({CORPUS} is absent)")
    return path


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def checker(catalogue: Catalogue) -> Iterator[Checker]:
    """The real checker, with the engine in its worker process, shared by the session."""
    with Checker(catalogue) as c:
        yield c


@pytest.fixture(scope="session")
def clean_plan_data(clean_dossier_data: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return clean_dossier_data["verksamhetsplan"]


def facts_of(path: Path) -> list[dict[str, Any]]:
    """The facts of a dossier or document with the catalogue's default thresholds and calendar."""
    catalogue = load_catalogue()
    dossier = load_target(path)
    settings = {k: t.default for k, t in catalogue.thresholds.items()}
    return derive(dossier, settings, catalogue.calendar.for_year(dossier.year)).facts


def check_data(checker: Checker, data: dict[str, Any], lang: str = "sv") -> CheckResult:
    """Write plan data as YAML and check it through the same path as `styrkoll check`."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return checker.check(parse_plan(text.encode("utf-8"), "scenario.yaml"), lang)


# --- Givet -------------------------------------------------------------------------------------
#
# A scenario's documents live in `docs`: document kind -> its data, loaded from the clean example
# dossier and changed by the steps. "planen kontrolleras" checks the plan alone; "akten
# kontrolleras" writes every document to a folder and checks it as a dossier, like a user would.

GENITIVE = {
    "planens": "verksamhetsplan",
    "riskanalysens": "riskanalys",
    "internkontrollplanens": "internkontrollplan",
    "tjänsteutlåtandets": "tjänsteutlåtande",
    "årsrapportens": "årsrapport",
}
DEFINITE = {
    "planen": "verksamhetsplan",
    "riskanalysen": "riskanalys",
    "internkontrollplanen": "internkontrollplan",
    "tjänsteutlåtandet": "tjänsteutlåtande",
    "årsrapporten": "årsrapport",
}
FILES = {
    "verksamhetsplan": "verksamhetsplan.yaml",
    "riskanalys": "riskanalys.yaml",
    "internkontrollplan": "internkontrollplan.yaml",
    "tjänsteutlåtande": "tjansteutlatande.yaml",
    "årsrapport": "arsrapport.yaml",
}


@pytest.fixture(scope="session")
def clean_dossier_data() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for kind, name in FILES.items():
        path = CLEAN_DOSSIER / name
        data, _ = compose_yaml(path.read_text(encoding="utf-8"), str(path))
        assert isinstance(data, dict)
        out[kind] = data
    return out


@given("en fullständig verksamhetsplan för 2012", target_fixture="docs")
def complete_plan(clean_dossier_data: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"verksamhetsplan": copy.deepcopy(clean_dossier_data["verksamhetsplan"])}


@given("en fullständig akt för 2012", target_fixture="docs")
def complete_dossier(clean_dossier_data: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return copy.deepcopy(clean_dossier_data)


def _yaml(docstring: str) -> Any:
    return yaml.safe_load(docstring)


def _first_council_goal(docs: dict[str, Any]) -> dict[str, Any]:
    goal: dict[str, Any] = docs["verksamhetsplan"]["inriktningsmål"][0]["mål"][0]
    return goal


@given("att planens första nämndmål har åtagandet:")
def add_commitment(docs: dict[str, Any], docstring: str) -> None:
    board_goal = _first_council_goal(docs)["nämndmål"][0]
    board_goal.setdefault("åtaganden", []).append(_yaml(docstring))


@given("att planens första nämndmål har aktiviteten:")
def add_activity(docs: dict[str, Any], docstring: str) -> None:
    board_goal = _first_council_goal(docs)["nämndmål"][0]
    board_goal.setdefault("aktiviteter", []).append(_yaml(docstring))


@given("att planens första KF-mål har indikatorn:")
def add_indicator(docs: dict[str, Any], docstring: str) -> None:
    _first_council_goal(docs).setdefault("indikatorer", []).append(_yaml(docstring))


@given("att planen har ett åtagande utanför målkedjan:")
def add_loose_commitment(docs: dict[str, Any], docstring: str) -> None:
    docs["verksamhetsplan"].setdefault("åtaganden", []).append(_yaml(docstring))


@given("att planen har ett nämndmål utanför målkedjan:")
def add_loose_board_goal(docs: dict[str, Any], docstring: str) -> None:
    docs["verksamhetsplan"].setdefault("nämndmål", []).append(_yaml(docstring))


@given("att budgeten är:")
def set_budget(docs: dict[str, Any], docstring: str) -> None:
    docs["verksamhetsplan"]["budget"] = _yaml(docstring)


@given(parsers.parse("att budgetens {field} är {value}"))
def set_budget_field(docs: dict[str, Any], field: str, value: str) -> None:
    docs["verksamhetsplan"]["budget"][field] = value


@given(parsers.parse('att planens budgettext är "{text}"'))
def set_budget_text(docs: dict[str, Any], text: str) -> None:
    docs["verksamhetsplan"].setdefault("texter", {})["budget"] = text


_PART = re.compile(r"([^.\[\]]+)|\[(\d+|\+)\]")


def _walk(data: Any, path: str) -> tuple[Any, str | int]:
    """The container and the last key of a path like `risker[1].riskvärde` or `bilagor[+]`."""
    parts: list[str | int] = []
    for name, index in _PART.findall(path):
        parts.append(name if name else (-1 if index == "+" else int(index)))
    node = data
    for part in parts[:-1]:
        node = node[part]
    last = parts[-1]
    if last == -1:  # [+]: append
        node.append(None)
        last = len(node) - 1
    return node, last


def _set(docs: dict[str, Any], genitive: str, path: str, value: Any) -> None:
    node, last = _walk(docs[GENITIVE[genitive]], path)
    if isinstance(value, dict) and isinstance(node[last] if _has(node, last) else None, dict):
        node[last].update(value)
    else:
        node[last] = value


def _has(node: Any, key: str | int) -> bool:
    return (isinstance(node, dict) and key in node) or (
        isinstance(node, list) and isinstance(key, int) and key < len(node)
    )


@given(parsers.re(r"att (?P<genitive>\w+) fält (?P<path>\S+) är:$"))
def set_field_block(docs: dict[str, Any], genitive: str, path: str, docstring: str) -> None:
    _set(docs, genitive, path, _yaml(docstring))


@given(parsers.re(r"att (?P<genitive>\w+) fält (?P<path>\S+) är (?P<value>.+)$"))
def set_field(docs: dict[str, Any], genitive: str, path: str, value: str) -> None:
    _set(docs, genitive, path, _yaml(value))


@given(parsers.re(r"att (?P<genitive>\w+) fält (?P<path>\S+) saknas$"))
def drop_field(docs: dict[str, Any], genitive: str, path: str) -> None:
    node, last = _walk(docs[GENITIVE[genitive]], path)
    del node[last]


@given(parsers.re(r"att akten saknar (?P<definite>\w+)$"))
def drop_document(docs: dict[str, Any], definite: str) -> None:
    del docs[DEFINITE[definite]]


# --- När ---------------------------------------------------------------------------------------


@when("planen kontrolleras", target_fixture="result")
def run_check(checker: Checker, docs: dict[str, Any]) -> CheckResult:
    return check_data(checker, docs["verksamhetsplan"])


@when("akten kontrolleras", target_fixture="result")
def run_dossier_check(checker: Checker, docs: dict[str, Any], tmp_path: Path) -> CheckResult:
    folder = tmp_path / "akt"
    folder.mkdir()
    for kind, data in docs.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / FILES[kind]).write_text(text, encoding="utf-8")
    return checker.check(load_target(folder))


# --- Så ----------------------------------------------------------------------------------------


@then(parsers.parse("ges fyndet {rule_id} för {element}"), target_fixture="finding")
def finding_given(result: CheckResult, rule_id: str, element: str) -> Finding:
    hits = [f for f in result.findings if f.rule_id == rule_id and f.element == element]
    assert len(hits) == 1, (
        f"väntade ett fynd {rule_id} för {element}; fick "
        f"{[(f.rule_id, f.element) for f in result.findings]}"
    )
    return hits[0]


@then(parsers.parse("ges inget fynd {rule_id}"))
def no_finding(result: CheckResult, rule_id: str) -> None:
    hits = [f.message for f in result.findings if f.rule_id == rule_id]
    assert not hits, f"väntade inget fynd {rule_id}; fick {hits}"


@then(parsers.parse("kunde regeln {rule_id} inte bedöma {element}"))
def could_not_judge(result: CheckResult, rule_id: str, element: str) -> None:
    assert result.outcomes[rule_id] == "not_judged", result.outcomes[rule_id]
    elements = [u.element for u in result.unjudged[rule_id]]
    assert element in elements, elements


@then(parsers.parse("regeln {rule_id} är inte tillämplig"))
def not_applicable(result: CheckResult, rule_id: str) -> None:
    assert result.outcomes[rule_id] == "not_applicable", result.outcomes[rule_id]


@then(parsers.parse("fyndet har allvarlighetsgraden {severity}"))
def finding_severity(finding: Finding, severity: str) -> None:
    assert finding.severity == severity


@then(parsers.parse('fyndets meddelande nämner "{text}"'))
def finding_mentions(finding: Finding, text: str) -> None:
    assert text in finding.message.replace("\u00a0", " "), finding.message


@then(parsers.parse('fyndets meddelande är "{text}"'))
def finding_message(finding: Finding, text: str) -> None:
    assert finding.message.replace("\u00a0", " ") == text


# --- the service: the demo database is built once per backend and session, as a template, and
# each test gets its own copy: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL --

PG_URL = os.environ.get("STYRKOLL_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _pg_admin(*statements: str) -> None:
    """Run statements on the configured server, outside a transaction (as CREATE DATABASE must)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


def _pg_drop(name: str) -> None:
    """Drop a database of ours, ending any connection a test left open (PostgreSQL 13+)."""
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _build_demo(url: str, checker: Checker, instance: Path) -> None:
    """Migrate an empty database and load the demo organisation and documents, as the service
    does; every connection is closed afterwards (a PostgreSQL template must have none). The
    app's instance folder (audit checkpoints, key) is `instance`, not the source tree's."""
    from service.app import create_app
    from service.demo import load_demo
    from service.migrate import upgrade

    upgrade(url)
    config = {"TESTING": True, "DATABASE_URL": url, "CHECKER": checker}
    app = create_app({**config, "INSTANCE_PATH": str(instance)})
    try:
        with app.extensions["styrkoll_sessions"]() as session:
            load_demo(session, checker)
    finally:
        app.extensions["styrkoll_engine"].dispose()


class DemoTemplates:
    """The migrated demo database per backend, built on first use and kept for the session."""

    def __init__(self, directory: Path, checker: Checker) -> None:
        self.directory = directory
        self.checker = checker
        self._sqlite: Path | None = None
        self._postgresql: str | None = None

    def sqlite_file(self) -> Path:
        if self._sqlite is None:
            path = self.directory / "demo.db"
            try:
                _build_demo(f"sqlite:///{path}", self.checker, self.directory)
            except BaseException:  # no half-built template for the next test to take as built
                for leftover in self.directory.glob("demo.db*"):
                    leftover.unlink()
                raise
            self._sqlite = path
        return self._sqlite

    def postgresql_database(self) -> str:
        if self._postgresql is None:
            import uuid

            name = f"styrkoll_template_{uuid.uuid4().hex[:12]}"
            _pg_admin(f'CREATE DATABASE "{name}"')
            try:
                _build_demo(_pg_url(name), self.checker, self.directory)
                # nobody may connect to it any more: a connection would stop the copies
                _pg_admin(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
            except BaseException:
                _pg_drop(name)
                raise
            self._postgresql = name
        return self._postgresql

    def drop(self) -> None:
        if self._postgresql is not None:
            name, self._postgresql = self._postgresql, None
            _pg_admin(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE false')
            _pg_drop(name)


@pytest.fixture(scope="session")
def demo_templates(
    tmp_path_factory: pytest.TempPathFactory, checker: Checker
) -> Iterator[DemoTemplates]:
    templates = DemoTemplates(tmp_path_factory.mktemp("demo-template"), checker)
    yield templates
    templates.drop()


def _sqlite_copy(template: Path, target: Path) -> None:
    """A consistent copy of the whole database, by SQLite's backup API."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy_:
        source.backup(copy_)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """This test's own database on each backend: a copy of the demo database when the test uses
    `service_app` (the app runs on it), else an empty one without a schema."""
    demo: DemoTemplates | None = None
    if "service_app" in request.fixturenames:
        demo = request.getfixturevalue("demo_templates")
    if request.param == "sqlite":
        path = tmp_path / "styrkoll.db"
        if demo is not None:
            _sqlite_copy(demo.sqlite_file(), path)
        yield f"sqlite:///{path}"
    else:
        import uuid

        template = f' TEMPLATE "{demo.postgresql_database()}"' if demo is not None else ""
        name = f"styrkoll_t_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{name}"{template}')
        try:
            yield _pg_url(name)
        finally:
            _pg_drop(name)


@pytest.fixture
def service_app(database_url: str, checker: Checker, tmp_path: Path) -> Iterator[Any]:
    """The app on this test's own copy of the migrated database with the demo organisation,
    users and documents (see `database_url`), its instance folder (the audit trail's
    checkpoints and key) the test's own `tmp_path`."""
    from service.app import create_app

    config = {"TESTING": True, "DATABASE_URL": database_url, "CHECKER": checker}
    app = create_app({**config, "INSTANCE_PATH": str(tmp_path)})
    yield app
    app.extensions["styrkoll_engine"].dispose()
