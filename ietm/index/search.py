"""Searching the index: ranked hits with highlighted snippets, facets, applicability filter, corrections.

A query is parsed once per language against that language's fields (so each word is stemmed the way the
modules of that language were), and the two are OR-ed: a Russian module matches the Russian reading of the
query, an English module the English one. Syntax: words (all must match), "phrases", prefixes (`filt*`),
`title:word`, `code:S1000DBIKE-AAA-DA1*` (a code or its start, with or without DMC-), and a bare code such as
`DA1-10-00-00AA-251A` (matched anywhere in module codes).
"""

from __future__ import annotations

import fnmatch
import html
import re
import time
from bisect import bisect_right
from dataclasses import asdict, dataclass, field

from whoosh import highlight, qparser, query, sorting
from whoosh.index import Index
from whoosh.searching import Searcher

from ietm.index.analysis import LANGUAGES, fold, language_of, stem, words
from ietm.index.store import ALL_PRODUCTS, TITLE_BOOST, code_term

_CODE_FIELD = re.compile(r"""(?<![\w:])code:("[^"]*"|\S+)""", re.IGNORECASE)
#: a token that is a data module code or a run of its hyphen-separated parts (three parts at least)
_BARE_CODE = re.compile(r"(?<![\w\-\"])((?:DMC-|PMC-)?[A-Z0-9]+(?:-[A-Z0-9]+){2,}\*?)(?![\w\-])", re.IGNORECASE)
FACETS = ("type", "system", "lang")
SNIPPET_CHARS = 240
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


def _parsers(schema) -> dict[str, qparser.QueryParser]:  # type: ignore[no-untyped-def]
    parsers = {}
    for lang in LANGUAGES:
        p = qparser.MultifieldParser(
            [f"title_{lang}", f"text_{lang}"], schema, fieldboosts={f"title_{lang}": TITLE_BOOST},
            group=qparser.AndGroup,
        )
        p.add_plugin(qparser.FieldAliasPlugin({f"title_{lang}": ["title"], f"text_{lang}": ["text"]}))
        p.remove_plugin_class(qparser.BoostPlugin)
        parsers[lang] = p
    return parsers


def _code_query(value: str) -> query.Query:
    value = code_term(value.strip('"'))
    if "*" in value or "?" in value:
        return query.Wildcard("code", value)
    return query.Prefix("code", value)


def _expand_prefixes(q: query.Query, index: Index, reader) -> query.Query:  # type: ignore[no-untyped-def]
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
    return q.apply(lambda sub: _expand_prefixes(sub, index, reader))


def build_query(index: Index, text: str, reader=None) -> query.Query | None:  # type: ignore[no-untyped-def]
    """The Whoosh query of a user's query string; None when it holds nothing to search for."""
    parts: list[query.Query] = []
    parsers = _parsers(index.schema)
    rest = _CODE_FIELD.sub(lambda m: parts.append(_code_query(m.group(1))) or " ", text)
    for m in list(_BARE_CODE.finditer(rest)):
        token = m.group(1)
        if sum(ch.isdigit() for ch in token) and sum(ch.isalpha() for ch in token):
            # a module code, or a part number written the same way: match either
            term = code_term(token).rstrip("*")
            as_text = [parsers[lang].parse(f'"{token.rstrip("*")}"') for lang in LANGUAGES]
            parts.append(query.Or([query.Wildcard("code", f"*{term}*"), *as_text]))
            rest = rest.replace(token, " ", 1)
    rest = rest.strip()
    if rest:
        per_lang = [parsers[lang].parse(rest) for lang in LANGUAGES]
        if reader is not None and ("*" in rest or "?" in rest):
            per_lang = [_expand_prefixes(q, index, reader) for q in per_lang]
        per_lang = [q for q in per_lang if q is not query.NullQuery]
        if per_lang:
            parts.append(query.Or(per_lang))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.And(parts)


def filter_query(product: str | None, types: list[str] | None, lang: str | None, system: str | None,
                 all_issues: bool = False) -> query.Query | None:
    terms: list[query.Query] = []
    if not all_issues:
        terms.append(query.Term("latest", True))
    if product:
        terms.append(query.Or([query.Term("products", product), query.Term("products", ALL_PRODUCTS)]))
    if types:
        terms.append(query.Or([query.Term("type", t) for t in types]))
    if lang:
        terms.append(query.Term("lang", language_of(lang)))
    if system:
        terms.append(query.Term("system", system.upper()))
    return query.And(terms) if terms else None


class Searching:
    """Searches one opened index; cheap to make, holds one searcher until closed."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.searcher: Searcher = index.searcher()

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> Searching:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(self) -> None:
        self.searcher = self.searcher.refresh()

    def search(self, text: str, product: str | None = None, types: list[str] | None = None, lang: str | None = None,
               system: str | None = None, limit: int = 20, offset: int = 0, all_issues: bool = False) -> Results:
        started = time.perf_counter()
        text = text.strip()
        flt = filter_query(product, types, lang, system, all_issues)
        res = self._run(text, flt, limit, offset)
        suggestion = self.correction(text)
        corrected_from = None
        if res.total == 0 and suggestion:
            corrected = self._run(suggestion, flt, limit, offset)
            if corrected.total:
                res, corrected_from, suggestion = corrected, text, None
        res.did_you_mean = suggestion
        res.corrected_from = corrected_from
        res.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return res

    def _run(self, text: str, flt: query.Query | None, limit: int, offset: int) -> Results:
        q = build_query(self.index, text, self.searcher.reader())
        if q is None:
            return Results(text, 0, [])
        facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}
        found = self.searcher.search(q, filter=flt, limit=offset + limit, groupedby=facets, terms=True)
        found.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80)
        found.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        hits = [self._hit(h) for h in found[offset:offset + limit]]
        counts = {name: {k: v for k, v in sorted(found.groups(name).items(), key=lambda kv: (-kv[1], kv[0])) if k}
                  for name in FACETS}
        return Results(text, found.estimated_length() if not found.has_exact_length() else len(found), hits, counts)

    def _hit(self, h) -> Hit:  # type: ignore[no-untyped-def]
        f = h.fields()
        body = f.get("body", "")
        snippet = h.highlights(f"text_{f['lang']}", text=body, top=2) if body else ""
        section = None
        if snippet:
            section = _section_of(f.get("sections") or [], body, snippet)
        else:
            snippet = html.escape(body[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else ""))
        return Hit(
            key=f["key"], title=f.get("title", ""), path=f["uid"], language=f.get("language", ""), lang=f["lang"],
            type=f.get("type", ""), system=f.get("system", ""), info_code=f.get("info_code", ""),
            issue=f.get("issue", ""), qa=f.get("qa", ""), applic=f.get("applic", ""),
            products=[p for p in f.get("products", "").split(",") if p], score=round(h.score, 4), snippet=snippet,
            section_id=section[1] if section else None, section_title=section[2] if section else None,
        )

    # -- did you mean --------------------------------------------------------------------------------------

    def _known(self, word: str) -> bool:
        reader = self.searcher.reader()
        for lang in LANGUAGES:
            s = stem(word, lang)
            if reader.doc_frequency(f"text_{lang}", s) or reader.doc_frequency(f"title_{lang}", s):
                return True
        return False

    def _closest(self, word: str) -> str | None:
        reader = self.searcher.reader()
        maxdist = 1 if len(word) <= 4 else 2
        best: tuple[int, int, str] | None = None
        for lang in LANGUAGES:
            for cand in reader.terms_within(f"words_{lang}", word, maxdist, prefix=1):
                dist = _distance(word, cand)
                s = stem(cand, lang)
                freq = max(reader.doc_frequency(f"text_{lang}", s), reader.doc_frequency(f"title_{lang}", s))
                key = (dist, -freq, cand)
                if freq and (best is None or key < best):
                    best = key
        return best[2] if best else None

    def correction(self, text: str) -> str | None:
        """The query with each word the index does not know replaced by its nearest known word, if any."""
        if _CODE_FIELD.search(text) or not text:
            return None
        changed = False
        out = text
        for m in reversed(list(re.finditer(r"(?<![\w:*?])([^\W\d_]{3,})(?![\w*?:])", text))):
            word = fold(m.group(1))
            if self._known(word):
                continue
            better = self._closest(word)
            if better and better != word:
                out = out[: m.start(1)] + better + out[m.end(1):]
                changed = True
        return out if changed else None

    # -- search as you type --------------------------------------------------------------------------------

    def suggest(self, text: str, limit: int = 8, product: str | None = None, lang: str | None = None) -> dict:
        """Completions of the last word typed, and modules whose titles match what is typed so far."""
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
                    s = stem(w, lg)
                    in_titles = reader.doc_frequency(f"title_{lg}", s)
                    scored[w] = max(scored.get(w, 0), 1000 + in_titles if in_titles else reader.doc_frequency(f"text_{lg}", s))
            best = sorted(scored, key=lambda w: (-scored[w], len(w), w))[:limit]
            completions = [f"{head} {w}".strip() for w in best]
        modules = []
        if typed:
            q = build_query(self.index, typed + ("*" if last.isalnum() else ""), self.searcher.reader())
            if q is not None:
                flt = filter_query(product, None, lang, None)
                for h in self.searcher.search(q, filter=flt, limit=limit):
                    modules.append({"key": h["key"], "title": h.get("title", ""), "language": h.get("language", ""),
                                    "type": h.get("type", "")})
        return {"query": text, "completions": completions, "modules": modules}


def _section_of(sections: list, body: str, snippet: str) -> tuple[int, str | None, str] | None:
    """The section holding the first highlighted fragment (found by its text in the body)."""
    if not sections:
        return None
    first = snippet.split(" … ")[0]
    plain = html.unescape(re.sub(r"<[^>]+>", "", first)).strip()
    pos = body.find(plain[:60]) if plain else -1
    if pos < 0:
        return None
    starts = [s[0] for s in sections]
    i = bisect_right(starts, pos) - 1
    return tuple(sections[i]) if i >= 0 else None  # type: ignore[return-value]


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


def terms_of(text: str, lang: str) -> list[str]:
    """Index terms of a text in one language (what the offline index and tests compare with)."""
    return [stem(w, lang) for w in words(text)]
