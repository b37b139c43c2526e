"""Choosing an index page format from an ``Accept`` header (PEP 691)."""

from wheelkeep.domain.index_pages import PageFormat

# What each acceptable media range gives, in the server's order of preference
# when the client weighs several equally.
_OFFERS: dict[str, PageFormat] = {
    "application/vnd.pypi.simple.v1+json": PageFormat.JSON,
    "application/vnd.pypi.simple.latest+json": PageFormat.JSON,
    "application/vnd.pypi.simple.v1+html": PageFormat.HTML,
    "application/vnd.pypi.simple.latest+html": PageFormat.HTML,
    "text/html": PageFormat.LEGACY_HTML,
}
_WILDCARDS: dict[str, PageFormat] = {
    "*/*": PageFormat.LEGACY_HTML,
    "text/*": PageFormat.LEGACY_HTML,
    "application/*": PageFormat.JSON,
}


def choose_format(accept: str | None) -> PageFormat | None:
    """The best format for the header, or None when nothing offered fits (406).

    A missing or empty header means HTML, as PEP 503 clients expect.
    """
    if not accept or not accept.strip():
        return PageFormat.LEGACY_HTML
    best: tuple[float, int, PageFormat] | None = None
    for position, item in enumerate(accept.split(",")):
        media_range, quality = _parse_item(item)
        offer = _OFFERS.get(media_range) or _WILDCARDS.get(media_range)
        if offer is None or quality <= 0:
            continue
        # Higher quality wins; on a tie, the earlier entry in the header.
        candidate = (quality, -position, offer)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def _parse_item(item: str) -> tuple[str, float]:
    media_range, *parameters = (part.strip() for part in item.split(";"))
    quality = 1.0
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                quality = 0.0
    return media_range.lower(), quality
