"""Migration 0003 (profiles and snapshots) against the models, both ways."""

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from wheelkeep.db.engine import MIGRATIONS, make_engine, migrate
from wheelkeep.db.models import Base

PLATFORM_TABLES = {
    "environment_profiles",
    "snapshots",
    "snapshot_packages",
    "snapshot_files",
}


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    migrate(engine)

    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), Base.metadata
        )

    assert differences == []
    engine.dispose()


def test_migration_goes_down_and_up_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    migrate(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    tables_down = set(inspect(engine).get_table_names())
    migrate(engine)
    tables_up = set(inspect(engine).get_table_names())

    assert not tables_down & PLATFORM_TABLES
    assert tables_up >= PLATFORM_TABLES
    engine.dispose()
