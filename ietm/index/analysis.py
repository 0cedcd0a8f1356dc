"""Text analysis shared by the server index and the offline bundle index, so both see the same terms.

Words are lower-cased, ё is folded to е (writers use both), and each language is stemmed with its Snowball
algorithm through PyStemmer (C, fast): «двигателя» and «двигатель» become «двигател», "filters" and "filter"
become "filter". The browser stems query words with the same Snowball algorithms compiled to JavaScript.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

import Stemmer
from whoosh.analysis import Filter, RegexTokenizer

#: languages with their own analysis; any other language is analysed as English (folding, no wrong stems)
LANGUAGES = ("en", "ru")
SNOWBALL = {"en": "english", "ru": "russian"}
#: a word: letters/digits, keeping inner dots and commas of numbers and codes together ("0.5", "M10x1,25")
WORD = r"\w+(?:[.,]\w+)*"
_WORD_RE = re.compile(WORD)


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


def stem(word: str, lang: str) -> str:
    """The index term of one word (already folded)."""
    return _stemmer(lang).stemWord(word)


def words(text: str) -> Iterator[str]:
    """Folded words of a text, in order, as the index tokenizer splits them."""
    for m in _WORD_RE.finditer(text):
        yield fold(m.group())


class FoldFilter(Filter):
    """Lower case plus ё→е; applied before stemming, and also kept for spelling suggestions."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for t in tokens:
            t.text = fold(t.text)
            yield t


class SnowballFilter(Filter):
    """Snowball stemming through PyStemmer; pickles by language name, since Whoosh stores the schema."""

    is_morph = True

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballFilter) and other.lang == self.lang

    def __getstate__(self) -> dict:
        return {"lang": self.lang}

    def __setstate__(self, state: dict) -> None:
        self.lang = state["lang"]

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        stem_word = _stemmer(self.lang).stemWord
        for t in tokens:
            if not t.stopped:
                t.text = stem_word(t.text)
            yield t


def analyzer(lang: str):  # type: ignore[no-untyped-def]
    """The Whoosh analyzer of one language: tokenize, fold, stem."""
    return RegexTokenizer(WORD) | FoldFilter() | SnowballFilter(lang)
