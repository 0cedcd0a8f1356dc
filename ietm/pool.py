"""Work on all cores with a bounded appetite: results in order, and only a few chunks of work ahead of the reader."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Executor
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")


def _chunk(fn: Callable[..., T], chunk: Sequence[tuple]) -> list[T]:
    return [fn(*args) for args in chunk]


def ordered_map(pool: Executor, fn: Callable[..., T], items: Sequence[tuple], chunksize: int,
                ahead: int) -> Iterator[T]:
    """fn(*item) for every item, in order, computed by the pool's workers. Executor.map submits every item at
    once, so when the reader is slower than the workers (one process writing what two extract) every result
    waits in the reader's memory: at 100,000 modules, gigabytes. Here at most `ahead` chunks are submitted and
    not yet read."""
    pending: deque = deque()
    for start in range(0, len(items), chunksize):
        pending.append(pool.submit(_chunk, fn, items[start:start + chunksize]))
        if len(pending) >= ahead:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()
