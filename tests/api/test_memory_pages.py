"""Index pages answered from memory give what the full path gives, or nothing."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from tests.conftest import Api, basic
from tests.factories import Dist
from tests.projects import create_project
from tests.services.test_pages import counting_statements
from wheelkeep.api import simple
from wheelkeep.api.app import create_app
from wheelkeep.api.memory_pages import (
    answer_from_memory,
    memory_target,
    page_from_memory,
)
from wheelkeep.config import Settings
from wheelkeep.services.bootstrap import bootstrap
from wheelkeep.services.registry import Registry, open_registry

PAGE = "/api/v4/projects/1/packages/pypi/simple/demo/"
JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
def cached(tmp_path: Path) -> Iterator[Registry]:
    """A registry whose caches are on, as in production."""
    settings = Settings(
        data_dir=tmp_path / "data", serial_cache_seconds=60, read_cache_seconds=60
    )
    registry = open_registry(settings)
    bootstrap(registry)
    yield registry
    registry.engine.dispose()


@pytest.fixture
def cached_api(cached: Registry) -> Iterator[Api]:
    token = (cached.settings.data_dir / "initial-admin-token").read_text().strip()
    with TestClient(create_app(cached)) as client:
        yield Api(client, token)


def _request(path: str, headers: dict[str, str]) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": path,
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "query_string": b"",
        }
    )


@pytest.mark.parametrize("accept", [JSON, "text/html"])
def test_memory_answer_equals_the_full_answer(
    cached: Registry, cached_api: Api, accept: str
) -> None:
    assert cached_api.upload(Dist()).status_code == 200
    headers = {**cached_api.auth, "Accept": accept}
    full = cached_api.client.get(PAGE, headers=headers)

    remembered = page_from_memory(cached, _request(PAGE, headers), "1", "demo")

    assert remembered is not None
    assert remembered.body == full.content
    for name in ("etag", "content-type", "x-pypi-last-serial", "vary"):
        assert remembered.headers[name] == full.headers[name]


def test_refusals_and_misses_take_the_full_path(
    cached: Registry, cached_api: Api
) -> None:
    assert cached_api.upload(Dist()).status_code == 200
    assert cached_api.get(PAGE).status_code == 200
    anonymous: dict[str, str] = {}
    stranger = basic("wkpat_not-a-token")

    admin = cached_api.auth

    assert page_from_memory(cached, _request(PAGE, anonymous), "1", "demo") is None
    assert cached_api.client.get(PAGE).status_code == 401
    assert page_from_memory(cached, _request(PAGE, stranger), "1", "demo") is None
    assert cached_api.client.get(PAGE, headers=stranger).status_code == 401
    assert page_from_memory(cached, _request(PAGE, admin), "1", "x") is None


def test_an_upload_shows_at_once_through_the_memory_path(cached_api: Api) -> None:
    assert cached_api.upload(Dist(version="1.0")).status_code == 200
    assert cached_api.get(PAGE, Accept=JSON).status_code == 200

    assert cached_api.upload(Dist(version="2.0")).status_code == 200
    files = cached_api.get(PAGE, Accept=JSON).json()["files"]

    assert [file["filename"] for file in files] == [
        Dist(version="1.0").wheel_filename,
        Dist(version="2.0").wheel_filename,
    ]


def test_a_download_from_memory_equals_the_full_download(
    cached: Registry, cached_api: Api
) -> None:
    assert cached_api.upload(Dist()).status_code == 200
    page = cached_api.get(PAGE, Accept=JSON).json()
    url = page["files"][0]["url"].removeprefix("../../")
    path = f"/api/v4/projects/1/packages/pypi/{url}"
    full = cached_api.get(path)
    assert full.status_code == 200

    remembered = answer_from_memory(cached, _request(path, cached_api.auth), path)

    assert remembered is not None
    for name in ("etag", "content-type", "content-disposition", "cache-control"):
        assert remembered.headers[name] == full.headers[name]
    stranger = basic("wkpat_not-a-token")
    assert answer_from_memory(cached, _request(path, stranger), path) is None


@pytest.mark.parametrize("reference", ["1", "default", "ai%2Fedge"])
def test_a_page_read_again_is_answered_from_memory(
    cached: Registry, cached_api: Api, reference: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = cached
    project_id = create_project(registry, "ai/edge")
    home = {"1": 1, "default": 1, "ai%2Fedge": project_id}[reference]
    uploaded = cached_api.upload(Dist(), path=f"/api/v4/projects/{home}/packages/pypi")
    assert uploaded.status_code == 200
    page = f"/api/v4/projects/{reference}/packages/pypi/simple/demo/"
    first = cached_api.get(page, Accept=JSON)
    url = first.json()["files"][0]["url"]
    download = f"/api/v4/projects/{reference}/packages/pypi/{url[len('../../') :]}"
    assert cached_api.get(download).status_code == 200

    # Neither the routes nor the database are reached on the second read.
    def routed(*args: object) -> None:
        raise AssertionError("the request went on to the routes")

    monkeypatch.setattr(simple, "_readable_project", routed)
    with counting_statements(registry) as statements:
        again = cached_api.get(page, Accept=JSON)
        downloaded = cached_api.get(download)

    assert again.status_code == downloaded.status_code == 200
    assert again.content == first.content
    assert statements == []


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/simple/", ("1", "simple", ())),
        ("/simple/demo/", ("1", "simple", ("demo",))),
        ("/api/v4/projects/7/packages/pypi/simple/", ("7", "simple", ())),
        ("/api/v4/projects/7/packages/pypi/simple/demo/", ("7", "simple", ("demo",))),
        ("/files/ab12/demo-1.0.whl", ("1", "files", ("ab12", "demo-1.0.whl"))),
        (
            "/api/v4/projects/7/packages/pypi/files/ab12/d.whl",
            ("7", "files", ("ab12", "d.whl")),
        ),
        ("/simple/demo", None),
        ("/simple/demo/extra/", None),
        ("/files/ab12/", None),
        ("/api/v4/projects/a/b/packages/pypi/simple/demo/", None),
        ("/pypi/demo/json", None),
        ("/-/health", None),
    ],
)
def test_memory_target(
    path: str, target: tuple[str, str, tuple[str, ...]] | None
) -> None:
    assert memory_target(path) == target
