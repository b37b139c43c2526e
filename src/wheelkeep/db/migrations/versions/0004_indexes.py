"""indexes for the columns services filter on

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-17

Checking whether a blob is still in use looks files up by their metadata
file's digest as well as their own; memberships and tokens are listed by
their project, group or user; the audit log is read by action.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("files", "metadata_sha256"),
    ("memberships", "group_id"),
    ("memberships", "project_id"),
    ("tokens", "project_id"),
    ("tokens", "group_id"),
    ("tokens", "user_id"),
    ("audit_events", "action"),
)


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def downgrade() -> None:
    for table, column in reversed(INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
