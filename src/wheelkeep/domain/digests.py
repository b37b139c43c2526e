"""Running digests of a byte stream: the ones clients send with an upload."""

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from wheelkeep.domain.errors import InvalidUpload

# The form field each digest arrives in, as twine and uv send them.
DIGEST_FIELDS = {
    "sha256": "sha256_digest",
    "md5": "md5_digest",
    "blake2_256": "blake2_256_digest",
}


def _blake2_256() -> Any:
    return hashlib.blake2b(digest_size=32)


def _md5() -> Any:
    # Only to check what a client sent, never to identify content.
    return hashlib.md5(usedforsecurity=False)


@dataclass
class Digests:
    """sha256, md5 and blake2b-256 of everything fed to :meth:`update`."""

    size: int = 0
    _hashes: dict[str, Any] = field(
        default_factory=lambda: {
            "sha256": hashlib.sha256(),
            "md5": _md5(),
            "blake2_256": _blake2_256(),
        }
    )

    def update(self, chunk: bytes) -> None:
        self.size += len(chunk)
        for hash_object in self._hashes.values():
            hash_object.update(chunk)

    def hexdigest(self, algorithm: str) -> str:
        return str(self._hashes[algorithm].hexdigest())

    @property
    def sha256(self) -> str:
        return self.hexdigest("sha256")


def check_sent_digests(digests: Digests, sent: dict[str, str]) -> None:
    """Compare each digest the client sent (by algorithm) with the bytes received."""
    for algorithm, value in sent.items():
        if not value:
            continue
        expected = digests.hexdigest(algorithm)
        if not hmac.compare_digest(value.strip().lower(), expected):
            raise InvalidUpload(
                f"The {algorithm} digest sent does not match the file received "
                f"(sent {value.strip()}, received bytes hash to {expected}). "
                "The upload was corrupted or truncated; build and upload again."
            )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
