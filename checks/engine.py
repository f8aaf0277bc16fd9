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


def _uncompilable(
    catalogue: Catalogue, definition: dict[str, Any], exc: Exception
) -> CatalogueError:
    """Which rule the core cannot compile (e.g. a regex it does not parse).

    Once the core has refused one ruleset it refuses every later one in the same process
    (measured 2026-11-30), so the rules are tried alone, in catalogue order, in a fresh
    interpreter (`python -m checks.engine PROBE`): the first one refused is the culprit.
    """
    _LOG.error("durable-rules refused the catalogue: %s", exc)
    probe = subprocess.run(
        [sys.executable, "-m", "checks.engine", "probe", catalogue.directory],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    culprit = probe.stdout.strip()
    checked = catalogue.get(culprit) if culprit else None
    if checked is None:
        return CatalogueError(["regelmotorn kan inte kompilera regelkatalogen"])
    return CatalogueError(
        [
            f"{checked.source}: regelmotorn kan inte kompilera villkoret i {checked.id} "
            "(oftast ett mönster i $mt som motorn inte tolkar, t.ex. en teckenklass som "
            "[a-z ] inuti en grupp); skriv om mönstret"
        ]
    )


def _probe(rules_dir: str) -> str:
    """In a fresh process: the id of the first rule the core refuses on its own, or ""."""
    catalogue = load_catalogue(rules_dir)
    definition = compile_ruleset(catalogue)
    for n, checked in enumerate(catalogue.rules):
        alone = {k: v for k, v in definition.items() if k.split(VARIANT, 1)[0] == checked.id}
        try:
            _Host().register_rulesets({f"styrkoll_probe_{n}": alone})
        except Exception:  # noqa: BLE001 - the core's own error type and words
            return checked.id
    return ""


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
                definition = compile_ruleset(catalogue, guard)
                try:
                    host.register_rulesets({self.name: definition})
                except Exception as exc:  # the core refused a condition: say which rule
                    raise _uncompilable(catalogue, definition, exc) from None
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


if __name__ == "__main__":  # pragma: no cover - run by _uncompilable in a fresh interpreter
    if len(sys.argv) == 3 and sys.argv[1] == "probe":
        print(_probe(sys.argv[2]))
