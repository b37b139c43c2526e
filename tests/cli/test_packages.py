"""``wheelkeep package``: yank, unyank and delete, as an operator runs them."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import Api, stored_state
from tests.factories import Dist, wheel_bytes
from wheelkeep.cli.main import app
from wheelkeep.domain.digests import sha256_of
from wheelkeep.domain.errors import RegistryError
from wheelkeep.services.registry import Registry

JSON = "application/vnd.pypi.simple.v1+json"


def run(registry: Registry, *arguments: str) -> Any:
    """Run a command in-process on the registry's data folder; its JSON output."""
    data_dir = str(registry.settings.data_dir)
    result = CliRunner().invoke(app, ["--data-dir", data_dir, *arguments, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def files_of(api: Api, name: str = "demo") -> list[dict[str, Any]]:
    response = api.get(f"/simple/{name}/", Accept=JSON)
    if response.status_code == 404:
        return []
    files: list[dict[str, Any]] = response.json()["files"]
    return files


def serial(api: Api) -> int:
    return int(api.get("/simple/").headers["X-PyPI-Last-Serial"])


@pytest.fixture
def release(api: Api) -> Dist:
    """demo 1.0 with a wheel and an sdist, and demo 2.0 with a wheel."""
    dist = Dist()
    assert api.upload(dist).status_code == 200
    assert api.upload(dist, sdist=True).status_code == 200
    assert api.upload(Dist(version="2.0")).status_code == 200
    return dist


def test_yank_marks_every_file_of_the_release(
    api: Api, registry: Registry, release: Dist
) -> None:
    before = serial(api)

    output = run(registry, "package", "yank", "demo", "1.0", "--reason", "broken")

    assert output == {
        "package": "demo",
        "version": "1.0",
        "yanked": True,
        "reason": "broken",
    }
    assert [f["yanked"] for f in files_of(api)] == ["broken", "broken", False]
    assert serial(api) == before + 1


def test_yank_without_a_reason_and_unyank(
    api: Api, registry: Registry, release: Dist
) -> None:
    run(registry, "package", "yank", "demo", "1.0.0")
    assert [f["yanked"] for f in files_of(api)] == [True, True, False]

    output = run(registry, "package", "unyank", "demo", "1.0")

    assert output == {"package": "demo", "version": "1.0", "yanked": False}
    assert [f["yanked"] for f in files_of(api)] == [False, False, False]


def test_delete_removes_the_release_and_keeps_tombstones(
    api: Api, registry: Registry, release: Dist
) -> None:
    before = stored_state(registry)

    output = run(registry, "package", "delete", "Demo", "1.0", "--project", "default")

    assert sorted(output["deleted"]) == [release.wheel_filename, release.sdist_filename]
    assert [f["filename"] for f in files_of(api)] == ["demo-2.0-py3-none-any.whl"]
    after = stored_state(registry)
    assert (after.files, after.releases, after.tombstones) == (1, 1, 2)
    gone = before.blobs - after.blobs
    assert sha256_of(wheel_bytes(release)) in gone
    # The wheel, the sdist and the one METADATA both of them had; 2.0 has its own.
    assert len(gone) == 3
    retry = api.upload(release)
    assert retry.status_code == 400
    assert "File already exists" in retry.text


def test_delete_of_one_file_keeps_the_others_and_shared_metadata(
    api: Api, registry: Registry, release: Dist
) -> None:
    aarch64 = Dist(tag="cp310-cp310-linux_aarch64")
    assert api.upload(aarch64).status_code == 200
    before = stored_state(registry)

    output = run(
        registry, "package", "delete", "demo", "1.0", "--file", release.wheel_filename
    )

    assert output["deleted"] == [release.wheel_filename]
    assert [f["filename"] for f in files_of(api)] == [
        aarch64.wheel_filename,
        release.sdist_filename,
        "demo-2.0-py3-none-any.whl",
    ]
    after = stored_state(registry)
    # Only the wheel's bytes went: the aarch64 wheel uses the same METADATA.
    assert before.blobs - after.blobs == {sha256_of(wheel_bytes(release))}
    digest = sha256_of(wheel_bytes(aarch64))
    metadata = api.get(f"/files/{digest}/{aarch64.wheel_filename}.metadata")
    assert metadata.content == aarch64.metadata()


def test_deleting_every_release_removes_the_package_from_the_root_page(
    api: Api, registry: Registry, release: Dist
) -> None:
    run(registry, "package", "delete", "demo", "1.0")
    run(registry, "package", "delete", "demo", "2.0")

    assert api.get("/simple/", Accept=JSON).json()["projects"] == []
    assert api.get("/simple/demo/").status_code == 404
    assert stored_state(registry).blobs == frozenset()


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["yank", "demo", "9.9"], "No release demo 9.9 in this project."),
        (["delete", "demo", "1.0", "--file", "x.whl"], "No file 'x.whl' in demo 1.0"),
        (["unyank", "demo", "1.0", "--project", "nope"], "Project not found."),
        (["yank", "demo", "not-a-version"], "Invalid version 'not-a-version'"),
    ],
)
def test_errors_change_nothing_and_say_why(
    registry: Registry, release: Dist, arguments: list[str], reason: str
) -> None:
    before = stored_state(registry)

    result = CliRunner().invoke(
        app, ["--data-dir", str(registry.settings.data_dir), "package", *arguments]
    )

    assert isinstance(result.exception, RegistryError)
    assert reason in result.exception.message
    assert stored_state(registry) == before


def test_the_command_exits_with_1_and_prints_the_reason(
    registry: Registry, release: Dist
) -> None:
    command = [str(Path(sys.executable).parent / "wheelkeep")]
    arguments = ["--data-dir", str(registry.settings.data_dir), "package"]

    result = subprocess.run(
        [*command, *arguments, "yank", "demo", "9.9"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "error: No release demo 9.9 in this project." in result.stderr
