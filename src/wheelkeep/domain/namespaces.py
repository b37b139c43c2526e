"""Group and project paths (``ai/edge``, ``ai/edge/models``), as GitLab shapes them."""

import re

from wheelkeep.domain.errors import InvalidRequest

# A segment starts with a letter, digit or underscore and holds only letters,
# digits, '_', '.' and '-'; it may not end with '.' or '-'. Keeping to this set
# means a path never needs escaping beyond its slashes.
_SEGMENT = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9_])?")
MAX_DEPTH = 20


def check_path(path: str) -> str:
    """The path, stripped of outer slashes, if every segment is valid."""
    stripped = path.strip("/")
    segments = stripped.split("/")
    if not stripped or len(segments) > MAX_DEPTH or len(stripped) > 255:
        raise InvalidRequest(f"Invalid path {path!r}: give 1 to 20 segments.")
    for segment in segments:
        if not _SEGMENT.fullmatch(segment) or segment.endswith((".git", ".atom")):
            raise InvalidRequest(
                f"Invalid path segment {segment!r}: use letters, digits, '_', '.' "
                "and '-', starting and ending with a letter, digit or '_'."
            )
    # A numeric path would be read as an id wherever GitLab's ``:id`` is used.
    if stripped.isdecimal():
        raise InvalidRequest(f"Invalid path {path!r}: it may not be only digits.")
    return stripped


def parent_of(path: str) -> str | None:
    parent, separator, _ = path.rpartition("/")
    return parent if separator else None


def name_of(path: str) -> str:
    return path.rpartition("/")[2]


def ancestors_of(path: str) -> list[str]:
    """Every group path above ``path``, outermost first."""
    segments = path.split("/")
    return ["/".join(segments[:depth]) for depth in range(1, len(segments))]
