"""Coverage matrices, profiles and lock checks over HTTP."""

from typing import Any

import pytest

from tests.conftest import Api
from tests.factories import Dist
from wheelkeep.cli.packages import OPERATOR
from wheelkeep.domain.profiles import Profile
from wheelkeep.services.profiles import add_profile
from wheelkeep.services.registry import Registry

COVERAGE = "/api/v4/projects/1/packages/pypi/coverage"
TAGS = (
    "cp310-cp310-linux_aarch64",
    "cp310-cp310-manylinux_2_35_aarch64",
    "cp312-cp312-manylinux_2_28_x86_64",
)


def publish_release(api: Api) -> None:
    for tag in TAGS:
        assert api.upload(Dist(version="1.0", tag=tag)).status_code == 200
    assert api.upload(Dist(version="1.0"), sdist=True).status_code == 200


def add_profiles(registry: Registry) -> None:
    for profile in (
        Profile.create(
            "jetson-orin-jp6", "3.10", ["manylinux_2_35_aarch64", "linux_aarch64"]
        ),
        Profile.create("server", "3.12", ["manylinux_2_28_x86_64"]),
        Profile.create("legacy", "3.8", ["manylinux2014_x86_64"]),
    ):
        add_profile(registry, OPERATOR, profile)


def tag(interpreter: str, platform: str, libc_version: str | None) -> dict[str, Any]:
    arch = "aarch64" if platform.endswith("aarch64") else "x86_64"
    return {
        "interpreter": interpreter,
        "abi": interpreter,
        "platform": platform,
        "os": "linux",
        "arch": arch,
        "libc": "glibc" if libc_version else None,
        "libc_version": libc_version,
        "os_version": None,
    }


def wheel(platform_tag: str, libc_version: str | None) -> dict[str, Any]:
    interpreter = platform_tag.split("-")[0]
    platform = platform_tag.split("-")[2]
    return {
        "filename": f"demo-1.0-{platform_tag}.whl",
        "kind": "bdist_wheel",
        "requires_python": None,
        "tags": [tag(interpreter, platform, libc_version)],
    }


EXPECTED_COVERAGE = {
    "package": "demo",
    "version": "1.0",
    "files": [
        wheel("cp310-cp310-linux_aarch64", None),
        wheel("cp310-cp310-manylinux_2_35_aarch64", "2.35"),
        wheel("cp312-cp312-manylinux_2_28_x86_64", "2.28"),
        {
            "filename": "demo-1.0.tar.gz",
            "kind": "sdist",
            "requires_python": None,
            "tags": [],
        },
    ],
    "matrix": {
        "pythons": ["cp310-cp310", "cp312-cp312"],
        "platforms": [
            "linux_aarch64",
            "manylinux_2_35_aarch64",
            "manylinux_2_28_x86_64",
        ],
        "cells": [
            {
                "python": "cp310-cp310",
                "platform": "linux_aarch64",
                "files": ["demo-1.0-cp310-cp310-linux_aarch64.whl"],
            },
            {
                "python": "cp310-cp310",
                "platform": "manylinux_2_35_aarch64",
                "files": ["demo-1.0-cp310-cp310-manylinux_2_35_aarch64.whl"],
            },
            {
                "python": "cp312-cp312",
                "platform": "manylinux_2_28_x86_64",
                "files": ["demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"],
            },
        ],
    },
    "sdists": ["demo-1.0.tar.gz"],
    "profiles": [
        {
            "profile": "jetson-orin-jp6",
            "python": "cpython 3.10",
            "file": "demo-1.0-cp310-cp310-manylinux_2_35_aarch64.whl",
            "reason": None,
        },
        {
            "profile": "legacy",
            "python": "cpython 3.8",
            "file": None,
            "reason": "no compatible wheel; the sdist demo-1.0.tar.gz would need "
            "building, and sdists are not counted",
        },
        {
            "profile": "server",
            "python": "cpython 3.12",
            "file": "demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl",
            "reason": None,
        },
    ],
}


def test_coverage_matrix_of_a_release(api: Api, registry: Registry) -> None:
    publish_release(api)
    add_profiles(registry)

    response = api.get(f"{COVERAGE}/demo/1.0")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == EXPECTED_COVERAGE


def test_coverage_counts_the_sdist_when_asked(api: Api, registry: Registry) -> None:
    publish_release(api)
    add_profiles(registry)

    response = api.get(f"{COVERAGE}/Demo/1.0.0?allow_sdist=true")

    choices = {c["profile"]: c["file"] for c in response.json()["profiles"]}
    assert choices["legacy"] == "demo-1.0.tar.gz"
    assert choices["server"] == "demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/demo/2.0", 404), ("/nothing/1.0", 404), ("/demo/not-a-version", 404)],
)
def test_coverage_of_a_missing_release(api: Api, path: str, status: int) -> None:
    publish_release(api)

    assert api.get(COVERAGE + path).status_code == status


def test_coverage_needs_credentials(api: Api) -> None:
    publish_release(api)

    response = api.client.get(f"{COVERAGE}/demo/1.0")

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")


def test_profiles_are_listed(api: Api, registry: Registry) -> None:
    add_profiles(registry)

    response = api.get("/api/v4/profiles")

    assert response.status_code == 200
    assert [p["name"] for p in response.json()] == [
        "jetson-orin-jp6",
        "legacy",
        "server",
    ]
    assert response.json()[0] == {
        "name": "jetson-orin-jp6",
        "implementation": "cpython",
        "python_version": "3.10",
        "platforms": ["manylinux_2_35_aarch64", "linux_aarch64"],
    }
    assert api.client.get("/api/v4/profiles").status_code == 401


def test_check_endpoint_reports_findings(api: Api, registry: Registry) -> None:
    publish_release(api)
    add_profiles(registry)
    served = api.get("/simple/demo/", Accept="application/vnd.pypi.simple.v1+json")
    hashes = {f["filename"]: f["hashes"]["sha256"] for f in served.json()["files"]}
    x86 = hashes["demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"]
    requirements = f"demo==1.0 --hash=sha256:{x86}\n"

    response = api.client.post(
        "/api/v4/projects/1/packages/pypi/check",
        params={
            "filename": "requirements.txt",
            "profile": ["server", "jetson-orin-jp6"],
        },
        content=requirements,
        headers=api.auth,
    )

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["ok"] is False
    assert report["profiles"] == ["server", "jetson-orin-jp6"]
    assert [(f["profile"], f["kind"], f["filename"]) for f in report["findings"]] == [
        (
            "jetson-orin-jp6",
            "hash-mismatch",
            "demo-1.0-cp310-cp310-manylinux_2_35_aarch64.whl",
        )
    ]


def test_check_endpoint_refuses_unknown_profiles(api: Api) -> None:
    response = api.client.post(
        "/api/v4/projects/1/packages/pypi/check",
        params={"profile": "nowhere"},
        content=b"version = 1\n[[package]]\nname = 'x'\n",
        headers=api.auth,
    )

    assert response.status_code == 404
    assert "nowhere" in response.text
