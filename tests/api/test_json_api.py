"""PyPI's JSON API shape, for the tools that read it."""

import hashlib

import pytest
from sqlalchemy import event

from tests.conftest import Api
from tests.factories import Dist, wheel_bytes
from wheelkeep.domain.access import ALL_SCOPES, Principal
from wheelkeep.services.registry import Registry
from wheelkeep.services.releases import ReleaseRef, set_yanked

PROJECT = "/api/v4/projects/1/packages/pypi"


@pytest.fixture
def releases(api: Api) -> list[Dist]:
    dists = [
        Dist(name="My.Pkg", version="1.0", requires_dist=["packaging>=24"]),
        Dist(name="My.Pkg", version="1.1", requires_python=">=3.10"),
        Dist(name="My.Pkg", version="2.0rc1"),
    ]
    for dist in dists:
        assert api.upload(dist).status_code == 200
    assert api.upload(dists[0], sdist=True).status_code == 200
    return dists


def test_the_package_document_has_pypis_shape(api: Api, releases: list[Dist]) -> None:
    response = api.get("/pypi/My.Pkg/json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert set(document) == {
        "info",
        "last_serial",
        "urls",
        "releases",
        "vulnerabilities",
    }
    info = document["info"]
    # The newest final release, as PyPI chooses it.
    assert (info["name"], info["version"]) == ("My.Pkg", "1.1")
    assert info["requires_python"] == ">=3.10"
    assert info["summary"] == "A package built by the tests."
    assert info["yanked"] is False
    assert document["last_serial"] == 4
    assert document["vulnerabilities"] == []
    assert sorted(document["releases"]) == ["1.0", "1.1", "2.0rc1"]
    assert [f["packagetype"] for f in document["releases"]["1.0"]] == [
        "bdist_wheel",
        "sdist",
    ]


def test_each_file_entry_has_digests_and_a_working_url(
    api: Api, releases: list[Dist]
) -> None:
    content = wheel_bytes(releases[1])

    (entry,) = api.get("/pypi/my-pkg/json").json()["urls"]

    assert entry["filename"] == releases[1].wheel_filename
    assert entry["digests"] == {
        "sha256": hashlib.sha256(content).hexdigest(),
        "md5": hashlib.md5(content, usedforsecurity=False).hexdigest(),
        "blake2b_256": hashlib.blake2b(content, digest_size=32).hexdigest(),
    }
    assert entry["md5_digest"] == entry["digests"]["md5"]
    assert entry["size"] == len(content)
    assert entry["python_version"] == "py3"
    assert entry["requires_python"] == ">=3.10"
    assert entry["upload_time_iso_8601"].startswith(entry["upload_time"])
    assert entry["url"].startswith("http://testserver/files/")
    assert api.get(entry["url"]).content == content


def test_a_release_document_describes_that_release(
    api: Api, releases: list[Dist]
) -> None:
    document = api.get("/pypi/my-pkg/1.0.0/json").json()

    assert "releases" not in document
    assert document["info"]["version"] == "1.0"
    assert document["info"]["requires_dist"] == ["packaging>=24"]
    assert len(document["urls"]) == 2


def test_a_yanked_newest_release_is_passed_over(
    api: Api, registry: Registry, releases: list[Dist]
) -> None:
    operator = Principal(actor="test", scopes=ALL_SCOPES, is_admin=True)
    set_yanked(
        registry, operator, ReleaseRef(1, "my-pkg", "1.1"), yanked=True, reason="x"
    )

    document = api.get("/pypi/my-pkg/json").json()

    assert document["info"]["version"] == "1.0"
    yanked = api.get("/pypi/my-pkg/1.1/json").json()["info"]
    assert (yanked["yanked"], yanked["yanked_reason"]) == (True, "x")


def test_the_project_path_links_files_under_the_project(
    api: Api, releases: list[Dist]
) -> None:
    document = api.get(f"{PROJECT}/pypi/my-pkg/json").json()

    url = document["urls"][0]["url"]
    assert url.startswith(f"http://testserver{PROJECT}/files/")
    assert api.get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/pypi/nothing/json",
        "/pypi/-bad-/json",
        "/pypi/my-pkg/9.9/json",
        "/pypi/my-pkg/x!y/json",
    ],
)
def test_what_is_not_there_is_404(api: Api, releases: list[Dist], path: str) -> None:
    response = api.get(path)

    assert response.status_code == 404, response.text
    assert "not found" in response.text


def test_the_document_costs_the_same_queries_for_any_number_of_releases(
    api: Api, registry: Registry
) -> None:
    statements: list[str] = []

    def queries_for(name: str) -> int:
        statements.clear()
        assert api.get(f"/pypi/{name}/json").status_code == 200
        return len(statements)

    for version in ("1.0", "1.1", "1.2", "1.3", "1.4"):
        assert api.upload(Dist(name="many", version=version)).status_code == 200
    assert api.upload(Dist(name="one")).status_code == 200
    event.listen(
        registry.engine,
        "before_cursor_execute",
        lambda *args: statements.append(str(args[2])),
    )

    assert queries_for("many") == queries_for("one")
