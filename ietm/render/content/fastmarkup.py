"""HTML fragments as markupsafe Markup, with a format() that costs what str.format costs.

markupsafe's Markup.format parses its template in Python on every call, and its escape() and Markup()
are Python functions around a C core; the renderers call them millions of times when a manual is published.
FastMarkup escapes each argument exactly as Markup.format does (anything without __html__ is escaped, by
markupsafe's own C escaper), leaves the formatting to str.format, and makes its result without Markup's
constructor: all of it in C.
"""

from __future__ import annotations

from string import Formatter as _Formatter
from typing import Any

from markupsafe import Markup
from markupsafe import _escape_inner  # the C function inside markupsafe.escape (str in, str out; markupsafe>=3)
from markupsafe import escape as _markupsafe_escape

_new = str.__new__
#: the escaped text of a value known to be a str (element text, attribute values): markupsafe's C escaper itself
escape_str = _escape_inner


def escape_text(value: Any) -> str:
    """The escaped text of a value as markupsafe.escape makes it, as a plain str (for joining into markup)."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is FastMarkup or kind is Markup:  # markup as it is (its __html__ is itself)
        return value
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


def escape(value: Any) -> Markup:
    """markupsafe.escape, without its Python-level Markup constructor for the common case of a plain string."""
    if type(value) is str:
        return _new(Markup, _escape_inner(value))
    return _markupsafe_escape(value)


def markup(text: str) -> FastMarkup:
    """Text that is already HTML (every part escaped or rendered) as FastMarkup."""
    return _new(FastMarkup, text)


class FastMarkup(Markup):
    __slots__ = ()

    def __new__(cls, base: Any = "", encoding: str | None = None, errors: str = "strict") -> FastMarkup:
        if type(base) is str and encoding is None:  # markup the renderer wrote: no __html__ to ask for
            return _new(cls, base)
        return Markup.__new__(cls, base, encoding, errors)

    def join(self, iterable: Any) -> FastMarkup:  # type: ignore[override]
        """Markup.join (parts without __html__ escaped) without its Python-level escape and constructor per part."""
        return _new(FastMarkup, str.join(self, [p if type(p) is FastMarkup else escape_text(p) for p in iterable]))

    def format(self, *args: Any, **kwargs: Any) -> FastMarkup:  # type: ignore[override]
        # the commonest arguments inline: text (escaped) and the renderers' own markup (as it is: its __html__)
        parts = [_escape_inner(a) if type(a) is str else a if type(a) is FastMarkup else escape_text(a) for a in args]
        if kwargs:
            return _new(FastMarkup, str.format(self, *parts, **{k: escape_text(v) for k, v in kwargs.items()}))
        if sum(map(len, parts)) > _LARGE:
            return _new(FastMarkup, _joined(self, parts))
        return _new(FastMarkup, str.format(self, *parts))


#: above this many characters of arguments, format() joins its parts instead of calling str.format: str.format
#: copies a large text that holds non-ASCII characters (any Russian word) again for each literal after it (a
#: business-rules or repository page wraps megabytes several times: milliseconds each)
_LARGE = 4096
_PIECES: dict[str, list[tuple[str, int | None]] | None] = {}  # template -> its literal texts and field numbers


def _joined(template: str, parts: list[str]) -> str:
    """str.format(template, *parts) for templates of plain fields ({} or {0}), as one join."""
    pieces = _PIECES.get(template, False)
    if pieces is False:
        pieces = _fields(template)
        if len(_PIECES) < 1024:  # the renderers' templates are literals: a few hundred
            _PIECES[template] = pieces
    if pieces is None:
        return str.format(template, *parts)
    out = []
    for literal, field in pieces:
        out.append(literal)
        if field is not None:
            out.append(parts[field])
    return "".join(out)


def _fields(template: str) -> list[tuple[str, int | None]] | None:
    pieces: list[tuple[str, int | None]] = []
    auto = 0
    numbered = False
    for literal, name, spec, conversion in _Formatter().parse(template):
        if name is None:
            pieces.append((literal, None))
            continue
        if spec or conversion or not (name == "" or name.isdecimal()):
            return None  # anything but a plain field: str.format itself
        if name == "":
            pieces.append((literal, auto))
            auto += 1
        else:
            pieces.append((literal, int(name)))
            numbered = True
    return None if numbered and auto else pieces  # ({} and {0} mixed: str.format's own error)
