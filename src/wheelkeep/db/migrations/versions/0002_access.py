"""access: memberships, and token user names, prefixes and bot roles

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _role() -> sa.Enum:
    return sa.Enum(
        "read",
        "write",
        "maintain",
        "owner",
        name="role",
        native_enum=False,
        length=32,
    )


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("role", _role(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(group_id IS NULL) <> (project_id IS NULL)",
            name=op.f("ck_memberships_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_memberships_group_id_groups")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_memberships_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "user_id", "group_id", name=op.f("uq_memberships_user_id_group_id")
        ),
        sa.UniqueConstraint(
            "user_id", "project_id", name=op.f("uq_memberships_user_id_project_id")
        ),
    )
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username", sa.String(length=255)))
        batch_op.add_column(sa.Column("prefix", sa.String(length=16)))
        batch_op.add_column(sa.Column("role", _role(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_column("role")
        batch_op.drop_column("prefix")
        batch_op.drop_column("username")
    op.drop_table("memberships")
