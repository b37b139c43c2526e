"""Uploading the corpus: twine for real-client figures, and a parallel uploader.

The parallel uploader sends exactly the form twine sends (the legacy
``file_upload`` action with the three digests), streaming the file from disk in
1 MiB chunks, over a few connections at once. Every registry gets the same
uploader with the same concurrency.
"""

import math
import os
import secrets
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.corpus import CorpusFile
from bench.peers import BIN

CHUNK = 1024 * 1024
UPLOAD_CONNECTIONS = 4


class UploadFailed(RuntimeError):
    pass


def multipart(file: CorpusFile) -> tuple[str, int, Iterator[bytes]]:
    """Content type, length and a streaming body for one upload form."""
    boundary = secrets.token_hex(16)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        f"{value}\r\n".encode()
        for key, value in file.upload_fields().items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
        f'filename="{file.filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        with open(file.path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
        yield tail

    length = len(head) + file.size + len(tail)
    return f"multipart/form-data; boundary={boundary}", length, body()


def upload_one(client: httpx.Client, url: str, file: CorpusFile) -> None:
    content_type, length, body = multipart(file)
    response = client.post(
        url,
        content=body,
        headers={"Content-Type": content_type, "Content-Length": str(length)},
    )
    if response.status_code not in (200, 201):
        raise UploadFailed(
            f"{file.filename}: {response.status_code} {response.text[:300]}"
        )


def upload_parallel(
    url: str,
    auth: tuple[str, str],
    files: Sequence[CorpusFile],
    connections: int = UPLOAD_CONNECTIONS,
    budget_seconds: float | None = None,
) -> tuple[int, float]:
    """Upload the files, or as many as fit in the budget: (count, seconds)."""
    limits = httpx.Limits(max_connections=connections)
    deadline = math.inf if budget_seconds is None else budget_seconds
    sent: list[CorpusFile] = []
    with httpx.Client(auth=auth, timeout=600, limits=limits) as client:
        started = time.perf_counter()

        def send(file: CorpusFile) -> None:
            if time.perf_counter() - started < deadline:
                upload_one(client, url, file)
                sent.append(file)

        with ThreadPoolExecutor(connections) as pool:
            for future in [pool.submit(send, file) for file in files]:
                future.result()
        return len(sent), time.perf_counter() - started


def upload_twine(url: str, auth: tuple[str, str], files: Sequence[CorpusFile]) -> float:
    """Upload with twine in one invocation; return the wall time in seconds."""
    with tempfile.TemporaryDirectory(prefix="bench-twine-") as home:
        # Credentials go in the environment, not on a command line ps shows.
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": home,
            "TWINE_NON_INTERACTIVE": "1",
            "TWINE_USERNAME": auth[0],
            "TWINE_PASSWORD": auth[1],
        }
        command = [
            str(BIN / "twine"),
            "upload",
            "--disable-progress-bar",
            "--non-interactive",
            "--repository-url",
            url,
            *(file.path for file in files),
        ]
        started = time.perf_counter()
        result = subprocess.run(
            command, env=environment, capture_output=True, text=True, check=False
        )
        elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise UploadFailed(f"twine failed:\n{result.stdout[-2000:]}{result.stderr}")
    return elapsed
