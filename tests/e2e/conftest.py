"""Fixtures that run wheelkeep as a server process and real clients against it.

Clients run hermetically: the environment is stripped of the machine's pip and
uv settings, caches live in the test's folder, and the only index they are
given is the server started here on 127.0.0.1.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    token: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def project_url(self, project: str | int = 1) -> str:
        return f"{self.url}/api/v4/projects/{project}/packages/pypi"

    def index_url(self, project: str | int = 1, token: str | None = None) -> str:
        secret = token or self.token
        host = self.url.removeprefix("http://")
        return f"http://__token__:{secret}@{host}/api/v4/projects/{project}/packages/pypi/simple/"

    def log(self) -> str:
        return self.log_path.read_text()


def start_server(folder: Path, **env: str) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    data_dir = folder / "data"
    port = free_port()
    log_path = folder / "server.log"
    environment = {
        **os.environ,
        "WHEELKEEP_DATA_DIR": str(data_dir),
        "WHEELKEEP_SERIAL_CACHE_SECONDS": "0",
        "WHEELKEEP_READ_CACHE_SECONDS": "0",
        # Tests read the log as soon as a client is done.
        "WHEELKEEP_LOG_FLUSH_SECONDS": "0",
        **env,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(BIN / "wheelkeep"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            # Its own process group: the server and its workers are stopped,
            # or killed, together.
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    _wait_until_healthy(url, process, log_path)
    token = (data_dir / "initial-admin-token").read_text().strip()
    return Server(url, token, data_dir, process, log_path)


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/-/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError(f"server did not become healthy:\n{log.read_text()}")


def stop_server(server: Server) -> None:
    """Stop the server and its workers; kill whatever is left after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=10)
    kill_server(server)


def kill_server(server: Server) -> None:
    """SIGKILL to the server and every worker at once, as a crash would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = start_server(tmp_path)
    yield server
    stop_server(server)


def hermetic_env(folder: Path) -> dict[str, str]:
    """An environment for pip, uv and twine that sees no machine-wide settings."""
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    environment = {key: os.environ[key] for key in keep if key in os.environ}
    environment.update(
        HOME=str(home),
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PIP_CACHE_DIR=str(folder / "pip-cache"),
        UV_NO_CONFIG="1",
        UV_CACHE_DIR=str(folder / "uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
        UV_NO_PROGRESS="1",
        XDG_CONFIG_HOME=str(home / ".config"),
        PYTHONDONTWRITEBYTECODE="1",
        # No keyring lookups: credentials come from the command line or URL.
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return environment


@pytest.fixture
def client_env(tmp_path: Path) -> dict[str, str]:
    return hermetic_env(tmp_path)


def tool(name: str) -> str:
    """A client from the test environment (twine, uv), or from PATH."""
    candidate = BIN / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    assert found, f"{name} is not installed"
    return found


def make_venv(folder: Path, env: dict[str, str]) -> Path:
    """A fresh virtual environment with pip, made without any network access.

    The standard library's venv installs the pip wheel bundled with Python;
    ``uv venv --seed`` would fetch pip from a public index instead.
    """
    venv = folder / "client-venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(venv)], check=True, env=env
    )
    return venv


@pytest.fixture
def client_venv(tmp_path: Path, client_env: dict[str, str]) -> Path:
    """A fresh virtual environment to install packages into with pip or uv."""
    return make_venv(tmp_path, client_env)
