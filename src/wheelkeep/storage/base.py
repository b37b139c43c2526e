"""The interface every blob store implements.

A blob is written in two steps: bytes go to a :class:`PendingBlob` (hashed as
they arrive), and :meth:`BlobStore.keep` moves a finished pending blob to its
place under its sha256, or :meth:`PendingBlob.discard` drops it. A reader never
sees a partial blob.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from wheelkeep.domain.digests import Digests


class PendingBlob(ABC):
    """Bytes being received, not yet visible to readers."""

    digests: Digests

    @abstractmethod
    def write(self, chunk: bytes) -> None:
        """Append bytes and update the running digests."""

    @property
    @abstractmethod
    def path(self) -> Path:
        """A local file holding the bytes written so far, for inspection."""

    @abstractmethod
    def finish(self) -> None:
        """Flush everything written to durable storage; no writes after this."""

    @abstractmethod
    def discard(self) -> None:
        """Drop the bytes; safe to call more than once, and after keep."""


@dataclass(frozen=True)
class LocalBlob:
    """A blob readable as a local file, which the server can send by itself."""

    path: Path
    size: int


class BlobStore(ABC):
    """Stores blobs by sha256; writes are atomic, reads never see a partial blob."""

    @abstractmethod
    def begin(self) -> PendingBlob:
        """Start receiving a new blob."""

    @abstractmethod
    def keep(self, pending: PendingBlob) -> bool:
        """Place a finished blob under its sha256; False if it was there already.

        The pending blob stays valid until discarded, so it can be kept again.
        """

    @abstractmethod
    def put_bytes(self, data: bytes) -> tuple[str, bool]:
        """Store a small blob at once; return its sha256 and whether it was new."""

    @abstractmethod
    def locate(self, sha256: str) -> LocalBlob | None:
        """Where to read a blob from, or None when it is not stored."""

    @abstractmethod
    def read_bytes(self, sha256: str) -> bytes:
        """The whole content of a small blob (metadata files)."""

    @abstractmethod
    def delete(self, sha256: str) -> None:
        """Remove a blob; a missing blob is not an error."""

    @abstractmethod
    def list_digests(self) -> set[str]:
        """Every stored blob's sha256 (for consistency checks and tests)."""

    @abstractmethod
    def count_pending(self) -> int:
        """How many pending blobs exist (leftovers are a bug or a crash)."""
