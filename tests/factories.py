"""Building real distribution files for tests, without a build backend.

Wheels are written as the wheel spec describes them (a zip with one
``.dist-info`` folder holding METADATA, WHEEL and RECORD), sdists as a
``.tar.gz`` with a PKG-INFO in the top folder.
"""

import base64
import gzip
import hashlib
import io
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name

FIXED_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass
class Dist:
    """A distribution to build; fields left alone give a valid pure wheel."""

    name: str = "demo"
    version: str = "1.0"
    tag: str = "py3-none-any"
    requires_python: str | None = None
    metadata_version: str = "2.1"
    summary: str = "A package built by the tests."
    requires_dist: list[str] = field(default_factory=list)
    payload: bytes = b"VALUE = 1\n"
    padding: int = 0

    @property
    def module(self) -> str:
        return canonicalize_name(self.name).replace("-", "_")

    @property
    def stem(self) -> str:
        return f"{self.module}-{self.version}"

    @property
    def wheel_filename(self) -> str:
        return f"{self.stem}-{self.tag}.whl"

    @property
    def sdist_filename(self) -> str:
        return f"{self.stem}.tar.gz"

    def metadata(self) -> bytes:
        lines = [
            f"Metadata-Version: {self.metadata_version}",
            f"Name: {self.name}",
            f"Version: {self.version}",
            f"Summary: {self.summary}",
        ]
        if self.requires_python:
            lines.append(f"Requires-Python: {self.requires_python}")
        lines.extend(f"Requires-Dist: {r}" for r in self.requires_dist)
        return ("\n".join(lines) + "\n\n").encode()


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"{path},sha256={digest.decode()},{len(data)}"


def wheel_bytes(
    dist: Dist,
    *,
    metadata: bytes | None = None,
    omit: tuple[str, ...] = (),
    dist_info: str | None = None,
) -> bytes:
    """A wheel; ``omit`` leaves out dist-info files, ``metadata`` replaces METADATA."""
    folder = dist_info or f"{dist.stem}.dist-info"
    members = {
        f"{dist.module}/__init__.py": dist.payload,
        f"{folder}/METADATA": metadata if metadata is not None else dist.metadata(),
        f"{folder}/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: "
            f"{'true' if dist.tag.endswith('any') else 'false'}\nTag: {dist.tag}\n"
        ).encode(),
    }
    if dist.padding:
        members[f"{dist.module}/padding.bin"] = b"\0" * dist.padding
    members = {
        path: data
        for path, data in members.items()
        if path.rsplit("/", 1)[1] not in omit
    }
    record = [_record_line(path, data) for path, data in members.items()]
    record.append(f"{folder}/RECORD,,")
    if "RECORD" not in omit:
        members[f"{folder}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in members.items():
            # A fixed timestamp: the same Dist always gives the same bytes.
            info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def sdist_bytes(dist: Dist) -> bytes:
    buffer = io.BytesIO()
    # gzip records the time it ran unless told otherwise; fixed, the same
    # Dist always gives the same bytes.
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w") as archive,
    ):
        for path, data in {
            f"{dist.stem}/PKG-INFO": dist.metadata(),
            f"{dist.stem}/{dist.module}/__init__.py": dist.payload,
            f"{dist.stem}/pyproject.toml": (
                f'[project]\nname = "{dist.name}"\nversion = "{dist.version}"\n'
            ).encode(),
        }.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def write_wheel(folder: Path, dist: Dist, **options: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / dist.wheel_filename
    path.write_bytes(wheel_bytes(dist, **options))  # type: ignore[arg-type]
    return path


def write_sdist(folder: Path, dist: Dist) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / dist.sdist_filename
    path.write_bytes(sdist_bytes(dist))
    return path


def upload_fields(dist: Dist, filename: str, content: bytes) -> dict[str, str]:
    """The form fields twine sends for a file."""
    is_wheel = filename.endswith(".whl")
    return {
        ":action": "file_upload",
        "protocol_version": "1",
        "metadata_version": dist.metadata_version,
        "name": dist.name,
        "version": dist.version,
        "filetype": "bdist_wheel" if is_wheel else "sdist",
        "pyversion": "py3" if is_wheel else "source",
        "sha256_digest": hashlib.sha256(content).hexdigest(),
        "md5_digest": hashlib.md5(content, usedforsecurity=False).hexdigest(),
        "blake2_256_digest": hashlib.blake2b(content, digest_size=32).hexdigest(),
    }


def multipart_body(
    fields: dict[str, str], filename: bytes | str, content: bytes
) -> tuple[bytes, str]:
    """A multipart/form-data body written byte by byte, as clients send it.

    HTTP libraries escape or refuse some filenames (NUL, quotes); this writes the
    filename exactly as given, so tests can send what a hostile client would.
    """
    boundary = "wheelkeep-test-boundary"
    parts = [
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n"
        ).encode()
        for name, value in fields.items()
    ]
    raw_name = filename.encode() if isinstance(filename, str) else filename
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '.encode()
        + b'filename="'
        + raw_name
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
