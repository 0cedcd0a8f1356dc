"""Data-like S1000D elements shown as labelled records: the element name becomes the label, attributes
become facts, the content goes inside. Content types whose value is the data itself (cross-reference
tables, business rules, learning, service bulletins, and the data parts of others) use it."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, PREFIX_HANDLERS, Html, handles, humanize

HIDDEN_ATTRS = {"id", "applicRefId", "changeMark", "changeType", "reasonForUpdateRefIds"}


def facts(el: etree._Element) -> Markup:
    shown = [(k, v) for k, v in el.attrib.items() if k not in HIDDEN_ATTRS and not k.startswith("{")]
    if not shown:
        return EMPTY
    return Markup('<span class="facts">{}</span>').format(Markup(" ").join(
        Markup('<span class="fact"><span class="fk">{}</span> {}</span>').format(humanize(k), v) for k, v in shown))


def record(r: Html, el: etree._Element) -> Markup:
    """Leaf elements read as `Label: value`; groups as a labelled box around their content."""
    label = humanize(el.tag)
    if not any(isinstance(c.tag, str) for c in el):
        return Markup('<div{}><span class="k">{}</span> <span class="v">{}</span> {}</div>').format(
            r.attrs(el, f"rec leaf r-{el.tag}"), label, r.inner(el), facts(el))
    return Markup('<div{}><div class="rec-h">{} {}</div><div class="rec-b">{}</div></div>').format(
        r.attrs(el, f"rec r-{el.tag}"), label, facts(el), r.inner(el))


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
    # applicability, condition and product cross-reference tables
    "applicCrossRefTable", "productAttributeList", "productAttribute", "enumeration", "productCrossRefTable",
    "product", "assign", "condCrossRefTable", "condTypeList", "condType", "condList", "cond",
    "applicCrossRefTableCatalog", "applicCrossRefTableCatalogItem", "applicCrossRefTableRef",
    "condCrossRefTableRef", "productCrossRefTableRef", "prodCrossRefTableRef", "dependency",
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
    "snsSubSubSystem", "snsAssy", "snsCode", "snsTitle", "notationName", "taskTitle", "notIllustrated", "supplyRef",
)
