"""Choosing a page format from an Accept header (PEP 691)."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wheelkeep.domain.index_pages import PageFormat
from wheelkeep.domain.negotiation import choose_format

JSON = "application/vnd.pypi.simple.v1+json"
LATEST_JSON = "application/vnd.pypi.simple.latest+json"
HTML = "application/vnd.pypi.simple.v1+html"
LATEST_HTML = "application/vnd.pypi.simple.latest+html"
TEXT_HTML = "text/html"
NAMES = {
    PageFormat.JSON: (JSON, LATEST_JSON),
    PageFormat.HTML: (HTML, LATEST_HTML),
    PageFormat.LEGACY_HTML: (TEXT_HTML,),
}
MEDIA_RANGES = [
    JSON,
    LATEST_JSON,
    HTML,
    LATEST_HTML,
    TEXT_HTML,
    "text/*",
    "application/*",
    "*/*",
    "image/png",
    "application/json",
]

# What the clients send, copied from their requests to a test server.
PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
)
UV_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
)
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
    "image/webp,*/*;q=0.8"
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, PageFormat.LEGACY_HTML),
        ("", PageFormat.LEGACY_HTML),
        (PIP_ACCEPT, PageFormat.JSON),
        (UV_ACCEPT, PageFormat.JSON),
        (BROWSER_ACCEPT, PageFormat.LEGACY_HTML),
        ("*/*", PageFormat.LEGACY_HTML),
        ("application/*", PageFormat.JSON),
        ("text/*", PageFormat.LEGACY_HTML),
        (LATEST_JSON, PageFormat.JSON),
        (LATEST_HTML, PageFormat.HTML),
        (f"{HTML}, {JSON};q=0.5", PageFormat.HTML),
        (f"{JSON};q=0.5, {HTML};q=0.5", PageFormat.JSON),
        (f"{HTML};q=0.5, {JSON};q=0.5", PageFormat.HTML),
        (f"{TEXT_HTML};q=0, */*", PageFormat.JSON),
        (f"{JSON};q=0, application/*", PageFormat.HTML),
        (f"{TEXT_HTML};q=0.5, */*;q=0.9", PageFormat.JSON),
        (f"{JSON};q=0.abc, {HTML};q=0.3", PageFormat.HTML),
        (f"{JSON};Q=0.9, {HTML};q=0.3", PageFormat.JSON),
        ("APPLICATION/VND.PYPI.SIMPLE.V1+JSON", PageFormat.JSON),
        ("application/json", None),
        ("image/png, text/plain", None),
        (f"{JSON};q=0, {HTML};q=0, {TEXT_HTML};q=0", None),
        ("*/*;q=0", None),
        (f"{JSON};q=2", None),
        (f"{JSON};q=nan", None),
        (f"{JSON};q=inf, {HTML};q=0.1", PageFormat.HTML),
    ],
)
def test_examples(accept: str | None, expected: PageFormat | None) -> None:
    assert choose_format(accept) is expected


qualities = st.sampled_from(["", ";q=0", ";q=0.001", ";q=0.2", ";q=0.5", ";q=1"])
items = st.tuples(st.sampled_from(MEDIA_RANGES), qualities).map("".join)
headers = st.lists(items, min_size=1, max_size=8)


def _explicit_qualities(header: list[str]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for item in header:
        media_range, _, quality = item.partition(";q=")
        found.setdefault(media_range, []).append(float(quality or 1))
    return found


@given(headers)
def test_a_format_the_client_refused_by_name_is_never_served(
    header: list[str],
) -> None:
    explicit = _explicit_qualities(header)
    chosen = choose_format(", ".join(header))

    if chosen is not None:
        named = [q for name in NAMES[chosen] for q in explicit.get(name, [])]
        assert not named or max(named) > 0


@given(headers)
def test_a_format_named_with_the_only_top_quality_is_served(
    header: list[str],
) -> None:
    explicit = _explicit_qualities(header)
    top = max(q for qs in explicit.values() for q in qs)
    winners = [name for name, qs in explicit.items() if top in qs]

    chosen = choose_format(", ".join(header))

    formats = {f for f, names in NAMES.items() if set(names) & set(winners)}
    if top > 0 and len(winners) == 1 and formats:
        assert chosen is formats.pop()


@given(headers, st.randoms(use_true_random=False))
def test_order_matters_only_between_equal_qualities(
    header: list[str], shuffle: random.Random
) -> None:
    qualities_seen = [item.partition(";q=")[2] or "1" for item in header]
    shuffled = list(header)
    shuffle.shuffle(shuffled)

    if len(set(qualities_seen)) == len(qualities_seen):
        assert choose_format(", ".join(shuffled)) is choose_format(", ".join(header))


@given(headers)
def test_media_ranges_are_case_insensitive(header: list[str]) -> None:
    accept = ", ".join(header)

    assert choose_format(accept.upper()) is choose_format(accept)


@given(st.text(max_size=200))
def test_any_header_gives_a_format_or_none(accept: str) -> None:
    assert choose_format(accept) in (*PageFormat, None)
