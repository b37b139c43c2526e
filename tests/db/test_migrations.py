"""The Alembic migrations build exactly the schema the models describe."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from wheelkeep.db.engine import make_engine, migrate
from wheelkeep.db.models import Base, File, SnapshotFile


def test_upgrade_head_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    migrate(engine)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()

    assert differences == []


def test_upgrade_head_creates_the_access_tables(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    migrate(engine)

    inspector = inspect(engine)
    token_columns = {column["name"] for column in inspector.get_columns("tokens")}
    engine.dispose()

    assert "memberships" in inspector.get_table_names()
    assert {"username", "prefix", "role"} <= token_columns


def test_blob_reference_checks_search_indexes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    migrate(engine)

    plans = []
    with engine.connect() as connection:
        for model in (File, SnapshotFile):
            query = (
                select(model.id)
                .where((model.sha256 == "ab") | (model.metadata_sha256 == "ab"))
                .limit(1)
            )
            compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
            plans.append(" ".join(str(row[-1]) for row in rows))
    engine.dispose()

    for plan in plans:
        assert "SCAN" not in plan, plan
