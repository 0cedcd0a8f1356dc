"""Crew/operator information: reference cards of drills whose steps read as challenge ...... response
lines, with conditional branches (if / elseIf / case) set off by their condition."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, handles
from ietm.render.content.records import register


def _titled(r: Html, el: etree._Element, tag: str, cls: str, heading: str) -> Markup:
    title = el.find("title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = Markup("<{0}{1}>{2}</{0}>").format(Markup(heading), r.attrs(title), r.inner(title))
    return Markup("<{0}{1}>{2}{3}</{0}>").format(Markup(tag), r.attrs(el, cls), head, r.inner(el, ("title",)))


@handles("crew")
def crew(r: Html, el: etree._Element) -> Markup:
    return Markup("<div{}>{}</div>").format(r.attrs(el, "crew"), r.children(el))


@handles("crewRefCard")
def ref_card(r: Html, el: etree._Element) -> Markup:
    return _titled(r, el, "section", "crew-card", "h2")


@handles("crewDrill")
def drill(r: Html, el: etree._Element) -> Markup:
    return _titled(r, el, "section", "crew-drill", "h3")


@handles("subCrewDrill")
def sub_drill(r: Html, el: etree._Element) -> Markup:
    return _titled(r, el, "div", "crew-subdrill", "h4")


@handles("crewDrillStep")
def drill_step(r: Html, el: etree._Element) -> Markup:
    return _titled(r, el, "div", "crew-step", "h5")


@handles("challengeAndResponse")
def challenge_response(r: Html, el: etree._Element) -> Markup:
    return Markup('<div{}>{}</div>').format(r.attrs(el, "cr"), r.children(el))


@handles("challenge", "response")
def side(r: Html, el: etree._Element) -> Markup:
    return Markup('<div class="cr-{}" aria-label="{}">{}</div>').format(el.tag, r.t(el.tag), r.inner(el))


@handles("crewProcedureName")
def procedure_name(r: Html, el: etree._Element) -> Markup:
    return Markup('<div class="crew-proc">{}</div>').format(r.inner(el))


@handles("if", "elseIf", "case")
def branch(r: Html, el: etree._Element) -> Markup:
    cond = el.find("caseCond")
    head = EMPTY
    if cond is not None:
        r.seen.add(cond)
        word = {"if": "IF", "elseIf": "ELSE IF", "case": "CASE"}[el.tag]
        head = Markup('<div class="case-cond"><span class="kw">{}</span> {}</div>').format(word, r.inner(cond))
    return Markup("<div{}>{}{}</div>").format(r.attrs(el, f"crew-{el.tag}"), head, r.inner(el, ("caseCond",)))


@handles("caseCond")
def case_cond(r: Html, el: etree._Element) -> Markup:
    return Markup('<div class="case-cond">{}</div>').format(r.inner(el))


register("descrCrew", "crewMemberGroup", "crewMember", "endMatter", "crewStepCondition")
