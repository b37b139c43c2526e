"""The benchmark corpus: real-looking wheels built on the fly, never committed.

Four groups, each uploaded to every registry the same way:

- *realistic*: a few hundred wheels of varied size (incompressible payloads, as
  compiled extensions are), some depending on each other; fifteen of their
  packages are the set that ``pip install`` and ``uv pip install`` fetch;
- *small*: many packages with three tiny releases each (the long root index);
- *many-releases*: one package with thousands of releases (the long page);
- *huge*: one ``linux_aarch64`` wheel of 1 GiB (a Jetson build), written in
  chunks so building it never holds it in memory.

Wheels follow the wheel spec (one ``.dist-info`` folder with METADATA, WHEEL
and RECORD), so every registry accepts them. A manifest records each file's
digests, so a second run with the same scale reuses the files.
"""

import base64
import hashlib
import json
import logging
import random
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

log = logging.getLogger(__name__)

MIB = 1024 * 1024
MANIFEST_VERSION = 3
INSTALL_SET_SIZE = 15
TYPICAL_PACKAGE = "small-pkg-0042"
MANY_RELEASES_PACKAGE = "many-releases"
HUGE_PACKAGE = "jetson-runtime"

_FIRST = ["acme", "blue", "cobalt", "delta", "ember", "flux", "granite", "helix"]
_SECOND = ["utils", "client", "core", "tools", "kernels", "io", "vision", "db"]
# Tags a CPython 3.11 on x86-64 Linux installs, plus Jetson builds beside them.
_INSTALLABLE_TAGS = [
    "py3-none-any",
    "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
]
_JETSON_TAG = "cp310-cp310-linux_aarch64"


@dataclass(frozen=True)
class Scale:
    """How big each group of the corpus is, and how long measurements run."""

    name: str
    realistic_packages: int
    realistic_versions: int
    realistic_max_bytes: int
    small_packages: int
    many_releases: int
    huge_bytes: int
    repeats: int
    load_seconds: int


SCALES = {
    "tiny": Scale("tiny", 15, 1, 64 * 1024, 50, 50, 8 * MIB, 1, 1),
    "small": Scale("small", 20, 2, 1 * MIB, 300, 300, 64 * MIB, 1, 2),
    "full": Scale("full", 100, 3, 4 * MIB, 2000, 2000, 1024 * MIB, 3, 8),
}


@dataclass(frozen=True)
class CorpusFile:
    """One distribution file and the form fields an upload of it carries."""

    path: str
    filename: str
    name: str
    version: str
    size: int
    sha256: str
    md5: str
    blake2_256: str
    group: str

    def upload_fields(self) -> dict[str, str]:
        """The fields twine sends with a wheel."""
        return {
            ":action": "file_upload",
            "protocol_version": "1",
            "metadata_version": "2.1",
            "name": self.name,
            "version": self.version,
            "filetype": "bdist_wheel",
            "pyversion": "py3",
            "sha256_digest": self.sha256,
            "md5_digest": self.md5,
            "blake2_256_digest": self.blake2_256,
        }


@dataclass(frozen=True)
class Corpus:
    folder: Path
    scale: Scale
    files: list[CorpusFile]
    install_set: list[str]

    def group(self, name: str) -> list[CorpusFile]:
        return [file for file in self.files if file.group == name]

    @property
    def huge(self) -> CorpusFile:
        return self.group("huge")[0]

    @property
    def package_count(self) -> int:
        return len({canonicalize_name(file.name) for file in self.files})

    @property
    def total_bytes(self) -> int:
        return sum(file.size for file in self.files)


def build_corpus(work: Path, scale: Scale) -> Corpus:
    """Build the corpus for a scale under ``work``, or reuse a complete one."""
    folder = work / f"corpus-{scale.name}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        stored = json.loads(manifest.read_text())
        if stored.get("version") == MANIFEST_VERSION:
            files = [CorpusFile(**entry) for entry in stored["files"]]
            if all(Path(file.path).exists() for file in files):
                return Corpus(folder, scale, files, stored["install_set"])
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20_240_611)
    files: list[CorpusFile] = []
    realistic, install_set = _realistic(folder / "realistic", scale, rng)
    files += realistic
    files += _small(folder / "small", scale)
    files += _many_releases(folder / "many", scale)
    files.append(_huge(folder / "huge", scale, rng))
    manifest.write_text(
        json.dumps(
            {
                "version": MANIFEST_VERSION,
                "install_set": install_set,
                "files": [asdict(file) for file in files],
            }
        )
    )
    return Corpus(folder, scale, files, install_set)


def _realistic(
    folder: Path, scale: Scale, rng: random.Random
) -> tuple[list[CorpusFile], list[str]]:
    names = [
        f"{_FIRST[i % len(_FIRST)]}-{_SECOND[(i // len(_FIRST)) % len(_SECOND)]}-{i}"
        for i in range(scale.realistic_packages)
    ]
    install_set = names[:INSTALL_SET_SIZE]
    files: list[CorpusFile] = []
    for index, name in enumerate(names):
        # The first five of the install set pull in the next five, so the
        # resolvers walk a small dependency graph, as real installs do.
        needs = [names[index + 5]] if index < 5 else []
        for minor in range(scale.realistic_versions):
            version = f"1.{minor}.{rng.randrange(10)}"
            size = _log_uniform(rng, 8 * 1024, scale.realistic_max_bytes)
            tag = _INSTALLABLE_TAGS[index % len(_INSTALLABLE_TAGS)]
            metadata = _metadata(name, version, needs, requires_python=">=3.8")
            payload = rng.randbytes(size)
            files.append(
                _write_wheel(folder, name, version, tag, metadata, [payload], "real")
            )
            if index % 4 == 3:
                files.append(
                    _write_wheel(
                        folder, name, version, _JETSON_TAG, metadata, [payload], "real"
                    )
                )
    return files, install_set


def _small(folder: Path, scale: Scale) -> list[CorpusFile]:
    files = []
    for index in range(scale.small_packages):
        name = f"small-pkg-{index:04d}"
        for version in ("0.1.0", "0.2.0", "1.0.0"):
            metadata = _metadata(name, version, [])
            payload = f"VERSION = {version!r}\n".encode()
            files.append(
                _write_wheel(
                    folder, name, version, "py3-none-any", metadata, [payload], "small"
                )
            )
    return files


def _many_releases(folder: Path, scale: Scale) -> list[CorpusFile]:
    files = []
    for index in range(scale.many_releases):
        version = f"{index // 100}.{index % 100}.0"
        metadata = _metadata(MANY_RELEASES_PACKAGE, version, [])
        files.append(
            _write_wheel(
                folder,
                MANY_RELEASES_PACKAGE,
                version,
                "py3-none-any",
                metadata,
                [b"X = 1\n"],
                "many",
            )
        )
    return files


def _huge(folder: Path, scale: Scale, rng: random.Random) -> CorpusFile:
    block = rng.randbytes(4 * MIB)
    count, rest = divmod(scale.huge_bytes, len(block))
    chunks = [block] * count + ([block[:rest]] if rest else [])
    metadata = _metadata(HUGE_PACKAGE, "1.0.0", [], requires_python=">=3.10")
    log.info("corpus.huge_wheel bytes=%s", scale.huge_bytes)
    return _write_wheel(
        folder, HUGE_PACKAGE, "1.0.0", _JETSON_TAG, metadata, chunks, "huge"
    )


def _log_uniform(rng: random.Random, low: int, high: int) -> int:
    if high <= low:
        return low
    return int(low * (high / low) ** rng.random())


def _metadata(
    name: str, version: str, needs: list[str], requires_python: str | None = None
) -> bytes:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {name} for the wheelkeep benchmark.",
        "License: Apache-2.0",
    ]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {need}" for need in needs]
    return ("\n".join(lines) + "\n\n").encode()


def _write_wheel(
    folder: Path,
    name: str,
    version: str,
    tag: str,
    metadata: bytes,
    payload: Iterable[bytes],
    group: str,
) -> CorpusFile:
    """Write a valid wheel whose module holds ``payload``, streamed chunk by chunk."""
    folder.mkdir(parents=True, exist_ok=True)
    module = canonicalize_name(name).replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    filename = f"{module}-{version}-{tag}.whl"
    path = folder / filename
    purelib = "true" if tag.endswith("-any") else "false"
    wheel = (
        f"Wheel-Version: 1.0\nGenerator: wheelkeep-bench\n"
        f"Root-Is-Purelib: {purelib}\nTag: {tag}\n"
    ).encode()
    record: list[str] = []
    # Stored, not deflated: the payloads are random, as compiled code nearly is.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        record.append(_stream_member(archive, f"{module}/_payload.bin", payload))
        record.append(_add_member(archive, f"{module}/__init__.py", b"VALUE = 1\n"))
        record.append(_add_member(archive, f"{dist_info}/METADATA", metadata))
        record.append(_add_member(archive, f"{dist_info}/WHEEL", wheel))
        record.append(f"{dist_info}/RECORD,,")
        archive.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return _describe(path, name, version, group)


def _stream_member(
    archive: zipfile.ZipFile, arcname: str, chunks: Iterable[bytes]
) -> str:
    digest = hashlib.sha256()
    size = 0
    with archive.open(zipfile.ZipInfo(arcname), "w", force_zip64=True) as member:
        for chunk in chunks:
            member.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return _record_line(arcname, digest.digest(), size)


def _add_member(archive: zipfile.ZipFile, arcname: str, data: bytes) -> str:
    archive.writestr(arcname, data)
    return _record_line(arcname, hashlib.sha256(data).digest(), len(data))


def _record_line(arcname: str, digest: bytes, size: int) -> str:
    encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return f"{arcname},sha256={encoded},{size}"


def _describe(path: Path, name: str, version: str, group: str) -> CorpusFile:
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    blake2 = hashlib.blake2b(digest_size=32)
    size = 0
    for chunk in _read_chunks(path):
        for digest in (sha256, md5, blake2):
            digest.update(chunk)
        size += len(chunk)
    return CorpusFile(
        path=str(path),
        filename=path.name,
        name=name,
        version=version,
        size=size,
        sha256=sha256.hexdigest(),
        md5=md5.hexdigest(),
        blake2_256=blake2.hexdigest(),
        group=group,
    )


def _read_chunks(path: Path, size: int = 4 * MIB) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk
