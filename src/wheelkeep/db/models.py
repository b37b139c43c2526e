"""Tables of the registry, as SQLAlchemy 2 typed mappings.

The schema itself is owned by the Alembic migrations in ``migrations/``; a test
checks that these mappings and the migrated schema agree.
"""

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from wheelkeep.domain.access import Role, TokenKind, Visibility
from wheelkeep.domain.distributions import FileKind
from wheelkeep.domain.profiles import Implementation

__all__ = ["Role", "TokenKind", "Visibility"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored without zone and always read back as UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PackageStatus(enum.StrEnum):
    """PEP 792 project status markers."""

    ACTIVE = "active"
    ARCHIVED = "archived"
    QUARANTINED = "quarantined"
    DEPRECATED = "deprecated"


def _enum(kind: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        kind,
        name=name,
        native_enum=False,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
        length=32,
    )


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    path: Mapped[str] = mapped_column(String(255), unique=True)
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility, "visibility"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    path: Mapped[str] = mapped_column(String(255), unique=True)
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility, "visibility"))
    serial: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Token(Base):
    """A secret granting scopes; only its sha256 is stored."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(_enum(TokenKind, "token_kind"))
    name: Mapped[str] = mapped_column(String(255))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    # The Basic user name that names this token (deploy tokens, bots, jobs).
    username: Mapped[str | None] = mapped_column(String(255))
    # The kind prefix and a few characters: enough to tell tokens apart in a
    # list or match a leaked secret to its row, far too few to guess the rest.
    prefix: Mapped[str | None] = mapped_column(String(16))
    # The role of a project or group access token's bot.
    role: Mapped[Role | None] = mapped_column(_enum(Role, "role"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    """A user's role on a group (and everything beneath it) or on one project."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "group_id"),
        UniqueConstraint("user_id", "project_id"),
        CheckConstraint(
            "(group_id IS NULL) <> (project_id IS NULL)", name="one_target"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id"), index=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Package(Base):
    __tablename__ = "packages"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    name: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[PackageStatus] = mapped_column(
        _enum(PackageStatus, "package_status"), default=PackageStatus.ACTIVE
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    releases: Mapped[list["Release"]] = relationship(back_populates="package")


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("package_id", "canonical_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    version: Mapped[str] = mapped_column(String(255))
    canonical_version: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str | None] = mapped_column(Text)
    yanked: Mapped[bool] = mapped_column(Boolean, default=False)
    yanked_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    package: Mapped[Package] = relationship(back_populates="releases")
    files: Mapped[list["File"]] = relationship(back_populates="release")


class File(Base):
    """One stored distribution file of a release."""

    __tablename__ = "files"
    __table_args__ = (
        UniqueConstraint("project_id", "filename"),
        Index("ix_files_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[FileKind] = mapped_column(_enum(FileKind, "file_kind"))
    python_version: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    md5: Mapped[str] = mapped_column(String(32))
    blake2_256: Mapped[str] = mapped_column(String(64))
    requires_python: Mapped[str | None] = mapped_column(String(255))
    # Indexed: whether a blob is still in use is asked by either digest.
    metadata_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))

    release: Mapped[Release] = relationship(back_populates="files")


class FileTombstone(Base):
    """A deleted file's name, kept so the name is never reused with other bytes."""

    __tablename__ = "file_tombstones"
    __table_args__ = (UniqueConstraint("project_id", "filename"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    token_id: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    target: Mapped[str] = mapped_column(String(512))
    address: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class EnvironmentProfile(Base):
    """A target machine: interpreter, version and platform tags (see domain)."""

    __tablename__ = "environment_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    implementation: Mapped[Implementation] = mapped_column(
        _enum(Implementation, "implementation")
    )
    python_version: Mapped[str] = mapped_column(String(32))
    platforms: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Snapshot(Base):
    """A named, frozen view of a project's index."""

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    name: Mapped[str] = mapped_column(String(100))
    # The project's serial when the snapshot was taken.
    serial: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255))


class SnapshotPackage(Base):
    """A package of a snapshot, with its status as it was."""

    __tablename__ = "snapshot_packages"
    __table_args__ = (UniqueConstraint("snapshot_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"))
    name: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[PackageStatus] = mapped_column(
        _enum(PackageStatus, "package_status")
    )
    status_reason: Mapped[str | None] = mapped_column(Text)


class SnapshotFile(Base):
    """A file of a snapshot, with everything its index entry showed then."""

    __tablename__ = "snapshot_files"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "filename"),
        Index(
            "ix_snapshot_files_snapshot_id_package_name", "snapshot_id", "package_name"
        ),
        Index("ix_snapshot_files_sha256", "sha256"),
        Index("ix_snapshot_files_metadata_sha256", "metadata_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"))
    package_name: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[FileKind] = mapped_column(_enum(FileKind, "file_kind"))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    requires_python: Mapped[str | None] = mapped_column(String(255))
    metadata_sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    yanked: Mapped[bool] = mapped_column(Boolean)
    yanked_reason: Mapped[str | None] = mapped_column(Text)
