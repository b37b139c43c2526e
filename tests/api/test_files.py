"""File downloads: whole, by range, HEAD, and the PEP 658 metadata file."""

import hashlib
from typing import Any

import pytest

from tests.conftest import Api
from tests.factories import Dist, sdist_bytes, wheel_bytes

JSON = "application/vnd.pypi.simple.v1+json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def wheel(api: Api) -> dict[str, Any]:
    dist = Dist(tag="cp310-cp310-linux_aarch64", payload=bytes(range(256)) * 40)
    content = wheel_bytes(dist)
    assert api.upload(dist, content=content).status_code == 200
    url = f"/api/v4/projects/1/packages/pypi/files/{sha256(content)}/"
    return {"dist": dist, "content": content, "url": url + dist.wheel_filename}


def test_a_file_is_served_whole_with_its_headers(
    api: Api, wheel: dict[str, Any]
) -> None:
    content = wheel["content"]

    response = api.get(wheel["url"])

    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-length"] == str(len(content))
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["etag"] == f'"{sha256(content)}"'
    assert response.headers["accept-ranges"] == "bytes"
    assert "immutable" in response.headers["cache-control"]
    assert wheel["dist"].wheel_filename in response.headers["content-disposition"]


def test_the_short_path_serves_the_same_file(api: Api, wheel: dict[str, Any]) -> None:
    short = wheel["url"].removeprefix("/api/v4/projects/1/packages/pypi")

    assert api.get(short).content == wheel["content"]


def test_head_gives_the_headers_without_the_body(
    api: Api, wheel: dict[str, Any]
) -> None:
    response = api.client.head(wheel["url"], headers=api.auth)

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(wheel["content"]))
    assert response.headers["etag"] == f'"{sha256(wheel["content"])}"'


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-99", 0, 100),
        ("bytes=100-199", 100, 200),
        ("bytes=-100", -100, None),
        ("bytes=1000-", 1000, None),
    ],
)
def test_a_range_is_served_as_206(
    api: Api, wheel: dict[str, Any], header: str, start: int, stop: int | None
) -> None:
    content: bytes = wheel["content"]
    expected = content[start:stop]
    first = start if start >= 0 else len(content) + start

    response = api.get(wheel["url"], Range=header)

    assert response.status_code == 206
    assert response.content == expected
    assert response.headers["content-length"] == str(len(expected))
    assert response.headers["content-range"] == (
        f"bytes {first}-{first + len(expected) - 1}/{len(content)}"
    )


def test_a_range_beyond_the_file_is_416(api: Api, wheel: dict[str, Any]) -> None:
    size = len(wheel["content"])

    response = api.get(wheel["url"], Range=f"bytes={size}-")

    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


def test_the_metadata_file_matches_the_index_hash(
    api: Api, wheel: dict[str, Any]
) -> None:
    dist = wheel["dist"]
    page = api.get("/simple/demo/", Accept=JSON).json()
    advertised = page["files"][0]["core-metadata"]["sha256"]

    response = api.get(wheel["url"] + ".metadata")

    assert response.status_code == 200
    assert response.content == dist.metadata()
    assert sha256(response.content) == advertised
    assert response.headers["etag"] == f'"{advertised}"'
    assert response.headers["content-length"] == str(len(dist.metadata()))
    head = api.client.head(wheel["url"] + ".metadata", headers=api.auth)
    assert head.status_code == 200


def test_an_sdist_is_served_and_has_no_metadata_file(api: Api) -> None:
    dist = Dist()
    content = sdist_bytes(dist)
    assert api.upload(dist, sdist=True).status_code == 200
    url = f"/files/{sha256(content)}/{dist.sdist_filename}"

    response = api.get(url)
    metadata = api.get(url + ".metadata")

    assert response.content == content
    assert response.headers["content-type"] == "application/gzip"
    assert metadata.status_code == 404
    assert "no metadata file" in metadata.text


@pytest.mark.parametrize(
    "url",
    [
        "/files/{other}/{name}",
        "/files/{sha}/other-1.0-py3-none-any.whl",
        "/files/{sha}/{name}.metadata.metadata",
        "/api/v4/projects/99/packages/pypi/files/{sha}/{name}",
    ],
)
def test_a_file_that_is_not_there_is_404(
    api: Api, wheel: dict[str, Any], url: str
) -> None:
    target = url.format(
        other="0" * 64, sha=sha256(wheel["content"]), name=wheel["dist"].wheel_filename
    )

    assert api.get(target).status_code == 404


def test_a_download_asks_for_credentials(api: Api, wheel: dict[str, Any]) -> None:
    response = api.client.get(wheel["url"])

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
