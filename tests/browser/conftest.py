"""The browser tests' fixtures: Debian's Chromium driven by Playwright (one browser for the
session, never a downloaded one) against a real server process (gunicorn, as `make serve` runs
it) on a real database per backend, a copy of the demo database (tests/conftest.py's templates).

Every page a test visits is checked with axe-core (node_modules/axe-core, `make test` installs it
from package-lock.json) - no violation of impact serious or critical - and photographed into
build/screenshots/<backend>/. Without Chromium or axe-core the tests skip with the reason; with
CI=true they fail instead.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BACKENDS, ROOT, DemoTemplates, _pg_admin, _pg_drop, _pg_url, _sqlite_copy

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
# What axe checks: WCAG 2.0 and 2.1, levels A and AA, and its best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def _missing() -> str | None:
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} saknas (installera Debians chromium: make system-packages)"
    if not AXE.is_file():
        return f"{AXE.relative_to(ROOT)} saknas (kör npm ci --ignore-scripts, eller make test)"
    return None


# Package scope, not session: Playwright's sync API keeps an asyncio loop set as running in this
# thread while it is open, so a later test that runs a coroutine (a job worker in process) would
# find "a running event loop". The browser and its servers end with the browser tests.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: webbläsartesterna kan inte köras: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield found
        finally:
            found.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """A running service: its address, backend and log."""

    url: str
    backend: str
    log: Path


@pytest.fixture(scope="package", params=BACKENDS)
def server(
    request: pytest.FixtureRequest,
    demo_templates: DemoTemplates,
    tmp_path_factory: pytest.TempPathFactory,
    browser: Any,  # no server is started when the browser tests cannot run
) -> Iterator[Server]:
    """gunicorn with one worker on a free port, on its own copy of the demo database."""
    folder = tmp_path_factory.mktemp(f"server-{request.param}")
    database = ""
    if request.param == "sqlite":
        _sqlite_copy(demo_templates.sqlite_file(), folder / "styrkoll.db")
        url = f"sqlite:///{folder / 'styrkoll.db'}"
    else:
        database = f"styrkoll_b_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{database}" TEMPLATE "{demo_templates.postgresql_database()}"')
        url = _pg_url(database)
    port = _free_port()
    log = folder / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": uuid.uuid4().hex,
        "STYRKOLL_INSTANCE": str(folder),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "--workers",
                "1",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "service.app:create_app()",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process, log)
        yield Server(base, request.param, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if database:
            _pg_drop(database)


def _wait(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer in 60 s:\n{log.read_text()[-4000:]}")


@dataclass
class Visit:
    """A browser page on the server that checks every page it shows: `seen(name)` after each
    navigation runs axe-core and saves a screenshot (axe.txt beside it lists any lesser
    violation); at the end, no page may have gone unseen."""

    page: Any
    server: Server
    folder: Path
    pending: list[str] = field(default_factory=list)  # navigations since the last check
    last: str = ""  # the last page checked (without a #fragment)
    count: int = 0

    def unchecked(self) -> set[str]:
        """Pages navigated to since the last check (a #fragment of the last one is no new page)."""
        return {url.split("#")[0] for url in self.pending} - {self.last}

    def go(self, path: str, name: str) -> Any:
        response = self.page.goto(self.server.url + path)
        self.seen(name)
        return response

    def seen(self, name: str) -> list[dict[str, Any]]:
        """axe-core on the page as it stands, then a screenshot; fails on a serious or critical
        violation."""
        self.page.wait_for_load_state("load")
        shown = self.unchecked()
        assert len(shown) <= 1, f"pages shown without axe before {name}: {shown}"
        self.pending.clear()
        self.last = self.page.url.split("#")[0]
        self.count += 1
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{slug}.png"), full_page=True)
        self.page.add_script_tag(path=str(AXE))
        violations: list[dict[str, Any]] = self.page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
            }""",
            AXE_TAGS,
        )
        if violations:  # the lesser ones too, for a person to look at
            with (self.folder / "axe.txt").open("a", encoding="utf-8") as report:
                for v in violations:
                    report.write(f"{name}: {v['impact']} {v['id']}: {v['help']} {v['nodes']}\n")
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"axe: {name} ({self.page.url}): {blocking}"
        return violations


@pytest.fixture
def visit(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Visit]:
    """A fresh browser context (no cookies) on the server, its pages checked (see `Visit`)."""
    # axe is injected as a script of its own, which the pages' content security policy (rightly)
    # refuses: the test context alone bypasses it
    context = browser.new_context(
        bypass_csp=True, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    test = re.sub(r"[^a-z0-9-]+", "-", request.node.name.lower()).strip("-")
    folder = SCREENSHOTS / server.backend / test
    folder.mkdir(parents=True, exist_ok=True)
    for old in (*folder.glob("*.png"), *folder.glob("axe.txt")):
        old.unlink()
    found = Visit(page, server, folder)
    page.on(
        "framenavigated",
        lambda frame: frame == page.main_frame and found.pending.append(frame.url),
    )
    try:
        yield found
        assert not found.unchecked(), f"pages shown without axe at the end: {found.unchecked()}"
    finally:
        context.close()
