"""Fixtures for in-process tests: a registry in a temporary folder and a client."""

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.factories import Dist, sdist_bytes, upload_fields, wheel_bytes
from wheelkeep.api.app import create_app
from wheelkeep.config import Settings
from wheelkeep.db.models import AuditEvent, File, FileTombstone, Package, Release
from wheelkeep.services.bootstrap import bootstrap
from wheelkeep.services.registry import Registry, open_registry


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", serial_cache_seconds=0, read_cache_seconds=0
    )


@pytest.fixture
def registry(settings: Settings) -> Iterator[Registry]:
    registry = open_registry(settings)
    bootstrap(registry)
    yield registry
    registry.engine.dispose()


@pytest.fixture
def admin_token(registry: Registry) -> str:
    return (registry.settings.data_dir / "initial-admin-token").read_text().strip()


def basic(token: str, user: str = "__token__") -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{token}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


@dataclass
class Api:
    """An in-process client already holding the admin token."""

    client: TestClient
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return basic(self.token)

    def upload(
        self,
        dist: Dist,
        *,
        content: bytes | None = None,
        filename: str | None = None,
        fields: dict[str, str] | None = None,
        path: str = "/api/v4/projects/1/packages/pypi",
        sdist: bool = False,
    ) -> httpx.Response:
        if content is None:
            content = sdist_bytes(dist) if sdist else wheel_bytes(dist)
        if filename is None:
            filename = dist.sdist_filename if sdist else dist.wheel_filename
        form = upload_fields(dist, filename, content)
        form.update(fields or {})
        return self.client.post(
            path,
            data=form,
            files={"content": (filename, content, "application/octet-stream")},
            headers=self.auth,
        )

    def get(self, path: str, **headers: str) -> httpx.Response:
        return self.client.get(path, headers={**self.auth, **headers})


@pytest.fixture
def api(registry: Registry, admin_token: str) -> Iterator[Api]:
    with TestClient(create_app(registry)) as client:
        yield Api(client, admin_token)


@dataclass(frozen=True)
class StoredState:
    """What the database and blob store hold: compared before and after."""

    packages: int
    releases: int
    files: int
    tombstones: int
    uploads_audited: int
    blobs: frozenset[str]
    pending: int


def stored_state(registry: Registry) -> StoredState:
    with registry.session() as session:

        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        audited = session.scalar(
            select(func.count()).where(AuditEvent.action == "file.upload")
        )
        return StoredState(
            packages=count(Package),
            releases=count(Release),
            files=count(File),
            tombstones=count(FileTombstone),
            uploads_audited=audited or 0,
            blobs=frozenset(registry.blobs.list_digests()),
            pending=registry.blobs.count_pending(),
        )
