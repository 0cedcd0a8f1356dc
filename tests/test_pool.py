"""ietm.pool.ordered_map: every result in order, with only a few chunks of work ahead of a slow reader."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from ietm.pool import ordered_map


class CountingPool(ThreadPoolExecutor):
    """A real thread pool that remembers the most chunks ever submitted and not yet read."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.lock = threading.Lock()
        self.unread = self.most = 0

    def submit(self, fn, *args, **kwargs):
        with self.lock:
            self.unread += 1
            self.most = max(self.most, self.unread)
        return super().submit(fn, *args, **kwargs)

    def read(self) -> None:
        with self.lock:
            self.unread -= 1


def square_plus(x: int, y: int) -> int:
    return x * x + y


def test_results_in_order_and_work_ahead_bounded() -> None:
    items = [(i, 1) for i in range(1000)]
    with CountingPool() as pool:
        out = []
        for n, value in enumerate(ordered_map(pool, square_plus, items, chunksize=10, ahead=4)):
            if n % 10 == 9:
                pool.read()  # a chunk's last result read
            out.append(value)
    assert out == [i * i + 1 for i in range(1000)]
    assert pool.most <= 4  # Executor.map would have submitted all 100 chunks at once


def test_fewer_items_than_a_chunk_and_none() -> None:
    with ThreadPoolExecutor(2) as pool:
        assert list(ordered_map(pool, square_plus, [(3, 0)], chunksize=64, ahead=8)) == [9]
        assert list(ordered_map(pool, square_plus, [], chunksize=64, ahead=8)) == []
