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
from ietm.index.store import TITLE_BOOST

FORMAT = 1
DOC_FIELDS = ("key", "title", "lang", "language", "type", "system", "issue", "products", "applic")


def build_offline_index(index: Index, url_of: Callable[[dict], str | None]) -> dict:
    """The browser's index of the latest issues; `url_of(stored fields)` gives each module's page in the bundle."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        docnums: list[int] = []
        docs: list[list] = []
        for docnum, fields in reader.iter_docs():
            if not fields.get("latest", True):
                continue
            url = url_of(fields)
            if url is None:
                continue
            docnums.append(docnum)
            docs.append([fields.get(f, "") for f in DOC_FIELDS] + [url])
        position = {d: i for i, d in enumerate(docnums)}
        out: dict = {
            "format": FORMAT,
            "bm25": {"B": 0.75, "K1": 1.2},
            "title_boost": TITLE_BOOST,
            "doc_fields": [*DOC_FIELDS, "url"],
            "docs": docs,
            # Whoosh's collection statistics, so scores match the server's to the last digit
            "doc_count": searcher.doc_count_all(),
            "avg_length": {},
            "lengths": {},
            "terms": {},
            "words": {},
        }
        for lang in LANGUAGES:
            stems: dict[str, list[list[int]]] = {}
            for slot, kind in enumerate(("title", "text")):
                fieldname = f"{kind}_{lang}"
                out["avg_length"][fieldname] = searcher.avg_field_length(fieldname) or 1
                out["lengths"][fieldname] = [reader.doc_field_length(d, fieldname, 0) for d in docnums]
                for term in reader.lexicon(fieldname):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    postings = _postings(reader, fieldname, text, position)
                    if postings:
                        stems.setdefault(text, [[], []])[slot] = postings
            ordered = sorted(stems)
            out["terms"][lang] = {
                "stems": ordered,
                "postings": [stems[s] for s in ordered],
                "df": [_df(reader, lang, s) for s in ordered],  # what Whoosh's idf counts
            }
            out["words"][lang] = _words(reader, lang, {s: i for i, s in enumerate(ordered)})
    return out


def _words(reader, lang: str, stem_pos: dict[str, int]) -> list:  # type: ignore[no-untyped-def]
    """[word, stem index, ...]: every indexed word as written (folded), so the browser uses the server's stem."""
    pairs: dict[str, int] = {}
    for term in reader.lexicon(f"words_{lang}"):
        w = term.decode("utf-8") if isinstance(term, bytes) else term
        i = stem_pos.get(stem(w, lang))
        if i is not None:
            pairs[w] = i
    flat: list = []
    for w in sorted(pairs):
        flat += [w, pairs[w]]
    return flat


def _df(reader, lang: str, stem: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [reader.doc_frequency(f"title_{lang}", stem), reader.doc_frequency(f"text_{lang}", stem)]


def _postings(reader, fieldname: str, text: str, position: dict[int, int]) -> list[int]:  # type: ignore[no-untyped-def]
    """[doc delta, term frequency, ...] over the exported documents, in document order."""
    out: list[int] = []
    last = 0
    m = reader.postings(fieldname, text)
    pairs = []
    while m.is_active():
        d = m.id()
        if d in position:
            pairs.append((position[d], int(m.weight())))
        m.next()
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
