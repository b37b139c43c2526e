"""The registries compared: wheelkeep, pypiserver, devpi-server, and nginx.

Each peer knows how to install itself (its own virtual environment under
``bench/build/venvs``, or Debian's package for nginx), start on a free port of
127.0.0.1 with an empty data folder, take uploads, and where its index pages
and credentials are. nginx serves a static PEP 503 tree of the same files: the
practical limit for serving bytes, not a registry.
"""

import os
import shutil
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

from bench.corpus import Corpus, CorpusFile
from bench.devpi_dump import ADMIN, write_dump
from bench.processes import Server, free_port, run
from bench.static_tree import write_static_tree

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UV = BIN / "uv"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class Peer(ABC):
    """A registry under test, started on 127.0.0.1."""

    name: str
    accepts_uploads = True

    def __init__(self, work: Path) -> None:
        self.work = work / self.name
        self.port = 0
        self.server: Server | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @abstractmethod
    def install(self) -> None:
        """Make the software available (idempotent)."""

    @abstractmethod
    def version(self) -> str: ...

    @abstractmethod
    def reset(self) -> None:
        """Start from an empty data folder; the server is not running."""

    @abstractmethod
    def command(self) -> list[str]: ...

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    @property
    @abstractmethod
    def simple_url(self) -> str:
        """The root index, ending in a slash."""

    def page_url(self, name: str) -> str:
        return f"{self.simple_url}{name}/"

    @property
    def auth(self) -> tuple[str, str] | None:
        """Credentials a reader sends; None for anonymous reads."""
        return None

    @property
    def upload_url(self) -> str:
        raise NotImplementedError

    @property
    def upload_auth(self) -> tuple[str, str]:
        return ("bench", "bench")

    def install_index_url(self) -> str:
        """The root index with credentials, as pip and uv take it."""
        if self.auth is None:
            return self.simple_url
        user, password = self.auth
        return self.simple_url.replace("http://", f"http://{user}:{password}@", 1)

    def start(self) -> float:
        """Start the server; seconds until its root index answered."""
        self.port = self.port or free_port()
        self.server = Server(
            self.command(), self.work / "server.log", env=self.environment()
        )
        self.server.start()
        return self.server.wait_ready(self.simple_url, auth=self.auth)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def load_static(self, corpus: Corpus) -> None:
        """For peers that take no uploads: lay the corpus out on disk."""
        raise NotImplementedError

    def bulk_load(self, files: Sequence[CorpusFile]) -> float | None:
        """Load files with the peer's own bulk loader before it starts.

        Returns the seconds it took, or None when the peer takes the files by
        upload like every other (the default).
        """
        return None

    @property
    def sample_upload_url(self) -> str:
        """An empty index to time uploads into when the files were bulk loaded."""
        raise NotImplementedError


def _uv_venv(venv: Path, requirements: Sequence[str]) -> Path:
    """A virtual environment holding ``requirements``, built once."""
    marker = venv / ".bench-installed"
    wanted = "\n".join(requirements)
    if marker.exists() and marker.read_text() == wanted:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    run([str(UV), "venv", "--quiet", "--python", sys.executable, str(venv)])
    run(
        [
            str(UV),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            *requirements,
        ]
    )
    marker.write_text(wanted)
    return venv


def _distribution_version(venv: Path, distribution: str) -> str:
    result = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))",
            distribution,
        ]
    )
    return result.stdout.strip()


class Wheelkeep(Peer):
    """wheelkeep from this working tree, as ``wheelkeep serve`` runs it."""

    name = "wheelkeep"

    def __init__(self, work: Path, serve_options: list[str] | None = None) -> None:
        super().__init__(work)
        self.serve_options = serve_options or []

    def install(self) -> None:
        if not (BIN / "wheelkeep").exists():
            raise RuntimeError("wheelkeep is not installed in this environment")

    def version(self) -> str:
        from wheelkeep import __version__

        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        options = " ".join(self.serve_options) or "defaults"
        return f"{__version__} ({commit or 'unknown commit'}; serve {options})"

    def reset(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)

    def command(self) -> list[str]:
        return [
            str(BIN / "wheelkeep"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *self.serve_options,
        ]

    def environment(self) -> dict[str, str]:
        return {**os.environ, "WHEELKEEP_DATA_DIR": str(self.work / "data")}

    @property
    def token(self) -> str:
        return (self.work / "data" / "initial-admin-token").read_text().strip()

    @property
    def simple_url(self) -> str:
        return f"{self.base}/api/v4/projects/1/packages/pypi/simple/"

    @property
    def auth(self) -> tuple[str, str] | None:
        token_file = self.work / "data" / "initial-admin-token"
        if not token_file.exists():
            # Before the first start there is no token yet; the readiness
            # probe then gets 401 until bootstrap wrote it.
            return None
        return ("__token__", self.token)

    def start(self) -> float:
        self.port = self.port or free_port()
        self.server = Server(
            self.command(), self.work / "server.log", env=self.environment()
        )
        self.server.start()
        if not (self.work / "data" / "initial-admin-token").exists():
            self.server.wait_ready(f"{self.base}/-/health")
        return self.server.wait_ready(self.simple_url, auth=self.auth)

    @property
    def upload_url(self) -> str:
        return f"{self.base}/api/v4/projects/1/packages/pypi"

    @property
    def upload_auth(self) -> tuple[str, str]:
        return ("__token__", self.token)


class _InstalledPeer(Peer):
    """A peer installed from PyPI into a virtual environment of its own."""

    requirements: tuple[str, ...] = ()

    @property
    def venv(self) -> Path:
        return self.work.parent / "venvs" / self.name

    def install(self) -> None:
        _uv_venv(self.venv, self.requirements)


class Pypiserver(_InstalledPeer):
    """pypiserver with its cached directory backend and waitress."""

    name = "pypiserver"
    requirements = ("pypiserver[cache]", "waitress")

    def version(self) -> str:
        return "{} (waitress {})".format(
            _distribution_version(self.venv, "pypiserver"),
            _distribution_version(self.venv, "waitress"),
        )

    def reset(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        (self.work / "packages").mkdir(parents=True)

    def command(self) -> list[str]:
        # No authentication at all (-a . -P .), overwrite allowed so the large
        # upload can be repeated, and no fallback redirect to a public index.
        return [
            str(self.venv / "bin" / "pypi-server"),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "-a",
            ".",
            "-P",
            ".",
            "--overwrite",
            "--disable-fallback",
            # "auto" takes waitress, the first server bottle tries, installed here.
            "--server",
            "auto",
            str(self.work / "packages"),
        ]

    @property
    def simple_url(self) -> str:
        return f"{self.base}/simple/"

    @property
    def upload_url(self) -> str:
        return f"{self.base}/"


class Devpi(_InstalledPeer):
    """devpi-server with one volatile index (dev) and no upstream mirror.

    Its many small files are loaded with ``devpi-import`` (see devpi_dump):
    one by one they would take more than half an hour. Upload speed is then
    sampled into a second, empty index (probe) for a bounded time.
    """

    name = "devpi"
    requirements = ("devpi-server", "devpi-client")
    password = "bench-password"

    def __init__(self, work: Path) -> None:
        super().__init__(work)
        self._probe_created = False

    def version(self) -> str:
        return "devpi-server {}".format(
            _distribution_version(self.venv, "devpi-server")
        )

    def _tool(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def reset(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self._probe_created = False

    def bulk_load(self, files: Sequence[CorpusFile]) -> float:
        dump = self.work / "dump"
        server_version = _distribution_version(self.venv, "devpi-server")
        write_dump(dump, files, self.password, server_version)
        started = time.perf_counter()
        run(
            [
                self._tool("devpi-import"),
                "--serverdir",
                str(self.work / "server"),
                "--no-root-pypi",
                str(dump),
            ]
        )
        elapsed = time.perf_counter() - started
        shutil.rmtree(dump)
        return elapsed

    def command(self) -> list[str]:
        return [
            self._tool("devpi-server"),
            "--serverdir",
            str(self.work / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--offline-mode",
            # Its default refuses bodies over 1 GiB, and so the 1 GiB wheel;
            # a team pushing Jetson builds raises it like this.
            "--max-request-body-size",
            str(2 * 1024**3),
        ]

    def start(self) -> float:
        self.port = self.port or free_port()
        self.server = Server(
            self.command(), self.work / "server.log", env=self.environment()
        )
        self.server.start()
        seconds = self.server.wait_ready(self.simple_url)
        if not self._probe_created:
            self._create_probe_index()
        return seconds

    def _create_probe_index(self) -> None:
        client = ["--clientdir", str(self.work / "client")]
        devpi = self._tool("devpi")
        run([devpi, "use", self.base, *client])
        run([devpi, "login", ADMIN, "--password", self.password, *client])
        run([devpi, "index", "-c", "probe", "bases=", "volatile=True", *client])
        self._probe_created = True

    @property
    def simple_url(self) -> str:
        return f"{self.base}/{ADMIN}/dev/+simple/"

    @property
    def upload_url(self) -> str:
        return f"{self.base}/{ADMIN}/dev/"

    @property
    def sample_upload_url(self) -> str:
        return f"{self.base}/{ADMIN}/probe/"

    @property
    def upload_auth(self) -> tuple[str, str]:
        return (ADMIN, self.password)


_NGINX_CONF = """\
{user}worker_processes auto;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{
        text/html html;
        {json_type} json;
        application/zip whl;
    }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    # PEP 691 by Accept, as a static tree can: index.json beside index.html.
    map $http_accept $simple_index {{
        "~vnd\\.pypi\\.simple\\.v1\\+json" index.json;
        default index.html;
    }}
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/root;
        index $simple_index;
    }}
}}
"""


class Nginx(Peer):
    """Debian's nginx serving a static tree of the same files and hrefs."""

    name = "nginx"
    accepts_uploads = False

    def install(self) -> None:
        if shutil.which("nginx") is None:
            raise RuntimeError("nginx is missing: run `make bench` (installs it)")

    def version(self) -> str:
        result = subprocess.run(
            ["nginx", "-v"], capture_output=True, text=True, check=False
        )
        return result.stderr.strip().removeprefix("nginx version: ")

    def reset(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        for folder in ("root", "tmp"):
            (self.work / folder).mkdir(parents=True)

    def command(self) -> list[str]:
        prefix = self.work.resolve()
        conf = self.work / "nginx.conf"
        conf.write_text(
            _NGINX_CONF.format(
                # Workers run as root only when the benchmark does, so they can
                # read the tree wherever it lies.
                user="user root;\n" if os.geteuid() == 0 else "",
                prefix=prefix,
                port=self.port,
                json_type=JSON_TYPE,
            )
        )
        return ["nginx", "-p", str(prefix), "-c", str(conf.resolve())]

    @property
    def simple_url(self) -> str:
        return f"{self.base}/simple/"

    def load_static(self, corpus: Corpus) -> None:
        write_static_tree(self.work / "root", corpus)
