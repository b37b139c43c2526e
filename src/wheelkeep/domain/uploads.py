"""The rules an upload must pass, as the public index applies them.

The legacy upload API sends a multipart form: ``:action``, ``protocol_version``,
the core metadata fields (``name``, ``version``, ``metadata_version``, ...), the
file in ``content`` and optional digests. These functions check the form, the
filename and the file's own metadata against each other.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from packaging.metadata import Metadata
from packaging.version import Version

from wheelkeep.domain.digests import DIGEST_FIELDS
from wheelkeep.domain.distributions import DistributionFilename, FileKind
from wheelkeep.domain.errors import FileAlreadyExists, InvalidUpload
from wheelkeep.domain.names import NormalizedName, normalize_name, parse_version

SUPPORTED_METADATA_VERSIONS = frozenset(
    {"1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5"}
)


@dataclass(frozen=True)
class UploadForm:
    """The form fields of a legacy upload, checked for presence and form."""

    name: NormalizedName
    version: Version
    filetype: FileKind
    pyversion: str
    sent_digests: dict[str, str]


def check_form(fields: Mapping[str, str]) -> UploadForm:
    """Check the protocol fields and the metadata fields every upload carries."""
    action = fields.get(":action")
    if action != "file_upload":
        raise InvalidUpload(
            f"Unsupported ':action' {action!r}: only 'file_upload' is accepted."
        )
    if fields.get("protocol_version", "1") != "1":
        raise InvalidUpload("Unsupported 'protocol_version': only '1' is accepted.")
    metadata_version = fields.get("metadata_version", "")
    if metadata_version not in SUPPORTED_METADATA_VERSIONS:
        raise InvalidUpload(
            f"Unsupported 'metadata_version' {metadata_version!r}: use one of "
            f"{', '.join(sorted(SUPPORTED_METADATA_VERSIONS))}."
        )
    for required in ("name", "version", "filetype"):
        if not fields.get(required, "").strip():
            raise InvalidUpload(f"Missing form field {required!r}.")
    try:
        filetype = FileKind(fields["filetype"])
    except ValueError:
        raise InvalidUpload(
            f"Unsupported 'filetype' {fields['filetype']!r}: use 'bdist_wheel' or "
            "'sdist'."
        ) from None
    return UploadForm(
        name=normalize_name(fields["name"].strip()),
        version=parse_version(fields["version"].strip()),
        filetype=filetype,
        pyversion=fields.get("pyversion", ""),
        sent_digests={
            algorithm: fields[field]
            for algorithm, field in DIGEST_FIELDS.items()
            if fields.get(field)
        },
    )


def check_filename_matches_form(form: UploadForm, dist: DistributionFilename) -> None:
    """The filename must name the same package, version and kind as the form."""
    if dist.name != form.name:
        raise InvalidUpload(
            f"The filename {dist.filename!r} is for package {dist.name!r}, but the "
            f"form says {form.name!r}."
        )
    if dist.version != form.version:
        raise InvalidUpload(
            f"The filename {dist.filename!r} is for version {dist.version}, but the "
            f"form says {form.version}."
        )
    if dist.kind is not form.filetype:
        raise InvalidUpload(
            f"The filename {dist.filename!r} is a {dist.kind.value}, but the form's "
            f"'filetype' says {form.filetype.value}."
        )


def check_metadata_matches(metadata: Metadata, dist: DistributionFilename) -> None:
    """The file's own metadata must name the package and version of its filename."""
    if normalize_name(metadata.name) != dist.name:
        raise InvalidUpload(
            f"The metadata inside {dist.filename!r} is for package "
            f"{metadata.name!r}, but the filename says {dist.name!r}."
        )
    if metadata.version != dist.version:
        raise InvalidUpload(
            f"The metadata inside {dist.filename!r} is for version "
            f"{metadata.version}, but the filename says {dist.version}."
        )


def refuse_existing(filename: str, *, deleted: bool) -> FileAlreadyExists:
    """The error for a filename already taken, by a live file or a deleted one."""
    if deleted:
        return FileAlreadyExists(
            f"File already exists: {filename!r} was uploaded before and deleted; "
            "a filename can never be reused. Publish a new version instead."
        )
    return FileAlreadyExists(
        f"File already exists: {filename!r} is already in this index with "
        "different content. Publish a new version instead."
    )
