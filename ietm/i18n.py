"""Words a person reads, in Russian and English: one table for every layer, so no code hard-codes a language.

Each feature declares its words next to its code with `words({key: (English, Russian)})`; pages, scripts and
messages look them up by key (`t`). An error or outcome a reader may see is made with `message(key, ...)`: it is
English where a machine or the command line reads it (it is a str) and `localise` puts it in the reader's
language on a page. ietm.web.i18n holds the viewer shell's own words and picks the reader's language.
"""

from __future__ import annotations

LANGUAGES = ("en", "ru")
DEFAULT = "en"

#: key -> (English, Russian), filled by words() as modules are imported
STRINGS: dict[str, tuple[str, str]] = {}


def words(table: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Declare a feature's interface words (key -> (English, Russian)) into the one table; returns `table`.

    Keys are shared by every page and script, so a key declared twice with other words is a mistake."""
    for key, pair in table.items():
        known = STRINGS.get(key)
        if known is not None and known != pair:
            raise ValueError(f"interface word {key!r} is declared twice: {known} and {pair}")
        if len(pair) != 2:
            raise ValueError(f"interface word {key!r} needs (English, Russian)")
    STRINGS.update(table)
    return table


def t(key: str, language: str, /, **values: object) -> str:
    """The string for `key` in `language` (English when missing), with {placeholders} filled."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if language == "ru" else pair[0]
    return text.format(**values) if values else text


_TABLES: dict[tuple[str, int], dict[str, str]] = {}


def table(language: str) -> dict[str, str]:
    """Every string of one language: handed to the browser scripts as JSON. Made once per language (words are
    only ever added, so their count tells a table made before an addition) and shared: read it, never change it."""
    made = _TABLES.get((language, len(STRINGS)))
    if made is None:
        made = _TABLES[(language, len(STRINGS))] = {k: (v[1] if language == "ru" else v[0]) for k, v in STRINGS.items()}
    return made


class Message(str):
    """Words in English (for logs, JSON and the command line) that a page shows in the reader's language."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, /, **values: object) -> Message:
        made = super().__new__(cls, t(key, "en", **values))
        made.key, made.values = key, values
        return made

    def in_language(self, language: str) -> str:
        return t(self.key, language, **{k: localise(v, language) for k, v in self.values.items()})


class CodeName(Message):
    """A code value (ietm.render.content.codelists) inside a message: "first" -> first verification / первичная."""

    def __new__(cls, kind: str, value: str) -> CodeName:
        from ietm.render.content.codelists import code_name

        made = str.__new__(cls, code_name(kind, value, "en"))
        made.key, made.values = kind, {"value": value}
        return made

    def in_language(self, language: str) -> str:
        from ietm.render.content.codelists import code_name

        return code_name(self.key, str(self.values["value"]), language)


def message(key: str, /, **values: object) -> Message:
    """Words a reader may see, made where they arise: `raise NotFound(message("not_in_csdb", key=key))`.

    A value may itself be a message or a `CodeName`; it is put in the reader's language too."""
    if key not in STRINGS:
        raise KeyError(f"no interface word {key!r}: declare it with words()")
    return Message(key, **values)


def localise(text: object, language: str) -> object:
    """A message in `language` when it was made by `message()` or `CodeName`; anything else as it is."""
    return text.in_language(language) if isinstance(text, Message) else text


def terminal_language() -> str:
    """The language of the command line's words: Russian when the locale's messages are (LC_ALL, else
    LC_MESSAGES, else LANG, as POSIX orders them), English otherwise — what scripts parse stays English."""
    import os

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ru" if value.lower().startswith("ru") else DEFAULT
    return DEFAULT
