"""The offline search index of a published bundle: the server's own postings, exported for the browser in shards.

Why a generated index and not a static-search library (Lunr, MiniSearch, FlexSearch, Orama): those analyse
text with their own tokenizers and stemmers (Lunr's English stemmer is Porter 1, Snowball's is Porter 2;
Russian needs plug-ins), so the same query would rank differently offline than on the server. Exporting the
Whoosh postings themselves (stems, term frequencies, field lengths as Whoosh stores them) and scoring them in
the browser with the same BM25F formula and the same statistics of the live documents (ietm.index.stats) gives
the same ranking by construction; the browser only has to stem the query, with the same Snowball algorithms
compiled to JavaScript (viewer/static/js/vendor/snowball.js), and it first looks each query word up in the
exported vocabulary, which maps it to the server's own stem. What the browser cannot do offline: phrase order
(a phrase matches as all of its words) and server snippets (the page, precached, supplies the snippet text).

Why shards: one file of every posting grows with the manual (6.7 MB at 10,000 modules), and a tablet would
fetch and parse all of it before its first search. The index is a folder, `search/`:
- `head.json`: the statistics, the documents' filter and facet values and field lengths as small numbers
  (a byte each, as Whoosh stores them), and, per language, the first key of each term shard;
- term shards `<lang>-<id>.json`: the words (as written, with their stem) and stems (with their postings and
  document frequencies) of one range of keys, in UTF-16 order (the browser's string order). A shard starts at
  a key whose hash says so, so where shards begin depends on the keys alone: a changed module changes the
  shards of its changed words, not the shards after them;
- `docs-<n>.json`: the rows a result list shows (key, title, address, ...), a chunk of documents each;
- `codes.json`: every document's code, for `code:` queries only.
A query reads the head, the shards of its words and the chunks of its first hits. Documents are in the order
of their files, as the server ranks equal scores.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import zlib
from pathlib import Path
from typing import Callable

from whoosh.index import Index
from whoosh.util.numeric import byte_to_length, length_to_byte

from ietm.index.analysis import LANGUAGES, stem
from ietm.index.stats import B, K1, LiveStats, postings
from ietm.index.store import TITLE_BOOST, code_term

FORMAT = 2
FOLDER = "search"
HEAD = f"{FOLDER}/head.json"
DOC_FIELDS = ("key", "title", "lang", "language", "type", "system", "issue", "products", "applic")
FACET_COLUMNS = ("lang", "type", "system", "products")  # per document, as an index into the head's values
DOC_CHUNK = 100  # documents per docs-<n>.json (about 25 kB): a result page fetches a few of them
SHARD_BYTES = 16_000  # about this much JSON per term shard (about 4 kB over the wire, gzip)
SLOTS = ("title", "text")
LEGACY = "search-index.json"  # the one file of format 1, which older versions wrote: not left in a bundle re-published


def _order(key: str) -> bytes:
    """The browser's string order (UTF-16 code units), which shard lookups and binary searches there use."""
    return key.encode("utf-16-be")


def _dumps(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _name(lang: str, first: str | None) -> str:
    """A term shard's file name (in `search/`): from the key it starts at, so it keeps its name while it lasts."""
    return f"{lang}-0.json" if first is None else f"{lang}-{hashlib.sha1(first.encode('utf-8')).hexdigest()[:12]}.json"


def _shards(lang: str, stems: dict[str, list], df: dict[str, list[int]], words: dict[str, str]) -> tuple[list, dict]:
    """Term shards of one language: ([[first key, file name], ...], {path in the bundle: bytes})."""
    keys = sorted(set(stems) | set(words), key=_order)
    if not keys:
        return [], {}
    size = sum(len(w) + len(words[w]) + 6 for w in words) + sum(
        len(s) + 16 + sum(len(p) for p in stems[s]) * 4 for s in stems)  # a rough measure of the JSON
    every = 1 << max(0, round(math.log2(max(1.0, len(keys) * SHARD_BYTES / max(size, 1)))))  # keys per shard

    table: list[list[str]] = []
    files: dict[str, bytes] = {}
    run: list[str] = []

    def close() -> None:
        first = run[0] if table else None
        name = _name(lang, first)
        body = {"words": [], "stems": [], "postings": [], "df": []}
        for k in run:
            if k in words:
                body["words"] += [k, words[k]]
            if k in stems:
                body["stems"].append(k)
                body["postings"].append(stems[k])
                body["df"].append(df[k])
        table.append(["" if first is None else first, name])
        files[f"{FOLDER}/{name}"] = _dumps(body)

    for k in keys:
        if run and zlib.crc32(k.encode("utf-8")) % every == 0:
            close()
            run = []
        run.append(k)
    close()
    return table, files


def build_offline_index(index: Index, url_of: Callable[[dict], str | None]) -> dict[str, bytes]:
    """The browser's index of the latest issues, as {path in the bundle: bytes}; `url_of(stored fields)` gives
    each module's page in the bundle."""
    with index.reader() as reader:
        stats = LiveStats(reader)
        rows: list[tuple[bytes, int, list]] = []
        for docnum, fields in reader.iter_docs():  # the live documents
            if not fields.get("latest", True):
                continue
            url = url_of(fields)
            if url is None:
                continue
            rows.append((_order(fields["uid"]), docnum, [fields.get(f, "") for f in DOC_FIELDS] + [url]))
        rows.sort()  # in the order of files, as the server ranks equal scores, whatever the index's history
        docnums = [docnum for _, docnum, _ in rows]
        position = {d: i for i, d in enumerate(docnums)}
        docs = [row for _, _, row in rows]

        values: dict[str, list[str]] = {}
        columns: dict[str, list[int]] = {}
        for name in FACET_COLUMNS:
            at = DOC_FIELDS.index(name)
            seen: dict[str, int] = {}
            columns[name] = [seen.setdefault(row[at], len(seen)) for row in docs]
            values[name] = list(seen)
        lang_at = DOC_FIELDS.index("lang")
        lengths = {slot: [length_to_byte(stats.lengths(f"{slot}_{row[lang_at]}")[d]) if row[lang_at] in LANGUAGES
                          else 0 for d, row in zip(docnums, docs)] for slot in SLOTS}
        files: dict[str, bytes] = {}
        head: dict = {
            "format": FORMAT,
            "bm25": {"B": B, "K1": K1},
            "title_boost": TITLE_BOOST,
            # the server's statistics (of the live documents), so scores match the server's to the last digit
            "doc_count": stats.count,
            "avg_length": {f"{slot}_{lang}": stats.avg_length(f"{slot}_{lang}")
                           for lang in LANGUAGES for slot in SLOTS},
            "length_of_byte": [byte_to_length(b) for b in range(256)],
            "docs": len(docs),
            "doc_fields": [*DOC_FIELDS, "url"],
            "doc_chunk": DOC_CHUNK,
            "columns": columns,
            "values": values,
            "lengths": lengths,  # per field slot (title, text): each document's length in its own language, as a byte
            "terms": {},
        }
        for n in range(0, len(docs), DOC_CHUNK):
            files[f"{FOLDER}/docs-{n // DOC_CHUNK}.json"] = _dumps(docs[n:n + DOC_CHUNK])
        files[f"{FOLDER}/codes.json"] = _dumps([code_term(row[0]) for row in docs])
        for lang in LANGUAGES:
            stems: dict[str, list] = {}
            df: dict[str, list[int]] = {}  # in how many live documents (exported or not): what the idf counts
            for slot, kind in enumerate(SLOTS):
                fieldname = f"{kind}_{lang}"
                for term in reader.lexicon(fieldname):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    found, live = _postings(reader, fieldname, text, position)
                    if found:
                        stems.setdefault(text, [[], []])[slot] = found
                    if live:
                        df.setdefault(text, [0, 0])[slot] = live
            words = _words(stats, lang, stems)
            head["terms"][lang], shard_files = _shards(lang, stems, df, words)
            files.update(shard_files)
        files[HEAD] = _dumps(head)
    return files


def _words(stats: LiveStats, lang: str, stems: dict) -> dict[str, str]:
    """{word: stem}: every indexed word as written (folded), so the browser uses the server's stem."""
    out: dict[str, str] = {}
    fieldname = f"words_{lang}"
    for term in stats.reader.lexicon(fieldname):
        w = term.decode("utf-8") if isinstance(term, bytes) else term
        s = stem(w, lang)
        # not a word only deleted documents (changed or removed modules) had
        if s in stems and (stats.live is None or next(postings(stats.reader, fieldname, w), None) is not None):
            out[w] = s
    return out


def _postings(reader, fieldname: str, text: str,  # type: ignore[no-untyped-def]
              position: dict[int, int]) -> tuple[list[int], int]:
    """[doc delta, term frequency, ...] over the exported documents, in their order; and the live documents'
    count (the term's document frequency)."""
    pairs = []
    live = 0
    for d, tf in postings(reader, fieldname, text):
        live += 1
        i = position.get(d)
        if i is not None:
            pairs.append((i, int(tf)))
    pairs.sort()
    out: list[int] = []
    last = 0
    for i, tf in pairs:
        out += [i - last, tf]
        last = i
    return out, live


def write_offline_index(index: Index, url_of: Callable[[dict], str | None], bundle: Path) -> int:
    """The `search/` folder of the bundle: files whose content changed are written (with their compressed forms),
    the others left as they are (linked from the previous bundle), the ones no longer made removed; its size."""
    from ietm.publish.files import VARIANTS, write_file

    files = build_offline_index(index, url_of)
    for rel, data in files.items():
        target = bundle / rel
        try:
            same = target.read_bytes() == data
        except OSError:
            same = False
        if not same:
            write_file(target, data)
    for name in (LEGACY, *(LEGACY + suffix for suffix in VARIANTS)):
        try:
            (bundle / name).unlink()
        except FileNotFoundError:
            pass
    folder = bundle / FOLDER
    for name in os.listdir(folder):
        rel = f"{FOLDER}/{name}"
        base = rel[:-3] if rel.endswith(VARIANTS) else rel
        if base not in files:
            (folder / name).unlink()
    return sum(len(data) for data in files.values())


def offline_index_size(bundle: Path) -> int:
    """Bytes of the bundle's offline index (its compressed forms apart)."""
    from ietm.publish.files import VARIANTS

    return sum(p.stat().st_size for p in (bundle / FOLDER).iterdir() if not p.name.endswith(VARIANTS))
