"""The measurements, run the same way against each peer in turn.

Each figure is taken ``repeats`` times; the report shows the median with the
minimum and maximum. Before a load run the page is fetched once and checked
(status, format, and that it lists the files it should), so a fast error page
can never pass for a fast index page.
"""

import logging
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import httpx

from bench.corpus import (
    HUGE_PACKAGE,
    MANY_RELEASES_PACKAGE,
    TYPICAL_PACKAGE,
    Corpus,
)
from bench.load import basic_header, run_wrk
from bench.peers import JSON_TYPE, UV, Peer
from bench.processes import PeakMemory, tree_rss
from bench.upload import upload_one, upload_parallel, upload_twine

log = logging.getLogger(__name__)

MIB = 1024 * 1024
# A load run with fewer answers than this is too short to give percentiles.
MIN_REQUESTS = 100
MAX_LOAD_SECONDS = 40
FORMATS = {"html": "text/html", "json": JSON_TYPE}
PAGES = {
    "page": TYPICAL_PACKAGE,
    "root": None,
    "many": MANY_RELEASES_PACKAGE,
}


@dataclass
class PeerResults:
    """Every figure taken for one peer: metric key to the repeated values."""

    values: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, value: float) -> None:
        self.values.setdefault(key, []).append(value)


@dataclass
class Context:
    peer: Peer
    corpus: Corpus
    repeats: int
    load_seconds: int
    results: PeerResults
    scratch: Path


def load_corpus(context: Context, bulk_seconds: float | None) -> None:
    """Upload everything but the huge wheel: many small files, then twine.

    A peer whose small files were bulk loaded (``bulk_seconds``) gets its
    upload rate sampled into an empty index instead, for a bounded time.
    """
    peer, corpus, results = context.peer, context.corpus, context.results
    if not peer.accepts_uploads:
        return
    rest = corpus.group("small") + corpus.group("many")
    if bulk_seconds is None:
        log.info("upload.parallel peer=%s files=%s", peer.name, len(rest))
        count, seconds = upload_parallel(peer.upload_url, peer.upload_auth, rest)
        results.add("upload_parallel_s", seconds)
    else:
        budget = 10 * context.load_seconds
        count, seconds = upload_parallel(
            peer.sample_upload_url, peer.upload_auth, rest, budget_seconds=budget
        )
        results.notes.append(
            f"the {len(rest)} small files were loaded with the peer's bulk "
            f"importer in {bulk_seconds:.0f} s; its upload rate was sampled "
            f"over {count} of them ({seconds:.0f} s) into an empty index"
        )
    results.add("upload_parallel_files_s", count / seconds)
    realistic = corpus.group("real")
    log.info("upload.twine peer=%s files=%s", peer.name, len(realistic))
    results.add(
        "upload_twine_s", upload_twine(peer.upload_url, peer.upload_auth, realistic)
    )


def index_pages(context: Context) -> None:
    """Requests/s and latency at 32 connections for each page and format."""
    peer = context.peer
    for page, package in PAGES.items():
        url = peer.simple_url if package is None else peer.page_url(package)
        for format_name, accept in FORMATS.items():
            headers = {"Accept": accept}
            if peer.auth is not None:
                headers["Authorization"] = basic_header(peer.auth)
            problem = _check_page(context, url, headers, package, format_name)
            key = f"{page}_{format_name}"
            if problem:
                context.results.notes.append(f"{key}: {problem}")
                continue
            seconds = context.load_seconds
            for repeat in range(context.repeats):
                result = run_wrk(url, seconds, headers)
                if repeat == 0 and result.requests < MIN_REQUESTS:
                    # Answers taking seconds leave too few samples in a short
                    # run; lengthen this page's runs once, for every repeat.
                    wanted = seconds * MIN_REQUESTS / max(result.requests, 1)
                    seconds = min(MAX_LOAD_SECONDS, math.ceil(wanted))
                    context.results.notes.append(
                        f"{key}: load runs lengthened to {seconds} s (slow answers)"
                    )
                    result = run_wrk(url, seconds, headers)
                log.info(
                    "load peer=%s page=%s rps=%.1f p50=%.2f p99=%.2f n=%s errors=%s",
                    peer.name,
                    key,
                    result.requests_per_second,
                    result.p50_ms,
                    result.p99_ms,
                    result.requests,
                    result.errors,
                )
                if result.errors:
                    context.results.notes.append(
                        f"{key}: {result.errors} failed requests in a load run"
                    )
                context.results.add(f"{key}_rps", result.requests_per_second)
                context.results.add(f"{key}_p50", result.p50_ms)
                context.results.add(f"{key}_p99", result.p99_ms)


def _check_page(
    context: Context,
    url: str,
    headers: dict[str, str],
    package: str | None,
    format_name: str,
) -> str | None:
    """Why the page cannot be measured (unsupported format, wrong content)."""
    response = httpx.get(url, headers=headers, timeout=120)
    if response.status_code != 200:
        return f"answered {response.status_code}"
    content_type = response.headers.get("content-type", "")
    if format_name == "json" and "json" not in content_type:
        return "not supported (answers HTML when asked for PEP 691 JSON)"
    if package is None:
        expected = [TYPICAL_PACKAGE, MANY_RELEASES_PACKAGE]
    else:
        expected = [f.filename for f in context.corpus.files if f.name == package]
    missing = [name for name in expected if name not in response.text]
    if missing:
        return f"page lacks {len(missing)} expected entries, e.g. {missing[0]}"
    return None


def huge_upload(context: Context) -> None:
    """Time and peak server memory of uploading the huge wheel."""
    peer, huge = context.peer, context.corpus.huge
    if not peer.accepts_uploads:
        return
    assert peer.server is not None
    with httpx.Client(auth=peer.upload_auth, timeout=1800) as client:
        for _ in range(context.repeats):
            idle = tree_rss(peer.server.pid)
            with PeakMemory(peer.server.pid) as memory:
                started = time.perf_counter()
                upload_one(client, peer.upload_url, huge)
                elapsed = time.perf_counter() - started
            log.info(
                "upload.huge peer=%s seconds=%.1f peak_mib=%.0f idle_mib=%.0f",
                peer.name,
                elapsed,
                memory.peak / MIB,
                idle / MIB,
            )
            context.results.add("huge_upload_s", elapsed)
            context.results.add("huge_upload_peak_mib", memory.peak / MIB)
            context.results.add("huge_upload_growth_mib", (memory.peak - idle) / MIB)


def huge_download(context: Context) -> None:
    """Throughput of downloading the huge wheel with curl, to /dev/null."""
    peer, huge = context.peer, context.corpus.huge
    if peer.accepts_uploads:
        url = _file_url(peer, huge.filename)
        if url is None:
            context.results.notes.append("download: the 1 GiB wheel is not stored")
            return
    else:
        url = peer.base + f"/files/{huge.sha256}/{huge.filename}"
    command = ["curl", "--silent", "--show-error", "--output", os.devnull]
    command += ["--write-out", "%{http_code} %{speed_download} %{size_download}"]
    if peer.auth is not None:
        command += ["--user", ":".join(peer.auth)]
    for _ in range(context.repeats):
        output = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=600
        ).stdout.split()
        status, speed, size = int(output[0]), float(output[1]), int(output[2])
        if status != 200 or size != huge.size:
            context.results.notes.append(
                f"download: status {status}, {size} of {huge.size} bytes"
            )
            return
        context.results.add("huge_download_mib_s", speed / MIB)


def _file_url(peer: Peer, filename: str) -> str | None:
    page_url = peer.page_url(HUGE_PACKAGE)
    response = httpx.get(page_url, auth=peer.auth, timeout=60)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    for href in re.findall(r'href="([^"]+)"', response.text):
        if filename in href:
            return urljoin(page_url, href.split("#", 1)[0])
    raise RuntimeError(f"{peer.name} lists no {filename}")


def installs(context: Context) -> None:
    """Wall time of pip and uv installing the install set, caches cold."""
    for tool, install in (("pip", _pip_install), ("uv", _uv_install)):
        for _ in range(context.repeats):
            with tempfile.TemporaryDirectory(dir=context.scratch) as folder:
                seconds = install(context, Path(folder))
            log.info(
                "install peer=%s tool=%s seconds=%.2f",
                context.peer.name,
                tool,
                seconds,
            )
            context.results.add(f"install_{tool}_s", seconds)


def _client_env(folder: Path) -> dict[str, str]:
    """pip and uv see no settings of this machine and start with empty caches."""
    home = folder / "home"
    home.mkdir()
    environment = {
        key: os.environ[key] for key in ("PATH", "LANG", "TMPDIR") if key in os.environ
    }
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
    )
    return environment


def _timed(command: list[str], environment: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def _pip_install(context: Context, folder: Path) -> float:
    environment = _client_env(folder)
    venv = folder / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], env=environment, check=True
    )
    command = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    command += ["--index-url", context.peer.install_index_url()]
    return _timed([*command, *context.corpus.install_set], environment)


def _uv_install(context: Context, folder: Path) -> float:
    environment = _client_env(folder)
    venv = folder / "venv"
    subprocess.run(
        [str(UV), "venv", "--quiet", "--python", sys.executable, str(venv)],
        env=environment,
        check=True,
    )
    command = [str(UV), "pip", "install", "--quiet", "--python"]
    command += [str(venv / "bin" / "python")]
    command += ["--index-url", context.peer.install_index_url()]
    return _timed([*command, *context.corpus.install_set], environment)


def cold_starts(context: Context) -> None:
    """Seconds from starting the process to the first root index answered."""
    for _ in range(context.repeats):
        context.peer.stop()
        seconds = context.peer.start()
        log.info("cold_start peer=%s seconds=%.2f", context.peer.name, seconds)
        context.results.add("cold_start_s", seconds)


# The huge upload comes right after the corpus, before the load runs: its
# memory figure is then the upload's, not what the load runs left allocated.
STEPS: list[tuple[str, Callable[[Context], None]]] = [
    ("huge upload", huge_upload),
    ("index pages", index_pages),
    ("huge download", huge_download),
    ("installs", installs),
    ("cold starts", cold_starts),
]
