"""Checks and uploads per user and minute: one user cannot tie up the service's workers.

Each request that reads a document (a self-check, an upload) counts one for its user in the
current window (`RATE_WINDOW` seconds, 60 by default) before any work; past `RATE_CHECKS`
self-checks or `RATE_UPLOADS` uploads in the window it is refused with 429 and `Retry-After` (the
seconds left of the window). The count is one atomic upsert on its own connection, committed at
once, on both databases: concurrent requests from many worker processes are counted one by one,
and a refused or failed request still counts (a document bomb refused costs its sender too).
Settings: `STYRKOLL_RATE_CHECKS`, `STYRKOLL_RATE_UPLOADS`, `STYRKOLL_RATE_WINDOW`; 0 turns a
limit off.
"""

from __future__ import annotations

import math
import time
from typing import Literal

from flask import current_app
from sqlalchemy import Engine, case
from sqlalchemy.dialects import postgresql, sqlite

from service.db import RateCount
from service.errors import ApiError

Action = Literal["check", "upload"]
DEFAULTS = {"RATE_CHECKS": 30, "RATE_UPLOADS": 30, "RATE_WINDOW": 60}
SETTING = {"check": "RATE_CHECKS", "upload": "RATE_UPLOADS"}
WHAT = {"check": "självkontroller", "upload": "uppladdningar"}


def count(engine: Engine, key: str, window: int, now: float | None = None) -> tuple[int, int]:
    """Count one for `key` in the current window; returns (the count so far, seconds left)."""
    now = time.time() if now is None else now
    bucket = int(now // window)
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(RateCount).values(key=key, bucket=bucket, count=1)
    same_window = RateCount.bucket == stmt.excluded.bucket
    stmt = stmt.on_conflict_do_update(  # both read the row as it was: one atomic statement
        index_elements=["key"],
        set_={
            "count": case((same_window, RateCount.count + 1), else_=1),
            "bucket": stmt.excluded.bucket,
        },
    )
    with engine.begin() as conn:
        found = conn.execute(stmt.returning(RateCount.count)).scalar_one()
    return int(found), max(1, math.ceil((bucket + 1) * window - now))


def limit(action: Action, user_id: int) -> None:
    """Raise 429 when the user has used up this window's self-checks or uploads."""
    config = current_app.config
    allowed = int(config.get(SETTING[action], DEFAULTS[SETTING[action]]))
    if allowed <= 0:
        return
    window = int(config.get("RATE_WINDOW", DEFAULTS["RATE_WINDOW"]))
    engine: Engine = current_app.extensions["styrkoll_engine"]
    used, left = count(engine, f"{action}:{user_id}", window)
    if used > allowed:
        raise ApiError(
            429,
            "För många försök",
            f"högst {allowed} {WHAT[action]} per {window} sekunder; försök igen om {left} s",
            headers={"Retry-After": str(left)},
        )
