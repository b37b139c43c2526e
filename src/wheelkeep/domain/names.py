"""Package names and versions, always through ``packaging``."""

from packaging.utils import (
    InvalidName,
    NormalizedName,
    canonicalize_name,
    canonicalize_version,
)
from packaging.version import InvalidVersion, Version

from wheelkeep.domain.errors import InvalidUpload

__all__ = ["NormalizedName", "canonical_version", "normalize_name", "parse_version"]


def normalize_name(name: str) -> NormalizedName:
    """Return the PEP 503 normalised form of a valid distribution name."""
    try:
        return canonicalize_name(name, validate=True)
    except InvalidName:
        raise InvalidUpload(
            f"Invalid package name {name!r}: names may contain only ASCII letters, "
            "digits, '.', '-' and '_', and must start and end with a letter or digit."
        ) from None


def parse_version(version: str) -> Version:
    """Parse a PEP 440 version, refusing anything else."""
    try:
        return Version(version)
    except InvalidVersion:
        raise InvalidUpload(
            f"Invalid version {version!r}: versions must follow PEP 440."
        ) from None


def canonical_version(version: Version) -> str:
    """The form two equal versions share ('1.0' and '1.0.0' give '1')."""
    return canonicalize_version(version)
