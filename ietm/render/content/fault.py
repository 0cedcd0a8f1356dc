"""Fault isolation and fault reporting. An isolation procedure becomes a set of nodes (questions and ends)
whose answers link to the next node: readable as a whole tree without scripts, walked one question at a
time by viewer/static/js/fault.js."""

from __future__ import annotations

import re

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, handles, text_of
from ietm.render.content.cir import entry_name, resolve
from ietm.render.content.procedural import module_state_attrs
from ietm.render.content.records import register
from ietm.render.content.fastmarkup import FastMarkup

#: a word of running text that may be a part number: letters, digits and the separators part numbers use
PART_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/.]*[A-Za-z0-9]")
NODES = ("isolationStep", "isolationProcedureEnd", "isolationStepAlts", "isolationProcedureEndAlts")


@handles("faultIsolation", "faultReporting")
def fault_root(r: Html, el: etree._Element) -> Markup:
    r.scripts.add("fault.js")
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, el.tag), r.children(el))


@handles("faultIsolationProcedure", "isolatedFault", "detectedFault", "observedFault", "correlatedFault",
         "faultIsolationTest")
def fault_item(r: Html, el: etree._Element) -> Markup:
    code_el = el.find("fault")
    code = el.get("faultCode") or (code_el.get("faultCode") if code_el is not None else "")
    descr = el.find("faultDescr")
    title = text_of(descr) if descr is not None else ""
    if code_el is not None:
        r.seen.add(code_el)
    if descr is not None:
        r.consume(descr)
    head = FastMarkup('<h2 class="fault-title"><span class="tag">{}</span> {}</h2>').format(
        f"{r.t('fault_code')} {code}" if code else r.t("fault"), title)
    body = FastMarkup("").join(r.render(c) for c in el if c.tag not in ("fault", "faultDescr"))
    return FastMarkup("<section{}>{}{}</section>").format(r.attrs(el, f"fault-item {el.tag}"), head, body)


@handles("isolationProcedure", "testProcedure")
def isolation_procedure(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, el.tag), r.children(el))


@handles("isolationMainProcedure")
def isolation_main(r: Html, el: etree._Element) -> Markup:
    nodes = [c for c in el if c.tag in NODES]
    start = nodes[0].get("id", "") if nodes else ""
    following = {id(n): (nodes[i + 1].get("id") if i + 1 < len(nodes) else None) for i, n in enumerate(nodes)}
    parts = []
    for child in el:
        if child.tag in NODES:
            r.seen.add(child)
            if child.tag in ("isolationStepAlts", "isolationProcedureEndAlts"):
                parts.append(alternatives(r, child, following[id(child)]))
            else:
                parts.append(node(r, child, following[id(child)]))
        else:
            parts.append(r.render(child))
    bar = FastMarkup(
        '<div class="fi-bar" role="group"><button type="button" data-fi-mode="run" aria-pressed="true">{}</button>'
        '<button type="button" data-fi-mode="tree" aria-pressed="false">{}</button></div>'
        '<ol class="fi-path" data-fi-path aria-label="{}"></ol>').format(r.t("step_by_step"), r.t("whole_tree"), r.t("path_taken"))
    return FastMarkup('<section{} data-start="{}"><h2>{}</h2>{}<div class="fi-nodes">{}</div></section>').format(
        r.attrs(el, "fi", **module_state_attrs(r, "data-fault")), start, r.t("isolation_procedure"), bar,
        FastMarkup("").join(parts))


def alternatives(r: Html, el: etree._Element, following: str | None) -> Markup:
    """Alternative steps for different products: one node; the applicability script keeps the one that applies."""
    ident = el.get("id") or r.next_id("fi")
    end = el.tag == "isolationProcedureEndAlts"
    inner = FastMarkup("").join(node(r, c, following, alt=True) if c.tag in NODES else r.render(c) for c in el)
    return FastMarkup('<section{} data-node="{}" data-kind="{}">{}</section>').format(
        r.attrs(el, f"fi-node {'fi-end' if end else 'fi-step'} fi-alts", id=None if el.get("id") else ident), ident,
        "end" if end else "step", inner)


def node(r: Html, el: etree._Element, following: str | None, alt: bool = False) -> Markup:
    r.seen.add(el)
    ident = el.get("id") or r.next_id("fi")
    end = el.tag == "isolationProcedureEnd"
    # questions are numbered in document order; alternatives share the number of their group
    anchor = el.getparent() if alt else el
    n = 1 + sum(1 for _ in anchor.itersiblings("isolationStep", "isolationStepAlts", preceding=True))
    body = []
    answers = EMPTY
    for child in el:
        if child.tag == "isolationStepQuestion":
            r.seen.add(child)
            body.append(FastMarkup('<p class="fi-question"><span class="k">{}</span> {}</p>').format(
                r.t("question"), r.inner(child)))
        elif child.tag == "isolationStepAnswer":
            r.seen.add(child)
            answers = answer(r, child)
        elif child.tag == "action":
            r.seen.add(child)
            body.append(FastMarkup('<p class="fi-action">{}</p>').format(r.inner(child)))
        else:
            body.append(r.render(child))
    if end:
        body.append(remedy_orders(r, el))
    if not end and answers is EMPTY and following:
        answers = FastMarkup('<div class="fi-answers"><a class="fi-answer" href="#{0}" data-next="{0}">{1}</a></div>').format(
            following, r.t("next"))
    heading = r.t("end_of_isolation") if end else f"{r.t('step_n', n=n)}"
    if alt:
        return FastMarkup('<div{}><h3>{}</h3>{}{}</div>').format(
            r.attrs(el, "fi-alt"), heading, FastMarkup("").join(body), answers)
    return FastMarkup('<section{} data-node="{}" data-kind="{}"><h3>{}</h3>{}{}</section>').format(
        r.attrs(el, f"fi-node {'fi-end' if end else 'fi-step'}", id=None if el.get("id") else ident), ident,
        "end" if end else "step", heading, FastMarkup("").join(body), answers)


def remedy_orders(r: Html, end: etree._Element) -> Markup:
    """"Add to order" for each part or supply of the repositories that a remedy names in its text."""
    buttons = []
    seen = set()
    for token in PART_TOKEN.findall(" ".join(end.itertext())):
        entry = resolve(r, "part", token)
        if entry is None:
            entry = resolve(r, "supply", token)
        if entry is None or token in seen:
            continue
        seen.add(token)
        ident = entry.find("partIdent") if entry.find("partIdent") is not None else entry.find("supplyIdent")
        cage = ident.get("manufacturerCodeValue", "") if ident is not None else ""
        name = entry_name(entry)
        buttons.append(FastMarkup(
            '<button type="button" class="order-add" data-order-pn="{0}" data-order-cage="{1}" data-order-name="{2}"'
            ' data-order-qty="1" data-order-unit="{3}" data-order-source="{4}" data-order-kind="remedy"'
            ' data-order-item="{5}">{6}: {0}</button>').format(
            token, cage, name, text_of(entry.find("techData/unitOfIssue")), r.ctx.obj.key, end.get("id", ""),
            r.t("add_to_order")))
    if not buttons:
        return EMPTY
    r.scripts.add("parts.js")
    return FastMarkup('<p class="fi-order">{}</p>').format(FastMarkup(" ").join(buttons))


def answer(r: Html, el: etree._Element) -> Markup:
    links = []
    for group in el:
        r.seen.add(group)
        for choice in group:
            r.seen.add(choice)
            target = choice.get("nextActionRefId", "")
            if choice.tag == "yesAnswer":
                shown = FastMarkup("{}").format(r.t("yes"))
            elif choice.tag == "noAnswer":
                shown = FastMarkup("{}").format(r.t("no"))
            else:
                shown = r.inner(choice)
            if target in r.ids:
                links.append(FastMarkup('<a class="fi-answer" href="#{0}" data-next="{0}">{1}</a>').format(target, shown))
            else:
                links.append(FastMarkup('<span class="fi-answer broken-ref" data-ref="{}">⚠ {}</span>').format(target, shown))
    return FastMarkup('<div class="fi-answers">{}</div>').format(FastMarkup("").join(links))


register(
    "faultDescr", "faultDescrGroup", "detectionInfo", "detectedLruItem", "detectedSruItem", "isolateDetectedFault",
    "lruItem", "sruItem", "lru", "sru", "basicCorrelatedFaults", "bitMessage", "contextAndIsolationInfo",
    "faultContext", "isolationInfo", "locateAndRepair", "locateAndRepairLruItem", "locateAndRepairSruItem",
    "repair", "testName", "testDescr", "testParameters", "fault", "faultEquip", "faultMessageIndication",
    "faultCodeRange", "inspection", "associate", "replacedBy",
)
