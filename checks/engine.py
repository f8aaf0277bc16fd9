"""The one wrapper around durable-rules, built so the engine's known defects cannot be reached.

See ../shared/design/durable-rules.md for the measurements. In short, every check:

* runs in its own session, deleted in `finally` (the 1024-session cap is never approached);
* asserts all its facts in one `assert_facts` batch: a start fact first, a gate fact last, and every
  rule begins with a condition on the gate, so negations see every fact (order-independent);
* proves that every rule ran: the start sentinel fires first and the end sentinel (highest `pri`)
  fires last; a missing sentinel, an unhandled fact or an error code from the core is an
  `EngineError`, never "no findings";
* collects fired rules through the engine's low-level calls: no Python action of ours runs inside
  the library, so none can fail there and be stored silently in the session state;
* gives the facts ids assigned here and verified free of 32-bit hash collisions, and validates
  fact sizes before the engine can silently drop a fact;
* runs under one lock per process, without the library's timer threads;
* compiles every rule with `$ex` guards around comparisons with another fact's field, so a fact
  that lacks a compared field (an activity without an end date) does not make the core refuse the
  whole batch (error 311); `checks.absence` explains why guards rather than "absent" values, and
  finds what a rule could therefore not judge.

`IsolatedEngine` runs the same evaluation in a worker process, so a crash in the C core becomes an
`EngineError` for that one check and the next check gets a fresh worker.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import json
import logging
import math
import os
import re
import subprocess
import sys
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import durable_rules_engine
from durable import engine as durable_engine

from checks.absence import MAX_VARIANTS, guarded
from checks.catalogue import Catalogue, CatalogueError, load_catalogue
from checks.facts import Fact

START_KIND = "styrkoll:start"
GATE_KIND = "styrkoll:gate"
START_RULE = "styrkoll:start"
END_RULE = "styrkoll:end"
CATCH_RULE = "styrkoll:handled"
GATE_ALIAS = "styrkoll_gate"
VARIANT = "|"  # an engine rule RULE|n is branch n of the catalogue's RULE
RULE_PRI = 1
END_PRI = 65535

MAX_PROPERTIES = 200  # the engine drops a fact (and all after it) above 255
MAX_STRING = 1024 * 1024  # the engine drops strings over 16 MiB; ours are far below
MAX_FACTS = 20_000
MAX_INT = 2**62

Match = tuple[str, dict[str, str]]  # (rule id, alias -> fact ref)

_LOG = logging.getLogger(__name__)
# The core's error codes that a check can meet, in our words (durable-rules' rules.h).
_ENGINE_CODES: dict[int, tuple[str, str]] = {
    311: (
        "ett faktum saknar ett fält som en regel jämför med ett annat faktums fält",
        "a fact lacks a field that a rule compares with another fact's field",
    ),
    1: ("ett faktum hanterades inte av någon regel", "a fact was handled by no rule"),
}

_PROCESS_LOCK = threading.Lock()  # the C core is not thread-safe and never releases the GIL
_HOSTS: dict[str, _Host] = {}  # ruleset name -> host: a ruleset cannot be unloaded, so reuse it


class EngineError(Exception):
    """The engine could not give a trustworthy result for this check."""

    def __init__(self, message_sv: str, message_en: str) -> None:
        super().__init__(message_sv)
        self.message_sv = message_sv
        self.message_en = message_en

    def render(self, lang: str = "sv") -> str:
        return self.message_sv if lang == "sv" else self.message_en


def fnv1a32(text: str) -> int:
    """The 32-bit FNV-1a hash the engine compares fact ids by."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


_VERIFIED_IDS = 0  # ids "0" .. str(_VERIFIED_IDS - 1) are known to have distinct hashes


def _ensure_ids_distinct(count: int) -> None:
    global _VERIFIED_IDS
    if count <= _VERIFIED_IDS:
        return
    hashes = {fnv1a32(str(i)) for i in range(count)}
    if len(hashes) != count:  # pragma: no cover - not the case for any count below 2**16
        raise EngineError(
            "internt fel: faktaid:n krockar i motorns hashfunktion",
            "internal error: fact ids collide in the engine's hash",
        )
    _VERIFIED_IDS = count


def validate_facts(facts: Sequence[Fact]) -> None:
    """Refuse facts the engine would silently drop or mangle."""
    if len(facts) > MAX_FACTS:
        raise EngineError(
            f"för många fakta för en kontroll ({len(facts)}; högst {MAX_FACTS})",
            f"too many facts for one check ({len(facts)}; at most {MAX_FACTS})",
        )
    refs: set[str] = set()
    for i, fact in enumerate(facts):
        ref = fact.get("ref")
        where = f"faktum {i} ({ref})"
        if not isinstance(fact.get("kind"), str) or not isinstance(ref, str):
            raise EngineError(f"{where}: saknar kind eller ref", f"fact {i}: no kind or ref")
        if ref in refs:
            raise EngineError(f"{where}: ref finns två gånger", f"fact {i}: duplicate ref {ref}")
        refs.add(ref)
        if len(fact) > MAX_PROPERTIES:
            raise EngineError(
                f"{where}: för många egenskaper ({len(fact)}; högst {MAX_PROPERTIES})",
                f"fact {i}: too many properties ({len(fact)}; at most {MAX_PROPERTIES})",
            )
        for key, value in fact.items():
            if key in ("id", "sid") or key.startswith("$"):
                raise EngineError(f"{where}: reserverat namn {key}", f"fact {i}: reserved {key}")
            if isinstance(value, str):
                if len(value) > MAX_STRING:
                    raise EngineError(
                        f"{where}: texten i {key} är för lång ({len(value)} tecken)",
                        f"fact {i}: the text in {key} is too long ({len(value)} characters)",
                    )
            elif isinstance(value, bool):
                continue
            elif isinstance(value, int):
                if abs(value) > MAX_INT:
                    raise EngineError(f"{where}: talet i {key} är för stort", f"fact {i}: {key}")
            elif isinstance(value, float):
                if not math.isfinite(value):
                    raise EngineError(f"{where}: {key} är inte ett tal", f"fact {i}: {key}")
            else:
                raise EngineError(
                    f"{where}: {key} har typen {type(value).__name__}",
                    f"fact {i}: {key} has type {type(value).__name__}",
                )


def compile_ruleset(catalogue: Catalogue, guard: bool = True) -> dict[str, Any]:
    """The durable-rules definition: the catalogue's rules behind the gate, plus the sentinels."""
    definition: dict[str, Any] = {
        START_RULE: {"all": [{"s": {"kind": START_KIND}}], "pri": 0, "run": START_RULE},
        # Every fact reaches this negation's alpha node, so no fact is "unhandled"; it never fires.
        CATCH_RULE: {
            "all": [{GATE_ALIAS: {"kind": GATE_KIND}}, {"any$not": {"$ex": {"kind": 1}}}],
            "pri": RULE_PRI,
            "run": CATCH_RULE,
        },
        END_RULE: {"all": [{GATE_ALIAS: {"kind": GATE_KIND}}], "pri": END_PRI, "run": END_RULE},
    }
    for checked in catalogue.rules:
        # guarded: a fact without a compared field is no error; an `$or` over joins becomes
        # one engine rule per branch, named RULE|n (see checks.absence)
        variants = guarded(checked.conditions) if guard else [list(checked.rule.when["all"])]
        if len(variants) > MAX_VARIANTS:
            raise CatalogueError(
                [
                    f"{checked.source}: villkoret blir {len(variants)} motorregler (högst "
                    f"{MAX_VARIANTS}); dela upp regeln"
                ]
            )
        for n, conditions in enumerate(variants, start=1):
            name = checked.id if len(variants) == 1 else f"{checked.id}{VARIANT}{n}"
            definition[name] = {
                "all": [{GATE_ALIAS: {"kind": GATE_KIND}}, *conditions],
                "pri": RULE_PRI,
                "run": name,
            }
    return definition


class _Host(durable_engine.Host):  # type: ignore[misc]
    """A host without the library's timer threads, used only to compile and hold the ruleset.

    Fired rules are collected by `Engine._assert_and_collect` through the low-level calls, so
    the library never runs a Python action of ours.
    """

    def _run(self) -> None:  # the library's 0.2 s timer loop races the C core: never start it
        return None

    def get_action(self, action_name: str) -> Any:
        def never(c: Any) -> None:
            raise RuntimeError(f"action {action_name} runs only through Engine")

        return never


class Engine:
    """The hardened in-process evaluator for one catalogue."""

    _sids = itertools.count(1)

    def __init__(self, catalogue: Catalogue, guard: bool = True) -> None:
        """`guard=False` runs the conditions exactly as written: only the tests do, to show that
        the guards change no answer the engine could give without them."""
        self.catalogue = catalogue
        self.name = f"styrkoll_{catalogue.content_hash[:16]}{'' if guard else '_raw'}"
        self.rule_ids = {r.id for r in catalogue.rules}
        self.broken = False
        with _PROCESS_LOCK:
            host = _HOSTS.get(self.name)
            if host is None:
                host = _Host()
                host.register_rulesets({self.name: compile_ruleset(catalogue, guard)})
                _HOSTS[self.name] = host
        self._host = host
        self._handle = host.get_ruleset(self.name)._handle

    def evaluate(self, facts: Sequence[Fact]) -> list[Match]:
        """Every rule match for these facts, in a deterministic order."""
        if self.broken:
            raise EngineError(
                "regelmotorn är i ett okänt tillstånd efter ett tidigare fel",
                "the rule engine is in an unknown state after an earlier error",
            )
        validate_facts(facts)
        return self._run_batch(facts)

    def _run_batch(self, facts: Sequence[Fact]) -> list[Match]:
        """Evaluate facts unvalidated; the tests use it to prove the end sentinel."""
        _ensure_ids_distinct(len(facts) + 2)
        sid = str(next(self._sids))
        batch: list[dict[str, Any]] = [{"id": "0", "sid": sid, "kind": START_KIND}]
        for i, fact in enumerate(facts, start=1):
            batch.append({**fact, "id": str(i), "sid": sid})
        batch.append({"id": str(len(facts) + 1), "sid": sid, "kind": GATE_KIND})

        with _PROCESS_LOCK:
            records: list[Match] = []
            started = False
            try:
                try:
                    self._assert_and_collect(batch, records)
                except EngineError:
                    raise
                except Exception as exc:  # the C core reports its errors as plain exceptions
                    raise self._fail("regelmotorn avvisade kontrollens fakta", exc) from None
                started = bool(records) and records[0][0] == START_RULE
                if not started:
                    raise self._fail("startvakten körde inte", "no start sentinel", "no start")
                if records[-1][0] != END_RULE:
                    raise self._fail(
                        "slutvakten körde inte: fakta kan ha tappats", "no end sentinel", "no end"
                    )
            finally:
                if started:  # deleting a session in which nothing fired crashes the C core
                    self._host.delete_state(self.name, sid)
                else:
                    self.broken = True

        unique: dict[tuple[str, tuple[tuple[str, str], ...]], Match] = {}
        for name, refs in records:
            rule_id = name.split(VARIANT, 1)[0]
            if rule_id in self.rule_ids:  # two branches may match the same facts: one match
                unique.setdefault((rule_id, tuple(sorted(refs.items()))), (rule_id, refs))
        return [unique[key] for key in sorted(unique)]

    def _assert_and_collect(self, batch: list[dict[str, Any]], records: list[Match]) -> None:
        """Assert the batch and record every fired rule, through the engine's low-level calls.

        This is what the library's `Host.assert_facts` does, without building a closure, a
        promise and a JSON copy of the session state for every fired rule: actions here only
        record (rule, matched refs) and never change the state.
        """
        handle = self._handle
        code, state_offset = durable_rules_engine.assert_facts(
            handle, json.dumps(batch, ensure_ascii=False)
        )
        if code == 1:
            raise self._fail(
                "ett faktum hanterades inte av någon regel", "result code 1", "a fact not handled"
            )
        if code not in (0, 3):
            raise self._fail("regelmotorn avvisade kontrollens fakta", f"result code {code}")
        started = durable_rules_engine.start_action_for_state(handle, state_offset)
        if not started:
            return
        state_json, messages = started[0], started[1]
        while messages:
            for name, matched in json.loads(messages).items():
                refs = {
                    alias: str(fact.get("ref", ""))
                    for alias, fact in matched.items()
                    if alias != GATE_ALIAS and isinstance(fact, dict)
                }
                records.append((name, refs))
            durable_rules_engine.update_state(handle, state_json)  # unchanged, as the host does
            messages = durable_rules_engine.complete_and_start_action(handle, state_offset)

    def _fail(self, what: str, detail: object, what_en: str = "") -> EngineError:
        """An error in our words; the engine's own words go to the log only."""
        text = str(getattr(detail, "message", None) or detail)
        _LOG.error("durable-rules: %s: %s", what, text[:1000])
        code = re.search(r"(?:error|result) code:? (\d+)", text)
        known = _ENGINE_CODES.get(int(code[1])) if code else None
        sv = f"regelmotorn gav inget säkert resultat: {what}"
        if known:
            sv += f" ({known[0]})"
        elif code:
            sv += f" (felkod {code[1]})"
        en = f"the rule engine gave no trustworthy result: {what_en or 'facts refused'}"
        if known:
            en += f" ({known[1]})"
        elif code:
            en += f" (code {code[1]})"
        return EngineError(sv, en)


def serve(inbox: Connection, outbox: Connection, rules_dir: str, expected_hash: str) -> None:
    """The worker process: build the engine once, then answer evaluations until told to stop."""
    try:
        catalogue = load_catalogue(rules_dir)
        if catalogue.content_hash != expected_hash:
            outbox.send(("error", ("regelkatalogen ändrades under körningen", "catalogue changed")))
            return
        engine = Engine(catalogue)
        gc.freeze()  # startup objects never die: keep them out of every later collection
        outbox.send(("ready", catalogue.content_hash))
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

    def __init__(self, catalogue: Catalogue, timeout: float = 60.0) -> None:
        self.catalogue = catalogue
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._inbox: Connection | None = None  # the worker's answers
        self._outbox: Connection | None = None  # our requests
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _start(self) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        args = [
            sys.executable,
            "-m",
            "checks.worker",
            str(to_worker_r),
            str(from_worker_w),
            self.catalogue.directory,
            self.catalogue.content_hash,
        ]
        try:
            self._proc = subprocess.Popen(args, pass_fds=(to_worker_r, from_worker_w), env=env)
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        self._outbox = Connection(to_worker_w, readable=False)
        self._inbox = Connection(from_worker_r, writable=False)
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
