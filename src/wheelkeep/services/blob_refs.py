"""Whether a blob is still needed: by a live file or by a snapshot's frozen file.

Blobs are shared by content (a promoted file, a file re-uploaded to another
project, a snapshot), so a blob may go only when nothing refers to it. Callers
ask inside the write transaction that removes the last reference they know of.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, SnapshotFile


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
