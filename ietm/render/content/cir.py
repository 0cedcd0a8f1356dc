"""References into common information repositories (CIR), resolved at render time.

A procedure names its warnings, cautions, tools, supplies and parts by ident number; the text a technician must
read lives in a repository module (comrep: 0A4 warnings, 0A5 cautions, 00N tools, 00L supplies, 00G parts...).
`index_repository` lists the entries of one repository module under every ident form a reference can use;
the caller (ietm.web.site) merges the modules of a CSDB per language and injects the lookup as
`RenderContext.repository`. Without it, or for an ident no repository holds, references show their identifier.

Ident forms looked up, most specific first: `MODULE#CAGE:NUMBER`, `MODULE#NUMBER`, `CAGE:NUMBER`, `NUMBER`
(MODULE = the key of the repository module a reference names in its dmRef, CAGE = manufacturerCodeValue).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree
from markupsafe import Markup

from ietm.parse.codes import Language
from ietm.parse.model import CIR_REFS, dm_ref_key
from ietm.render.content.base import EMPTY, Html, handles, text_of
from ietm.render.content.records import record
from ietm.render.content.fastmarkup import FastMarkup

#: kind -> (repository entry element, its identifying child (None: the entry itself), number attribute)
ENTRIES: dict[str, tuple[str, str | None, str]] = {
    "warning": ("warningSpec", "warningIdent", "warningIdentNumber"),
    "caution": ("cautionSpec", "cautionIdent", "cautionIdentNumber"),
    "tool": ("toolSpec", "toolIdent", "toolNumber"),
    "supply": ("supplySpec", "supplyIdent", "supplyNumber"),
    "part": ("partSpec", "partIdent", "partNumberValue"),
    "functionalItem": ("functionalItemSpec", "functionalItemIdent", "functionalItemNumber"),
    "zone": ("zoneSpec", "zoneIdent", "zoneNumber"),
    "controlIndicator": ("controlIndicatorSpec", None, "controlIndicatorNumber"),
    "circuitBreaker": ("circuitBreakerSpec", "circuitBreakerIdent", "circuitBreakerNumber"),
    "accessPoint": ("accessPointSpec", "accessPointIdent", "accessPointNumber"),
}

#: reference element -> (kind, number attribute): ietm.parse.model.CIR_REFS, less applicability (applicRef is
#: resolved where applicability is, in base.Html.applic_pairs)
REFS: dict[str, tuple[str, str]] = {tag: v for tag, v in CIR_REFS.items() if v[0] != "applic"}

#: references shown as labelled records (with their attributes) when no repository entry answers
RECORD_REFS = ("supplyRef", "circuitBreakerRef", "accessPointRef")
CAGE = "manufacturerCodeValue"
#: where an entry keeps the name a reader knows it by, best first
NAMES = ("name", "itemIdentData/shortName", "itemIdentData/descrForPart", "shortName", "controlIndicatorName",
         "descrForPart", ".//itemDescr")


def idents(number: str, cage: str | None = None, module: str | None = None) -> list[str]:
    """The ident forms of one entry (or one reference), most specific first."""
    plain = [f"{cage}:{number}", number] if cage else [number]
    return [f"{module}#{p}" for p in plain] + plain if module else plain


def module_key(root: etree._Element) -> str | None:
    ident = root.find("identAndStatusSection/dmAddress/dmIdent")
    return dm_ref_key(ident) if ident is not None else None


def index_repository(root: etree._Element) -> Iterator[tuple[tuple[str, str], etree._Element]]:
    """((kind, ident), entry) for each entry of a repository module, under each of its ident forms."""
    key = module_key(root)
    for kind, (spec, ident_tag, attr) in ENTRIES.items():
        for entry in root.iterfind(f"content/commonRepository//{spec}"):
            ident = entry if ident_tag is None else entry.find(ident_tag)
            number = ident.get(attr) if ident is not None else None
            if number:
                for form in idents(number, ident.get(CAGE)):
                    yield (kind, form), entry
                    if key:
                        yield (kind, f"{key}#{form}"), entry


def resolve(r: Html, kind: str, number: str | None, cage: str | None = None,
            ref: etree._Element | None = None) -> etree._Element | None:
    """The repository entry a reference names, or None (no repository lookup, or no such entry)."""
    lookup = r.ctx.repository
    if lookup is None or not number:
        return None
    dm_ident = ref.find("dmRef/dmRefIdent") if ref is not None else None
    module = dm_ref_key(dm_ident) if dm_ident is not None else None
    for form in idents(number, cage, module):
        found = lookup(kind, form)
        if found is not None:
            return found
    return None


def resolve_ref(r: Html, el: etree._Element) -> etree._Element | None:
    kind, attr = REFS[el.tag]
    return resolve(r, kind, el.get(attr), el.get(CAGE), el)


def entry_name(entry: etree._Element) -> str:
    for path in NAMES:
        found = entry.find(path)
        if found is not None and text_of(found):
            return text_of(found)
    return ""


def entry_link(r: Html, entry: etree._Element, shown: Markup | str) -> Markup:
    """`shown` linked to the entry in its repository module (same language copy), or as text if unlinkable."""
    root = entry.getroottree().getroot()
    key = module_key(root)
    ident = root.find("identAndStatusSection/dmAddress/dmIdent")
    lang = Language.from_xml(ident.find("language")) if ident is not None else None
    fragment = entry.get("id") or _ident_id(entry)
    url = r.ctx.links.dm(key, None, str(lang) if lang else None, fragment) if key else None
    if url is None:
        return FastMarkup('<span class="cir-name">{}</span>').format(shown)
    return FastMarkup('<a class="ref cir" href="{}" data-key="{}">{}</a>').format(url, key, shown)


def _ident_id(entry: etree._Element) -> str | None:
    """The id of an entry's identifying child (Bike repositories put it there, not on the entry)."""
    ident_tag = next((i for spec, i, _ in ENTRIES.values() if spec == entry.tag), None)
    ident = entry.find(ident_tag) if ident_tag else None
    return ident.get("id") if ident is not None and ident.get("id") else None


def repository_title(r: Html, entry: etree._Element) -> str:
    """The repository module's own title (in its language), else the CSDB's title for it, else its code."""
    root = entry.getroottree().getroot()
    title = root.find("identAndStatusSection/dmAddress/dmAddressItems/dmTitle")
    if title is not None:
        tech, info = text_of(title.find("techName")), text_of(title.find("infoName"))
        if tech or info:
            return f"{tech} - {info}" if tech and info else tech or info
    key = module_key(root)
    return (r.ctx.titles(key) if key else None) or key or ""


# -- inline references to tools, supplies, parts and other repository items --------------------------------


@handles(*(tag for tag, (kind, _) in REFS.items() if kind not in ("warning", "caution")))
def item_ref(r: Html, el: etree._Element) -> Markup:
    """A repository item named inline or in a requirement row: its name, its number, linked to its entry."""
    entry = resolve_ref(r, el)
    if entry is None:
        if el.tag in RECORD_REFS:
            return record(r, el)
        from ietm.render.content.common import inline_span  # the identifier as written (circular import)

        return inline_span(r, el)
    kind, attr = REFS[el.tag]
    own = r.inner(el) if text_of(el) else EMPTY  # a reference's own text (a zoneRef's name) stays
    name = entry_name(entry)
    shown = own or name or el.get(attr, "")
    # what else tells this item from another of the same number: its manufacturer, the context it is used in
    idents = [x for x in ((el.get(attr) if (own or name) else None), el.get(CAGE), el.get("contextIdent")) if x]
    code = FastMarkup(' <span class="code">{}</span>').format(" · ".join(idents)) if idents else EMPTY
    return FastMarkup('<span{}>{}{}</span>').format(
        r.attrs(el, f"cir-ref {el.tag}", data_repository_ref=el.get(attr), data_repository_kind=kind),
        entry_link(r, entry, shown), code)


# -- warnings and cautions --------------------------------------------------------------------------------


def guard_from_repository(r: Html, el: etree._Element, ack: str | None) -> Markup | None:
    """A warningRef/cautionRef shown with the repository's text, or None when the entry is not found."""
    entry = resolve_ref(r, el)
    if entry is None:
        return None
    kind, attr = REFS[el.tag]
    ident = el.get(attr, "")
    r.consume(el)  # its dmRef is the source link below
    ident_tag = ENTRIES[kind][1]
    body = FastMarkup("").join(r.render(c) for c in entry if c.tag != ident_tag)
    source = FastMarkup('<p class="adm-source"><span class="code">{}</span> {}</p>').format(
        ident, entry_link(r, entry, repository_title(r, entry)))
    extra = FastMarkup(' data-ack="{}"').format(ack) if ack else EMPTY
    button = FastMarkup('<button type="button" class="ack-btn" data-ack-for="{}">{}</button>').format(
        ack, r.t("acknowledge")) if ack else EMPTY
    return FastMarkup('<aside{}{} role="note" aria-label="{}"><span class="adm-label">{}</span>{}{}{}</aside>').format(
        r.attrs(el, f"adm {kind} adm-ref adm-resolved", data_repository_ref=ident), extra, r.t(kind), r.t(kind),
        body, source, button)
