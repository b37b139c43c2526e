"""The simple repository API: page content, negotiation, redirects, caching."""

import hashlib
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest

from tests.conftest import Api
from tests.factories import Dist, sdist_bytes, wheel_bytes
from wheelkeep.domain.access import ALL_SCOPES, Principal
from wheelkeep.services.registry import Registry
from wheelkeep.services.releases import ReleaseRef, delete_files, set_yanked

JSON = "application/vnd.pypi.simple.v1+json"
HTML = "application/vnd.pypi.simple.v1+html"
PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
)
UV_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
)
PROJECT_SIMPLE = "/api/v4/projects/1/packages/pypi/simple"
OPERATOR = Principal(actor="test", scopes=ALL_SCOPES, is_admin=True)
UPLOAD_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Anchors(HTMLParser):
    """The anchors and meta tags of an HTML page, attributes unescaped."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self.meta: dict[str, str | None] = {}
        self._open: dict[str, str | None] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = dict(attrs)
        elif tag == "meta":
            attributes = dict(attrs)
            self.meta[str(attributes["name"])] = attributes["content"]

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.anchors.append((self._open, data))
            self._open = None


@pytest.fixture
def published(api: Api, registry: Registry) -> dict[str, Any]:
    """My.Pkg 1.0 (wheel and sdist) and 2.0 (aarch64 wheel), 1.0 yanked."""
    started = datetime.now(UTC)
    wheel = Dist(name="My.Pkg", requires_python=">=3.9,<4")
    aarch64 = Dist(name="My.Pkg", version="2.0", tag="cp310-cp310-linux_aarch64")
    for dist, sdist in ((wheel, False), (wheel, True), (aarch64, False)):
        response = api.upload(dist, sdist=sdist)
        assert response.status_code == 200, response.text
    return {"started": started, "wheel": wheel, "aarch64": aarch64}


def test_json_package_page_lists_every_file_with_its_facts(
    api: Api, published: dict[str, Any]
) -> None:
    wheel, aarch64 = published["wheel"], published["aarch64"]

    response = api.get("/simple/my-pkg/", Accept=JSON)

    assert response.headers["content-type"] == JSON
    page = response.json()
    assert page["meta"] == {"api-version": "1.4"}
    assert page["name"] == "my-pkg"
    assert page["project-status"] == {"status": "active"}
    assert page["versions"] == ["1.0", "2.0"]
    files = {file["filename"]: file for file in page["files"]}
    assert list(files) == [
        wheel.wheel_filename,
        wheel.sdist_filename,
        aarch64.wheel_filename,
    ]
    whl = files[wheel.wheel_filename]
    content = wheel_bytes(wheel)
    assert whl["hashes"] == {"sha256": sha256(content)}
    assert whl["size"] == len(content)
    assert whl["requires-python"] == "<4,>=3.9"
    assert whl["yanked"] is False
    assert whl["core-metadata"] == {"sha256": sha256(wheel.metadata())}
    assert whl["dist-info-metadata"] == whl["core-metadata"]
    assert whl["url"] == f"../../files/{sha256(content)}/{wheel.wheel_filename}"
    sdist = files[wheel.sdist_filename]
    assert sdist["size"] == len(sdist_bytes(wheel))
    assert "core-metadata" not in sdist
    assert "dist-info-metadata" not in sdist
    for file in page["files"]:
        assert UPLOAD_TIME.fullmatch(file["upload-time"])
        moment = datetime.fromisoformat(file["upload-time"])
        assert published["started"] <= moment <= datetime.now(UTC)


def test_file_urls_resolve_against_the_page_under_every_path(
    api: Api, published: dict[str, Any]
) -> None:
    for page_url in (
        "http://testserver/simple/my-pkg/",
        f"http://testserver{PROJECT_SIMPLE}/my-pkg/",
        "http://testserver/api/v4/projects/default/packages/pypi/simple/my-pkg/",
    ):
        page = api.get(page_url, Accept=JSON).json()
        for file in page["files"]:
            download = api.get(urljoin(page_url, file["url"]))
            assert download.status_code == 200, (page_url, file["url"])
            assert sha256(download.content) == file["hashes"]["sha256"]


def test_html_package_page_carries_the_same_facts(
    api: Api, published: dict[str, Any]
) -> None:
    wheel = published["wheel"]
    json_page = api.get("/simple/my-pkg/", Accept=JSON).json()

    response = api.get("/simple/my-pkg/", Accept=HTML)

    assert response.headers["content-type"] == HTML
    html = Anchors(response.text)
    assert html.meta["pypi:repository-version"] == "1.4"
    assert html.meta["pypi:project-status"] == "active"
    assert [text for _, text in html.anchors] == [
        f["filename"] for f in json_page["files"]
    ]
    for (attributes, _), file in zip(html.anchors, json_page["files"], strict=True):
        assert attributes["href"] == f"{file['url']}#sha256={file['hashes']['sha256']}"
        assert attributes.get("data-requires-python") == file["requires-python"]
        assert "data-yanked" not in attributes
        if "core-metadata" in file:
            expected = f"sha256={file['core-metadata']['sha256']}"
            assert attributes["data-core-metadata"] == expected
            assert attributes["data-dist-info-metadata"] == expected
        else:
            assert "data-core-metadata" not in attributes
            assert "data-dist-info-metadata" not in attributes
    assert 'data-requires-python="&lt;4,&gt;=3.9"' in response.text
    assert wheel.wheel_filename in response.text


def test_yanked_files_show_the_reason_in_both_formats(
    api: Api, registry: Registry, published: dict[str, Any]
) -> None:
    set_yanked(
        registry,
        OPERATOR,
        ReleaseRef(1, "my-pkg", "1.0"),
        yanked=True,
        reason='broken "build" <b>',
    )
    set_yanked(registry, OPERATOR, ReleaseRef(1, "my-pkg", "2.0"), yanked=True)

    files = api.get("/simple/my-pkg/", Accept=JSON).json()["files"]
    html = api.get("/simple/my-pkg/", Accept=HTML)

    assert [f["yanked"] for f in files] == [
        'broken "build" <b>',
        'broken "build" <b>',
        True,
    ]
    yanked = [
        attributes.get("data-yanked") for attributes, _ in Anchors(html.text).anchors
    ]
    assert yanked == ['broken "build" <b>', 'broken "build" <b>', ""]
    assert "<b>" not in html.text


def test_root_page_lists_packages_in_both_formats(
    api: Api, published: dict[str, Any]
) -> None:
    assert api.upload(Dist(name="another")).status_code == 200

    json_root = api.get("/simple/", Accept=JSON)
    html_root = api.get("/simple/")

    assert json_root.json() == {
        "meta": {"api-version": "1.4"},
        "projects": [{"name": "another"}, {"name": "My.Pkg"}],
    }
    assert html_root.headers["content-type"] == "text/html; charset=utf-8"
    html = Anchors(html_root.text)
    assert html.meta["pypi:repository-version"] == "1.4"
    assert [(a["href"], text) for a, text in html.anchors] == [
        ("another/", "another"),
        ("my-pkg/", "My.Pkg"),
    ]
    assert api.get(f"{PROJECT_SIMPLE}/", Accept=JSON).json() == json_root.json()


def test_an_empty_project_has_an_empty_root_page(api: Api) -> None:
    assert api.get("/simple/", Accept=JSON).json()["projects"] == []


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (PIP_ACCEPT, JSON),
        (UV_ACCEPT, JSON),
        (HTML, HTML),
        ("text/html", "text/html; charset=utf-8"),
        (None, "text/html; charset=utf-8"),
        ("*/*", "text/html; charset=utf-8"),
        ("application/vnd.pypi.simple.latest+json", JSON),
    ],
)
@pytest.mark.parametrize("path", ["/simple/my-pkg/", "/simple/"])
def test_the_format_is_negotiated_and_varies_by_accept(
    api: Api,
    published: dict[str, Any],
    path: str,
    accept: str | None,
    content_type: str,
) -> None:
    headers = {"Accept": accept} if accept else {}

    response = api.get(path, **headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("path", ["/simple/my-pkg/", "/simple/"])
def test_an_unacceptable_format_is_406(
    api: Api, published: dict[str, Any], path: str
) -> None:
    response = api.get(path, Accept="application/json, text/html;q=0")

    assert response.status_code == 406
    assert response.headers["vary"] == "Accept"
    assert "application/vnd.pypi.simple.v1+json" in response.text


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/simple/My.Pkg/", "/simple/my-pkg/"),
        ("/simple/MY_PKG", "/simple/my-pkg/"),
        ("/simple/my-pkg", "/simple/my-pkg/"),
        ("/simple/my--pkg/?x=1", "/simple/my-pkg/?x=1"),
        ("/simple", "/simple/"),
        (f"{PROJECT_SIMPLE}/My.Pkg/", f"{PROJECT_SIMPLE}/my-pkg/"),
        (f"{PROJECT_SIMPLE}/my-pkg", f"{PROJECT_SIMPLE}/my-pkg/"),
        (PROJECT_SIMPLE, f"{PROJECT_SIMPLE}/"),
    ],
)
def test_a_page_url_that_is_not_canonical_redirects_permanently(
    api: Api, published: dict[str, Any], path: str, location: str
) -> None:
    response = api.client.get(path, headers=api.auth, follow_redirects=False)

    assert response.status_code == 301
    assert response.headers["location"] == location


def test_an_unknown_package_is_404(api: Api, published: dict[str, Any]) -> None:
    response = api.get("/simple/nothing-here/", Accept=JSON)

    assert response.status_code == 404
    assert "Package 'nothing-here' not found" in response.text


@pytest.mark.parametrize("path", ["/simple/my-pkg/", "/simple/"])
def test_a_page_answers_if_none_match_with_304(
    api: Api, published: dict[str, Any], path: str
) -> None:
    first = api.get(path, Accept=JSON)
    etag = first.headers["etag"]

    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = api.get(path, Accept=JSON, **{"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert "Accept" in again.headers["vary"]
    assert api.get(path, Accept=JSON, **{"If-None-Match": '"other"'}).status_code == 200
    assert api.get(path, Accept=HTML).headers["etag"] != etag


def test_a_change_gives_a_new_etag(api: Api, published: dict[str, Any]) -> None:
    etag = api.get("/simple/my-pkg/", Accept=JSON).headers["etag"]
    assert api.upload(Dist(name="My.Pkg", version="3.0")).status_code == 200

    response = api.get("/simple/my-pkg/", Accept=JSON, **{"If-None-Match": etag})

    assert response.status_code == 200
    assert response.headers["etag"] != etag


def test_the_serial_moves_on_upload_yank_and_delete_only(
    api: Api, registry: Registry
) -> None:
    def serial() -> int:
        root = int(api.get("/simple/").headers["X-PyPI-Last-Serial"])
        page = api.get("/simple/demo/")
        if page.status_code == 200:
            assert int(page.headers["X-PyPI-Last-Serial"]) == root
        return root

    assert serial() == 0
    assert api.upload(Dist()).status_code == 200
    assert serial() == 1
    assert api.upload(Dist()).status_code == 200  # identical: a no-op
    assert serial() == 1
    assert api.upload(Dist(), content=b"broken").status_code == 400
    assert serial() == 1
    set_yanked(registry, OPERATOR, ReleaseRef(1, "demo", "1.0"), yanked=True)
    assert serial() == 2
    set_yanked(registry, OPERATOR, ReleaseRef(1, "demo", "1.0"), yanked=False)
    assert serial() == 3
    delete_files(registry, OPERATOR, ReleaseRef(1, "demo", "1.0"))
    assert serial() == 4
    assert api.get("/simple/demo/").status_code == 404


def test_pages_ask_for_credentials(api: Api, published: dict[str, Any]) -> None:
    response = api.client.get("/simple/my-pkg/")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="wheelkeep"'


def test_the_page_cache_serves_the_same_bytes(
    api: Api, registry: Registry, published: dict[str, Any]
) -> None:
    first = api.get("/simple/my-pkg/", Accept=JSON)
    registry.pages.invalidate(1)
    second = api.get("/simple/my-pkg/", Accept=JSON)

    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
