"""Core metadata (versions 1.0 to 2.5) as ``packaging.metadata`` reads it."""

import re

from packaging.metadata import ExceptionGroup, InvalidMetadata, Metadata

from wheelkeep.domain.errors import InvalidUpload

# Metadata-Version 2.0 was a draft that was never accepted, yet bdist_wheel
# wrote it for years, so many wheels in use carry it. ``packaging`` refuses the
# number; its fields are a subset of 2.1's, so such files are checked as 2.1.
_DRAFT_VERSION = re.compile(rb"^(Metadata-Version:[ \t]*)2\.0[ \t]*$", re.I | re.M)


def parse_core_metadata(raw: bytes, filename: str) -> Metadata:
    """Parse and validate a METADATA or PKG-INFO file."""
    try:
        return Metadata.from_email(_DRAFT_VERSION.sub(rb"\g<1>2.1", raw, count=1))
    except ExceptionGroup as group:
        reasons = "; ".join(str(error) for error in _flatten(group))
        raise InvalidUpload(
            f"Invalid core metadata in {filename!r}: {reasons}."
        ) from None
    except (InvalidMetadata, ValueError, UnicodeDecodeError) as error:
        raise InvalidUpload(
            f"Invalid core metadata in {filename!r}: {error}."
        ) from None


def _flatten(group: ExceptionGroup) -> list[Exception]:
    errors: list[Exception] = []
    for error in group.exceptions:
        if isinstance(error, ExceptionGroup):
            errors.extend(_flatten(error))
        else:
            errors.append(error)
    return errors
