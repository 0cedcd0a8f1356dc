"""Product instances of CSDB objects: inapplicable content removed, the result still schema-valid.

For one product (or a set of attribute values) each `applicRefId` annotation is evaluated:
False removes the annotated element, True makes the annotation pointless so it is dropped, unknown keeps both
(see `ietm.applic.expr` for the rules). Then, as s1kd-instance does, `applic` entries nothing refers to any
more leave `referencedApplicGroup` (which goes when empty), and the status `applic` says which product the
instance is for, with `sourceDmIdent`/`sourcePmIdent` naming the master it was made from.

Removing elements can leave a parent without content the schema requires; `repair` handles the S1000D
structures where that happens (empty alternatives, lists, table bodies, requirement groups, procedures).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import etree

from ietm.applic.expr import Assignment, evaluate_for
from ietm.applic.tables import Property

NOT_APPLICABLE = "Not applicable to this product."

#: requirement groups whose last entry was removed become the schema's explicit "none" element
_NONE_INSTEAD = {
    "supplyDescrGroup": ("reqSupplies", "noSupplies"),
    "supportEquipDescrGroup": ("reqSupportEquips", "noSupportEquips"),
    "spareDescrGroup": ("reqSpares", "noSpares"),
}
_NONE_WHEN_EMPTY = {"safetyRqmts": ("reqSafety", "noSafety")}
#: containers that are dropped when nothing of what they must hold is left
_DROP_WHEN_EMPTY = {
    "randomList": ("listItem",),
    "sequentialList": ("listItem",),
    "definitionList": ("definitionListItem",),
    "tbody": ("row",),
    "tgroup": ("tbody",),
    "table": ("tgroup", "graphic"),
    "figure": ("graphic",),
    "multimedia": ("multimediaObject",),
    "dmSeq": ("dmNode", "dmNodeAlts"),
    "pmEntry": ("dmRef", "pmRef", "pmEntry", "externalPubRef", "dmRefAlts"),
    "reqPersons": ("person", "personnel", "personCategory"),
    "reqTechInfo": ("dmRef", "pmRef", "externalPubRef"),
    "reqTechInfoGroup": ("reqTechInfo",),
    "functionalItemRepository": ("functionalItemSpec",),
    "zoneRepository": ("zoneSpec",),
    "commonRepository": (),
    "reqCondGroup": ("reqCondNoRef", "reqCondDm", "reqCondPm", "reqCondExternalPub", "reqCondCircuitBreaker", "noConds"),
}
#: containers the schema requires, kept with a "not applicable" entry when emptied
_PLACEHOLDER = {
    "mainProcedure": ("proceduralStep", "proceduralStepAlts"),
    "proceduralStep": None,  # a step without any content left
    "levelledPara": None,
}


#: children of `content` that are not content themselves: when only these are left, nothing applies
_NOT_CONTENT = ("refs", "referencedApplicGroup", "referencedApplicGroupRef", "warningsAndCautions", "warningsAndCautionsRef")


@dataclass
class Result:
    applicable: bool | None  # the whole object (status applic); False means the object is not written
    removed: list[tuple[str, int | None]] = field(default_factory=list)  # (element, line in the master)
    placeholders: int = 0
    emptied: bool = False  # nothing of the content is left for this product: the object is not written


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _remove(el: etree._Element) -> None:
    """Detach an element, keeping its tail text (mixed content) with the preceding node."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _placeholder(tag: str) -> etree._Element:
    para = etree.Element("para")
    para.text = NOT_APPLICABLE
    if tag == "mainProcedure":
        step = etree.Element("proceduralStep")
        step.append(para)
        return step
    return para


def repair(parent: etree._Element | None, result: Result) -> None:
    """Walk up from where content was removed, fixing each container the removal emptied."""
    while parent is not None:
        tag = parent.tag
        kids = _elements(parent)
        up = parent.getparent()
        if tag.endswith("Alts") and not kids:
            _remove(parent)
            if up is not None and up.tag.endswith("Spec"):  # a repository entry with no alternative left
                parent, up = up, up.getparent()
                _remove(parent)
        elif tag in _NONE_INSTEAD and not kids and up is not None and up.tag == _NONE_INSTEAD[tag][0]:
            up.replace(parent, etree.Element(_NONE_INSTEAD[tag][1]))
        elif tag in _NONE_WHEN_EMPTY and not any(k.tag in ("warning", "caution", "safetyCond") for k in kids) \
                and up is not None and up.tag == _NONE_WHEN_EMPTY[tag][0]:
            up.replace(parent, etree.Element(_NONE_WHEN_EMPTY[tag][1]))
        elif tag in _DROP_WHEN_EMPTY and not any(k.tag in _DROP_WHEN_EMPTY[tag] or not _DROP_WHEN_EMPTY[tag] for k in kids):
            _remove(parent)
        elif tag in _PLACEHOLDER:
            needed = _PLACEHOLDER[tag]
            content = [k for k in kids if k.tag not in ("title", "warning", "caution", "note")]
            if (needed and not any(k.tag in needed for k in kids)) or (needed is None and not content):
                parent.append(_placeholder(tag))
                result.placeholders += 1
        else:
            if kids or (parent.text or "").strip():
                return  # the container still holds something: nothing further up can have emptied
        parent = up


def _status(root: etree._Element) -> etree._Element | None:
    for path in ("identAndStatusSection/dmStatus", "identAndStatusSection/pmStatus"):
        status = root.find(path)
        if status is not None:
            return status
    return None


def remove_and_repair(el: etree._Element, result: Result) -> None:
    parent = el.getparent()
    _remove(el)
    repair(parent, result)


def _product_expr(assignment: Assignment, properties: dict[str, Property]) -> etree._Element | None:
    """One product's values as an assert, or an `and` of asserts (None when it assigns nothing)."""
    asserts = []
    for ident, value in assignment.items():
        a = etree.Element("assert")
        a.set("applicPropertyIdent", ident)
        a.set("applicPropertyType", properties[ident].type if ident in properties else "prodattr")
        a.set("applicPropertyValues", value)
        asserts.append(a)
    if len(asserts) <= 1:
        return asserts[0] if asserts else None
    ev = etree.Element("evaluate", andOr="and")
    ev.extend(asserts)
    return ev


def _product_applic(label: str, assignments: list[Assignment], properties: dict[str, Property]) -> etree._Element:
    """The status applic of an instance: the product's values; for several products, any one of them."""
    applic = etree.Element("applic")
    para = etree.SubElement(etree.SubElement(applic, "displayText"), "simplePara")
    para.text = label
    exprs = [e for e in (_product_expr(a, properties) for a in assignments) if e is not None]
    if len(exprs) == 1:
        applic.append(exprs[0])
    elif exprs:
        ev = etree.SubElement(applic, "evaluate", andOr="or")
        ev.extend(exprs)
    return applic


def _set_source(root: etree._Element, status: etree._Element) -> None:
    """sourceDmIdent / sourcePmIdent: the first child of the status section, a copy of the master's identity."""
    kind = "dm" if status.tag == "dmStatus" else "pm"
    ident = root.find(f"identAndStatusSection/{kind}Address/{kind}Ident")
    if ident is None:
        return
    tag = "sourceDmIdent" if kind == "dm" else "sourcePmIdent"
    old = status.find(tag)
    if old is not None:
        status.remove(old)
    source = etree.Element(tag)
    for child in _elements(ident):
        if kind == "pm" and child.tag == "identExtension":
            continue
        source.append(copy.deepcopy(child))
    source.tail = status.text
    status.insert(0, source)


def make_instance(
    root: etree._Element,
    annotations: dict[str, etree._Element | None],
    assignment: Assignment | list[Assignment],
    label: str,
    properties: dict[str, Property] | None = None,
    whole: tuple[etree._Element | None, etree._Element | None] | None = None,
) -> Result:
    """Filter one object in place. Returns what was removed; `applicable` False means leave the object out.

    `whole` is (status applic or applicRef element, the applic it stands for), from
    `Applicability.whole(root)`; by default the status's own applic. A list of assignments makes one
    instance for several products: what applies to none of them goes, what applies to all loses its
    annotation, the rest stays annotated (see `evaluate_for`)."""
    assignments = assignment if isinstance(assignment, list) else [assignment]
    status = _status(root)
    if whole is None:
        own = status.find("applic") if status is not None else None
        whole = (own, own)
    marker, statement = whole
    result = Result(evaluate_for(statement, assignments) if statement is not None else None)
    if result.applicable is False:
        return result
    values = {ident: (evaluate_for(a, assignments) if a is not None else None) for ident, a in annotations.items()}
    content = root.find("content")
    if content is not None:
        annotated = content.xpath(".//*[@applicRefId]")  # one XPath pass: modules hold thousands of elements
        doomed = [el for el in annotated if values.get(el.get("applicRefId")) is False]
        doomed_set = set(doomed)
        for el in doomed:
            if any(anc in doomed_set for anc in el.iterancestors()):
                continue  # goes with its removed ancestor
            result.removed.append((el.tag, el.sourceline))
            remove_and_repair(el, result)
        for el in annotated:
            if values.get(el.get("applicRefId")) is True:
                del el.attrib["applicRefId"]  # applies to this product without condition
        _drop_unused(root, content)
        result.emptied = bool(result.removed) and not any(k.tag not in _NOT_CONTENT for k in _elements(content))
    if status is not None:
        if marker is not None:  # the instance applies to this product: say so where the master said where it applied
            new = _product_applic(label, assignments, properties or {})
            new.tail = marker.tail
            status.replace(marker, new)
        _set_source(root, status)
    return result


#: attributes that point at an `applic` by id: content annotations, repository specs, CCT dependencies
_APPLIC_POINTERS = ("applicRefId", "applicMapRefId", "dependencyTest")


_POINTERS_XPATH = etree.XPath(" | ".join(f"//@{a}" for a in _APPLIC_POINTERS))


def _drop_unused(root: etree._Element, content: etree._Element) -> None:
    if content.find("referencedApplicGroup") is None and content.find("referencedApplicGroupRef") is None:
        return
    used = {str(v) for v in _POINTERS_XPATH(root)}
    for group, item in (("referencedApplicGroup", "applic"), ("referencedApplicGroupRef", "applicRef")):
        for g in content.findall(group):
            for a in g.findall(item):
                if a.get("id") not in used:
                    _remove(a)
            if not _elements(g):
                _remove(g)
