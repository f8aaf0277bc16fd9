"""Imports in worker processes, within the budget of `checks.limits`: `import_budgeted` in the
caller, `serve_imports` in a worker of a small pool (`python -m checks.import_worker IN OUT
MEMORY`, started by the pool, never by hand; IN and OUT are pipe descriptors).

An import that takes longer than import_seconds is refused with a Swedish `InputError` and its
worker killed and replaced, so a runaway document costs one import, never the server process that
asked. The worker's address space is capped at import_memory (RLIMIT_AS: past it, allocations
fail), and its CPU time per import too (RLIMIT_CPU, in case its caller died and cannot kill it).
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import math
import os
import resource
import subprocess
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from checks.limits import Limits, current, size
from checks.worker import limit_memory, spawn

START_SECONDS = 60.0  # a worker that is not ready by then is broken


def serve_imports(inbox: Connection, outbox: Connection, memory: int) -> None:
    """An import worker: the importers loaded before the budget runs, its address space capped,
    then `checks.importers.import_here` for each request until told to stop."""
    from checks.importers import guards, import_here
    from checks.loading import InputError

    for name in guards.LIBRARIES:  # loaded now: the budget is the document's
        __import__(name)
    limit_memory(memory)
    outbox.send(("ready", os.getpid()))
    while True:
        try:
            message = inbox.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        _, seconds, args = message
        used = resource.getrusage(resource.RUSAGE_SELF)
        cpu = math.ceil(used.ru_utime + used.ru_stime) + math.ceil(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.RLIM_INFINITY))
        try:
            outbox.send(("ok", import_here(*args)))
        except InputError as exc:
            outbox.send(("refused", dataclasses.asdict(exc)))
        except MemoryError:
            outbox.send(("memory", None))
            return  # a fresh heap for the next import
        except RecursionError:
            outbox.send(("nested", None))
        except Exception:  # a bug of ours: the caller raises it with this traceback
            outbox.send(("bug", traceback.format_exc()))


# an import worker: the limits it was started with, its process, its answers, our requests
_Worker = tuple[Limits, "subprocess.Popen[bytes]", Connection, Connection]


class ImportWorkerError(RuntimeError):
    """The import worker could not start, or an importer failed with a bug (not a refusal)."""


class ImportPool:
    """Import workers: one per import at a time, started when none is idle, kept (up to `keep`)
    for the next import, killed and replaced when an import overruns its budget."""

    def __init__(self, keep: int = 2) -> None:
        self.keep = keep
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()  # a forked child never stops its parent's workers
        self.starts = 0

    def run(self, args: tuple[Any, ...], source: str) -> Any:
        """`import_here(*args)` in a worker; an `InputError` for a refusal or an overrun."""
        from checks.loading import InputError

        limits = current()
        worker = self._take(limits)
        _, proc, inbox, outbox = worker
        seconds = limits.import_seconds
        payload: Any = None
        try:
            outbox.send(("import", seconds, args))
            answered = inbox.poll(seconds)
            status, payload = inbox.recv() if answered else ("timeout", None)
        except (EOFError, OSError):
            status = "lost"
        except BaseException:
            _kill(worker)
            raise
        if status in ("ok", "refused"):
            self._give(worker)
        else:
            _kill(worker)
            self._replace(limits)
        if status == "ok":
            return payload
        if status == "refused":
            raise InputError(**payload)
        if status == "bug":
            raise ImportWorkerError(f"the importer failed in its worker process:\n{payload}")
        sv, en = _OVERRUN.get(status) or _OVERRUN["lost"]
        words = {
            "s": f"{seconds} sekund" + ("er" if seconds != 1 else ""),
            "s_en": f"{seconds} second" + ("s" if seconds != 1 else ""),
            "m": size(limits.import_memory),
            "c": proc.returncode,
        }
        raise InputError(
            source,
            sv.format(**words),
            en.format(**words),
            limit={"timeout": "import_seconds", "nested": None}.get(status, "import_memory"),
        )

    def _take(self, limits: Limits) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker[0] == limits and worker[1].poll() is None:
                    return worker
                _kill(worker)
        return self._start(limits)

    def _start(self, limits: Limits) -> _Worker:
        proc, inbox, outbox = spawn("checks.import_worker", [str(limits.import_memory)])
        worker = (limits, proc, inbox, outbox)
        try:
            ready = inbox.poll(START_SECONDS) and inbox.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            _kill(worker)
            raise ImportWorkerError("the import worker did not start")
        with self._lock:
            self.starts += 1
        return worker

    def _replace(self, limits: Limits) -> None:
        """A worker in place of one killed, started beside the caller: the next import does not
        wait for it."""

        def start() -> None:
            try:
                self._give(self._start(limits))
            except ImportWorkerError:  # the next import starts one itself, and says why not
                pass

        threading.Thread(target=start, name="styrkoll-import-start", daemon=True).start()

    def _give(self, worker: _Worker) -> None:
        with self._lock:
            if len(self._idle) < self.keep:
                self._idle.append(worker)
                return
        _kill(worker)

    def close(self) -> None:
        if os.getpid() != self._pid:
            return
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            try:
                worker[3].send(("stop",))
                worker[1].wait(2)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
            _kill(worker)


_OVERRUN = {
    "timeout": (
        "dokumentet kunde inte läsas inom {s}; läsningen avbröts",
        "the document could not be read within {s_en}; reading was stopped",
    ),
    "memory": (
        "dokumentet kunde inte läsas inom {m} minne; läsningen avbröts",
        "the document could not be read within {m} of memory; reading was stopped",
    ),
    "nested": (
        "dokumentet är för djupt nästlat för att läsas",
        "the document is nested too deeply",
    ),
    "lost": (
        "läsningen av dokumentet avbröts (avslutningskod {c}): den krävde mer tid eller minne än "
        "en inläsning får",
        "reading the document was stopped (exit code {c}): it needed more time or memory than "
        "an import may use",
    ),
}


def _kill(worker: _Worker) -> None:
    _, proc, inbox, outbox = worker
    if proc.poll() is None:
        proc.kill()
    proc.wait(5)
    inbox.close()
    outbox.close()


_POOL: tuple[int, ImportPool] | None = None
_POOL_LOCK = threading.Lock()


def import_pool() -> ImportPool:
    """This process's pool (a forked child gets its own), closed when the process exits."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != os.getpid():
            _POOL = (os.getpid(), ImportPool())
            atexit.register(_POOL[1].close)
        return _POOL[1]


# Documents a limit or the budget refused in the last minute: asked again (a caller retrying
# with other options, a client sending the same file again), they are refused at once.
_REFUSED: dict[tuple[str, str, Limits], tuple[float, dict[str, Any]]] = {}
_REMEMBERED = 16
_REMEMBER_SECONDS = 60.0


def import_budgeted(
    raw: bytes, source: str, kind: str | None, year: int | None, committee: str | None
) -> Any:
    """`checks.importers.import_here` in a worker of this process's pool, within the budget."""
    from checks.loading import InputError

    key = (hashlib.sha256(raw).hexdigest(), source, current())
    refused = _REFUSED.get(key)
    if refused is not None and time.monotonic() - refused[0] < _REMEMBER_SECONDS:
        raise InputError(**refused[1])
    try:
        return import_pool().run((raw, source, kind, year, committee), source)
    except InputError as exc:
        if exc.limit is not None:  # what a limit refuses depends on the bytes alone
            while len(_REFUSED) >= _REMEMBERED:
                _REFUSED.pop(next(iter(_REFUSED)), None)
            _REFUSED[key] = (time.monotonic(), dataclasses.asdict(exc))
        raise


def main(argv: list[str]) -> int:
    inbox_fd, outbox_fd, memory = argv
    with (
        Connection(int(inbox_fd), writable=False) as inbox,
        Connection(int(outbox_fd), readable=False) as outbox,
    ):
        serve_imports(inbox, outbox, int(memory))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
