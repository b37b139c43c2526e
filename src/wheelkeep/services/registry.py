"""The parts a running registry is made of, created once and passed explicitly."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from wheelkeep.config import Settings
from wheelkeep.db.engine import make_engine, make_session_factory, migrate
from wheelkeep.services.files import DownloadCache
from wheelkeep.services.pages import PageCache
from wheelkeep.services.read_cache import ReadCache
from wheelkeep.services.throttle import FailureThrottle
from wheelkeep.storage.base import BlobStore
from wheelkeep.storage.filesystem import FilesystemBlobStore


@dataclass
class Registry:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    pages: PageCache = field(default_factory=PageCache)
    throttle: FailureThrottle = field(default_factory=FailureThrottle)
    read_cache: ReadCache = field(default_factory=ReadCache)
    downloads: DownloadCache = field(default_factory=DownloadCache)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session


def open_registry(settings: Settings, *, migrate_schema: bool = True) -> Registry:
    """Open (creating and migrating if needed) the registry the settings describe.

    Server workers pass ``migrate_schema=False``: the serving command migrated
    once before starting them.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    if migrate_schema:
        migrate(engine)
    return Registry(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        blobs=FilesystemBlobStore(settings.data_dir),
        pages=PageCache(serial_ttl=settings.serial_cache_seconds),
        throttle=FailureThrottle(
            limit=settings.auth_failure_limit,
            window=settings.auth_failure_window_seconds,
            block=settings.auth_block_seconds,
        ),
        read_cache=ReadCache(ttl=settings.read_cache_seconds),
    )
