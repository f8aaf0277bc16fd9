"""The limits against a real server: gunicorn with 3 workers on a copy of the demo database, as
`make serve` runs it, with a 3-second import budget. Bombs arrive in parallel while /healthz is
polled every 0.5 s: /healthz keeps answering, every bomb is refused (413/422, never 500) within
its budget, and no gunicorn worker is killed or replaced.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from checks.checker import Checker
from tests import bombs
from tests.conftest import DemoTemplates, _sqlite_copy
from tests.test_limits import DOCX, import_workers
from tests.test_service import tokens

BUDGET = 3  # seconds per import on this server
# what a request may take beyond the budget: handling, and a machine shared with other work
# (gunicorn's own timeout, which the bombs reached before, is 30 s)
SLACK = 5
WORKERS = 3
WARM = bombs.docx_text(["Verksamhetsplan", "Enheten"])  # read, and refused for its content
GUNICORN = Path(sys.executable).with_name("gunicorn")


class Server:
    def __init__(self, url: str, proc: subprocess.Popen[bytes], log: Path, token: str) -> None:
        self.url, self.proc, self.log, self.token = url, proc, log, token

    def workers(self) -> set[int]:
        return {p.pid for p in psutil.Process(self.proc.pid).children()}

    def ready(self) -> bool:
        """Every gunicorn worker has an import worker (started by an import, or in place of one
        killed): what a server that has been serving looks like."""
        return all(import_workers(psutil.Process(pid)) for pid in self.workers())

    def warm(self) -> None:
        """Imports until every gunicorn worker has started its import worker (which worker
        takes a request is the kernel's choice: twice as many at once as there are workers)."""
        deadline = time.monotonic() + 120
        while not self.ready():
            state = {pid: import_workers(psutil.Process(pid)) for pid in self.workers()}
            assert time.monotonic() < deadline, f"import workers did not start: {state}"
            _in_parallel(self, [[("varm.docx", WARM)]] * (2 * WORKERS))
            time.sleep(0.2)

    def settle(self) -> None:
        """Wait, sending nothing, until the import workers killed for overrunning their budget
        have been replaced (beside the requests, by each gunicorn worker's pool)."""
        deadline = time.monotonic() + 120
        while not self.ready():
            assert time.monotonic() < deadline, "the killed import workers were not replaced"
            time.sleep(0.1)

    def post(self, name: str, raw: bytes) -> tuple[int, dict[str, Any], float]:
        media = {"pdf": "application/pdf", "docx": DOCX}[name.rsplit(".", 1)[1]]
        request = urllib.request.Request(
            f"{self.url}/api/v1/checks?filename={name}&year=2012",
            data=raw,
            method="POST",
            headers={"Content-Type": media, "Authorization": f"Bearer {self.token}"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        return status, json.loads(body), time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, demo_templates: DemoTemplates, checker: Checker
) -> Iterator[Server]:
    from service.app import create_app

    folder = tmp_path_factory.mktemp("server")
    database = folder / "styrkoll.db"
    _sqlite_copy(demo_templates.sqlite_file(), database)
    url = f"sqlite:///{database}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CHECKER": checker})
    token = tokens(app)["enhet"]
    app.extensions["styrkoll_engine"].dispose()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "limits-test-" + os.urandom(8).hex(),
        "STYRKOLL_INSTANCE": str(folder),
        "STYRKOLL_LIMIT_IMPORT_SECONDS": str(BUDGET),
    }
    log = folder / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(GUNICORN), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
            + ["service.app:create_app()"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text(errors="replace")) from None
                time.sleep(0.2)
        while len(psutil.Process(proc.pid).children()) < WORKERS:
            time.sleep(0.1)
        yield Server(base, proc, log, token)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Health(threading.Thread):
    """GET /healthz every 0.5 s until stopped: (status or error, seconds) of each."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.answers: list[tuple[int | str, float]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=BUDGET + 5) as r:
                    status: int | str = r.status
            except Exception as exc:  # noqa: BLE001 - any failure is what the test looks for
                status = repr(exc)
            self.answers.append((status, time.perf_counter() - started))
            self.done.wait(0.5)


def _in_parallel(server: Server, sends: list[list[tuple[str, bytes]]]) -> list[Any]:
    """Each list of (name, bomb) sent in order by a thread of its own, all threads at once."""
    results: list[Any] = []

    def send(items: list[tuple[str, bytes]]) -> None:
        for name, raw in items:
            results.append((name, *server.post(name, raw)))

    threads = [threading.Thread(target=send, args=(items,)) for items in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _refused_within_budget(results: list[Any], count: int) -> None:
    assert len(results) == count
    for name, status, body, seconds in results:
        assert status in (413, 422), (name, status, body)
        assert body["detail"].startswith(f"{name}: "), body
        assert seconds < BUDGET + SLACK, (name, seconds)


def test_bombs_in_parallel_never_stop_the_server(server: Server) -> None:
    server.warm()
    workers = server.workers()
    health = Health(server.url)
    health.start()
    slow: Callable[[], bytes] = bombs.pdf_slow
    # as many slow PDFs as there are workers: each is stopped at the budget, none kills a worker
    results = _in_parallel(server, [[(f"seg{i}.pdf", slow())] for i in range(WORKERS)])
    _refused_within_budget(results, WORKERS)
    for _, _, body, _ in results:
        assert "kunde inte läsas inom 3 sekunder" in body["detail"]
    server.settle()
    # the bombs, PDF and Word at once, leaving a worker free for /healthz
    pdfs = [("sidor.pdf", bombs.pdf_pages()), ("filter.pdf", bombs.pdf_unknown_filter())]
    words = [
        ("uppblast.docx", bombs.docx_inflating()),
        ("ljuger.docx", bombs.docx_lying()),
        ("djup.docx", bombs.docx_deep()),
        ("skratt.docx", bombs.docx_entities()),
        ("text.docx", bombs.docx_text_node()),
    ]
    # the slow one last: a killed worker's replacement is not waited for by the next request
    mixed = _in_parallel(server, [[*pdfs, ("seg.pdf", slow())], words])
    _refused_within_budget(mixed, len(pdfs) + len(words) + 1)
    time.sleep(1)
    health.done.set()
    health.join(BUDGET + 10)
    assert len(health.answers) >= 6
    assert all(status == 200 for status, _ in health.answers), health.answers
    # never a stall of gunicorn's 30 s timeout: at most a budget's wait when all workers read
    assert max(seconds for _, seconds in health.answers) < BUDGET + SLACK, health.answers
    assert server.workers() == workers  # no worker killed or replaced
    log = server.log.read_text(errors="replace")
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log
    assert '"status": 500' not in log
