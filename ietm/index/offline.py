"""The offline search index of a published bundle: the server's own postings, exported for the browser.

Why a generated index and not a static-search library (Lunr, MiniSearch, FlexSearch, Orama): those analyse
text with their own tokenizers and stemmers (Lunr's English stemmer is Porter 1, Snowball's is Porter 2;
Russian needs plug-ins), so the same query would rank differently offline than on the server. Exporting the
Whoosh postings themselves (stems, term frequencies, field lengths as Whoosh scores them) and scoring them in
the browser with the same BM25F formula gives the same ranking by construction; the browser only has to stem
the query, with the same Snowball algorithms compiled to JavaScript (viewer/static/js/vendor/snowball.js),
and it first looks each query word up in the exported vocabulary, which maps it to the server's own stem.
What the browser cannot do offline: phrase order (a phrase matches as all of its words) and server snippets
(the page, precached, supplies the snippet text instead).

Format (JSON, compact): docs as rows; per language, sorted stems with postings [doc delta, tf, ...] for the
title and text fields; per language, the indexed words (unstemmed) with the index of their stem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from whoosh.index import Index

from ietm.index.analysis import LANGUAGES, stem
from ietm.index.stats import B, K1, LiveStats, postings
from ietm.index.store import TITLE_BOOST

FORMAT = 1
DOC_FIELDS = ("key", "title", "lang", "language", "type", "system", "issue", "products", "applic")


def build_offline_index(index: Index, url_of: Callable[[dict], str | None]) -> dict:
    """The browser's index of the latest issues; `url_of(stored fields)` gives each module's page in the bundle."""
    with index.reader() as reader:
        stats = LiveStats(reader)
        rows: list[tuple[str, int, list]] = []
        for docnum, fields in reader.iter_docs():  # the live documents
            if not fields.get("latest", True):
                continue
            url = url_of(fields)
            if url is None:
                continue
            rows.append((fields["uid"], docnum, [fields.get(f, "") for f in DOC_FIELDS] + [url]))
        rows.sort()  # in the order of files, as the server ranks equal scores, whatever the index's history
        docnums = [docnum for _, docnum, _ in rows]
        position = {d: i for i, d in enumerate(docnums)}
        out: dict = {
            "format": FORMAT,
            "bm25": {"B": B, "K1": K1},
            "title_boost": TITLE_BOOST,
            "doc_fields": [*DOC_FIELDS, "url"],
            "docs": [row for _, _, row in rows],
            # the server's statistics (of the live documents), so scores match the server's to the last digit
            "doc_count": stats.count,
            "avg_length": {},
            "lengths": {},
            "terms": {},
            "words": {},
        }
        for lang in LANGUAGES:
            stems: dict[str, list[list[int]]] = {}
            for slot, kind in enumerate(("title", "text")):
                fieldname = f"{kind}_{lang}"
                out["avg_length"][fieldname] = stats.avg_length(fieldname)
                lengths = stats.lengths(fieldname)
                out["lengths"][fieldname] = [lengths[d] for d in docnums]
                for term in reader.lexicon(fieldname):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    postings = _postings(reader, fieldname, text, position)
                    if postings:
                        stems.setdefault(text, [[], []])[slot] = postings
            ordered = sorted(stems)
            out["terms"][lang] = {
                "stems": ordered,
                "postings": [stems[s] for s in ordered],
                "df": [[stats.df(f"title_{lang}", s), stats.df(f"text_{lang}", s)] for s in ordered],  # the idf's
            }
            out["words"][lang] = _words(stats, lang, {s: i for i, s in enumerate(ordered)})
    return out


def _words(stats: LiveStats, lang: str, stem_pos: dict[str, int]) -> list:
    """[word, stem index, ...]: every indexed word as written (folded), so the browser uses the server's stem."""
    pairs: dict[str, int] = {}
    fieldname = f"words_{lang}"
    for term in stats.reader.lexicon(fieldname):
        w = term.decode("utf-8") if isinstance(term, bytes) else term
        i = stem_pos.get(stem(w, lang))
        if i is not None and (stats.live is None or stats.df(fieldname, w)):  # not a deleted document's word only
            pairs[w] = i
    flat: list = []
    for w in sorted(pairs):
        flat += [w, pairs[w]]
    return flat


def _postings(reader, fieldname: str, text: str, position: dict[int, int]) -> list[int]:  # type: ignore[no-untyped-def]
    """[doc delta, term frequency, ...] over the exported documents, in document order."""
    out: list[int] = []
    last = 0
    pairs = [(position[d], int(tf)) for d, tf in postings(reader, fieldname, text) if d in position]
    for i, tf in sorted(pairs):
        out += [i - last, tf]
        last = i
    return out


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_offline_index(index: Index, url_of: Callable[[dict], str | None], bundle: Path) -> int:
    """search-index.json in the bundle (with its compressed forms; left as it is when unchanged); its size."""
    from ietm.publish.files import write_file

    data = dumps(build_offline_index(index, url_of)).encode("utf-8")
    target = bundle / "search-index.json"
    try:
        same = target.read_bytes() == data
    except OSError:
        same = False
    if not same:
        write_file(target, data)
    return len(data)
