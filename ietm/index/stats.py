"""BM25F's collection statistics counted over the live documents of an index, as a fresh index of the same files has.

Whoosh keeps a changed or removed module's old document in its statistics (document count, term document
frequencies, field length totals) until its segment is merged, and a merge sums the documents' lengths as
stored, rounded to a byte. So an index updated in place would rank differently from one built fresh from the
same files. Counting the statistics here, over the documents that are not deleted and from the lengths as
stored per document (the same byte in a fresh index and an updated one), makes both rank alike, on the server
(ietm.index.search) and in a bundle's offline index (ietm.index.offline), without rebuilding anything.
"""

from __future__ import annotations

import math
from typing import Iterator

from whoosh import scoring
from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which the browser's copy of the formula uses too


class LiveStats:
    """Statistics of one reader's live documents, counted when first asked for (a reader never changes)."""

    def __init__(self, reader) -> None:  # type: ignore[no-untyped-def]
        self.reader = reader
        self.size = reader.doc_count_all()  # document numbers, deleted ones included
        self.count = reader.doc_count()  # live documents: BM25F's N
        self.live: set[int] | None = set(reader.all_doc_ids()) if reader.has_deletions() else None
        self._lengths: dict[str, list[int]] = {}
        self._avg: dict[str, float] = {}
        self._df: dict[tuple[str, str], int] = {}

    def lengths(self, fieldname: str) -> list[int]:
        """Each document's length of a field, as Whoosh stores it (a byte, so rounded beyond a few dozen words)."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = []
            for sub, _ in segments(self.reader):
                lengths += _segment_lengths(sub, fieldname)
            self._lengths[fieldname] = lengths
        return lengths

    def avg_length(self, fieldname: str) -> float:
        avg = self._avg.get(fieldname)
        if avg is None:
            lengths = self.lengths(fieldname)
            total = sum(lengths) if self.live is None else sum(lengths[d] for d in self.live)
            avg = self._avg[fieldname] = (total / self.count if self.count else 0) or 1
        return avg

    def df(self, fieldname: str, text: str | bytes) -> int:
        """In how many live documents a term occurs."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        key = (fieldname, text)
        n = self._df.get(key)
        if n is None:
            if key not in self.reader:
                n = 0
            elif self.live is None:
                n = self.reader.doc_frequency(fieldname, text)
            else:  # the reader's postings leave deleted documents out
                n = sum(1 for _ in self.reader.postings(fieldname, text).all_ids())
            if len(self._df) > 65536:
                self._df.clear()
            self._df[key] = n
        return n

    def idf(self, fieldname: str, text: str | bytes) -> float:
        """Whoosh's idf formula over the live documents."""
        return math.log(self.count / (self.df(fieldname, text) + 1)) + 1


_LENGTH_OF_BYTE = [byte_to_length(b) if b else 0 for b in range(256)]


def _segment_lengths(sub, fieldname: str) -> list[int]:  # type: ignore[no-untyped-def]
    """One segment's lengths of a field: its length column read in one piece where it is Whoosh's own column of
    a byte per document (a call per document costs a file-existence check and a seek: 0.1 ms each)."""
    count = sub.doc_count_all()
    perdoc = getattr(sub, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:  # no document has the field
            return [0] * count
    if column is not None and getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
        raw = column._dbfile.get(column._basepos, min(column._count, count))
        return [_LENGTH_OF_BYTE[b] for b in raw] + [0] * (count - len(raw))
    return [sub.doc_field_length(d, fieldname, 0) or 0 for d in range(count)]


def segments(reader) -> list:  # type: ignore[no-untyped-def]
    """Several segments (after incremental updates): each segment's reader, at its document offset."""
    return list(zip(reader.readers, reader.doc_offsets)) if hasattr(reader, "readers") else [(reader, 0)]


def posting_blocks(reader, fieldname: str, text: str) -> Iterator[tuple[list[int], list[float]]]:  # type: ignore[no-untyped-def]
    """(live documents, term frequencies) of a term, a posting block at a time where the matcher is Whoosh's own
    leaf (its decoded block arrays), segment by segment: several times faster than the matcher, one by one."""
    for sub, base in segments(reader):
        if (fieldname, text) not in sub:
            continue
        m = sub.postings(fieldname, text)
        leaf, ids, exclude = m, None, False
        if type(m).__name__ == "FilterMatcher":  # a segment with deletions wraps its leaf; keep the filter
            leaf, ids, exclude = m.child, m._ids, m._exclude
        if not all(hasattr(leaf, a) for a in ("_read_ids", "_read_weights", "_next_block", "_blocklength", "_i")):
            docs, weights = [], []
            while m.is_active():
                docs.append(m.id() + base)
                weights.append(m.weight())
                m.next()
            yield docs, weights
            continue
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_weights()
            docs, weights = list(leaf._ids[leaf._i:]), list(leaf._weights[leaf._i:])
            if ids is not None:
                keep = [(d in ids) != exclude for d in docs]
                docs = [d for d, k in zip(docs, keep) if k]
                weights = [w for w, k in zip(weights, keep) if k]
            yield ([d + base for d in docs] if base else docs), weights
            leaf._i = leaf._blocklength
            leaf._next_block()


def postings(reader, fieldname: str, text: str) -> Iterator[tuple[int, float]]:  # type: ignore[no-untyped-def]
    """(live document, term frequency) of a term, one by one."""
    for docs, weights in posting_blocks(reader, fieldname, text):
        yield from zip(docs, weights)


def bm25(idf: float, tf: float, length: float, avg: float, boost: float = 1.0) -> float:
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / avg))) * boost


class LiveBM25F(scoring.BM25F):
    """Whoosh's BM25F with the live statistics, for the queries Whoosh itself scores (ietm.index.search computes
    the plain ones from the posting blocks). `stats` is replaced when the searcher is refreshed."""

    def __init__(self, stats: LiveStats) -> None:
        super().__init__(B=B, K1=K1)
        self.stats = stats

    def scorer(self, searcher, fieldname, text, qf=1):  # type: ignore[no-untyped-def]
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return _LiveScorer(searcher, fieldname, text, self.stats, qf)


class _LiveScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, stats: LiveStats, qf=1) -> None:  # type: ignore[no-untyped-def]
        self.idf = stats.idf(fieldname, text)
        self.avgfl = stats.avg_length(fieldname)
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)
