"""Choosing an index page format from an ``Accept`` header (PEP 691).

Each format is weighed as RFC 9110 says: by the most specific media range that
matches one of its media types (an exact type beats ``type/*``, which beats
``*/*``), so ``text/html;q=0, */*`` refuses HTML even though ``*/*`` would
allow it.
"""

import re
from dataclasses import dataclass

from wheelkeep.domain.index_pages import PageFormat

# The media types each format answers to, in the server's order of preference
# when the client weighs several equally: a bare ``*/*`` (browsers, curl) gets
# HTML a person can read, ``application/*`` gets JSON.
_FORMATS: dict[PageFormat, tuple[str, ...]] = {
    PageFormat.LEGACY_HTML: ("text/html",),
    PageFormat.JSON: (
        "application/vnd.pypi.simple.v1+json",
        "application/vnd.pypi.simple.latest+json",
    ),
    PageFormat.HTML: (
        "application/vnd.pypi.simple.v1+html",
        "application/vnd.pypi.simple.latest+html",
    ),
}
_QUALITY = re.compile(r"0(\.\d{0,3})?|1(\.0{0,3})?")


@dataclass(frozen=True)
class _Range:
    media_range: str
    quality: float
    position: int

    def specificity(self, media_type: str) -> int | None:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``; None if no match."""
        if self.media_range == media_type:
            return 2
        if self.media_range == media_type.split("/", 1)[0] + "/*":
            return 1
        if self.media_range == "*/*":
            return 0
        return None


def choose_format(accept: str | None) -> PageFormat | None:
    """The best format for the header, or None when nothing offered fits (406).

    A missing or empty header means HTML, as PEP 503 clients expect. Higher
    quality wins; on a tie, the format named earlier in the header, then the
    server's preference.
    """
    if not accept or not accept.strip():
        return PageFormat.LEGACY_HTML
    ranges = _parse(accept)
    best: tuple[float, int, int, PageFormat] | None = None
    for preference, (page_format, media_types) in enumerate(_FORMATS.items()):
        match = _best_match(ranges, media_types)
        if match is None or match.quality <= 0:
            continue
        candidate = (match.quality, -match.position, -preference, page_format)
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    return best[3] if best else None


def _best_match(ranges: list[_Range], media_types: tuple[str, ...]) -> _Range | None:
    """The range that decides a format: most specific, then highest quality."""
    best: tuple[int, float, int, _Range] | None = None
    for item in ranges:
        for media_type in media_types:
            specificity = item.specificity(media_type)
            if specificity is None:
                continue
            candidate = (specificity, item.quality, -item.position, item)
            if best is None or candidate[:3] > best[:3]:
                best = candidate
    return best[3] if best else None


def _parse(accept: str) -> list[_Range]:
    """The header's media ranges; an item with a malformed quality is ignored."""
    ranges: list[_Range] = []
    for position, item in enumerate(accept.split(",")):
        media_range, *parameters = (part.strip() for part in item.split(";"))
        quality: float | None = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QUALITY.fullmatch(value) else None
        if quality is not None and media_range:
            ranges.append(_Range(media_range.lower(), quality, position))
    return ranges
