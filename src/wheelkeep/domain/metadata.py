"""Core metadata (versions 1.0 to 2.5) as ``packaging.metadata`` reads it."""

from packaging.metadata import ExceptionGroup, InvalidMetadata, Metadata

from wheelkeep.domain.errors import InvalidUpload


def parse_core_metadata(raw: bytes, filename: str) -> Metadata:
    """Parse and validate a METADATA or PKG-INFO file."""
    try:
        return Metadata.from_email(raw, validate=True)
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
