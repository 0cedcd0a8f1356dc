"""Building many long-lived objects at once (a book's layout, the viewer's index of a CSDB)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while hundreds of thousands of objects that will live on are made: it
    walked them again and again, freeing almost nothing (40 % of the time of a book's layout, half of the
    viewer's index at 100,000 modules). Reference counting still frees what is dropped meanwhile. Threads may
    overlap: the collector is only turned back on by one that found it on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
