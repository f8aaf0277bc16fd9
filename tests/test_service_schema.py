"""The schema comes from Alembic: upgrade from empty and downgrade, on SQLite and PostgreSQL, and
the migrations match the models. On PostgreSQL, concurrent uploads of one document get unique,
consecutive version numbers and nothing is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import sessionmaker

from service.db import Base, CheckRun, DocumentVersion, OrgUnit, User
from service.migrate import downgrade, upgrade
from tests.conftest import CLEAN_EXAMPLE


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_all(database_url: str) -> None:
    engine = create_engine(database_url)
    upgrade(database_url)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables and "alembic_version" in tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    downgrade(database_url)
    assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
    upgrade(database_url)  # and back up again
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_concurrent_uploads_get_unique_consecutive_versions(
    database_url: str, checker: Any
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the concurrency test runs on PostgreSQL (SQLite serialises all writers)")
    from service import store
    from service.demo import load_demo

    upgrade(database_url)
    engine = create_engine(database_url, pool_size=10)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        load_demo(session, checker, with_documents=False)
        unit_id = session.execute(
            select(OrgUnit.id).where(OrgUnit.name == "Administrativa avdelningen")
        ).scalar_one()
    raw = CLEAN_EXAMPLE.read_bytes()
    errors: list[BaseException] = []
    lock = threading.Lock()  # the checker's worker is one pipe: checks take turns, SQL does not

    class LockedChecker:
        catalogue = checker.catalogue

        def check(self, *args: Any, **kwargs: Any) -> Any:
            with lock:
                return checker.check(*args, **kwargs)

    def uploader() -> None:
        try:
            for _ in range(5):
                with factory() as session:
                    user = session.execute(
                        select(User).where(User.username == "enhet")
                    ).scalar_one()
                    unit = session.get(OrgUnit, unit_id)
                    store.store_version(
                        session,
                        LockedChecker(),
                        user,
                        unit,
                        raw,  # type: ignore[arg-type]
                        "verksamhetsplan.yaml",
                        "application/yaml",
                    )
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def other_series() -> None:
        try:
            for _ in range(5):
                with factory() as session:
                    from service import audit

                    audit.append(session, "test", "parallel", "series:other", {})
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=uploader) for _ in range(8)]
    threads += [threading.Thread(target=other_series) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    with factory() as session:
        versions = session.execute(select(DocumentVersion.version)).scalars().all()
        runs = session.execute(select(CheckRun)).scalars().all()
    assert sorted(versions) == list(range(1, 41))
    assert len(runs) == 40
    from service import audit

    with factory() as session:
        chain = audit.verify(session)
    assert chain.ok, chain.problems[:3]
    assert chain.entries >= 80  # an upload and a run each
    engine.dispose()
