"""Settings, read once from ``WHEELKEEP_*`` environment variables or a TOML file.

The settings object is created by the entry point and passed explicitly to
everything that needs it; nothing reads the environment anywhere else.
"""

import enum
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

GIB = 1024**3


class ServerKind(enum.StrEnum):
    """The ASGI servers ``wheelkeep serve`` can run the application on."""

    GRANIAN = "granian"
    UVICORN = "uvicorn"


class Settings(BaseSettings):
    """Every setting of a wheelkeep installation."""

    model_config = SettingsConfigDict(env_prefix="WHEELKEEP_", extra="forbid")

    data_dir: Path = Field(
        default=Path("wheelkeep-data"),
        description="Folder holding the SQLite database and the blob store.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to SQLite in the data folder.",
    )
    host: str = "127.0.0.1"
    port: int = 8080
    server: ServerKind = Field(
        default=ServerKind.GRANIAN,
        description=(
            "The ASGI server: granian (default; sends files outside Python) or uvicorn."
        ),
    )
    workers: int = Field(
        default=1, ge=1, description="Worker processes, each with its own caches."
    )
    max_upload_bytes: int = Field(
        default=5 * GIB, description="Largest accepted upload body (answered 413)."
    )
    max_form_field_bytes: int = Field(
        default=16 * 1024 * 1024,
        description="Largest accepted non-file form field (long descriptions).",
    )
    serial_cache_seconds: float = Field(
        default=0.5,
        description=(
            "How long a replica trusts a project's serial before re-reading it; "
            "changes made by other processes show up within this time."
        ),
    )
    auth_failure_limit: int = Field(
        default=10,
        ge=1,
        description="Failed authentications from one address before it is refused.",
    )
    auth_failure_window_seconds: float = Field(
        default=60.0, gt=0, description="The time span those failures are counted in."
    )
    auth_block_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How long a refused address gets 429 when it sends credentials.",
    )
    read_cache_seconds: float = Field(
        default=5.0,
        description=(
            "How long a process trusts a token and a project's settings on the "
            "read path; revocations and visibility changes made by other "
            "processes take effect within this time. 0 turns it off."
        ),
    )
    log_level: str = "INFO"
    access_log: bool = Field(
        default=True, description="Write a log line for every request answered."
    )
    log_flush_seconds: float = Field(
        default=0.2,
        ge=0,
        description=(
            "A server writes its log lines out at least this often (a warning "
            "or worse at once); 0 writes every line as it comes."
        ),
    )
    supervisor_pid: int | None = Field(
        default=None,
        description=(
            "Set by `wheelkeep serve` for its worker processes: the process "
            "whose death stops them."
        ),
    )
    config_file: Path | None = Field(
        default=None, description="Optional TOML file with the same settings."
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'wheelkeep.sqlite3').resolve()}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlFromEnvironment(settings_cls))


class _TomlFromEnvironment(TomlConfigSettingsSource):
    """Reads the TOML file named by ``WHEELKEEP_CONFIG_FILE``, if any."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        import os

        path = os.environ.get("WHEELKEEP_CONFIG_FILE")
        super().__init__(settings_cls, toml_file=Path(path) if path else None)
