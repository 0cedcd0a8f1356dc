"""The applicability, conditions and products cross-reference tables (ACT, CCT, PCT) as a writer reads them.

ACT: one row per product attribute (its identifier, name, what it means, the question put to a user, the
values it may take); CCT: the condition types and the conditions, each with its type; PCT: one row per
product and one column per attribute, named as the ACT names them.
"""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, handles, text_of
from ietm.render.content.fastmarkup import FastMarkup


def _table(r: Html, heads: tuple[str, ...], rows: list[Markup], cls: str) -> Markup:
    head = FastMarkup("").join(FastMarkup('<th scope="col">{}</th>').format(h) for h in heads)
    return FastMarkup('<div class="table-wrap"><table class="xref {}"><thead><tr>{}</tr></thead><tbody>{}</tbody>'
                      '</table></div>').format(cls, head, FastMarkup("").join(rows))


def _values(r: Html, el: etree._Element) -> Markup:
    """The values a property may take: its enumerations (with their labels), data type and pattern."""
    items = []
    for enum in el.iterfind("enumeration"):
        r.seen.add(enum)
        values = ", ".join(v.replace("~", "–") for v in (enum.get("applicPropertyValues") or "").split("|"))
        label = enum.get("enumerationLabel")
        items.append(FastMarkup('<li{}><span class="v">{}</span>{}</li>').format(
            r.attrs(enum), values, FastMarkup(" — {}").format(label) if label else EMPTY))
    notes = []
    if el.get("valueDataType") and el.get("valueDataType") != "string":
        notes.append(r.name("datatype", el.get("valueDataType")))
    if el.get("valuePattern"):
        notes.append(r.t("xref_pattern", pattern=el.get("valuePattern")))
    out = FastMarkup('<ul class="xref-values">{}</ul>').format(FastMarkup("").join(items)) if items else EMPTY
    return out + (FastMarkup('<p class="xref-note">{}</p>').format("; ".join(notes)) if notes else EMPTY)


def _about(r: Html, el: etree._Element) -> Markup:
    """A property's description and the question a viewer puts to its user."""
    parts = []
    descr = el.find("descr")
    if descr is not None:
        parts.append(FastMarkup('<div class="xref-descr">{}</div>').format(r.inner(descr)))
        r.seen.add(descr)
    prompt = el.find("prompt")
    if prompt is not None:
        r.seen.add(prompt)
        parts.append(FastMarkup('<p class="xref-prompt"><span class="k">{}</span> {}</p>').format(
            r.t("xref_prompt"), FastMarkup(" ").join(r.inner(c) if isinstance(c.tag, str) else EMPTY for c in prompt)
            if len(prompt) else r.inner(prompt)))
        r.consume(prompt)
    return FastMarkup("").join(parts)


def _name(r: Html, el: etree._Element) -> Markup:
    name, shown = el.find("name"), el.find("displayName")
    for found in (name, shown):
        if found is not None:
            r.seen.add(found)
    text = text_of(name)
    short = text_of(shown)
    if short and short != text:
        return FastMarkup('{} <span class="xref-short">({})</span>').format(r.inner(name) if name is not None else "",
                                                                            r.inner(shown))
    return r.inner(name) if name is not None else (r.inner(shown) if shown is not None else EMPTY)


def _rest(r: Html, el: etree._Element, known: tuple[str, ...]) -> Markup:
    return FastMarkup("").join(r.render(c) for c in el if isinstance(c.tag, str) and c.tag not in known)


_KNOWN = ("name", "displayName", "descr", "prompt", "enumeration")


def property_row(r: Html, el: etree._Element, type_cell: Markup | None = None) -> Markup:
    r.seen.add(el)
    flags = []
    if el.get("productIdentifier") == "primary":
        flags.append(FastMarkup('<p class="xref-note">{}</p>').format(r.t("xref_primary")))
    type_td = FastMarkup("<td>{}</td>").format(type_cell) if type_cell is not None else EMPTY
    return FastMarkup('<tr{}><td class="code">{}</td><td>{}</td>{}<td>{}{}{}</td><td>{}</td></tr>').format(
        r.attrs(el), el.get("id", ""), _name(r, el), type_td, _about(r, el), FastMarkup("").join(flags),
        _rest(r, el, _KNOWN), _values(r, el))


@handles("applicCrossRefTable", "condCrossRefTable")
def cross_ref_table(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, f"xref-tables {el.tag}"), r.children(el))


@handles("productAttributeList")
def attribute_list(r: Html, el: etree._Element) -> Markup:
    rows = [property_row(r, c) for c in el if c.tag == "productAttribute"]
    heads = (r.t("cir_ident"), r.t("name"), r.t("description"), r.t("xref_values"))
    return FastMarkup("<section{}><h2>{}</h2>{}{}</section>").format(
        r.attrs(el, "xref-attributes"), r.t("xref_attributes"), _table(r, heads, rows, "attributes"),
        _rest(r, el, ("productAttribute",)))


@handles("condTypeList")
def condition_types(r: Html, el: etree._Element) -> Markup:
    rows = [property_row(r, c) for c in el if c.tag == "condType"]
    heads = (r.t("cir_ident"), r.t("name"), r.t("description"), r.t("xref_values"))
    return FastMarkup("<section{}><h2>{}</h2>{}{}</section>").format(
        r.attrs(el, "xref-condition-types"), r.t("xref_condition_types"), _table(r, heads, rows, "condition-types"),
        _rest(r, el, ("condType",)))


@handles("condList")
def conditions(r: Html, el: etree._Element) -> Markup:
    types = {t.get("id"): t for t in el.getroottree().iter("condType") if t.get("id")}
    rows = []
    for cond in el.iterfind("cond"):
        ctype = types.get(cond.get("condTypeRefId") or "")
        type_cell = FastMarkup('{} <span class="code">{}</span>').format(text_of(ctype.find("name")), ctype.get("id")) \
            if ctype is not None else FastMarkup("{}").format(cond.get("condTypeRefId") or "")
        rows.append(property_row(r, cond, type_cell))
    heads = (r.t("cir_ident"), r.t("name"), r.t("xref_type"), r.t("description"), r.t("xref_values"))
    return FastMarkup("<section{}><h2>{}</h2>{}{}</section>").format(
        r.attrs(el, "xref-conditions"), r.t("xref_conditions"), _table(r, heads, rows, "conditions"),
        _rest(r, el, ("cond",)))


@handles("condCrossRefTableRef", "productCrossRefTableRef", "applicCrossRefTableRef")
def table_ref(r: Html, el: etree._Element) -> Markup:
    key = {"condCrossRefTableRef": "xref_cct", "productCrossRefTableRef": "xref_pct",
           "applicCrossRefTableRef": "xref_act"}[el.tag]
    return FastMarkup('<p{}><span class="k">{}</span> {}</p>').format(r.attrs(el, "xref-ref"), r.t(key), r.children(el))


def _product_rows(r: Html, products: list[etree._Element]) -> tuple[list[str], list[Markup]]:
    idents: list[str] = []
    for p in products:
        for a in p.iterfind("assign"):
            ident = a.get("applicPropertyIdent", "")
            if ident not in idents:
                idents.append(ident)
    rows = []
    for p in products:
        r.seen.add(p)
        values: dict[str, list[str]] = {}
        for a in p.iterfind("assign"):
            r.seen.add(a)
            values.setdefault(a.get("applicPropertyIdent", ""), []).append(a.get("applicPropertyValue", ""))
        cells = FastMarkup("").join(FastMarkup("<td>{}</td>").format(", ".join(values.get(i, []))) for i in idents)
        rest = _rest(r, p, ("assign",))
        rows.append(FastMarkup('<tr{}><th scope="row">{}</th>{}{}</tr>').format(
            r.attrs(p), p.get("id", ""), cells,
            FastMarkup("<td>{}</td>").format(rest) if rest else EMPTY))
    return idents, rows


@handles("productCrossRefTable")
def products(r: Html, el: etree._Element) -> Markup:
    found = [c for c in el if c.tag == "product"]
    idents, rows = _product_rows(r, found)
    heads = (r.t("xref_product"), *[r.property_name(i) or i for i in idents])
    return FastMarkup("<div{}><h2>{}</h2>{}{}</div>").format(
        r.attrs(el, "xref-tables productCrossRefTable"), r.t("xref_products"), _table(r, heads, rows, "products"),
        _rest(r, el, ("product",)))
