"""environment profiles and snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "environment_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "implementation",
            sa.Enum("cpython", name="implementation", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("python_version", sa.String(length=32), nullable=False),
        sa.Column("platforms", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_environment_profiles")),
        sa.UniqueConstraint("name", name=op.f("uq_environment_profiles_name")),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("serial", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_snapshots_project_id_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint(
            "project_id", "name", name=op.f("uq_snapshots_project_id_name")
        ),
    )
    op.create_table(
        "snapshot_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "archived",
                "quarantined",
                "deprecated",
                name="package_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_snapshot_packages_snapshot_id_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_packages")),
        sa.UniqueConstraint(
            "snapshot_id", "name", name=op.f("uq_snapshot_packages_snapshot_id_name")
        ),
    )
    op.create_table(
        "snapshot_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("package_name", sa.String(length=255), nullable=False),
        sa.Column("version", sa.String(length=255), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "bdist_wheel", "sdist", name="file_kind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("requires_python", sa.String(length=255), nullable=True),
        sa.Column("metadata_sha256", sa.String(length=64), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("yanked", sa.Boolean(), nullable=False),
        sa.Column("yanked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_snapshot_files_snapshot_id_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_files")),
        sa.UniqueConstraint(
            "snapshot_id",
            "filename",
            name=op.f("uq_snapshot_files_snapshot_id_filename"),
        ),
    )
    with op.batch_alter_table("snapshot_files", schema=None) as batch_op:
        batch_op.create_index(
            "ix_snapshot_files_snapshot_id_package_name",
            ["snapshot_id", "package_name"],
            unique=False,
        )
        batch_op.create_index("ix_snapshot_files_sha256", ["sha256"], unique=False)
        batch_op.create_index(
            "ix_snapshot_files_metadata_sha256", ["metadata_sha256"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("snapshot_files", schema=None) as batch_op:
        batch_op.drop_index("ix_snapshot_files_metadata_sha256")
        batch_op.drop_index("ix_snapshot_files_sha256")
        batch_op.drop_index("ix_snapshot_files_snapshot_id_package_name")

    op.drop_table("snapshot_files")
    op.drop_table("snapshot_packages")
    op.drop_table("snapshots")
    op.drop_table("environment_profiles")
