"""Progress on long work, shown on stderr only when a person is watching (a terminal)."""

from __future__ import annotations

import sys
from typing import Iterable, TypeVar

T = TypeVar("T")


def track(items: Iterable[T], total: int, description: str) -> Iterable[T]:
    if not sys.stderr.isatty():
        return items
    from rich.console import Console
    from rich.progress import track as rich_track

    return rich_track(items, total=total, description=description, console=Console(stderr=True), transient=True)
