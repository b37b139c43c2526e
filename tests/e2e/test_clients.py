"""The real clients against a server process: twine, uv publish, pip and uv.

One server serves the whole module: twine publishes a package built by a real
build backend (hatchling, through ``python -m build``) and an aarch64 wheel, then
pip and uv install and resolve from it. A second server shows ``uv publish``
uploading the same files.
"""

import hashlib
import json
import platform
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import (
    Server,
    hermetic_env,
    make_venv,
    start_server,
    stop_server,
    tool,
)
from tests.factories import Dist, write_wheel

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-clients")]

JSON = "application/vnd.pypi.simple.v1+json"
PURE_PROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "wk-pure"
version = "1.0"
description = "A pure-Python package built by hatchling for the tests."
requires-python = ">=3.9"
"""


@dataclass(frozen=True)
class Dists:
    pure_wheel: Path
    pure_sdist: Path
    jetson: Path  # wk-jetson 1.0, cp310 linux_aarch64 only
    fallback: Path  # wk-jetson 0.9, pure Python
    choosers: list[Path]  # wk-chooser 1.0, and 2.0 that needs a missing package

    @property
    def twine_files(self) -> list[Path]:
        return [self.pure_wheel, self.pure_sdist, self.jetson]


def run(
    command: list[str], env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    if check:
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def index_files(server: Server, name: str) -> dict[str, str]:
    """filename: sha256 of every file the server lists for a package."""
    response = httpx.get(
        f"{server.project_url()}/simple/{name}/",
        headers={"Accept": JSON},
        auth=("__token__", server.token),
    )
    response.raise_for_status()
    return {f["filename"]: f["hashes"]["sha256"] for f in response.json()["files"]}


def requests_logged(server: Server, since: int) -> list[str]:
    """The request lines of the server's access log written after ``since``."""
    return [
        line.split('"')[1]
        for line in server.log()[since:].splitlines()
        if " wheelkeep.api.access_log request " in line
    ]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clients")


@pytest.fixture(scope="module")
def env(folder: Path) -> dict[str, str]:
    return hermetic_env(folder)


@pytest.fixture(scope="module")
def dists(folder: Path, env: dict[str, str]) -> Dists:
    """The pure package built by hatchling, and two wheels made by the factories."""
    source = folder / "wk-pure"
    (source / "src" / "wk_pure").mkdir(parents=True)
    (source / "pyproject.toml").write_text(PURE_PROJECT)
    (source / "src" / "wk_pure" / "__init__.py").write_text("VALUE = 'pure'\n")
    out = folder / "dist"
    # hatchling is installed in the test environment: building without
    # isolation keeps the test off the network.
    build = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out)]
    run([*build, str(source)], env)
    jetson = Dist(
        name="wk-jetson",
        version="1.0",
        tag="cp310-cp310-linux_aarch64",
        requires_dist=["wk-pure>=1.0"],
    )
    return Dists(
        pure_wheel=out / "wk_pure-1.0-py3-none-any.whl",
        pure_sdist=out / "wk_pure-1.0.tar.gz",
        jetson=write_wheel(out, jetson),
        fallback=write_wheel(out, Dist(name="wk-jetson", version="0.9")),
        choosers=[
            write_wheel(out, Dist(name="wk-chooser", version="1.0")),
            write_wheel(
                out,
                Dist(name="wk-chooser", version="2.0", requires_dist=["wk-missing"]),
            ),
        ],
    )


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[Server]:
    # The clients meet the caches a production server has (nothing here
    # revokes a token), so their repeated reads take the memory path.
    server = start_server(
        folder / "server",
        WHEELKEEP_READ_CACHE_SECONDS="5",
        WHEELKEEP_SERIAL_CACHE_SECONDS="0.5",
    )
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def published(server: Server, dists: Dists, env: dict[str, str]) -> Server:
    """The server after twine uploaded every file but a spare impostor."""
    result = run(
        [
            tool("twine"),
            "upload",
            "--non-interactive",
            "--disable-progress-bar",
            "--repository-url",
            server.project_url(),
            "-u",
            "__token__",
            "-p",
            server.token,
            *map(str, [*dists.twine_files, dists.fallback, *dists.choosers]),
        ],
        env,
    )
    assert result.stdout.count("Uploading ") == 7, result.stdout
    return server


@pytest.fixture(scope="module")
def venv(folder: Path, env: dict[str, str]) -> Path:
    return make_venv(folder, env)


def test_twine_uploads_a_built_package_and_an_aarch64_wheel(
    published: Server, dists: Dists
) -> None:
    assert index_files(published, "wk-pure") == {
        dists.pure_wheel.name: sha256(dists.pure_wheel),
        dists.pure_sdist.name: sha256(dists.pure_sdist),
    }
    assert index_files(published, "wk-jetson") == {
        dists.jetson.name: sha256(dists.jetson),
        dists.fallback.name: sha256(dists.fallback),
    }


def test_uv_publish_uploads_both(
    folder: Path, dists: Dists, env: dict[str, str]
) -> None:
    server = start_server(folder / "uv-server")
    try:
        files = [*dists.twine_files]
        arguments = ["--publish-url", server.project_url(), "--username", "__token__"]
        publish = [tool("uv"), "publish", *arguments, "--password", server.token]

        run([*publish, *map(str, files)], env)
        again = run([*publish, *map(str, files)], env)

        assert index_files(server, "wk-pure") == {
            path.name: sha256(path) for path in (dists.pure_wheel, dists.pure_sdist)
        }
        assert index_files(server, "wk-jetson") == {
            dists.jetson.name: sha256(dists.jetson)
        }
        assert "error" not in again.stderr.lower()
        assert server.token not in server.log()
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def twine6() -> Path:
    """twine 6.1, the last release that honours --skip-existing for any index.

    From 6.2 on, twine refuses the option before sending anything unless the
    URL is PyPI's own. ``make test`` installs 6.1 beside the test environment
    (it runs on that environment's dependencies), so the test needs no network.
    """
    target = Path(__file__).resolve().parents[2] / ".tools" / "twine-legacy"
    assert (target / "twine").is_dir(), f"{target} is missing: run make test"
    return target


def test_twine_skip_existing_skips_a_file_name_taken_by_other_bytes(
    published: Server,
    dists: Dists,
    env: dict[str, str],
    folder: Path,
    twine6: Path,
) -> None:
    impostor = write_wheel(folder / "impostor", Dist(name="wk-pure", payload=b"X=2\n"))
    assert impostor.name == dists.pure_wheel.name
    credentials = ["-u", "__token__", "-p", published.token]
    options = ["--non-interactive", "--disable-progress-bar", *credentials]
    url = ["--repository-url", published.project_url()]

    twine6_command = [sys.executable, "-m", "twine", "upload", *options, *url]
    skipped = run(
        [*twine6_command, "--skip-existing", str(impostor)],
        {**env, "PYTHONPATH": str(twine6)},
    )
    # ASGI servers send the standard reason phrase, so twine shows the reason
    # from the body only with --verbose.
    refused = run(
        [tool("twine"), "upload", "--verbose", *options, *url, str(impostor)],
        env,
        check=False,
    )

    assert (
        "Skipping wk_pure-1.0-py3-none-any.whl because it appears to already exist"
        in (" ".join((skipped.stdout + skipped.stderr).split()))
    )
    assert refused.returncode != 0
    assert "File already exists" in refused.stdout + refused.stderr
    listed = index_files(published, "wk-pure")
    assert listed[dists.pure_wheel.name] == sha256(dists.pure_wheel)


def test_twine_retrying_an_identical_upload_succeeds(
    published: Server, dists: Dists, env: dict[str, str]
) -> None:
    before = index_files(published, "wk-pure")

    run(
        [
            tool("twine"),
            "upload",
            "--non-interactive",
            "--disable-progress-bar",
            "--repository-url",
            published.project_url(),
            "-u",
            "__token__",
            "-p",
            published.token,
            str(dists.pure_wheel),
        ],
        env,
    )

    assert index_files(published, "wk-pure") == before


def test_pip_installs_with_the_token_in_the_index_url(
    published: Server, venv: Path, env: dict[str, str]
) -> None:
    run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "--index-url",
            published.url.replace("http://", f"http://__token__:{published.token}@")
            + "/simple/",
            "wk-pure",
        ],
        env,
    )

    imported = run(
        [str(venv / "bin" / "python"), "-c", "import wk_pure; print(wk_pure.VALUE)"],
        env,
    )
    assert imported.stdout.strip() == "pure"


def test_uv_pip_installs_the_wheel_for_this_machine(
    published: Server, venv: Path, env: dict[str, str]
) -> None:
    run(
        [
            tool("uv"),
            "pip",
            "install",
            "--python",
            str(venv / "bin" / "python"),
            "--index-url",
            published.index_url(),
            "wk-jetson",
        ],
        env,
    )

    shown = run(
        [
            tool("uv"),
            "pip",
            "show",
            "--python",
            str(venv / "bin" / "python"),
            "wk-jetson",
        ],
        env,
    )
    # This machine runs CPython 3.11: the cp310 aarch64 wheel never fits it.
    assert "Version: 0.9" in shown.stdout, (platform.machine(), shown.stdout)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("aarch64-unknown-linux-gnu", ["wk-jetson==1.0", "wk-pure==1.0"]),
        ("x86_64-unknown-linux-gnu", ["wk-jetson==0.9"]),
    ],
)
def test_uv_pip_compile_picks_the_wheel_for_the_target_platform(
    published: Server,
    env: dict[str, str],
    folder: Path,
    target: str,
    expected: list[str],
) -> None:
    requirements = folder / "requirements.in"
    requirements.write_text("wk-jetson\n")
    since = len(published.log())

    result = run(
        [
            tool("uv"),
            "pip",
            "compile",
            "--no-cache",
            "--no-header",
            "--no-annotate",
            "--python-platform",
            target,
            "--python-version",
            "3.10",
            "--index-url",
            published.index_url(),
            str(requirements),
        ],
        env,
    )

    pins = [line for line in result.stdout.splitlines() if "==" in line]
    assert pins == expected
    # uv read the aarch64 wheel's dependencies from its PEP 658 metadata file.
    requests = requests_logged(published, since)
    metadata = "wk_jetson-1.0-cp310-cp310-linux_aarch64.whl.metadata "
    fetched = any(metadata in request for request in requests)
    assert fetched is target.startswith("aarch64"), requests


def test_pip_resolves_from_metadata_files_without_downloading_wheels(
    published: Server, venv: Path, env: dict[str, str], folder: Path
) -> None:
    # wk-chooser 2.0 needs a package the index lacks: pip must read that from
    # 2.0's metadata file, fall back to 1.0, and never fetch the 2.0 wheel.
    report = folder / "report.json"
    since = len(published.log())

    result = run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "-v",
            "--dry-run",
            "--no-cache-dir",
            "--ignore-installed",
            "--report",
            str(report),
            "--index-url",
            published.index_url(),
            "wk-chooser",
        ],
        env,
    )

    requests = requests_logged(published, since)
    assert any("wk_chooser-2.0-py3-none-any.whl.metadata " in r for r in requests)
    assert not any("wk_chooser-2.0-py3-none-any.whl " in r for r in requests)
    assert any("/simple/wk-missing/ " in r for r in requests), requests
    assert "wk_chooser-2.0-py3-none-any.whl.metadata" in result.stdout
    (install,) = json.loads(report.read_text())["install"]
    assert install["metadata"]["version"] == "1.0"
    assert (
        install["download_info"]["archive_info"]["hashes"]["sha256"]
        == (index_files(published, "wk-chooser")["wk_chooser-1.0-py3-none-any.whl"])
    )
