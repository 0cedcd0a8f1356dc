"""Data-like S1000D elements shown as labelled records: the element name becomes the label, attributes
become facts, the content goes inside. Content types whose value is the data itself (cross-reference
tables, business rules, learning, service bulletins, and the data parts of others) use it."""

from __future__ import annotations

import functools

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import LEAF_FORMS, PREFIX_HANDLERS, SHOWN_ATTRS, Html, handles, humanize, leaf_html
from ietm.render.content.codelists import attr_code_list, code_name
from ietm.render.content.labels import attr_label, record_label
from ietm.render.content.fastmarkup import escape_str, markup

HIDDEN_ATTRS = {"id", "applicRefId", "applicMapRefId", "changeMark", "changeType", "reasonForUpdateRefIds"}
_HIDDEN = frozenset(HIDDEN_ATTRS)


# Records are the bulk of large data modules (a business-rules module: tens of thousands of elements), so the
# words of each element and attribute are looked up and escaped once, and a record and the records inside it are
# written as pieces of one list, joined once (not a string per record, copied again into each record around it).

@functools.lru_cache(maxsize=4096)
def _words(language: str, tag: str) -> tuple[str, str, str, str, str]:
    """An element's label in the UI language (escaped), the class attributes of its leaf and group forms, and
    their openings when it has no attributes of its own (most elements: then no attribute walk and no facts)."""
    label = escape_str(record_label(language, tag, humanize(tag)))
    leaf_class, group_class = f' class="{escape_str(f"rec leaf r-{tag}")}"', f' class="{escape_str(f"rec r-{tag}")}"'
    return (label, leaf_class, group_class, f'<div{leaf_class}><span class="k">{label}</span> <span class="v">',
            f'<div{group_class}><div class="rec-h">{label} </div><div class="rec-b">')


@functools.lru_cache(maxsize=4096)
def _fact_name(language: str, name: str) -> tuple[str, str | None]:
    """An attribute's name in the UI language (escaped) and its code list, if any."""
    return escape_str(attr_label(language, name, humanize(name))), attr_code_list(name)


def facts(r: Html, el: etree._Element, skip: set[str] | frozenset[str] = _HIDDEN) -> Markup:
    """An element's attributes as `name value` facts, named in the UI language; a code value by its name."""
    return markup(_facts(r.ctx.language, el, skip))


def _facts(language: str, el: etree._Element, skip: set[str] | frozenset[str] = _HIDDEN) -> str:
    items = []
    for k, v in el.items():
        if k in skip or k.startswith("{"):
            continue
        name, codes = _fact_name(language, k)
        items.append(f'<span class="fact"><span class="fk">{name}</span> '
                     f'{escape_str(code_name(codes, v, language) if codes else v)}</span>')
    return f'<span class="facts">{" ".join(items)}</span>' if items else ""


def record(r: Html, el: etree._Element) -> Markup:
    """Leaf elements read as `Label: value`; groups as a labelled box around their content."""
    out: list[str] = []
    _record(r, el, r.ctx.language, out)
    return markup("".join(out))


def _record(r: Html, el: etree._Element, language: str, out: list[str]) -> None:
    """A record's pieces, added to `out`; the records inside it are made here directly, without the dispatch and
    the markup objects of a render each (a business-rules module is tens of thousands of nested records), and so
    are the leaf paragraphs and titles among them (LEAF_FORMS)."""
    tag = el.tag
    label, leaf_class, group_class, leaf_open, group_open = _words(language, tag)
    at = len(out)
    out.append("")  # the opening, once it is known whether the record is a leaf
    text = el.text
    if text:
        out.append(escape_str(text))
    leaf = True
    seen = r.seen
    for child in el:
        ctag = child.tag
        seen.add(child)
        if type(ctag) is str:
            leaf = False
            kind = _KINDS.get(ctag)
            if kind is None:
                kind = _KINDS[ctag] = _kind(ctag)
            if kind is _RECORD:
                _record(r, child, language, out)
            elif kind is _OTHER or len(child) or child.keys():
                out.append(r.render(child))
            else:  # a leaf of a tag with a leaf form: its renderer's markup without its call
                out.append(leaf_html(kind, child.text))
        # (XML comments and processing instructions are not content)
        tail = child.tail
        if tail:
            out.append(escape_str(tail))
    keys = el.keys()
    if keys:
        shown = _facts(language, el)
        if leaf:
            cls = leaf_class if SHOWN_ATTRS.isdisjoint(keys) else r.attrs(el, f"rec leaf r-{tag}")
            out[at] = f'<div{cls}><span class="k">{label}</span> <span class="v">'
            out.append(f"</span> {shown}</div>")
        else:
            cls = group_class if SHOWN_ATTRS.isdisjoint(keys) else r.attrs(el, f"rec r-{tag}")
            out[at] = f'<div{cls}><div class="rec-h">{label} {shown}</div><div class="rec-b">'
            out.append("</div></div>")
    elif leaf:
        out[at] = leaf_open
        out.append("</span> </div>")
    else:
        out[at] = group_open
        out.append("</div></div>")


_RECORD = ("record",)  # a child made by _record
_OTHER = ("other",)  # a child made by its own renderer
_KINDS: dict[str, tuple[str, str]] = {}  # tag -> _RECORD, _OTHER or its leaf form (LEAF_FORMS)


def _kind(tag: str) -> tuple[str, str]:
    if Html.handler_of(tag) is record:
        return _RECORD
    return LEAF_FORMS.get(tag, _OTHER)


def register(*tags: str) -> None:
    handles(*tags)(record)


# Families with hundreds of elements: learning (lc...), service bulletins (sb...), business rules (br...).
for prefix in ("lc", "sb", "br"):
    PREFIX_HANDLERS[prefix] = record

register(
    # learning, service bulletins and business rules outside their prefixes
    "learning", "learningPlan", "learningOverview", "learningContent", "learningSummary", "learningAssessment",
    "sb", "brex", "contextRules", "nonContextRules", "nonContextRule", "structureObjectRuleGroup",
    "structureObjectRule", "objectPath", "objectUse", "objectValue", "notationRuleList", "notationRule",
    "snsRules", "brDoc", "sourceDocRef", "policyStatement",
    # parts of the applicability, condition and product cross-reference tables (the tables: crossref.py)
    "productAttribute", "enumeration", "product", "assign", "condType", "cond",
    "applicCrossRefTableCatalog", "applicCrossRefTableCatalogItem", "prodCrossRefTableRef", "dependency",
    "externalProductAttribute", "displayName", "applic", "displayText", "assert", "evaluate",
    "incorporation", "incorporationStatus", "documentIncorporation", "condIncorporation", "catalogSeqNumberRef",
    "sourceType",
    # common data groups
    "responsiblePartnerCompany", "enterpriseName", "businessUnit", "businessUnitName", "businessUnitAddress",
    "contactInfo", "street", "city", "country", "postOfficeBox", "postalZipCode", "state", "building", "room",
    "department", "internet", "phoneNumber", "faxNumber", "email", "remarks", "remarksGroup", "remarksList",
    "remarkCode", "remarksRefs", "limit", "limitType", "limitRange", "limitRangeFrom", "limitRangeTo",
    "threshold", "thresholdValue", "tolerance", "temperature", "length", "location", "installationLocation",
    "installationInfo", "nextHigherAssy", "s1000dSchemas", "dmTitle", "techName", "infoName",
    "issueInfo", "issueDate", "language", "genericProperty", "genericPropertyGroup", "footnoteRemarks",
    "productionMaintData", "functionalPhysicalAreaRefGroup", "workLocation", "workArea",
    "workAreaLocationGroup", "zoneRefGroup", "supervisorLevel", "configAttributes", "modelName", "changeAuthority",
    "changeAuthorityData", "changeAuthorityDataGroup", "inspectionType", "rqmtSource", "componentAssy", "noInfo",
    "productDefinitionRelationship", "externalAssert", "snsDescr", "snsSystem", "snsSubSystem",
    "snsSubSubSystem", "snsAssy", "snsCode", "snsTitle", "notationName", "taskTitle", "notIllustrated",
    # data groups of other CSDBs (wiring fields, parts, supplies, fault reporting, modification data)
    "accessDoorOrPanel", "accessFrom", "accessPointRefGroup", "accessPointType", "accessTo",
    "accessory", "accessoryGroup", "additionalModification", "address", "altIdent", "altIdentGroup",
    "alteredFromPart", "alteredFromPartDescr", "amperage", "assocWarningMalfunction", "assy", "assyInstruction",
    "attenuation", "barCodeCode", "barCodeSymbol", "behavior", "boundary", "boundaryFrom", "boundaryTo",
    "buyerFurnishedEquipFlag", "calibrationMarker", "circuitBreakerClass", "circuitBreakerDescr",
    "circuitBreakerDescrGroup", "circuitBreakerDescrSubGroup", "circuitBreakerLocation",
    "circuitBreakerRefGroup", "clippingPoint", "coaxialCableFlag", "componentAssyGroup", "conduit", "conduitGroup",
    "connector", "connectorAccessories", "connectorGroup", "contactCount", "contactDescr", "contactDescrGroup",
    "contactDiameter", "contactIdentification", "contactPerson", "contactSize", "customerStockNumber",
    "detailedFaultDescr", "diagnosticProcess", "diagnosticsReason", "distributionPart", "distributionPartGroup",
    "electricalEquipState", "electricalLogic", "electricalStateDescr", "endItemCode", "enterprise", "equipDescrRef",
    "equipName", "equipmentNotAvailable", "fastener", "fastenerQuantity", "fastenerType", "faultCond",
    "faultIsolationRef", "faultMessageBody", "faultySubSystem", "finishingInfo", "fitmentCode", "frequency",
    "frequencyAttenuation", "frequencyCharacteristics", "fullNatoStockNumber", "functionalDescrRef",
    "functionalItemCode", "functionalItemRefGroup", "groundingType", "harnessSize", "hoursToClose", "hoursToOpen",
    "identSleeve", "identSleeveGroup", "illustrationRef", "impedance", "initialProvisioningProjectRef", "itemNumber",
    "limitedPartNumber", "localFabricationMaterial", "mass", "material", "maxDiameter", "maxHarnessSize",
    "minDiameter", "minHarnessSize", "modification", "modificationTitle", "numberOfCores", "optionalPart",
    "orientation", "otherItems", "otherPossibleCause", "outerDiameter", "outerJacketColor", "overLengthPartNumber",
    "packaging", "parameter", "partRefGroup", "physicalChemicalDescr", "placardText", "possibleCauseGroup",
    "preferredSparePart", "preparationInfo", "quantityPerUnit", "rack", "rcmd", "rcmdQuantity", "relatedTask",
    "removalOrInstallationQuantity", "replacementCond", "resistance", "restriction", "retrofit", "screenCount",
    "shelfLife", "shrinkSleeve", "shrinkSleeveGroup", "signalInfo", "size", "sleeveDiameter", "solderSleeve",
    "solderSleeveGroup", "sourcingType", "sparePartClass", "specDocument", "specGroup", "specialTerminal",
    "standardPartGroup", "supersedure", "supplyClassification", "supplyRqmt", "supplyRqmtAltIdent",
    "supplyRqmtAltStatus", "supplyRqmtIdent", "supplyRqmtRef", "supplyRqmtSpec", "supplyRqmtStatus", "supplySet",
    "supplySetGroup", "surfaceProtection", "systemBreakdownCode", "systemIdent", "systemLocation", "systemName",
    "systemPosition", "taskCategory", "techStandard", "thermoCoupleMinus", "thermoCouplePlus", "thresholdInterval",
    "toolRefGroup", "totalQuantity", "transport", "triaxialCableFlag", "typeDesignation",
    "unitOfIssueQualificationSegment", "usage", "voltage", "wallThickness", "warningMalfunction",
    "wireInstallationCode", "wireMaterial", "wireMaterialGroup", "wireRoute", "wiringPossibleCause",
    "wiringPossibleCauseFrom", "wiringPossibleCauseTo", "zoneGroup", "zoneSide", "productItem", "productSafety",
    "safetyCategory", "effectivity", "restrictedOperationNote", "reasonForAmendment", "estimatedTime", "trade",
    "personCategory", "personSkill", "checkList", "checkListInfo", "checkListInterval", "checkListIntervals",
    "checkListItem", "checkListItems", "checkListProcedure", "checkListStep", "specialToolsList", "pubMedia",
    "numberOfPages", "thumbTabText", "logo", "enterpriseInfo", "enterpriseUnit", "division", "enterpriseGroup",
    "enterpriseIdentAlt", "jobTitle", "firstName", "middleName", "lastName", "province",
)
