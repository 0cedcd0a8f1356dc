"""Text analysis shared by the server index and the offline bundle index, so both see the same terms.

Words are lower-cased, ё is folded to е (writers use both), and each language is stemmed with its Snowball
algorithm through PyStemmer (C, fast): «двигателя» and «двигатель» become «двигател», "filters" and "filter"
become "filter". The browser stems query words with the same Snowball algorithms compiled to JavaScript.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from whoosh.analysis import Analyzer, Token

#: languages with their own analysis; any other language is analysed as English (folding, no wrong stems)
LANGUAGES = ("en", "ru")
SNOWBALL = {"en": "english", "ru": "russian"}
#: a word: letters/digits, keeping inner dots and commas of numbers and codes together ("0.5", "M10x1,25")
WORD = r"\w+(?:[.,]\w+)*"
WORD_RE = re.compile(WORD)


def language_of(language: str | None) -> str:
    """The analysis language of an S1000D language code such as ru-RU or en-US."""
    primary = (language or "en").split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


def fold(word: str) -> str:
    return word.lower().replace("ё", "е")


@lru_cache(maxsize=None)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    stemmer = Stemmer.Stemmer(SNOWBALL[lang])
    stemmer.maxCacheSize = 100_000
    return stemmer


def stemmer_of(lang: str):  # type: ignore[no-untyped-def]
    """The stem function of a language (PyStemmer's, with its cache)."""
    return _stemmer(lang).stemWord


def stem(word: str, lang: str) -> str:
    """The index term of one word (already folded)."""
    return _stemmer(lang).stemWord(word)


class LanguageAnalyzer(Analyzer):
    """Tokenize, fold and stem in one pass (one generator instead of a chain of three: indexing 10,000 modules
    spends most of its time here). Pickles by language name, since Whoosh stores the schema."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageAnalyzer) and other.lang == self.lang

    def __getstate__(self) -> dict:
        return {"lang": self.lang}

    def __setstate__(self, state: dict) -> None:
        self.lang = state["lang"]

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,  # type: ignore[override]
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs):  # type: ignore[no-untyped-def]
        stem_word = _stemmer(self.lang).stemWord
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        if not tokenize:  # a prefix or wildcard as typed: folded, not stemmed ("масло*" is words that start so)
            t.original = value
            t.text = fold(value)
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        folded = fold(value)  # same length as value: lower() and ё→е keep every character in place
        if len(folded) != len(value):
            folded = value
        for pos, match in enumerate(WORD_RE.finditer(folded)):
            word = match.group()
            if keeporiginal:
                t.original = value[match.start():match.end()]
            t.text = stem_word(word if folded is not value else fold(word))
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + match.start(), start_char + match.end()
            yield t


def analyzer(lang: str) -> LanguageAnalyzer:
    """The Whoosh analyzer of one language."""
    return LanguageAnalyzer(lang)


def vocabulary(*texts: str) -> str:
    """The distinct folded words of some texts, space-separated: the `words_<lang>` field that spelling
    suggestions, prefix completion and the offline index read (built by the workers, cheaply)."""
    seen: set[str] = set()
    for text in texts:
        seen.update(WORD_RE.findall(fold(text)))
    return " ".join(sorted(seen))
