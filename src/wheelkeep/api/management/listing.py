"""GitLab's pagination: ``page`` and ``per_page`` in, ``X-Total`` headers out."""

import math
from collections.abc import Sequence
from typing import TypeVar

from starlette.responses import Response

T = TypeVar("T")


def paginate(
    items: Sequence[T], page: int, per_page: int, response: Response
) -> list[T]:
    total = len(items)
    response.headers["X-Total"] = str(total)
    response.headers["X-Total-Pages"] = str(max(1, math.ceil(total / per_page)))
    response.headers["X-Page"] = str(page)
    response.headers["X-Per-Page"] = str(per_page)
    start = (page - 1) * per_page
    return list(items[start : start + per_page])
