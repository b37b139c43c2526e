"""Printing results for people (tables) or for scripts (``--json``)."""

import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

console = Console()
errors = Console(stderr=True)


def emit(data: Any, *, as_json: bool, text: str | None = None) -> None:
    if as_json:
        print(json.dumps(data, indent=2, default=str))
    elif text is not None:
        console.print(text)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str) -> None:
    view = Table(title=title)
    for column in columns:
        view.add_column(column)
    for row in rows:
        view.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console.print(view)


def listing(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    title: str,
    *,
    as_json: bool,
) -> None:
    """Rows as JSON for scripts, or those columns as a table for people."""
    if as_json:
        emit(rows, as_json=True)
    else:
        table(rows, columns, title)


def aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of plain text cells padded into columns two spaces apart.

    Plain text rather than a Rich table: scripts and tests read these lines,
    and they must not depend on the terminal's width.
    """
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]
