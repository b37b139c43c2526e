"""Platform-aware, reproducible installs with the real uv and pip, end to end.

One server serves the whole module; each test works in a project of its own.
"""

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BIN, Server, start_server, stop_server, tool
from tests.factories import Dist, sdist_bytes, upload_fields, wheel_bytes
from tests.projects import create_project
from wheelkeep.cli.packages import OPERATOR
from wheelkeep.config import Settings
from wheelkeep.domain.profiles import Profile
from wheelkeep.services.profiles import add_profile
from wheelkeep.services.projects import find_project
from wheelkeep.services.registry import Registry, open_registry
from wheelkeep.services.releases import ReleaseRef, delete_files, set_yanked

# One server for the module: keep its tests on one xdist worker.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("platform-e2e")]

JSON_PAGE = "application/vnd.pypi.simple.v1+json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("platform"))
    with opened(server) as registry:
        add_profile(
            registry,
            OPERATOR,
            Profile.create(
                "jetson-orin-jp6", "3.10", ["manylinux_2_35_aarch64", "linux_aarch64"]
            ),
        )
        add_profile(
            registry,
            OPERATOR,
            Profile.create("server", "3.12", ["manylinux_2_28_x86_64"]),
        )
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def pip_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the pip bundled with Python (no download).

    Shared by the module: each test installs a package of its own name.
    """
    venv = tmp_path_factory.mktemp("pip-venv")
    subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        check=True,
        env={"PATH": os.environ.get("PATH", "")},
    )
    return venv


@contextlib.contextmanager
def opened(server: Server) -> Iterator[Registry]:
    """The server's registry, opened in this process as the CLI would open it."""
    registry = open_registry(Settings(data_dir=server.data_dir))
    try:
        yield registry
    finally:
        registry.engine.dispose()


def new_project(server: Server, path: str) -> None:
    with opened(server) as registry:
        create_project(registry, path)


def wheelkeep(
    server: Server, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """The wheelkeep command, run on the server's data folder."""
    result = subprocess.run(
        [str(BIN / "wheelkeep"), *args],
        env={**os.environ, "WHEELKEEP_DATA_DIR": str(server.data_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def publish(server: Server, project: str, dist: Dist, *, sdist: bool = False) -> str:
    """Upload a wheel (or the sdist) of ``dist``; return its sha256."""
    content = sdist_bytes(dist) if sdist else wheel_bytes(dist)
    filename = dist.sdist_filename if sdist else dist.wheel_filename
    response = httpx.post(
        server.project_url(project.replace("/", "%2F")),
        data=upload_fields(dist, filename, content),
        files={"content": (filename, content, "application/octet-stream")},
        auth=("__token__", server.token),
    )
    assert response.status_code == 200, response.text
    return hashlib.sha256(content).hexdigest()


def page(server: Server, path: str, accept: str = JSON_PAGE) -> httpx.Response:
    response = httpx.get(
        f"{server.url}{path}",
        headers={"Accept": accept},
        auth=("__token__", server.token),
    )
    assert response.status_code == 200, response.text
    return response


# 1. A lock file checked for a Jetson and a server


PYPROJECT = """\
[project]
name = "edge-app"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = [
    "edge-tool",
    "onnxruntime-gpu; platform_machine == 'aarch64'",
    "onnxruntime; platform_machine == 'x86_64'",
]

[[tool.uv.index]]
name = "private"
url = "{index}"
explicit = true

[tool.uv.sources]
edge-tool = {{ index = "private" }}
onnxruntime-gpu = {{ index = "private", marker = "platform_machine == 'aarch64'" }}
onnxruntime = {{ index = "private", marker = "platform_machine == 'x86_64'" }}
"""


def test_uv_lock_checked_for_each_profile(
    server: Server, tmp_path: Path, client_env: dict[str, str]
) -> None:
    new_project(server, "ai/edge")
    publish(server, "ai/edge", Dist(name="edge-tool", version="1.0"))
    publish(
        server,
        "ai/edge",
        Dist(name="onnxruntime-gpu", version="1.18.0", tag="cp310-cp310-linux_aarch64"),
    )
    publish(
        server,
        "ai/edge",
        Dist(
            name="onnxruntime",
            version="1.18.0",
            tag="cp312-cp312-manylinux_2_28_x86_64",
        ),
    )
    app = tmp_path / "edge-app"
    app.mkdir()
    index = f"{server.url}/api/v4/projects/ai%2Fedge/packages/pypi/simple"
    (app / "pyproject.toml").write_text(PYPROJECT.format(index=index))
    environment = {
        **client_env,
        "UV_INDEX_PRIVATE_USERNAME": "__token__",
        "UV_INDEX_PRIVATE_PASSWORD": server.token,
    }

    locked = subprocess.run(
        [tool("uv"), "lock", "--python", sys.executable],
        cwd=app,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert locked.returncode == 0, locked.stderr
    lock = app / "uv.lock"

    arguments = ["check", str(lock), "--project", "ai/edge"]
    profiles = ["--profile", "jetson-orin-jp6", "--profile", "server"]
    passing = wheelkeep(server, *arguments, *profiles)
    assert "ok    jetson-orin-jp6: 2 packages" in passing.stdout
    assert "ok    server: 2 packages" in passing.stdout
    assert "note: edge-app 0.1.0: the project itself; not checked" in passing.stdout

    wheelkeep(
        server, "package", "delete", "onnxruntime-gpu", "1.18.0", "--project", "ai/edge"
    )
    failing = wheelkeep(server, *arguments, *profiles, "--json", check=False)

    assert failing.returncode == 1, failing.stdout + failing.stderr
    report = json.loads(failing.stdout)
    assert report["ok"] is False
    assert report["checked"] == {"jetson-orin-jp6": 2, "server": 2}
    assert [(f["profile"], f["package"], f["kind"]) for f in report["findings"]] == [
        ("jetson-orin-jp6", "onnxruntime-gpu", "missing-release")
    ]


# 2. A snapshot keeps serving the index as it was


def test_snapshot_is_frozen_and_installable(
    server: Server, tmp_path: Path, client_env: dict[str, str], pip_venv: Path
) -> None:
    new_project(server, "ai/frozen")
    old = Dist(name="frozen-demo", version="1.0")
    publish(server, "ai/frozen", old)
    publish(server, "ai/frozen", old, sdist=True)
    base = "/api/v4/projects/ai%2Ffrozen/packages/pypi"
    live_before = page(server, f"{base}/simple/frozen-demo/").content

    created = httpx.post(
        f"{server.url}{base}/snapshots",
        json={"name": "before-2.0"},
        auth=("__token__", server.token),
    )
    assert created.status_code == 201, created.text
    snapshot = f"{base}/snapshots/before-2.0/simple"
    paths = [f"{snapshot}/", f"{snapshot}/frozen-demo/"]
    formats = [JSON_PAGE, "text/html"]
    before = {
        (path, accept): page(server, path, accept)
        for path in paths
        for accept in formats
    }
    assert before[(f"{snapshot}/frozen-demo/", JSON_PAGE)].content == live_before

    publish(server, "ai/frozen", Dist(name="frozen-demo", version="2.0"))
    with opened(server) as registry:
        project_id = find_project_id(registry, "ai/frozen")
        ref = ReleaseRef(project_id, "frozen-demo", "1.0")
        set_yanked(registry, OPERATOR, ref, yanked=True, reason="superseded")
        delete_files(registry, OPERATOR, ref, old.wheel_filename)

    live_after = page(server, f"{base}/simple/frozen-demo/").json()
    assert live_after["versions"] == ["1.0", "2.0"]
    for (path, accept), earlier in before.items():
        later = page(server, path, accept)
        assert later.content == earlier.content, (path, accept)
        assert later.headers["etag"] == earlier.headers["etag"], (path, accept)

    installed = subprocess.run(
        [
            str(pip_venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
            "--only-binary", ":all:",
            "--index-url", server.index_url("ai%2Ffrozen").replace(
                "/simple/", "/snapshots/before-2.0/simple/"
            ),
            "frozen-demo",
        ],
        env=client_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    assert installed_version(pip_venv, client_env, "frozen-demo") == "1.0"


# 3. Promotion, then a hash-checked install from the target


def test_promoted_release_installs_with_hashes_from_dev(
    server: Server, tmp_path: Path, client_env: dict[str, str], pip_venv: Path
) -> None:
    new_project(server, "ai/dev")
    new_project(server, "ai/prod")
    vetted = Dist(name="vetted-lib", version="2.1")
    publish(server, "ai/dev", vetted)
    publish(server, "ai/dev", vetted, sdist=True)
    dev_page = page(
        server, "/api/v4/projects/ai%2Fdev/packages/pypi/simple/vetted-lib/"
    )
    dev_files = {f["filename"]: f for f in dev_page.json()["files"]}

    wheelkeep(
        server, "promote", "vetted-lib", "2.1", "--from", "ai/dev", "--to", "ai/prod"
    )

    requirements = tmp_path / "requirements.txt"
    hashes = " ".join(
        f"--hash=sha256:{file['hashes']['sha256']}" for file in dev_files.values()
    )
    requirements.write_text(f"vetted-lib==2.1 {hashes}\n")
    installed = subprocess.run(
        [
            str(pip_venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
            "--require-hashes", "-r", str(requirements),
            "--index-url", server.index_url("ai%2Fprod"),
        ],
        env=client_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    assert installed_version(pip_venv, client_env, "vetted-lib") == "2.1"

    prod_page = page(
        server, "/api/v4/projects/ai%2Fprod/packages/pypi/simple/vetted-lib/"
    )
    prod_files = {f["filename"]: f for f in prod_page.json()["files"]}
    assert prod_files.keys() == dev_files.keys()
    for name, prod_file in prod_files.items():
        assert prod_file["hashes"] == dev_files[name]["hashes"]
        assert prod_file["upload-time"] > dev_files[name]["upload-time"]
    checked = httpx.post(
        f"{server.url}/api/v4/projects/ai%2Fprod/packages/pypi/check",
        params={"filename": "requirements.txt", "profile": "server"},
        content=requirements.read_bytes(),
        auth=("__token__", server.token),
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["ok"] is True


def find_project_id(registry: Registry, path: str) -> int:
    with registry.session() as session:
        return find_project(session, path).id


def installed_version(venv: Path, environment: dict[str, str], name: str) -> str:
    shown = subprocess.run(
        [
            str(venv / "bin" / "python"), "-c",
            f"import importlib.metadata as m; print(m.version({name!r}))",
        ],
        env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return shown.stdout.strip()
