"""The engine in a worker process: `IsolatedEngine` in the caller, `serve` in the worker
(`python -m checks.worker IN OUT RULES HASH`, started by `IsolatedEngine`, never by hand: IN and
OUT are pipe descriptors). A crash in the C core becomes an `EngineError` for one check, and the
next check gets a fresh worker. The worker's address space is capped (`checks.limits`:
check_memory) and an evaluation that takes longer than check_seconds is abandoned.

Imports run in workers of their own, started the same way (`spawn`): see `checks.import_worker`.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from checks.catalogue import Catalogue, CatalogueError, load_catalogue
from checks.engine import Engine, EngineError, Match
from checks.facts import Fact
from checks.limits import current

_LOG = logging.getLogger(__name__)


def limit_memory(limit: int) -> None:
    """Cap this process's address space: past it, allocations fail (MemoryError) instead of the
    machine swapping."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(inbox: Connection, outbox: Connection, rules_dir: str, expected_hash: str) -> None:
    """The worker process: build the engine once, then answer evaluations until told to stop."""
    try:
        limit_memory(current().check_memory)
        catalogue = load_catalogue(rules_dir)
        if catalogue.content_hash != expected_hash:
            outbox.send(("error", ("regelkatalogen ändrades under körningen", "catalogue changed")))
            return
        engine = Engine(catalogue)
        gc.freeze()  # startup objects never die: keep them out of every later collection
        outbox.send(("ready", catalogue.content_hash))
    except CatalogueError as exc:
        text = "regelkatalogen kan inte användas: " + "; ".join(exc.problems)
        outbox.send(("error", (text, "the rule catalogue cannot be used")))
        return
    except Exception as exc:  # report, then exit: the parent turns it into an EngineError
        _LOG.error("engine worker could not start: %r", exc)
        outbox.send(("error", ("regelmotorns arbetsprocess kunde inte starta", "worker failed")))
        return
    while True:
        try:
            message = inbox.recv()
        except (EOFError, OSError):
            return
        op = message[0]
        if op == "stop":
            return
        if op == "crash":  # used by the tests to prove that a crash in C is contained
            ctypes.string_at(0)
        try:
            outbox.send(("ok", engine.evaluate(message[1])))
        except EngineError as exc:
            outbox.send(("error", (exc.message_sv, exc.message_en)))
            return  # an engine error recycles the worker
        except Exception as exc:
            _LOG.error("engine worker: internal error: %r", exc)
            outbox.send(("error", ("internt fel i regelmotorn", "internal error in the engine")))
            return


class IsolatedEngine:
    """Evaluates in a worker process; a crash or hang there is an `EngineError` for one check.

    The worker is a fresh interpreter (`python -m checks.worker`) talking over two pipes, so it
    never re-imports the caller's main module and is safe to start from threaded servers.
    """

    def __init__(self, catalogue: Catalogue, timeout: float | None = None) -> None:
        self.catalogue = catalogue
        self.timeout = float(current().check_seconds) if timeout is None else timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._inbox: Connection | None = None  # the worker's answers
        self._outbox: Connection | None = None  # our requests
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _start(self) -> None:
        self._proc, self._inbox, self._outbox = spawn(
            "checks.worker", [self.catalogue.directory, self.catalogue.content_hash]
        )
        self.starts += 1
        status, payload = self._receive()
        if status != "ready":
            self._stop()
            raise EngineError(*payload)

    def _receive(self) -> tuple[str, Any]:
        assert self._inbox is not None and self._proc is not None
        try:
            if not self._inbox.poll(self.timeout):
                self._stop()
                raise EngineError(
                    f"regelmotorn svarade inte inom {self.timeout:g} s; kontrollen avbröts",
                    f"the rule engine did not answer within {self.timeout:g} s; check aborted",
                )
            result: tuple[str, Any] = self._inbox.recv()
            return result
        except (EOFError, OSError):
            try:
                code = self._proc.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            self._stop()
            raise EngineError(
                f"regelmotorn avbröts (avslutningskod {code}); kontrollen gav inget resultat "
                "och en ny arbetsprocess startas för nästa kontroll",
                f"the rule engine crashed (exit code {code}); the check gave no result and a "
                "fresh worker starts for the next check",
            ) from None

    def _stop(self) -> None:
        for conn in (self._inbox, self._outbox):
            if conn is not None:
                conn.close()
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait(5)
        self._proc, self._inbox, self._outbox = None, None, None

    def _call(self, message: tuple[Any, ...]) -> list[Match]:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._stop()
                self._start()
            assert self._outbox is not None
            try:
                self._outbox.send(message)
            except (OSError, ValueError):
                self._stop()
                raise EngineError(
                    "regelmotorn kunde inte nås", "the rule engine could not be reached"
                ) from None
            status, payload = self._receive()
            if status != "ok":
                self._stop()
                raise EngineError(*payload)
            return [(name, dict(refs)) for name, refs in payload]

    def evaluate(self, facts: Sequence[Fact]) -> list[Match]:
        """Every rule match for these facts, evaluated in the worker process."""
        return self._call(("eval", list(facts)))

    def crash_worker_for_test(self) -> list[Match]:
        """Make the worker segfault in C; the caller gets the `EngineError` a real crash gives."""
        return self._call(("crash",))

    def close(self) -> None:
        with self._lock:
            if self._outbox is not None:
                try:
                    self._outbox.send(("stop",))
                except (OSError, ValueError):
                    pass
            if self._proc is not None:
                try:
                    self._proc.wait(2)
                except subprocess.TimeoutExpired:
                    pass
            self._stop()

    def __enter__(self) -> IsolatedEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def spawn(module: str, args: list[str]) -> tuple[subprocess.Popen[bytes], Connection, Connection]:
    """`python -m MODULE IN OUT ARGS…`: the process, its answers, our requests."""
    to_worker_r, to_worker_w = os.pipe()
    from_worker_r, from_worker_w = os.pipe()
    package_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", module, str(to_worker_r), str(from_worker_w), *args]
    try:
        proc = subprocess.Popen(command, pass_fds=(to_worker_r, from_worker_w), env=env)
    finally:
        os.close(to_worker_r)
        os.close(from_worker_w)
    return (
        proc,
        Connection(from_worker_r, writable=False),
        Connection(to_worker_w, readable=False),
    )


def main(argv: list[str]) -> int:
    inbox_fd, outbox_fd, rules_dir, expected_hash = argv
    inbox = Connection(int(inbox_fd), writable=False)
    outbox = Connection(int(outbox_fd), readable=False)
    try:
        serve(inbox, outbox, rules_dir, expected_hash)
    finally:
        inbox.close()
        outbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
