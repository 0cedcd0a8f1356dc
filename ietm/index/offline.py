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
import operator
import os
import zlib
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Callable

from whoosh.index import Index
from whoosh.util.numeric import byte_to_length, length_to_byte

from ietm.index.analysis import LANGUAGES, stem
from ietm.index.stats import B, K1, LiveStats, posting_blocks, postings, segments
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


@dataclass
class _Export:
    """What the offline index is made of, before it is written out as files."""

    uids: list[str]  # each exported document's file (its uid), in the order of files: the rows' numbers
    rows: list[list]  # each one's row: DOC_FIELDS and its page
    lengths: dict[str, list[int]]  # per field slot: each row's length in its own language, as a byte
    stems: dict[str, dict[str, list]]  # language -> stem -> [title postings, text postings] ([row delta, tf, ...])
    df: dict[str, dict[str, list[int]]]  # language -> stem -> live documents holding it [in titles, in texts]


def _row(fields: dict, url: str) -> list:
    return [fields.get(f, "") for f in DOC_FIELDS] + [url]


def _length_byte(stats: LiveStats, slot: str, lang: str, docnum: int) -> int:
    return length_to_byte(stats.lengths(f"{slot}_{lang}")[docnum]) if lang in LANGUAGES else 0


def _gather(reader, stats: LiveStats, url_of: Callable[[dict], str | None]) -> _Export:  # type: ignore[no-untyped-def]
    """The export of every live document, read from the index."""
    found: list[tuple[bytes, int, str, list]] = []
    for docnum, fields in reader.iter_docs():  # the live documents
        if not fields.get("latest", True):
            continue
        url = url_of(fields)
        if url is None:
            continue
        found.append((_order(fields["uid"]), docnum, fields["uid"], _row(fields, url)))
    found.sort()  # in the order of files, as the server ranks equal scores, whatever the index's history
    position = [-1] * reader.doc_count_all()
    for i, (_, docnum, _, _) in enumerate(found):
        position[docnum] = i
    lang_at = DOC_FIELDS.index("lang")
    lengths = {slot: [_length_byte(stats, slot, row[lang_at], d) for _, d, _, row in found] for slot in SLOTS}
    stems: dict[str, dict[str, list]] = {}
    df: dict[str, dict[str, list[int]]] = {}  # in how many live documents (exported or not): what the idf counts
    for lang in LANGUAGES:
        stems[lang], df[lang] = {}, {}
        for slot, kind in enumerate(SLOTS):
            fieldname = f"{kind}_{lang}"
            for term in reader.lexicon(fieldname):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                postings_, live = _postings(reader, fieldname, text, position)
                if postings_:
                    stems[lang].setdefault(text, [[], []])[slot] = postings_
                if live:
                    df[lang].setdefault(text, [0, 0])[slot] = live
    return _Export([uid for _, _, uid, _ in found], [row for _, _, _, row in found], lengths, stems, df)


def _files(export: _Export, stats: LiveStats) -> dict[str, bytes]:
    """The files of the `search/` folder: {path in the bundle: bytes}."""
    docs = export.rows
    values: dict[str, list[str]] = {}
    columns: dict[str, list[int]] = {}
    for name in FACET_COLUMNS:
        at = DOC_FIELDS.index(name)
        seen: dict[str, int] = {}
        columns[name] = [seen.setdefault(row[at], len(seen)) for row in docs]
        values[name] = list(seen)
    files: dict[str, bytes] = {}
    head: dict = {
        "format": FORMAT,
        "bm25": {"B": B, "K1": K1},
        "title_boost": TITLE_BOOST,
        # the server's statistics (of the live documents), so scores match the server's to the last digit
        "doc_count": stats.count,
        "avg_length": {f"{slot}_{lang}": stats.avg_length(f"{slot}_{lang}") for lang in LANGUAGES for slot in SLOTS},
        "length_of_byte": [byte_to_length(b) for b in range(256)],
        "docs": len(docs),
        "doc_fields": [*DOC_FIELDS, "url"],
        "doc_chunk": DOC_CHUNK,
        "columns": columns,
        "values": values,
        "lengths": export.lengths,  # per field slot (title, text): each document's length in its own language, a byte
        "terms": {},
    }
    for n in range(0, len(docs), DOC_CHUNK):
        files[f"{FOLDER}/docs-{n // DOC_CHUNK}.json"] = _dumps(docs[n:n + DOC_CHUNK])
    files[f"{FOLDER}/codes.json"] = _dumps([code_term(row[0]) for row in docs])
    for lang in LANGUAGES:
        words = _words(stats, lang, export.stems[lang])
        head["terms"][lang], shard_files = _shards(lang, export.stems[lang], export.df[lang], words)
        files.update(shard_files)
    files[HEAD] = _dumps(head)
    return files


def build_offline_index(index: Index, url_of: Callable[[dict], str | None]) -> dict[str, bytes]:
    """The browser's index of the latest issues, as {path in the bundle: bytes}; `url_of(stored fields)` gives
    each module's page in the bundle."""
    with index.reader() as reader:
        stats = LiveStats(reader)
        return _files(_gather(reader, stats, url_of), stats)


def _words(stats: LiveStats, lang: str, stems: dict) -> dict[str, str]:
    """{word: stem}: every indexed word as written (folded), so the browser uses the server's stem."""
    out: dict[str, str] = {}
    fieldname = f"words_{lang}"
    reader = stats.reader
    # documents holding each word, deleted ones too (Whoosh's term infos, segment by segment)
    held: dict[bytes | str, int] = {}
    for sub, _ in segments(reader):
        for term, info in sub.iter_field(fieldname):
            held[term] = held.get(term, 0) + info.doc_frequency()
    deleted = stats.size - stats.count
    for term, count in held.items():
        w = term.decode("utf-8") if isinstance(term, bytes) else term
        s = stem(w, lang)
        # not a word only deleted documents (changed or removed modules) had: one held by more documents than
        # are deleted is in a live one
        if s in stems and (count > deleted or next(postings(reader, fieldname, w), None) is not None):
            out[w] = s
    return out


def _postings(reader, fieldname: str, text: str,  # type: ignore[no-untyped-def]
              position: list[int]) -> tuple[list[int], int]:
    """[doc delta, term frequency, ...] over the exported documents, in their order; and the live documents'
    count (the term's document frequency). `position`: each document number's row, -1 for one not exported."""
    rows: list[int] = []
    tfs: list[float] = []
    live = 0
    for docs, weights in posting_blocks(reader, fieldname, text):
        live += len(docs)
        rows += map(position.__getitem__, docs)
        tfs += weights
    if -1 in rows:
        keep = [i for i, r in enumerate(rows) if r >= 0]
        rows, tfs = [rows[i] for i in keep], [tfs[i] for i in keep]
    if any(map(operator.gt, rows, rows[1:])):  # not in row order (an index updated in place)
        pairs = sorted(zip(rows, tfs))
        rows, tfs = [r for r, _ in pairs], [tf for _, tf in pairs]
    return _encode(rows, list(map(int, tfs))), live


def _encode(rows: list[int], tfs: list[int]) -> list[int]:
    """[row delta, tf, ...] of rows in order."""
    out = [0] * (2 * len(rows))
    out[0::2] = map(operator.sub, rows, [0, *rows[:-1]])
    out[1::2] = tfs
    return out


def _decode(postings_: list[int]) -> dict[int, int]:
    """{row: tf} of [row delta, tf, ...]."""
    return dict(zip(accumulate(postings_[0::2]), postings_[1::2]))


# -- re-exporting after a few modules changed ---------------------------------------------------------------------

MEMO_FORMAT = 1
PATCH_AT_MOST = 64  # changed, added and removed modules; more, and the index is exported whole
SMALL_SEGMENT = 512  # documents: a changed module's terms are read from its segment when it is at most this large


def _read_export(bundle: Path, uids: list[str]) -> _Export | None:
    """The export the bundle's `search/` folder holds (its rows' files from `uids`), or None if it is not whole."""
    try:
        head = json.loads((bundle / HEAD).read_bytes())
        if (head.get("format") != FORMAT or head.get("doc_chunk") != DOC_CHUNK or head.get("docs") != len(uids)
                or head.get("doc_fields") != [*DOC_FIELDS, "url"]):
            return None
        rows: list[list] = []
        for n in range(0, len(uids), DOC_CHUNK):
            rows += json.loads((bundle / FOLDER / f"docs-{n // DOC_CHUNK}.json").read_bytes())
        stems: dict[str, dict[str, list]] = {}
        df: dict[str, dict[str, list[int]]] = {}
        for lang in LANGUAGES:
            stems[lang], df[lang] = {}, {}
            for _, name in head["terms"].get(lang, []):
                body = json.loads((bundle / FOLDER / name).read_bytes())
                stems[lang].update(zip(body["stems"], body["postings"]))
                df[lang].update(zip(body["stems"], body["df"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(rows) != len(uids):
        return None
    return _Export(list(uids), rows, head["lengths"], stems, df)


def _segment_of(reader, docnum: int):  # type: ignore[no-untyped-def]
    for sub, base in segments(reader):
        if base <= docnum < base + sub.doc_count_all():
            return sub, base
    raise LookupError(docnum)


def _patched(reader, stats: LiveStats, url_of: Callable[[dict], str | None],  # type: ignore[no-untyped-def]
             old: _Export, changed: list[str], added: list[str], removed: list[str]) -> _Export | None:
    """The export after the modules `changed` (their files, still there) changed, `added` were added and `removed`
    removed: the old export with their rows, lengths and postings replaced, inserted or dropped, the other rows
    renumbered (rows are in the order of files) and every row's page looked up again; or None where only a whole
    export can tell (a changed or removed module that was not exported, one changed or added that is not
    exported now, or whose new document a merge put into a large segment)."""
    row_of = {uid: i for i, uid in enumerate(old.uids)}
    if any(uid not in row_of for uid in (*changed, *removed)):
        return None
    gone = {row_of[uid] for uid in removed}
    if added or removed:  # every row's new number, -1 for one removed
        uids = sorted([uid for i, uid in enumerate(old.uids) if i not in gone] + list(added), key=_order)
        new_row = {uid: i for i, uid in enumerate(uids)}
        moved = [new_row.get(uid, -1) for uid in old.uids]
    else:
        uids, new_row, moved = old.uids, row_of, list(range(len(old.uids)))
    first_moved = next((i for i, r in enumerate(moved) if r != i), len(moved))
    lang_at = DOC_FIELDS.index("lang")
    language_at = DOC_FIELDS.index("language")
    rows: list[list] = [[] for _ in uids]
    lengths = {slot: [0] * len(uids) for slot in SLOTS}
    for r, to in enumerate(moved):
        if to >= 0:
            rows[to] = old.rows[r]
            for slot in SLOTS:
                lengths[slot][to] = old.lengths[slot][r]
    new_tf: dict[tuple[str, int], dict[str, dict[int, int]]] = {}  # (lang, slot) -> stem -> {new row: tf}
    by_segment: dict[int, tuple] = {}  # segment base -> (segment, {local docnum: new row})
    for uid in (*changed, *added):
        docs = [d for found, _ in posting_blocks(reader, "uid", uid) for d in found]
        if len(docs) != 1:
            return None
        r, docnum = new_row[uid], docs[0]
        fields = reader.stored_fields(docnum)
        url = url_of(fields) if fields.get("latest", True) else None
        if url is None:
            return None
        rows[r] = _row(fields, url)
        for slot in SLOTS:
            lengths[slot][r] = _length_byte(stats, slot, rows[r][lang_at], docnum)
        sub, base = _segment_of(reader, docnum)
        if sub.doc_count_all() > SMALL_SEGMENT:
            return None
        by_segment.setdefault(base, (sub, {}))[1][docnum - base] = r
    for i, row in enumerate(rows):  # every row's page (a module added or removed may change which a copy falls to)
        url = url_of({"key": row[0], "language": row[language_at]})
        if url is None:
            return None
        if url != row[-1]:
            rows[i] = [*row[:-1], url]
    for sub, local in by_segment.values():  # the new documents' terms, from their (small) segments
        for lang in LANGUAGES:
            for slot, kind in enumerate(SLOTS):
                fieldname = f"{kind}_{lang}"
                into = new_tf.setdefault((lang, slot), {})
                for term in sub.lexicon(fieldname):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    for docs, weights in posting_blocks(sub, fieldname, text):
                        for d, w in zip(docs, weights):
                            if d in local:
                                into.setdefault(text, {})[local[d]] = int(w)
    replaced = {row_of[uid] for uid in changed} | gone  # old rows whose postings go
    stems: dict[str, dict[str, list]] = {}
    df = {lang: dict(old.df[lang]) for lang in LANGUAGES}
    for lang in LANGUAGES:
        stems[lang] = {}
        fresh = [new_tf.get((lang, slot), {}) for slot in range(len(SLOTS))]
        for s, both in old.stems[lang].items():
            entry = list(both)
            for slot, postings_ in enumerate(both):
                if not postings_:
                    continue
                held = list(accumulate(postings_[0::2]))
                if replaced.isdisjoint(held) and s not in fresh[slot]:
                    if held[-1] >= first_moved:  # renumbered
                        entry[slot] = _encode(list(map(moved.__getitem__, held)), postings_[1::2])
                    continue
                tfs = postings_[1::2]
                after = {moved[r]: tf for r, tf in zip(held, tfs) if r not in replaced}
                now = fresh[slot].get(s, {})
                after.update(now)
                entry[slot] = _encode(sorted(after), [after[r] for r in sorted(after)])
                if s in df[lang]:  # each module counted out as it was and in as it is (all live both times)
                    counts = df[lang][s] = list(df[lang][s])
                    counts[slot] += len(now) - len(replaced.intersection(held))
            if entry[0] or entry[1]:
                stems[lang][s] = entry
        for slot in range(len(SLOTS)):  # stems the new documents hold that no row held before in this slot
            for s, now in fresh[slot].items():
                had = old.stems[lang].get(s)
                if had and had[slot]:
                    continue  # (done above)
                entry = stems[lang].setdefault(s, [[], []])
                entry[slot] = _encode(sorted(now), [now[r] for r in sorted(now)])
                if s in old.df[lang]:
                    counts = df[lang][s] = list(df[lang][s])
                    counts[slot] += len(now)
        for s in stems[lang].keys() - old.df[lang].keys():  # newly exported: counted over the live documents
            df[lang][s] = [sum(len(docs) for docs, _ in posting_blocks(reader, f"{kind}_{lang}", s)) for kind in SLOTS]
    return _Export(uids, rows, lengths, stems, df)


def _memo(path: Path | None) -> dict | None:
    try:
        memo = json.loads(path.read_bytes()) if path is not None else None
    except (OSError, ValueError):
        return None
    return memo if isinstance(memo, dict) and memo.get("format") == MEMO_FORMAT else None


def _updated(reader, stats: LiveStats, url_of: Callable[[dict], str | None], bundle: Path,  # type: ignore[no-untyped-def]
             memo: dict | None, made_from: str, documents: dict[str, str]) -> _Export | None:
    """The bundle's export brought up to date with the modules changed, added and removed since it was made, if
    it can be."""
    if memo is None or memo.get("made_from") != made_from:
        return None
    try:
        if hashlib.sha256((bundle / HEAD).read_bytes()).hexdigest() != memo.get("head"):
            return None  # not the export the memo describes
    except OSError:
        return None
    before = memo.get("docs") or {}
    changed = [uid for uid, sig in documents.items() if uid in before and before[uid] != sig]
    added = [uid for uid in documents if uid not in before]
    removed = [uid for uid in before if uid not in documents]
    if len(changed) + len(added) + len(removed) > PATCH_AT_MOST:
        return None
    old = _read_export(bundle, memo.get("uids") or [])
    return None if old is None else _patched(reader, stats, url_of, old, changed, added, removed)


def write_offline_index(index: Index, url_of: Callable[[dict], str | None], bundle: Path, memo: Path | None = None,
                        made_from: str = "", documents: dict[str, str] | None = None) -> int:
    """The `search/` folder of the bundle: files whose content changed are written (with their compressed forms),
    the others left as they are (linked from the previous bundle), the ones no longer made removed; its size.

    With `memo` (a file of the publishing state), `made_from` (what else the export depends on: ietm's code,
    the index's making) and `documents` (the index's files and their signatures), the export the bundle holds is
    brought up to date with the few modules changed, added or removed since, instead of read again from the
    whole index (every stored field and posting): the same files either way."""
    from ietm.atomic import write_new
    from ietm.publish.files import VARIANTS, write_file

    with index.reader() as reader:
        stats = LiveStats(reader)
        export = None
        if documents is not None:
            export = _updated(reader, stats, url_of, bundle, _memo(memo), made_from, documents)
        if export is None:
            export = _gather(reader, stats, url_of)
        files = _files(export, stats)
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
    if memo is not None and documents is not None:
        memo.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": MEMO_FORMAT, "made_from": made_from, "head": hashlib.sha256(files[HEAD]).hexdigest(),
                "uids": export.uids, "docs": documents}
        write_new(memo, _dumps(data), overwrite=True, durable=False)
    return sum(len(data) for data in files.values())


def offline_index_size(bundle: Path) -> int:
    """Bytes of the bundle's offline index (its compressed forms apart)."""
    from ietm.publish.files import VARIANTS

    return sum(p.stat().st_size for p in (bundle / FOLDER).iterdir() if not p.name.endswith(VARIANTS))
