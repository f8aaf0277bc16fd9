"""Checkpoints of the audit chain's head, kept outside the database.

After every commit that appended audit entries, the new head – the last entry's id and hash –
is signed (HMAC-SHA256) with the server's audit key and appended as one JSON line to a file:
`STYRKOLL_AUDIT_CHECKPOINTS`, by default `audit-checkpoints.jsonl` in the instance folder. Whoever
can change the database but not that file, nor knows the key, can no longer cut the log's end or
rewrite the whole chain unseen: `styrkoll audit verify` finds the entry a checkpoint vouches for
missing, or with another hash.

The key: `STYRKOLL_AUDIT_KEY`, else `SECRET_KEY` (both from the environment), else – for
development – `audit.key` in the instance folder, made on first use. Each line names the database
it belongs to (`database_identity`: the backend and database name, or the SQLite file), so that
one file may hold the checkpoints of several databases without mixing them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

PENDING = "styrkoll_audit_pending"  # session.info: (id, hash) of the last entry appended
TRAIL = "styrkoll_audit_trail"  # session.info: the Trail its commits checkpoint to
KEY_FILE = "audit.key"
CHECKPOINT_FILE = "audit-checkpoints.jsonl"
LOG = logging.getLogger("styrkoll.audit")


def database_identity(url: str | URL) -> str:
    """Which database checkpoints belong to: the backend and the database's name, or the SQLite
    file's absolute path (host, port, user and password aside)."""
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    name = parsed.database or ""
    if backend == "sqlite" and name and name != ":memory:" and not name.startswith("file:"):
        name = str(Path(name).resolve())
    return f"{backend}:{name}"


@dataclass(frozen=True)
class Checkpoint:
    line: int
    entry: int
    hash: str
    at: str


@dataclass
class Book:
    """The checkpoints of one database as read from the file, and what could not be read."""

    path: Path
    checkpoints: dict[int, list[Checkpoint]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    others: int = 0
    seen: set[int] = field(default_factory=set)

    def compare(self, entry_id: int, entry_hash: str) -> list[str]:
        """The entry as the checkpoints vouching for it saw it."""
        found = self.checkpoints.get(entry_id)
        if not found:
            return []
        self.seen.add(entry_id)
        return [
            f"post {entry_id}: kontrollpunkten på rad {c.line} ({c.at}) intygar hashen "
            f"{c.hash[:16]}…, men posten har nu {entry_hash[:16]}… (kedjan är omskriven)"
            for c in found
            if not hmac.compare_digest(c.hash, entry_hash)
        ]

    def missing(self) -> list[str]:
        """The entries checkpoints vouch for that the chain no longer has."""
        gone = sorted(set(self.checkpoints) - self.seen)
        if not gone:
            return []
        last = self.checkpoints[gone[-1]][-1]
        return [
            f"loggen saknar poster som kontrollpunkterna intygar: {len(gone)} kontrollpunkter, "
            f"från post {gone[0]} till post {gone[-1]} (signerad {last.at}, rad {last.line} i "
            f"{self.path}); loggens slut har kapats eller poster har tagits bort"
        ]

    def notes(self, entries: int, last_id: int) -> list[str]:
        """What the checkpoints could not vouch for (not a fault by itself)."""
        out: list[str] = []
        if not self.checkpoints:
            if entries:
                out.append(
                    f"ingen kontrollpunkt för den här databasen i {self.path}: att loggens slut "
                    "är orört kan inte kontrolleras förrän nästa ändring (eller `styrkoll audit "
                    "checkpoint`) skriver en"
                )
        elif max(self.checkpoints) < last_id:
            out.append(
                f"posterna efter post {max(self.checkpoints)} (till post {last_id}) har ingen "
                "kontrollpunkt ännu"
            )
        if self.others:
            out.append(f"filen har också {self.others} kontrollpunkter för andra databaser")
        return out


@dataclass(frozen=True)
class Trail:
    """Where the chain's head is checkpointed, and the key that signs it (None: no key found,
    so nothing can be signed or checked)."""

    path: Path
    key: bytes | None

    @classmethod
    def configured(
        cls,
        instance: Path | None = None,
        path: str | Path | None = None,
        key: str | None = None,
        create_key: bool = True,
    ) -> Trail:
        """From the arguments, else the environment, else the instance folder (made with its
        key file when `create_key`; a verifier never makes a key)."""
        if instance is None:
            from service.app import instance_dir

            instance = instance_dir()
        chosen = path or os.environ.get("STYRKOLL_AUDIT_CHECKPOINTS")
        secret = key or os.environ.get("STYRKOLL_AUDIT_KEY") or os.environ.get("SECRET_KEY")
        return cls(
            Path(chosen) if chosen else instance / CHECKPOINT_FILE,
            secret.encode("utf-8") if secret else _key_file(instance / KEY_FILE, create_key),
        )

    def sign(self, database: str, entry: int, entry_hash: str, at: str) -> str:
        assert self.key is not None
        message = json.dumps([database, entry, entry_hash, at], separators=(",", ":"))
        return hmac.new(self.key, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def write(self, database: str, entry: int, entry_hash: str) -> None:
        """Append one signed checkpoint (one write on a file opened for appending, so lines of
        concurrent writers never interleave). A failure is logged, never raised: the entries are
        committed already, and `verify` notes the entries after the last checkpoint."""
        if self.key is None:
            LOG.error("audit checkpoint not written: no audit key (STYRKOLL_AUDIT_KEY)")
            return
        at = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        line = json.dumps(
            {
                "database": database,
                "entry": entry,
                "hash": entry_hash,
                "at": at,
                "hmac": self.sign(database, entry, entry_hash, at),
            },
            separators=(",", ":"),
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
            finally:
                os.close(fd)
        except OSError:
            LOG.exception("audit checkpoint not written to %s", self.path)

    def read(self, database: str) -> Book:
        """This database's checkpoints whose signature holds; every other line of the file that
        cannot be read or whose signature fails is a problem."""
        book = Book(self.path)
        try:
            handle = self.path.open(encoding="utf-8")
        except FileNotFoundError:
            return book
        with handle:
            for number, raw in enumerate(handle, 1):
                try:
                    record = json.loads(raw)
                    owner, entry = str(record["database"]), int(record["entry"])
                    entry_hash, at, mac = str(record["hash"]), str(record["at"]), record["hmac"]
                except (ValueError, KeyError, TypeError):
                    book.problems.append(f"{self.path} rad {number}: kan inte läsas")
                    continue
                if owner != database:
                    book.others += 1
                    continue
                if self.key is None:
                    book.problems.append(
                        f"{self.path} rad {number}: kan inte kontrolleras, ingen nyckel "
                        "(STYRKOLL_AUDIT_KEY, SECRET_KEY eller audit.key i instansmappen)"
                    )
                    continue
                if not hmac.compare_digest(str(mac), self.sign(owner, entry, entry_hash, at)):
                    book.problems.append(
                        f"{self.path} rad {number}: signaturen stämmer inte (raden är ändrad, "
                        "eller skrevs med en annan nyckel)"
                    )
                    continue
                book.checkpoints.setdefault(entry, []).append(
                    Checkpoint(number, entry, entry_hash, at)
                )
        return book


def _key_file(path: Path, create: bool) -> bytes | None:
    """The development key kept in the instance folder; made once (atomically: concurrent
    processes all end up with the first one's key) when `create`."""
    try:
        return path.read_bytes().strip() or None
    except FileNotFoundError:
        if not create:
            return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode("ascii"))
        finally:
            os.close(fd)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
        return path.read_bytes().strip() or None
    except OSError:
        LOG.exception("no audit key: %s could not be made", path)
        return None
