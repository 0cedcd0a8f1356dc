"""Searching the index: ranked hits with highlighted snippets, facets, applicability filter, corrections.

A query is parsed once per language against that language's fields (so each word is stemmed the way the
modules of that language were), and the two are OR-ed: a Russian module matches the Russian reading of the
query, an English module the English one. Syntax: words (all must match), "phrases", prefixes (`filt*`),
`title:word`, `code:S1000DBIKE-AAA-DA1*` (a code or its start, with or without DMC-), and a bare code such as
`DA1-10-00-00AA-251A` (matched anywhere in module codes). Russian readers write the fields as `название:`,
`текст:` and `код:`.
"""

from __future__ import annotations

import fnmatch
import heapq
import html
import re
import time
from bisect import bisect_right
from dataclasses import asdict, dataclass, field

from whoosh import highlight, qparser, query
from whoosh.fields import Schema
from whoosh.index import Index
from whoosh.searching import Searcher

from ietm.index.analysis import LANGUAGES, WORD_RE, fold, language_of, stem, stemmer_of
from ietm.index.stats import LiveBM25F, LiveStats, bm25, postings, segments
from ietm.index.store import ALL_PRODUCTS, TITLE_BOOST, code_term

_CODE_FIELD = re.compile(r"""(?<![\w:])(?:code|код):("[^"]*"|\S+)""", re.IGNORECASE)  # Russian field names too
#: a token that is a data module code or a run of its hyphen-separated parts (three parts at least)
_BARE_CODE = re.compile(r"(?<![\w\-\"])((?:DMC-|PMC-)?[A-Z0-9]+(?:-[A-Z0-9]+){2,}\*?)(?![\w\-])", re.IGNORECASE)
FACETS = ("type", "system", "lang")
SNIPPET_CHARS = 240
WINDOW = 1200  # characters of a module's text handed to the highlighter
MAX_EXPANSIONS = 256


@dataclass
class Hit:
    key: str
    title: str
    path: str
    language: str
    lang: str
    type: str
    system: str
    info_code: str
    issue: str
    qa: str
    applic: str
    products: list[str]
    score: float
    snippet: str  # HTML: escaped text with <mark> around matched words
    section_id: str | None = None
    section_title: str | None = None


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    did_you_mean: str | None = None  # a better spelled query, offered
    corrected_from: str | None = None  # the query as typed, when no module matched it and the correction ran
    took_ms: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


_PARSERS: dict[int, tuple[Schema, dict[str, qparser.QueryParser]]] = {}


def _parsers(schema: Schema) -> dict[str, qparser.QueryParser]:
    """One parser per language, made once per schema (making them costs more than parsing a query)."""
    cached = _PARSERS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    parsers = {}
    for lang in LANGUAGES:
        p = qparser.MultifieldParser(
            [f"title_{lang}", f"text_{lang}"], schema, fieldboosts={f"title_{lang}": TITLE_BOOST},
            group=qparser.AndGroup,
        )
        p.add_plugin(qparser.FieldAliasPlugin({f"title_{lang}": ["title", "название"], f"text_{lang}": ["text", "текст"]}))
        p.remove_plugin_class(qparser.BoostPlugin)
        parsers[lang] = p
    if len(_PARSERS) > 16:
        _PARSERS.clear()
    _PARSERS[id(schema)] = (schema, parsers)
    return parsers


_CODES: dict[int, tuple[object, list[str]]] = {}


def _codes_containing(reader, part: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Module codes (as indexed) that contain `part`: a substring scan of a list kept per reader, much faster
    than Whoosh's `*part*` wildcard over the code terms."""
    cached = _CODES.get(id(reader))
    if cached is None or cached[0] is not reader:
        codes = [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon("code")]
        _CODES.clear()
        cached = _CODES[id(reader)] = (reader, codes)
    return [c for c in cached[1] if part in c]


def _code_query(value: str) -> query.Query:
    value = code_term(value.strip('"'))
    if "*" in value or "?" in value:
        return query.Wildcard("code", value)
    return query.Prefix("code", value)


def _expand_prefixes(q: query.Query, reader) -> query.Query:  # type: ignore[no-untyped-def]
    """`filt*` on a stemmed field: complete the prefix among the indexed words (unstemmed), then match their stems.

    Matching the prefix against stems directly would miss words whose stem is shorter than what was typed
    ("lubricat*" against the stem "lubric")."""
    if isinstance(q, (query.Prefix, query.Wildcard)) and q.fieldname.startswith(("text_", "title_")):
        lang = q.fieldname.rsplit("_", 1)[1]
        spell = f"words_{lang}"
        pattern = re.compile(fnmatch.translate(q.text)) if isinstance(q, query.Wildcard) else None
        prefix = q.text.split("*")[0].split("?")[0]
        stems: set[str] = set()
        for word in reader.expand_prefix(spell, prefix):
            w = word.decode() if isinstance(word, bytes) else word
            if pattern is None or pattern.match(w):
                stems.add(stem(w, lang))
            if len(stems) >= MAX_EXPANSIONS:
                break
        if not stems:
            return query.NullQuery
        return query.Or([query.Term(q.fieldname, s, boost=q.boost) for s in sorted(stems)])
    if q.is_leaf():
        return q
    return q.apply(lambda sub: _expand_prefixes(sub, reader))


def build_query(schema: Schema, text: str, reader=None) -> query.Query | None:  # type: ignore[no-untyped-def]
    """The Whoosh query of a user's query string; None when it holds nothing to search for."""
    parts: list[query.Query] = []
    parsers = _parsers(schema)
    rest = _CODE_FIELD.sub(lambda m: parts.append(_code_query(m.group(1))) or " ", text)
    for m in list(_BARE_CODE.finditer(rest)):
        token = m.group(1)
        if sum(ch.isdigit() for ch in token) and sum(ch.isalpha() for ch in token):
            # a module code, or a part number written the same way: match either
            term = code_term(token).rstrip("*")
            codes = [query.Term("code", c) for c in _codes_containing(reader, term)] if reader is not None \
                else [query.Wildcard("code", f"*{term}*")]
            parts.append(query.Or([*codes, query.Term("idents", token.rstrip("*").lower())]))
            rest = rest.replace(token, " ", 1)
    rest = rest.strip()
    if rest:
        per_lang = [parsers[lang].parse(rest) for lang in LANGUAGES]
        if reader is not None and ("*" in rest or "?" in rest):
            per_lang = [_expand_prefixes(q, reader) for q in per_lang]
        per_lang = [q for q in per_lang if q is not query.NullQuery]
        if per_lang:
            parts.append(query.Or(per_lang))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.And(parts)


def _plain(q: query.Query) -> bool:
    """Only terms combined with and/or (what the parser makes of words, prefixes and field queries)."""
    if isinstance(q, query.Term):
        return q.fieldname.startswith(("text_", "title_")) or q.fieldname in ("idents", "code")
    if isinstance(q, query.Phrase):
        return q.fieldname.startswith(("text_", "title_")) and q.slop == 1
    if isinstance(q, (query.And, query.Or)) and type(q) in (query.And, query.Or):
        return all(_plain(sub) for sub in q.subqueries)
    return False


def _leaf_terms(q: query.Query) -> set[tuple[str, str]]:
    if isinstance(q, query.Term):
        return {(q.fieldname, q.text)}
    if isinstance(q, query.Phrase):
        return {(q.fieldname, w) for w in q.words}
    out: set[tuple[str, str]] = set()
    for sub in q.children():
        out |= _leaf_terms(sub)
    return out


def _found_terms(found) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    if not found.has_matched_terms():
        return set()
    return {(f, t.decode("utf-8") if isinstance(t, bytes) else t) for f, t in found.matched_terms()}


def _has_phrase(q: query.Query) -> bool:
    return isinstance(q, query.Phrase) or any(_has_phrase(sub) for sub in q.children())


@dataclass
class DocTable:
    """Per-document values the filters and facets need, read once per searcher (not per search): counting
    facets by walking Whoosh's collectors costs tens of milliseconds per thousand matches, a list lookup does not."""

    type: list[str]
    system: list[str]
    lang: list[str]
    old: set[int]  # documents that are not the latest issue
    products: dict[str, set[int]]  # product id (or "*", every product) -> documents
    rank: list[int]  # each document's place in the order of files: equal scores rank in it, whatever the history

    @classmethod
    def read(cls, searcher: Searcher) -> DocTable:
        reader = searcher.reader()

        def column(name: str) -> list[str]:
            return [v or "" for v in reader.column_reader(name)] if reader.doc_count_all() else []

        products: dict[str, set[int]] = {}
        for term in reader.lexicon("products"):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            products[text] = set(searcher.docs_for_query(query.Term("products", text)))
        uids = column("uid")
        rank = [0] * len(uids)
        for place, docnum in enumerate(sorted(range(len(uids)), key=uids.__getitem__)):
            rank[docnum] = place
        return cls(column("type"), column("system"), column("lang"),
                   set(searcher.docs_for_query(query.Term("latest", False))), products, rank)

    def allowed(self, docs: set[int], product: str | None, types: list[str] | None, lang: str | None,
                system: str | None, all_issues: bool, hidden: set[int] = frozenset()) -> set[int]:
        if not all_issues and self.old:
            docs = docs - self.old
        if hidden:
            docs = docs - hidden
        if product:
            docs = docs & (self.products.get(product, set()) | self.products.get(ALL_PRODUCTS, set()))
        if types:
            wanted = set(types)
            docs = {d for d in docs if self.type[d] in wanted}
        if lang:
            want = language_of(lang)
            docs = {d for d in docs if self.lang[d] == want}
        if system:
            want = system.upper()
            docs = {d for d in docs if self.system[d] == want}
        return docs

    def facets(self, docs: set[int]) -> dict[str, dict[str, int]]:
        out = {}
        for name in FACETS:
            values = getattr(self, name)
            counts: dict[str, int] = {}
            for d in docs:
                v = values[d]
                if v:
                    counts[v] = counts.get(v, 0) + 1
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out


class Searching:
    """Searches one opened index; holds one searcher (and its document table and statistics) until closed or
    refreshed. Scores are BM25F over the live documents (ietm.index.stats): an index updated in place ranks as
    one built fresh from the same files."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.weighting = LiveBM25F(None)  # type: ignore[arg-type]
        self.searcher: Searcher = index.searcher(weighting=self.weighting)
        self.stats = self.weighting.stats = LiveStats(self.searcher.reader())
        self.schema = self.searcher.schema  # Index.schema reads the index's table of contents from disk each time
        self.table = DocTable.read(self.searcher)
        self._term_docs: dict[tuple[str, str], set[int]] = {}

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> Searching:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(self) -> None:
        fresh = self.searcher.refresh()
        if fresh is not self.searcher:
            self.searcher = fresh
            self.stats = self.weighting.stats = LiveStats(fresh.reader())
            self.table = DocTable.read(fresh)
            self._term_docs = {}

    def search(self, text: str, product: str | None = None, types: list[str] | None = None, lang: str | None = None,
               system: str | None = None, limit: int = 20, offset: int = 0, all_issues: bool = False,
               hidden: frozenset[str] = frozenset()) -> Results:
        """`hidden`: keys of modules the reader may not know of (above their clearance): no hit, count, facet,
        word or correction comes from them."""
        started = time.perf_counter()
        text = text.strip()
        hidden_docs = self._hidden_docs(hidden)
        filters = (product, types, lang, system, all_issues, hidden_docs)
        res = self._run(text, filters, limit, offset)
        suggestion = self.correction(text, hidden_docs)
        corrected_from = None
        if res.total == 0 and suggestion:
            corrected = self._run(suggestion, filters, limit, offset)
            if corrected.total:
                res, corrected_from, suggestion = corrected, text, None
        res.did_you_mean = suggestion
        res.corrected_from = corrected_from
        res.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return res

    def _run(self, text: str, filters: tuple, limit: int, offset: int) -> Results:
        q = build_query(self.schema, text, self.searcher.reader())
        if q is None:
            return Results(text, 0, [])
        if _has_phrase(q) and not _plain(q):
            # phrases Whoosh must check: do it once, ranking every match in the same pass
            every = self.searcher.search(q, limit=None, terms=True)
            allowed = self.table.allowed(set(every.docs()), *filters)
            ranked = self._ranked((score, d) for score, d in every.top_n if d in allowed)[offset:offset + limit]
            stems = _found_terms(every)
            hits = [self._hit(self.searcher.stored_fields(d), score, stems) for score, d in ranked]
            return Results(text, len(allowed), hits, self.table.facets(allowed))
        matching = self._docs(q)
        allowed = self.table.allowed(matching, *filters)
        if not allowed:
            return Results(text, 0, [], {name: {} for name in FACETS})
        if _plain(q):
            # words, phrases, prefixes, fields, identifiers: BM25F computed here over the allowed documents only,
            # from the posting blocks, with the live statistics (several times faster than Whoosh's collector; a
            # phrase scores as the sum of its words, as offline)
            scores = self._bm25(q, allowed)
            rank = self.table.rank
            top = heapq.nsmallest(offset + limit, scores.items(), key=lambda kv: (-kv[1], rank[kv[0]]))[offset:]
            stems = _leaf_terms(q)
            hits = [self._hit(self.searcher.stored_fields(d), score, stems) for d, score in top]
            return Results(text, len(allowed), hits, self.table.facets(allowed))
        # the ranked page: Whoosh's collector, restricted to the allowed documents when filters took some out
        found = self.searcher.search(q, filter=allowed if len(allowed) < len(matching) else None, limit=None,
                                     terms=True)
        stems = _found_terms(found)
        hits = [self._hit(self.searcher.stored_fields(d), score, stems)
                for score, d in self._ranked(found.top_n)[offset:offset + limit]]
        return Results(text, len(allowed), hits, self.table.facets(allowed))

    def _ranked(self, scored) -> list[tuple[float, int]]:  # type: ignore[no-untyped-def]
        """(score, document) best first, equal scores in the order of files (as offline, whatever the history)."""
        rank = self.table.rank
        return sorted(scored, key=lambda sd: (-sd[0], rank[sd[1]]))

    def _bm25(self, q: query.Query, allowed: set[int]) -> dict[int, float]:
        """Whoosh's BM25F (ietm.index.stats) over the live documents: And sums its parts where all match, Or where
        any does."""
        if isinstance(q, query.Term):
            reader = self.searcher.reader()
            key = (q.fieldname, q.text)
            if key not in reader:
                return {}
            field = q.fieldname
            if not self.schema[field].scorable:  # Whoosh scores a term of an unscored field by its weight
                return {d: w * q.boost for d, w in postings(reader, *key) if d in allowed}
            idf, avg, lengths = self.stats.idf(*key), self.stats.avg_length(field), self.stats.lengths(field)
            return {d: bm25(idf, tf, lengths[d], avg, q.boost) for d, tf in postings(reader, *key) if d in allowed}
        if isinstance(q, query.Phrase):
            inside = self._phrase_docs(q) & allowed
            total = {}
            for w in q.words:
                for d, v in self._bm25(query.Term(q.fieldname, w, boost=q.boost), inside).items():
                    total[d] = total.get(d, 0.0) + v
            return total
        if isinstance(q, query.Or):
            total: dict[int, float] = {}
            for sub in q.subqueries:
                for d, v in self._bm25(sub, allowed).items():
                    total[d] = total.get(d, 0.0) + v
            return total
        if isinstance(q, query.And):
            parts = [self._bm25(sub, allowed) for sub in q.subqueries]
            if not parts:
                return {}
            parts.sort(key=len)
            return {d: sum(p[d] for p in parts) for d in parts[0] if all(d in p for p in parts[1:])}
        return {}

    def _hidden_docs(self, hidden: frozenset[str]) -> set[int]:
        docs: set[int] = set()
        for key in hidden:
            docs |= self._docs(query.Term("key", key))
        return docs

    def _seen(self, fieldname: str, term: str, hidden_docs: set[int]) -> int:
        """In how many documents outside `hidden_docs` a term occurs."""
        if not hidden_docs:
            return self.stats.df(fieldname, term)
        return len(self._docs(query.Term(fieldname, term)) - hidden_docs)

    def _docs(self, q: query.Query) -> set[int]:
        """The documents a query matches, as a set: terms' posting lists (cached) combined with set operations,
        which is several times faster than Whoosh's matcher tree; phrases and the rest go through Whoosh."""
        if isinstance(q, query.Term):
            key = (q.fieldname, q.text)
            docs = self._term_docs.get(key)
            if docs is None:
                reader = self.searcher.reader()
                docs = set(reader.postings(*key).all_ids()) if (key in reader) else set()
                if len(self._term_docs) > 4096:
                    self._term_docs.clear()
                self._term_docs[key] = docs
            return docs
        if isinstance(q, query.Or):
            out: set[int] = set()
            for sub in q.subqueries:
                out |= self._docs(sub)
            return out
        if isinstance(q, query.And):
            parts = sorted((self._docs(sub) for sub in q.subqueries), key=len)
            out = set(parts[0]) if parts else set()
            for part in parts[1:]:
                out &= part
            return out
        if isinstance(q, query.Phrase):
            return self._phrase_docs(q)
        if q is query.NullQuery:
            return set()
        return set(self.searcher.docs_for_query(q))

    def _phrase_docs(self, q: query.Phrase) -> set[int]:
        """Documents where the phrase's words stand next to each other, in order: positions are read only
        for the documents that hold every word."""
        field, words = q.fieldname, list(q.words)
        parts = [self._docs(query.Term(field, w)) for w in words]
        if not parts:
            return set()
        candidates = set.intersection(*parts)
        if len(words) == 1 or not candidates:
            return candidates
        reader = self.searcher.reader()
        positions: list[dict[int, set[int]]] = []
        for w in dict.fromkeys(words):
            found: dict[int, set[int]] = {}
            for sub, base in segments(reader):
                if (field, w) not in sub:
                    continue
                m = sub.postings(field, w)
                while m.is_active():
                    d = m.id() + base
                    if d in candidates:
                        found[d] = set(m.value_as("positions"))
                    m.next()
            positions.append(found)
        at = {w: positions[i] for i, w in enumerate(dict.fromkeys(words))}
        first = at[words[0]]
        return {d for d in candidates
                if any(all(p + i in at[w].get(d, ()) for i, w in enumerate(words[1:], 1)) for p in first.get(d, ()))}

    def _hit(self, f: dict, score: float, terms: set[tuple[str, str]]) -> Hit:
        body = f.get("body", "")
        lang = f["lang"]
        snippet, section = self._snippet(terms, lang, body, f.get("sections") or [])
        return Hit(
            key=f["key"], title=f.get("title", ""), path=f["uid"], language=f.get("language", ""), lang=lang,
            type=f.get("type", ""), system=f.get("system", ""), info_code=f.get("info_code", ""),
            issue=f.get("issue", ""), qa=f.get("qa", ""), applic=f.get("applic", ""),
            products=[p for p in f.get("products", "").split(",") if p], score=round(score, 4), snippet=snippet,
            section_id=section[1] if section else None, section_title=section[2] if section else None,
        )

    def _snippet(self, terms: set[tuple[str, str]], lang: str, body: str, sections: list) -> tuple[str, tuple | None]:
        """Highlighted fragments around the first matched word. Only a window of the text is analysed: the
        highlighter re-tokenizes what it is given, and modules can be long."""
        fieldname = f"text_{lang}"
        stems = {t for f, t in terms if f == fieldname}
        first = None
        if stems and body:
            stem_word = stemmer_of(lang)
            for m in WORD_RE.finditer(body):
                if stem_word(fold(m.group())) in stems:
                    first = m.start()
                    break
        idents = [t for f, t in terms if f == "idents"]
        if first is None and idents:  # a part number or code: mark it where the text first names it
            at = [i for i in (body.lower().find(x) for x in idents) if i >= 0]
            if at:
                start = max(0, min(at) - 80)
                window = html.escape(body[start:start + SNIPPET_CHARS])
                pattern = re.compile("|".join(re.escape(x) for x in idents), re.IGNORECASE)
                marked = pattern.sub(lambda m: f'<mark class="match">{m.group()}</mark>', window)
                i = bisect_right([sec[0] for sec in sections], min(at)) - 1
                return ("… " if start else "") + marked + " …", (tuple(sections[i]) if i >= 0 else None)
        if first is None:
            text = body[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else "")
            return html.escape(text), None
        start = max(0, first - WINDOW // 4)
        window = body[start:start + WINDOW]
        terms = frozenset(stems)
        fragments = highlight.highlight(window, terms, self.schema[fieldname].analyzer,
                                        highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80),
                                        highlight.HtmlFormatter(tagname="mark", between=" … "), top=2)
        i = bisect_right([sec[0] for sec in sections], first) - 1
        return fragments, (tuple(sections[i]) if i >= 0 else None)

    # -- did you mean --------------------------------------------------------------------------------------

    def _known(self, word: str, hidden_docs: set[int] = frozenset()) -> bool:
        for lang in LANGUAGES:
            s = stem(word, lang)
            if self._seen(f"text_{lang}", s, hidden_docs) or self._seen(f"title_{lang}", s, hidden_docs):
                return True
        return False

    def _closest(self, word: str, hidden_docs: set[int] = frozenset()) -> str | None:
        reader = self.searcher.reader()
        maxdist = 1 if len(word) <= 4 else 2
        best: tuple[int, int, str] | None = None
        for lang in LANGUAGES:
            for cand in reader.terms_within(f"words_{lang}", word, maxdist, prefix=1):
                dist = _distance(word, cand)
                s = stem(cand, lang)
                freq = max(self._seen(f"text_{lang}", s, hidden_docs), self._seen(f"title_{lang}", s, hidden_docs))
                key = (dist, -freq, cand)
                if freq and (best is None or key < best):
                    best = key
        return best[2] if best else None

    def correction(self, text: str, hidden_docs: set[int] = frozenset()) -> str | None:
        """The query with each word the index does not know replaced by its nearest known word, if any."""
        if _CODE_FIELD.search(text) or not text:
            return None
        changed = False
        out = text
        for m in reversed(list(re.finditer(r"(?<![\w:*?])([^\W\d_]{3,})(?![\w*?:])", text))):
            word = fold(m.group(1))
            if self._known(word, hidden_docs):
                continue
            better = self._closest(word, hidden_docs)
            if better and better != word:
                out = out[: m.start(1)] + better + out[m.end(1):]
                changed = True
        return out if changed else None

    # -- search as you type --------------------------------------------------------------------------------

    def suggest(self, text: str, limit: int = 8, product: str | None = None, lang: str | None = None,
                hidden: frozenset[str] = frozenset()) -> dict:
        """Completions of the last word typed, and modules whose titles match what is typed so far (none of them
        from the `hidden` modules)."""
        hidden_docs = self._hidden_docs(hidden)
        typed = text.rstrip()
        head, _, last = typed.rpartition(" ")
        last = fold(last)
        completions: list[str] = []
        if len(last) >= 2 and last.isalnum():
            reader = self.searcher.reader()
            scored: dict[str, int] = {}
            for lg in LANGUAGES:
                for word in reader.expand_prefix(f"words_{lg}", last):
                    w = word.decode() if isinstance(word, bytes) else word
                    if hidden_docs and not self._seen(f"words_{lg}", w, hidden_docs):
                        continue
                    s = stem(w, lg)
                    in_titles = self._seen(f"title_{lg}", s, hidden_docs)
                    score = 1000 + in_titles if in_titles else self._seen(f"text_{lg}", s, hidden_docs)
                    if score:  # not a word only a deleted (changed or removed) module had
                        scored[w] = max(scored.get(w, 0), score)
            best = sorted(scored, key=lambda w: (-scored[w], len(w), w))[:limit]
            completions = [f"{head} {w}".strip() for w in best]
        modules = []
        if typed:
            q = build_query(self.schema, typed + ("*" if last.isalnum() else ""), self.searcher.reader())
            if q is not None:
                matching = self._docs(q)
                allowed = self.table.allowed(matching, product, None, lang, None, False, hidden_docs)
                if allowed:
                    found = self.searcher.search(q, filter=allowed if len(allowed) < len(matching) else None, limit=limit)
                    modules = [{"key": h["key"], "title": h.get("title", ""), "language": h.get("language", ""),
                                "type": h.get("type", "")} for h in found]
        return {"query": text, "completions": completions, "modules": modules}


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), to rank spelling candidates."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
