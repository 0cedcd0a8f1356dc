"""Common information repositories (parts, tools, zones, functional items, warnings, cautions, control
indicators...): each repository item is a labelled record; warnings and cautions keep their boxes."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import Html, handles
from ietm.render.content.records import register
from ietm.render.content.fastmarkup import FastMarkup


@handles("commonRepository")
def repository(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "comrep"), r.children(el))


@handles("warningRepository", "cautionRepository")
def warning_repository(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, f"comrep-{el.tag}"), r.children(el))


@handles("warningSpec", "cautionSpec")
def warning_spec(r: Html, el: etree._Element) -> Markup:
    """A repository's warning or caution looks as it will where procedures refer to it."""
    kind = "warning" if el.tag == "warningSpec" else "caution"
    return FastMarkup('<aside{} role="note" aria-label="{}"><span class="adm-label">{}</span>{}</aside>').format(
        r.attrs(el, f"adm {kind}"), r.t(kind), r.t(kind), r.children(el))


@handles("warningIdent", "cautionIdent")
def warning_ident(r: Html, el: etree._Element) -> Markup:
    ident = el.get("warningIdentNumber") or el.get("cautionIdentNumber") or ""
    return FastMarkup('<div{}><span class="k">{}</span> <span class="v">{}</span></div>').format(
        r.attrs(el, "rec leaf"), r.t("code"), ident)  # its id is where references to the entry land


register(
    "applicRepository", "applicSpec", "applicSpecIdent", "controlIndicatorRepository", "controlIndicatorSpec",
    "controlIndicatorKey", "controlIndicatorName", "controlIndicatorFunction", "controlIndicatorDescr",
    "controlIndicatorGroup", "functionalItemRepository", "functionalItemSpec", "functionalItemIdent",
    "functionalItemAlts", "functionalItem", "functionalItemFamily", "functionalPhysicalAreaRepository",
    "functionalPhysicalAreaSpec", "functionalPhysicalAreaIdent", "partRepository", "partSpec", "partIdent",
    "partAlts", "partUsage", "toolRepository", "toolSpec", "toolIdent", "toolAlts", "tool", "zoneRepository",
    "zoneSpec", "zoneIdent", "zoneAlts", "zone", "enterpriseRepository", "enterpriseSpec", "enterpriseIdent",
    "circuitBreakerRepository", "circuitBreakerSpec", "circuitBreakerIdent", "circuitBreakerAlts", "circuitBreaker",
    "accessPointRepository", "accessPointSpec", "accessPointIdent", "accessPointAlts", "accessPoint",
    "supplyRepository", "supplySpec", "supplyIdent", "supplyAlts", "supply", "supplyRqmtRepository",
    "procurementData", "unitOfMeasure", "itemDescr", "applicabilitySegment",
)
