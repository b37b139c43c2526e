"""Whether a blob is still needed: by a live file or by a snapshot's frozen file.

Blobs are shared by content (a promoted file, a file re-uploaded to another
project, a snapshot), so a blob may go only when nothing refers to it. Callers
ask inside the write transaction that removes the last reference they know of,
after taking a project's write lock (``services.projects.lock_project``).

Known shortcoming: that lock makes the check and the removal atomic only where
the database has one write lock for everything, as SQLite has. On a database
that locks rows (PostgreSQL), an upload to another project may start referring
to a blob while it is being removed, and that file's downloads would then
answer 404.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, SnapshotFile
from wheelkeep.storage.base import BlobStore


def blob_in_use(session: Session, digest: str) -> bool:
    for model in (File, SnapshotFile):
        found = session.scalar(
            select(model.id)
            .where((model.sha256 == digest) | (model.metadata_sha256 == digest))
            .limit(1)
        )
        if found is not None:
            return True
    return False


def forget_unused(session: Session, blobs: BlobStore, digests: Iterable[str]) -> None:
    """Remove each of these blobs that no file and no snapshot refers to."""
    for digest in digests:
        if not blob_in_use(session, digest):
            blobs.delete(digest)
