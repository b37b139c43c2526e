"""Peak memory of the server while it receives one large wheel.

Builds a ``linux_aarch64`` wheel of the requested size in a temporary folder
(a zip whose bulk is one stored member, as CUDA builds are), starts a server
process on a fresh data folder, streams the wheel with the multipart form twine
sends, samples the resident memory of the server and its children while it
runs, then downloads the file back and compares it byte for byte.

    python -m bench.upload_memory --size-mib 1024
"""

import argparse
import base64
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.processes import PeakMemory, tree_rss

MIB = 1024 * 1024
CHUNK = MIB
NAME = "wk-bench"
VERSION = "1.0"
TAG = "cp310-cp310-linux_aarch64"
FILENAME = f"wk_bench-{VERSION}-{TAG}.whl"
BOUNDARY = "wheelkeep-bench-boundary"


@dataclass(frozen=True)
class Result:
    size: int
    seconds: float
    rss_before: int
    peak_rss_sampled: int
    peak_rss_high_water: int | None
    status_code: int
    served_identical: bool

    @property
    def mib_per_second(self) -> float:
        return self.size / MIB / self.seconds

    @property
    def peak_rss(self) -> int:
        return max(self.peak_rss_sampled, self.peak_rss_high_water or 0)

    def report(self) -> str:
        return (
            f"size={self.size / MIB:.0f} MiB seconds={self.seconds:.2f} "
            f"throughput={self.mib_per_second:.1f} MiB/s "
            f"rss_before={self.rss_before / MIB:.1f} MiB "
            f"peak_rss={self.peak_rss / MIB:.1f} MiB "
            f"(sampled {self.peak_rss_sampled / MIB:.1f} MiB, "
            f"high-water {_mib(self.peak_rss_high_water)}) "
            f"status={self.status_code} served_identical={self.served_identical}"
        )


def _mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / MIB:.1f} MiB"


def build_wheel(folder: Path, size_mib: int) -> Path:
    """A valid wheel whose payload is one stored member of ``size_mib`` MiB."""
    path = folder / FILENAME
    dist_info = f"wk_bench-{VERSION}.dist-info"
    block = os.urandom(CHUNK)
    payload_hash = hashlib.sha256()
    records: list[str] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        with archive.open("wk_bench/model.bin", "w", force_zip64=True) as member:
            for _ in range(size_mib):
                member.write(block)
                payload_hash.update(block)
        records.append(_record("wk_bench/model.bin", payload_hash, size_mib * CHUNK))
        small = {
            f"{dist_info}/METADATA": (
                f"Metadata-Version: 2.4\nName: {NAME}\nVersion: {VERSION}\n"
                "Summary: A large wheel for the memory benchmark.\n\n"
            ).encode(),
            f"{dist_info}/WHEEL": (
                f"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: false\n"
                f"Tag: {TAG}\n"
            ).encode(),
        }
        for member_name, data in small.items():
            archive.writestr(member_name, data)
            records.append(_record(member_name, hashlib.sha256(data), len(data)))
        records.append(f"{dist_info}/RECORD,,")
        archive.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    return path


def _record(path: str, digest: "hashlib._Hash", size: int) -> str:
    encoded = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
    return f"{path},sha256={encoded},{size}"


def file_digests(path: Path) -> dict[str, str]:
    hashes = {
        "sha256_digest": hashlib.sha256(),
        "md5_digest": hashlib.md5(usedforsecurity=False),
        "blake2_256_digest": hashlib.blake2b(digest_size=32),
    }
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            for digest in hashes.values():
                digest.update(chunk)
    return {field: digest.hexdigest() for field, digest in hashes.items()}


def upload_form(path: Path) -> tuple[Iterator[bytes], int]:
    """The body twine sends, streamed from disk, and its length."""
    fields = {
        ":action": "file_upload",
        "protocol_version": "1",
        "metadata_version": "2.4",
        "name": NAME,
        "version": VERSION,
        "filetype": "bdist_wheel",
        "pyversion": "cp310",
        **file_digests(path),
    }
    head = b"".join(
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n"
        ).encode()
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="content"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
        yield tail

    return body(), len(head) + path.stat().st_size + len(tail)


def high_water(pid: int) -> int | None:
    """The kernel's own peak resident size of a process (Linux only)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


@dataclass
class ServerProcess:
    url: str
    token: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(folder: Path) -> ServerProcess:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data_dir = folder / "data"
    environment = {
        **os.environ,
        "WHEELKEEP_DATA_DIR": str(data_dir),
        "WHEELKEEP_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "wheelkeep", "serve", "--port", str(port)]
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=environment
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((folder / "server.log").read_text())
        try:
            if httpx.get(f"{url}/-/health", timeout=1).status_code == 200:
                token = (data_dir / "initial-admin-token").read_text().strip()
                return ServerProcess(url, token, process)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def served_identical(server: ServerProcess, path: Path, sha256: str) -> bool:
    url = f"{server.url}/files/{sha256}/{path.name}"
    digest = hashlib.sha256()
    size = 0
    with httpx.stream("GET", url, auth=("__token__", server.token)) as response:
        if response.status_code != 200:
            return False
        for chunk in response.iter_bytes(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size == path.stat().st_size and digest.hexdigest() == sha256


def measure(size_mib: int, folder: Path) -> Result:
    """Build, start, upload, download: everything under ``folder``."""
    wheel = build_wheel(folder, size_mib)
    sha256 = file_digests(wheel)["sha256_digest"]
    server = start_server(folder)
    try:
        body, length = upload_form(wheel)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(length),
        }
        rss_before = tree_rss(server.process.pid)
        with PeakMemory(server.process.pid) as sampler:
            started = time.monotonic()
            response = httpx.post(
                f"{server.url}/api/v4/projects/1/packages/pypi",
                content=body,
                headers=headers,
                auth=("__token__", server.token),
                timeout=600,
            )
            seconds = time.monotonic() - started
        kernel_peak = high_water(server.process.pid)
        identical = response.status_code == 200 and served_identical(
            server, wheel, sha256
        )
        return Result(
            size=wheel.stat().st_size,
            seconds=seconds,
            rss_before=rss_before,
            peak_rss_sampled=sampler.peak,
            peak_rss_high_water=kernel_peak,
            status_code=response.status_code,
            served_identical=identical,
        )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument(
        "--limit-mib",
        type=int,
        default=150,
        help="Exit with 1 when the peak resident memory is above this.",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wheelkeep-bench-") as folder:
        result = measure(options.size_mib, Path(folder))
    print(result.report())
    if not result.served_identical or result.peak_rss > options.limit_mib * MIB:
        sys.exit(1)


if __name__ == "__main__":
    main()
