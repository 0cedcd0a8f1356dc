"""Common information repositories (CIR): parts, tools, supplies, zones, functional items, circuit breakers,
access points, controls and indicators, organisations, functional and physical areas, applicability,
warnings and cautions, each shown as a technician or writer looks one up.

Every repository is a table with one row per entry: what identifies it (its number, manufacturer code and
other identifying facts), its name, everything else it says (alternatives with their applicability, technical
and procurement data...), and where the CSDB uses it (the data modules that refer to it, linked). A warning
or caution looks as it will where procedures refer to it; an applicability entry shows its display text and
the statement spelled out. A row carries the entry's id, so references from procedures land on it.
"""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, applic_statement, handles, text_of
from ietm.render.content.cir import CAGE, ENTRIES, NAMES
from ietm.render.content.fastmarkup import FastMarkup, escape_str, markup
from ietm.render.content.records import facts, register

#: entry element -> (kind of entry, identifying child (None: the entry itself), number attribute)
SPECS: dict[str, tuple[str, str | None, str]] = {
    **{spec: (kind, ident, attr) for kind, (spec, ident, attr) in ENTRIES.items()},
    "applicSpec": ("applic", "applicSpecIdent", "applicIdentValue"),
    "enterpriseSpec": ("enterprise", "enterpriseIdent", CAGE),
    "supplyRqmtSpec": ("supplyRqmt", "supplyRqmtIdent", "supplyRqmtNumber"),
    "functionalPhysicalAreaSpec": ("functionalPhysicalArea", "functionalPhysicalAreaIdent", ""),
}
#: the SNS code parts that identify a functional or physical area, in order
_SNS = ("systemDiffCode", "systemCode", "subSystemCode", "subSubSystemCode", "assyCode")
#: attributes of an identifying element that are not facts a reader needs again (the number, ids)
_NOT_SHOWN = {"id", "applicRefId", "applicMapRefId", "changeMark", "changeType", "reasonForUpdateRefIds", CAGE, *_SNS}


@handles("commonRepository")
def repository(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "comrep"), r.children(el))


@handles("applicRepository", "cautionRepository", "circuitBreakerRepository", "controlIndicatorRepository",
         "enterpriseRepository", "functionalItemRepository", "functionalPhysicalAreaRepository", "partRepository",
         "supplyRepository", "supplyRqmtRepository", "toolRepository", "warningRepository", "zoneRepository",
         "accessPointRepository", "controlIndicatorGroup")
def repository_table(r: Html, el: etree._Element) -> Markup:
    """A repository (or a group of it): its entries as table rows, anything else in its place between them."""
    parts: list[Markup] = []
    rows: list[Markup] = []
    for child in el:
        if isinstance(child.tag, str) and child.tag in SPECS:
            rows.append(entry_row(r, child))
            continue
        if rows:
            parts.append(_table(r, rows))
            rows = []
        parts.append(r.render(child))
    if rows:
        parts.append(_table(r, rows))
    heading = FastMarkup("<h2>{}</h2>").format(r.t(f"cir_{el.tag}")) if el.tag != "controlIndicatorGroup" else EMPTY
    return FastMarkup('<section{}>{}{}</section>').format(r.attrs(el, f"cir-repository {el.tag}"), heading,
                                                          FastMarkup("").join(parts))


def _table(r: Html, rows: list[Markup]) -> Markup:
    head = FastMarkup("").join(FastMarkup('<th scope="col">{}</th>').format(r.t(k))
                               for k in ("cir_ident", "name", "cir_details", "cir_used"))
    return FastMarkup('<div class="table-wrap"><table class="cir-table"><thead><tr>{}</tr></thead>'
                      '<tbody>{}</tbody></table></div>').format(head, FastMarkup("").join(rows))


def entry_row(r: Html, entry: etree._Element) -> Markup:
    r.seen.add(entry)
    kind, ident_tag, attr = SPECS[entry.tag]
    ident = entry if ident_tag is None else entry.find(ident_tag)
    number = _number(entry, ident, attr)
    skip = {ident_tag} if ident_tag else set()
    if kind == "applic":
        name, details = _applic_entry(r, entry)
    elif kind in ("warning", "caution"):
        name = EMPTY
        details = FastMarkup('<aside class="adm {}" role="note" aria-label="{}"><span class="adm-label">{}</span>{}</aside>'
                             ).format(kind, r.t(kind), r.t(kind), r.children(entry, *[c.tag for c in entry
                                                                                     if c.tag not in skip]))
    else:
        name_el = _name_element(entry)
        name = r.inner(name_el) if name_el is not None else EMPTY
        if name_el is not None:
            r.seen.add(name_el)
            skip_el = name_el
        else:
            skip_el = None
        details = FastMarkup("").join(r.render(c) for c in entry
                                      if isinstance(c.tag, str) and c.tag not in skip and c is not skip_el)
    own = facts(r, entry, skip={"id", *_NOT_SHOWN})
    ident_cell = FastMarkup('<td class="cir-ident"{}><span class="cir-number">{}</span>{}{}</td>').format(
        FastMarkup(' id="{}"').format(ident.get("id")) if ident is not None and ident is not entry and ident.get("id")
        else EMPTY,
        number, _cage(r, ident), facts(r, ident, skip=_NOT_SHOWN | {attr}) if ident is not None and ident is not entry
        else EMPTY)
    if ident is not None and ident is not entry:
        r.seen.add(ident)
    return FastMarkup('<tr{}>{}<td class="cir-name">{}</td><td class="cir-details">{}{}</td><td class="cir-used">{}</td>'
                      '</tr>').format(r.attrs(entry, f"cir-entry cir-{kind}"), ident_cell, name, own, details,
                                      _uses(r, kind, number))


def _number(entry: etree._Element, ident: etree._Element | None, attr: str) -> str:
    if ident is None:
        return ""
    if entry.tag == "functionalPhysicalAreaSpec":  # identified by its SNS code
        return "-".join(ident.get(a) for a in _SNS if ident.get(a))
    return ident.get(attr, "")


def _cage(r: Html, ident: etree._Element | None) -> Markup:
    if ident is None or not ident.get(CAGE) or ident.tag == "enterpriseIdent":
        return EMPTY
    return FastMarkup(' <span class="fld"><span class="k">{}</span> {}</span>').format(r.t("cage"), ident.get(CAGE))


def _name_element(entry: etree._Element) -> etree._Element | None:
    for path in NAMES:
        found = entry.find(path)
        if found is not None and text_of(found):
            return found
    return None


def _applic_entry(r: Html, entry: etree._Element) -> tuple[Markup, Markup]:
    """An applicability annotation: its display text (the name a writer gives it) and the statement."""
    applic = entry.find("applic")
    if applic is None and entry.get("applicMapRefId"):
        applic = r.ids.get(entry.get("applicMapRefId"))
    if applic is None:
        return EMPTY, FastMarkup('<span class="broken-ref">{}</span>').format(
            r.t("applic_missing", ref=entry.get("applicMapRefId") or ""))
    r.consume(applic)
    shown = text_of(applic.find("displayText"))
    statement = applic_statement(r, applic)
    rest = FastMarkup("").join(r.render(c) for c in entry if isinstance(c.tag, str)
                               and c.tag not in ("applicSpecIdent", "applic"))
    return FastMarkup("{}").format(shown or statement), FastMarkup(
        '<p class="applic-statement"><span class="k">{}</span> {}</p>{}').format(r.t("applic_statement"), statement, rest)


def _uses(r: Html, kind: str, number: str) -> Markup:
    """The data modules that refer to this entry, linked; a dash when none does (or it cannot be known)."""
    uses = r.ctx.uses
    if uses is None or not number:
        return FastMarkup("—")
    found = uses(kind, number)
    if not found:
        return FastMarkup('<span class="cir-unused">{}</span>').format(r.t("cir_unused"))
    # (f-strings over escaped parts: an entry of a large CSDB is used by thousands of modules, and a module that
    # uses several entries of the repository is listed under each: its item is made once for the page)
    made = r.ctx.shared.get("cir_uses")
    if made is None:
        made = r.ctx.shared["cir_uses"] = {}
    dm = r.ctx.links.dm
    for use in set(found).difference(made):  # (the items not made yet; then the list is joined without a Python loop)
        key, title = use
        url = dm(key)
        code, shown = escape_str(key), escape_str(title)
        link = f'<a class="ref dmref" href="{escape_str(url)}" data-key="{code}">{shown}</a>' if url else shown
        made[use] = f'<li>{link} <span class="code">{code}</span></li>'
    return markup(f'<ul class="cir-uses">{"".join(map(made.__getitem__, found))}</ul>')


@handles("warningIdent", "cautionIdent")
def warning_ident(r: Html, el: etree._Element) -> Markup:
    ident = el.get("warningIdentNumber") or el.get("cautionIdentNumber") or ""
    return FastMarkup('<div{}><span class="k">{}</span> <span class="v">{}</span></div>').format(
        r.attrs(el, "rec leaf"), r.t("code"), ident)  # its id is where references to the entry land


@handles("warningSpec", "cautionSpec")
def warning_spec(r: Html, el: etree._Element) -> Markup:
    """A warning or caution entry outside a repository table looks as it will where procedures refer to it."""
    kind = "warning" if el.tag == "warningSpec" else "caution"
    return FastMarkup('<aside{} role="note" aria-label="{}"><span class="adm-label">{}</span>{}</aside>').format(
        r.attrs(el, f"adm {kind}"), r.t(kind), r.t(kind), r.children(el))


register(
    "applicSpecIdent", "controlIndicatorSpec", "controlIndicatorKey", "controlIndicatorName",
    "controlIndicatorFunction", "controlIndicatorDescr", "functionalItemIdent", "functionalItemAlts",
    "functionalItem", "functionalItemFamily", "functionalPhysicalAreaIdent", "partIdent", "partAlts", "partUsage",
    "toolIdent", "toolAlts", "tool", "zoneIdent", "zoneAlts", "zone", "enterpriseIdent", "circuitBreakerIdent",
    "circuitBreakerAlts", "circuitBreaker", "accessPointIdent", "accessPointAlts", "accessPoint", "supplyIdent",
    "supplyAlts", "supply", "procurementData", "unitOfMeasure", "itemDescr", "applicabilitySegment",
    "partSpec", "toolSpec", "zoneSpec", "enterpriseSpec", "circuitBreakerSpec", "accessPointSpec", "supplySpec",
    "supplyRqmtSpec", "functionalItemSpec", "functionalPhysicalAreaSpec", "applicSpec",
)
