"""The README's client recipes, run as written against a server process.

Each recipe is a fenced block in README.md after a ``<!-- recipe: NAME -->``
line (``file=NAME`` writes the block to that file instead of running it). The
only change made is the server's port. Set-up follows the README's CLI lines.
At the end, no token secret may appear in the database, the server log or any
error body the clients received.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BIN, Server, start_server, stop_server
from tests.factories import Dist, upload_fields, wheel_bytes, write_wheel

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("client-recipes")]

README = Path(__file__).parents[2] / "README.md"
README_HOST = "127.0.0.1:8080"
RECIPE = re.compile(
    r"<!-- recipe: (?P<name>[\w-]+)(?: file=(?P<file>\S+))? -->\n"
    r"```\w*\n(?P<body>.*?)```",
    re.DOTALL,
)
X86 = "py3-none-manylinux_2_17_x86_64"
AARCH64 = "py3-none-linux_aarch64"


def recipes() -> dict[str, tuple[str | None, str]]:
    found = {
        match["name"]: (match["file"], match["body"])
        for match in RECIPE.finditer(README.read_text())
    }
    assert found, "README.md has no recipes"
    return found


@dataclass
class Registry:
    server: Server
    variables: dict[str, str]
    secrets: list[str] = field(default_factory=list)
    error_bodies: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return self.server.url.removeprefix("http://")


def _cli(server: Server, *args: str, stdin: str | None = None) -> dict[str, object]:
    environment = {**os.environ, "WHEELKEEP_DATA_DIR": str(server.data_dir)}
    done = subprocess.run(
        [str(BIN / "wheelkeep"), *args, "--json"],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _upload(server: Server, project: str, dist: Dist) -> None:
    content = wheel_bytes(dist)
    response = httpx.post(
        f"{server.project_url(project)}",
        data=upload_fields(dist, dist.wheel_filename, content),
        files={"content": (dist.wheel_filename, content, "application/octet-stream")},
        auth=("__token__", server.token),
    )
    assert response.status_code == 200, response.text


def _machine(tag: str) -> Dist:
    return Dist("edge-tools", "1.0", tag=tag, payload=f"MACHINE = {tag!r}\n".encode())


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    folder = tmp_path_factory.mktemp("recipes")
    server = start_server(folder, WHEELKEEP_AUTH_FAILURE_LIMIT="1000")
    try:
        registry = _set_up(server)
        yield registry
        # Whatever order the tests ran in, the whole scenario has run now.
        _assert_no_secret_leaks(registry)
    finally:
        stop_server(server)


def _set_up(server: Server) -> Registry:
    """The README's CLI set-up, then the packages the recipes install."""
    edge = _cli(server, "project", "create", "ai/edge", "--visibility", "private")
    _cli(server, "project", "create", "ai/open", "--visibility", "public")
    _cli(server, "project", "create", "ai/internal", "--visibility", "internal")
    deploy = _cli(
        server,
        *("token", "create", "--project", "ai/edge", "--name", "ci"),
        *("--scope", "read_package_registry", "--scope", "write_package_registry"),
    )
    _cli(server, "user", "create", "alice", "--password-stdin", stdin="s3cret-pass\n")
    _cli(server, "user", "create", "bob", "--no-password")
    _cli(server, "member", "add", "alice", "--group", "ai", "--role", "read")
    alice = _cli(
        server,
        *("token", "create", "--user", "alice", "--name", "laptop"),
        *("--scope", "read_package_registry"),
    )
    bob = _cli(
        server, "token", "create", "--user", "bob", "--name", "b", "--scope", "api"
    )
    job = _cli(
        server,
        *("token", "create", "--kind", "job", "--project", "ai/edge"),
        *("--expires-in", "1h", "--name", "job"),
    )
    for dist in (
        _machine(X86),
        _machine(AARCH64),
        Dist("jetson-runtime", "1.0", tag=AARCH64),
    ):
        _upload(server, "ai%2Fedge", dist)
    _upload(server, "ai%2Fopen", Dist("open-tools", "1.0"))
    _upload(server, "ai%2Finternal", Dist("internal-tools", "1.0"))
    variables = {
        "WHEELKEEP_TOKEN": str(alice["token"]),
        "BOB_TOKEN": str(bob["token"]),
        "DEPLOY_USERNAME": str(deploy["username"]),
        "DEPLOY_TOKEN": str(deploy["token"]),
        "CI_JOB_TOKEN": str(job["token"]),
        "CI_PROJECT_ID": str(edge["id"]),
    }
    secrets = ["WHEELKEEP_TOKEN", "BOB_TOKEN", "DEPLOY_TOKEN", "CI_JOB_TOKEN"]
    return Registry(
        server, variables, secrets=[server.token, *(variables[k] for k in secrets)]
    )


def _run(
    registry: Registry,
    name: str,
    workdir: Path,
    environment: dict[str, str],
) -> subprocess.CompletedProcess[str]:
    file_name, body = recipes()[name]
    body = body.replace(README_HOST, registry.host)
    if file_name is not None:
        (workdir / file_name).write_text(body)
        return subprocess.CompletedProcess([], 0, "", "")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", body],
        cwd=workdir,
        env={**environment, **registry.variables},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture
def client_venv(tmp_path: Path, client_env: dict[str, str]) -> Path:
    """A fresh venv with pip, made offline (ensurepip brings pip along)."""
    venv = tmp_path / "client-venv"
    subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], check=True, env=client_env
    )
    return venv


@pytest.fixture
def shell(client_env: dict[str, str], client_venv: Path) -> dict[str, str]:
    """The client environment with the fresh venv activated and uv, twine on PATH."""
    path = os.pathsep.join([str(client_venv / "bin"), str(BIN), client_env["PATH"]])
    return {
        **client_env,
        "PATH": path,
        "VIRTUAL_ENV": str(client_venv),
    }


def _installed(venv: Path, module: str) -> str:
    done = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            f"import {module}; print({module}.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip()).read_text()


@pytest.mark.parametrize(
    "name",
    [
        "pip-token-in-url",
        "uv-token-in-url",
        "pip-netrc",
        "pip-group-index",
    ],
)
def test_install_edge_tools(
    registry: Registry,
    name: str,
    shell: dict[str, str],
    client_venv: Path,
    tmp_path: Path,
) -> None:
    _run(registry, name, tmp_path, shell)

    assert _installed(client_venv, "edge_tools") == f"MACHINE = {X86!r}\n"


def test_requirements_file_with_a_variable(
    registry: Registry, shell: dict[str, str], client_venv: Path, tmp_path: Path
) -> None:
    _run(registry, "pip-requirements", tmp_path, shell)
    assert "${WHEELKEEP_TOKEN}" in (tmp_path / "requirements.txt").read_text()

    _run(registry, "pip-requirements-install", tmp_path, shell)

    assert _installed(client_venv, "edge_tools") == f"MACHINE = {X86!r}\n"


def test_public_project_without_credentials(
    registry: Registry, shell: dict[str, str], client_venv: Path, tmp_path: Path
) -> None:
    _run(registry, "pip-public-anonymous", tmp_path, shell)

    assert _installed(client_venv, "open_tools")


def test_internal_project_with_any_users_token(
    registry: Registry, shell: dict[str, str], client_venv: Path, tmp_path: Path
) -> None:
    denied = httpx.get(
        f"{registry.server.project_url('ai%2Finternal')}/simple/internal-tools/"
    )
    registry.error_bodies.append(denied.text)
    assert denied.status_code == 401

    _run(registry, "uv-internal", tmp_path, shell)

    assert _installed(client_venv, "internal_tools")


def test_uv_project_locks_both_platforms_and_syncs_this_one(
    registry: Registry, shell: dict[str, str], tmp_path: Path
) -> None:
    _run(registry, "uv-project", tmp_path, shell)
    environment = {k: v for k, v in shell.items() if k != "VIRTUAL_ENV"}
    environment["UV_PYTHON"] = sys.executable

    _run(registry, "uv-project-sync", tmp_path, environment)

    lock = (tmp_path / "uv.lock").read_text()
    assert f"edge_tools-1.0-{X86}.whl" in lock
    assert f"edge_tools-1.0-{AARCH64}.whl" in lock
    assert f"jetson_runtime-1.0-{AARCH64}.whl" in lock
    assert registry.variables["WHEELKEEP_TOKEN"] not in lock
    assert _installed(tmp_path / ".venv", "edge_tools") == f"MACHINE = {X86!r}\n"
    site = next((tmp_path / ".venv").glob("lib/python*/site-packages"))
    assert not list(site.glob("jetson_runtime*"))


def _published(registry: Registry, name: str) -> list[str]:
    page = httpx.get(
        f"{registry.server.project_url('ai%2Fedge')}/simple/{name}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
        auth=("__token__", registry.server.token),
    ).json()
    return [entry["filename"] for entry in page["files"]]


@pytest.mark.parametrize(
    ("recipe", "name"),
    [
        pytest.param("twine-ci", "ci-built", id="twine-job-token"),
        pytest.param("uv-publish", "uv-built", id="uv-publish-deploy-token"),
    ],
)
def test_ci_recipes_publish(
    registry: Registry, shell: dict[str, str], tmp_path: Path, recipe: str, name: str
) -> None:
    dist = Dist(name, "1.0")
    write_wheel(_dist_folder(tmp_path), dist)

    _run(registry, recipe, tmp_path, shell)

    assert _published(registry, name) == [dist.wheel_filename]


def _dist_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    folder.mkdir()
    return folder


def test_refusals_after_revocation_and_wrong_tokens(registry: Registry) -> None:
    """Part of the full scenario: failed authentications and a revoked token."""
    _refusals(registry)


def _refusals(registry: Registry) -> None:
    server = registry.server
    extra = _cli(
        server,
        *("token", "create", "--project", "ai/edge", "--name", "doomed"),
        *("--scope", "read_package_registry"),
    )
    registry.secrets.append(str(extra["token"]))
    _cli(server, "token", "revoke", str(extra["id"]))
    url = f"{server.project_url('ai%2Fedge')}/simple/"
    attempts = {
        "revoked": ("__token__", str(extra["token"])),
        "unknown": ("__token__", "wkpat_" + "q" * 43),
        "swapped fields": (str(extra["token"]), "__token__"),
        "job token as a deploy user": (
            "wheelkeep+deploy-token-1",
            registry.variables["CI_JOB_TOKEN"],
        ),
    }
    for auth in attempts.values():
        response = httpx.get(url, auth=auth)
        registry.error_bodies.append(response.text)
        assert response.status_code == 401

    events = _cli(server, "audit", "list", "--action", "auth.failed")
    assert len(events) >= len(attempts)  # type: ignore[arg-type]


def test_no_secret_is_stored_logged_or_echoed(registry: Registry) -> None:
    """Grep the database files, the server log and error bodies for every secret.

    The module's fixture greps again once every test of the module has run.
    """
    _refusals(registry)
    _assert_no_secret_leaks(registry)


def _assert_no_secret_leaks(registry: Registry) -> None:
    server = registry.server
    haystacks = {
        path.name: path.read_bytes()
        for path in server.data_dir.glob("wheelkeep.sqlite3*")
    }
    haystacks["server.log"] = server.log_path.read_bytes()
    haystacks["error bodies"] = "\n".join(registry.error_bodies).encode()
    database = b"".join(
        content for name, content in haystacks.items() if name.startswith("wheel")
    )
    assert len(registry.secrets) >= 6

    for secret in registry.secrets:
        for name, content in haystacks.items():
            assert secret.encode() not in content, f"a secret is in {name}"
        # What is stored instead: the digest (the grep above looks in the
        # right place).
        assert hashlib.sha256(secret.encode()).hexdigest().encode() in database
