"""One render pass over one module: the element dispatch, escaping, ids, numbering and applicability.

Renderers are plain functions `(Html, element) -> Markup` registered by tag with `@handles`; an element
with no renderer is shown as text in `span.unknown` and reported through `ctx.unknown`, never dropped.
Every element a renderer reads is recorded in `Html.seen`, so a test can prove nothing was skipped.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable

from lxml import etree
from markupsafe import Markup

from ietm.applic import to_json as applic_json
from ietm.render.content.codelists import code_name
from ietm.render.content.labels import label
from ietm.render.context import RenderContext
from ietm.render.content.fastmarkup import FastMarkup, escape_str, escape_text, markup

Handler = Callable[["Html", etree._Element], Markup]
HANDLERS: dict[str, Handler] = {}
#: tag prefixes of S1000D families shown as labelled records (learning, service bulletin, business rules)
PREFIX_HANDLERS: dict[str, Handler] = {}
_PREFIXED: dict[str, Handler] = {}  # tags found in PREFIX_HANDLERS, so each is looked for there once
#: what the renderer of a tag makes of an element with no attributes and no child: its text, escaped, between
#: these two strings. Such elements (paragraphs and titles by the thousand) are made without the renderer's call.
LEAF_FORMS: dict[str, tuple[str, str]] = {}


def leaf_html(form: tuple[str, str], text: str | None) -> str:
    """An element with no attributes and no child, made from its tag's leaf form."""
    return f"{form[0]}{escape_str(text)}{form[1]}" if text else form[0] + form[1]

EMPTY = FastMarkup("")
#: the attributes Html.attrs shows (an element with none of them gets its class only)
SHOWN_ATTRS = frozenset({"id", "changeMark", "changeType", "reasonForUpdateRefIds", "applicRefId", "applicRefIds"})


def handles(*tags: str, leaf: tuple[str, str] | None = None) -> Callable[[Handler], Handler]:
    """Register a renderer of these tags; `leaf`: what it makes of an element with no attributes and no child
    (LEAF_FORMS), which tests/test_render_content.py holds it to."""
    def register(fn: Handler) -> Handler:
        for tag in tags:
            known = HANDLERS.get(tag)
            if known is not None and known is not fn:  # which one wins would depend on the import order
                raise ValueError(f"<{tag}> has two renderers: {known.__module__}.{known.__name__} and "
                                 f"{fn.__module__}.{fn.__name__}")
            HANDLERS[tag] = fn
            if leaf is not None:
                LEAF_FORMS[tag] = leaf
        return fn

    return register


def number(value: str | None, default: int) -> int:
    """A count from an attribute; a malformed one (schema-invalid module) falls back instead of failing the page."""
    try:
        return int(value) if value else default
    except ValueError:
        return default


def child(el: etree._Element, tag: str) -> etree._Element | None:
    """`el.find(tag)` for a plain tag: its first child element of that name. lxml's find() goes through its
    Python path parser (several µs a call); the renderers look children up hundreds of thousands of times."""
    for c in el:
        if c.tag == tag:
            return c
    return None


def first_two(el: etree._Element, a: str, b: str) -> tuple[etree._Element | None, etree._Element | None]:
    """(child(el, a), child(el, b)) in one walk over the children (a business-rules module holds more than a
    thousand references, each read this way several times)."""
    first = second = None
    for c in el:
        tag = c.tag
        if tag == a:
            first = c if first is None else first
        elif tag == b:
            second = c if second is None else second
    return first, second


def children_named(el: etree._Element, tag: str) -> list[etree._Element]:
    """`el.findall(tag)` for a plain tag (as child(): without lxml's path parser)."""
    return [c for c in el if c.tag == tag]


def text_of(el: etree._Element | None) -> str:
    """The element's text content with whitespace collapsed (as a reader sees it)."""
    if el is None:
        return ""
    if not len(el) and type(el.tag) is str:  # a leaf (most): its own text, without an iterator over the subtree
        text = el.text
        return " ".join(text.split()) if text else ""
    return " ".join("".join(el.itertext()).split())


class Html:
    """The state of one render: the context, the module's ids, numbering, footnotes and what was seen."""

    def __init__(self, ctx: RenderContext) -> None:
        self.ctx = ctx
        self.root = ctx.doc.root
        self.seen: set[etree._Element] = set()
        self.footnotes: list[tuple[str, Markup]] = []
        self.ids: dict[str, etree._Element] = {}
        self.numbers: dict[etree._Element, str] = {}
        self.guards: list[str] = []  # acknowledgement ids guarding the steps being rendered
        self.mode = ""  # "procedure" while rendering a procedure's steps (they get check-off boxes)
        self.scripts: set[str] = set()  # viewer/static/js modules the rendered content needs
        self._counters: dict[str, int] = {}
        self._applic: dict[tuple[str, ...], list[tuple[str, object]]] = {}  # applic_pairs of each annotation named
        # the module's ids, numbers and reasons for update: worked out once per context (the identification and
        # the content are two renders of one module; a business-rules module has tens of thousands of elements)
        indexed = ctx.shared.get("index")
        if indexed is None:
            self._index()
            self.reasons = {rfu.get("id"): text_of(rfu)
                            for rfu in self.root.iterfind("identAndStatusSection/*/reasonForUpdate")
                            if rfu.get("id")}  # change marks name these; their text explains the mark
            ctx.shared["index"] = (self.ids, self.numbers, self.reasons)
        else:
            self.ids, self.numbers, self.reasons = indexed

    # -- module-wide indexes -------------------------------------------------------------------------------

    def _index(self) -> None:
        # (selected by libxml2, not by a Python walk over every element; as the id attributes, each of which knows
        # its element: libxml2 tests a predicate such as [@id] far more slowly, 2 ms over a business-rules module)
        for ident in self.root.xpath("descendant-or-self::*/@id"):
            if ident:
                self.ids.setdefault(str(ident), ident.getparent())
        counters = {"figure": 0, "table": 0, "multimedia": 0}
        for el in self.root.iter("figure", "table", "multimedia", "proceduralStep", "levelledPara"):
            if el.tag in counters and el.getparent() is not None and el.getparent().tag != "captionGroup":
                counters[el.tag] += 1
                self.numbers[el] = str(counters[el.tag])
            elif el.tag == "proceduralStep":
                self.numbers[el] = self._step_number(el)
            elif el.tag == "levelledPara":
                self.numbers[el] = self._para_number(el)

    def _step_number(self, el: etree._Element) -> str:
        parent = el.getparent()
        index = 1 + sum(1 for s in el.itersiblings("proceduralStep", preceding=True))
        outer = parent
        while outer is not None and outer.tag != "proceduralStep":
            if outer.tag in ("mainProcedure", "dmNode", "proceduralStepAlts"):
                break
            outer = outer.getparent()
        if outer is not None and outer.tag == "proceduralStepAlts":
            index = 1 + sum(1 for s in outer.itersiblings("proceduralStep", "proceduralStepAlts", preceding=True))
            outer = outer.getparent()
            while outer is not None and outer.tag not in ("proceduralStep", "mainProcedure", "dmNode"):
                outer = outer.getparent()
        prefix = self.numbers.get(outer) if outer is not None and outer.tag == "proceduralStep" else None
        return f"{prefix}.{index}" if prefix else str(index)

    def _para_number(self, el: etree._Element) -> str:
        index = 1 + sum(1 for s in el.itersiblings("levelledPara", preceding=True))
        parent = el.getparent()
        prefix = self.numbers.get(parent) if parent is not None and parent.tag == "levelledPara" else None
        return f"{prefix}.{index}" if prefix else str(index)

    def content(self, root: etree._Element | None) -> Markup:
        """The whole fragment: the rendered content, its footnotes, and the stylesheet/scripts it needs."""
        links = self.ctx.links
        if root is None:
            body = FastMarkup('<p class="no-content">{}</p>').format(self.t("no_content"))
            kind = "none"
        else:
            self.seen.add(root)
            # a data module's <content> only wraps; other roots (a comment's commentContent) have a renderer
            body = self.children(root) if root.tag == "content" else self.render(root)
            kind = self.ctx.obj.content_type or self.ctx.obj.kind
        assets = [FastMarkup('<link rel="stylesheet" href="{}">').format(links.static("css/content.css"))]
        assets += [FastMarkup('<script src="{}" defer></script>').format(links.static(f"js/{name}"))
                   for name in sorted(self.scripts)]
        return FastMarkup('<div class="s1000d ct-{}" lang="{}">{}{}{}</div>').format(
            kind, self.ctx.obj.language or "", body, self.footnote_list(), FastMarkup("").join(assets))

    def footnote_list(self) -> Markup:
        if not self.footnotes:
            return EMPTY
        items = FastMarkup("").join(
            FastMarkup('<li id="{0}">{1} <a href="#{0}-ref" class="fn-back" aria-label="{2}">↩</a></li>').format(
                ident, body, self.t("back_to_text"))
            for ident, body in self.footnotes)
        return FastMarkup('<ol class="footnotes">{}</ol>').format(items)

    # -- dispatch ------------------------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return label(self.ctx.language, key, **values)

    def name(self, kind: str, value: str | None) -> str:
        """A code value (issue type, skill level, unit...) as a reader of the UI language names it."""
        return code_name(kind, value, self.ctx.language)

    def render(self, el: etree._Element) -> Markup:
        self.seen.add(el)
        tag = el.tag
        if type(tag) is not str:  # XML comments and processing instructions are not content
            return EMPTY
        form = LEAF_FORMS.get(tag)
        if form is not None and not len(el) and not el.keys():
            return markup(leaf_html(form, el.text))
        handler = HANDLERS.get(tag) or self.handler_of(tag)
        if handler is None:
            return self.unknown(el)
        return handler(self, el)

    @staticmethod
    def handler_of(tag: str) -> Handler | None:
        """The renderer of an element (None: unknown)."""
        handler = HANDLERS.get(tag) or _PREFIXED.get(tag)
        if handler is None:
            handler = next((h for p, h in PREFIX_HANDLERS.items() if tag.startswith(p)), None)
            if handler is not None:
                _PREFIXED[tag] = handler
        return handler

    def inner(self, el: etree._Element, skip: Iterable[str] = ()) -> Markup:
        """Mixed content: the element's text, each child rendered, each tail; children in `skip` are left out
        because the caller renders them elsewhere (and marks them seen itself)."""
        text = el.text
        if not len(el):  # text only (most inline elements and table cells)
            return markup(escape_str(text)) if text else EMPTY
        parts = [escape_str(text)] if text else []
        render = self.render
        if skip:
            skipped = set(skip)
            for child in el:
                if not (isinstance(child.tag, str) and child.tag in skipped):
                    parts.append(render(child))
                tail = child.tail
                if tail:
                    parts.append(escape_str(tail))
        else:
            for child in el:
                parts.append(render(child))
                tail = child.tail
                if tail:
                    parts.append(escape_str(tail))
        return markup("".join(parts))  # every part is already escaped or rendered markup

    def children(self, el: etree._Element, *tags: str) -> Markup:
        """Only the child elements (no text), optionally only those with the given tags."""
        return markup("".join([self.render(c) for c in el if not tags or c.tag in tags]))

    def consume(self, el: etree._Element | None) -> None:
        """Mark a subtree the caller has read itself (a code, a reference's identity), so it counts as shown."""
        if el is not None:
            self.seen.update(el.iter())

    def text(self, el: etree._Element | None) -> str:
        self.consume(el)
        return text_of(el)

    def unknown(self, el: etree._Element) -> Markup:
        self.ctx.unknown(el)
        self.consume(el)
        return FastMarkup('<span class="unknown" data-element="{}" title="{}">{}</span>').format(
            el.tag, self.t("unknown_element", name=el.tag), text_of(el)
        )

    # -- attributes shared by every block --------------------------------------------------------------

    def attrs(self, el: etree._Element, cls: str = "", **extra: object) -> Markup:
        """id, class, change marks and applicability of an element, as HTML attributes."""
        plain = SHOWN_ATTRS.isdisjoint(el.keys())
        if plain:  # most elements: their class only, and what the renderer adds
            if not extra:
                return _class_attribute(cls)
            return markup(f"{_class_attribute(cls)}" + "".join(
                [f' {k.replace("_", "-")}="{escape_text(v)}"' for k, v in extra.items() if v is not None]))
        pairs: list[tuple[str, object]] = []
        ident = el.get("id")
        if ident:
            pairs.append(("id", ident))
        classes = [cls] if cls else []
        if el.get("changeMark") == "1" or el.get("changeType"):
            classes.append(f"chg chg-{el.get('changeType') or 'modify'}")
            rfu = el.get("reasonForUpdateRefIds")
            if rfu:
                pairs.append(("data-rfu", rfu))
                why = "; ".join(self.reasons[i] for i in rfu.split() if i in self.reasons)
                if why and not el.get("applicRefId"):  # applicability owns the title when both exist
                    pairs.append(("title", why))
        if classes:
            pairs.append(("class", " ".join(classes)))
        pairs.extend(self.applic_pairs(el))
        pairs.extend((k.replace("_", "-"), v) for k, v in extra.items() if v is not None)
        return markup("".join([f' {k}="{escape_text(v)}"' for k, v in pairs]))  # names are ours, values escaped

    def applic_pairs(self, el: etree._Element) -> list[tuple[str, object]]:
        """An element's applicability: its `applicRefId`, or `applicRefIds` (an IPD item used in several
        configurations, which applies where any of them does)."""
        refs = [el.get("applicRefId")] if el.get("applicRefId") else el.get("applicRefIds", "").split()
        if not refs:
            return []
        key = tuple(refs)  # (many elements of a module name the same annotations: each is spelled out once)
        found = self._applic.get(key)
        if found is None:
            found = self._applic[key] = self._applic_pairs(refs)
        return found

    def _applic_pairs(self, refs: list[str]) -> list[tuple[str, object]]:
        named = " ".join(refs)
        applics = [self.resolve_applic(self.ids.get(r)) for r in refs]
        if any(a is None for a in applics):
            return [("data-applic-ref", named), ("data-applic-text", self.t("applic_missing", ref=named))]
        shown = "; ".join(self.applic_text(a) for a in applics)
        if len(applics) == 1:
            expr = applic_json(applics[0])
        else:
            expr = {"id": None, "text": shown, "expr": {"op": "or", "args": [applic_json(a)["expr"] for a in applics]}}
        return [("data-applic-ref", named), ("data-applic-text", shown), ("title", shown),
                ("data-applic", json.dumps(expr, separators=(",", ":")))]

    def resolve_applic(self, found: etree._Element | None) -> etree._Element | None:
        """The `applic` an applicRefId names: the module's own, or the applicability repository entry that its
        referencedApplicGroupRef/applicRef (or the status's applicRef) names."""
        if found is None or found.tag != "applicRef":
            return found
        applicability = self.ctx.applicability
        return applicability.repository.get(found.get("applicIdentValue", "")) if applicability is not None else None

    def applic_text(self, applic: etree._Element) -> str:
        """What a reader is told an applicability says: its display text, else its statement spelled out."""
        return text_of(child(applic, "displayText")) or applic_statement(self, applic)

    def property_name(self, ident: str) -> str | None:
        """The name the CSDB's ACT or CCT gives a product attribute or condition."""
        names = self.ctx.property_names
        return names(ident) if names is not None else None

    def next_id(self, prefix: str) -> str:
        """A stable id in document order (same module issue, same ids), for state kept on the device."""
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return f"{prefix}-{self._counters[prefix]}"


@functools.lru_cache(maxsize=1024)
def _class_attribute(cls: str) -> Markup:
    """` class="..."` of an element with no attribute that Html.attrs shows (most elements)."""
    return markup(f' class="{escape_str(cls)}"') if cls else EMPTY


#: readers of statements other content types define (a process's `expression`: ietm.render.content.process)
STATEMENT_READERS: dict[str, Callable[[Html, etree._Element], str]] = {}
_STATEMENT_TAGS = ("assert", "evaluate", "expression")


def applic_statement(r: Html, el: etree._Element) -> str:
    """An applicability statement spelled out: `Model: Mountain storm and (Version: Mk1 or Mk9)`; property
    names where the CSDB declares them, else their idents; `a|b` reads `a, b` and `1~3` reads `1–3`."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "applic":
        return "; ".join(applic_statement(r, c) for c in el if c.tag in _STATEMENT_TAGS)
    if tag == "assert":
        ident = el.get("applicPropertyIdent")
        if ident is None:
            return text_of(el)
        values = ", ".join(v.replace("~", "–") for v in (el.get("applicPropertyValues") or "").split("|"))
        return f"{r.property_name(ident) or ident}: {values}"
    if tag == "evaluate":
        joint = r.t("applic_and" if el.get("andOr") == "and" else "applic_or")
        kids = [c for c in el if c.tag in _STATEMENT_TAGS]
        parts = [applic_statement(r, c) for c in kids]
        parts = [f"({p})" if c.tag == "evaluate" and len(c) > 1 else p for p, c in zip(parts, kids)]
        return f" {joint} ".join(p for p in parts if p)
    if tag in STATEMENT_READERS:
        return STATEMENT_READERS[tag](r, el)
    return text_of(el)


_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@functools.lru_cache(maxsize=4096)
def humanize(tag: str) -> str:
    """descrForPart -> Descr for part: the label of an element shown as a record."""
    words = _WORD.sub(" ", tag).lower()
    return words[:1].upper() + words[1:]

