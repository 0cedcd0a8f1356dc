"""Crew/operator information: reference cards of drills whose steps read as challenge ...... response
lines, with conditional branches (if / elseIf / case) set off by their condition."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, handles
from ietm.render.content.procedural import module_state_attrs, work_record
from ietm.render.content.records import register
from ietm.render.content.fastmarkup import FastMarkup


def _titled(r: Html, el: etree._Element, tag: str, cls: str, heading: str) -> Markup:
    title = el.find("title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup("<{0}{1}>{2}</{0}>").format(FastMarkup(heading), r.attrs(title), r.inner(title))
    return FastMarkup("<{0}{1}>{2}{3}</{0}>").format(FastMarkup(tag), r.attrs(el, cls), head, r.inner(el, ("title",)))


@handles("crew")
def crew(r: Html, el: etree._Element) -> Markup:
    """Operator checklists are ticked off like procedure steps, with the same progress and work record."""
    r.scripts.add("procedure.js")
    r.mode = "crew"
    body = r.children(el)
    r.mode = ""
    progress = FastMarkup('<div class="proc-progress"><progress value="0" max="1" data-progress></progress>'
                      ' <span data-progress-text></span></div>')
    return FastMarkup("<section{}>{}{}{}</section>").format(
        r.attrs(el, "crew", **module_state_attrs(r, "data-procedure")), body, progress, work_record(r))


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
    if r.mode != "crew":
        return _titled(r, el, "div", "crew-step", "h5")
    n = r.next_id("crew").rsplit("-", 1)[1]
    title = el.find("title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup("<span{}>{}</span>").format(r.attrs(title, "step-title"), r.inner(title))
    box = FastMarkup('<label class="step-check"><input type="checkbox" data-step-id="{0}" aria-label="{1}"></label>').format(
        n, r.t("step_done", n=n))
    return FastMarkup('<div{}><div class="step-head">{}{}</div><div class="step-body">{}</div></div>').format(
        r.attrs(el, "crew-step step", data_step=n), box, head, r.inner(el, ("title",)))


@handles("challengeAndResponse")
def challenge_response(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div{}>{}</div>').format(r.attrs(el, "cr"), r.children(el))


@handles("challenge", "response")
def side(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div class="cr-{}" aria-label="{}">{}</div>').format(el.tag, r.t(el.tag), r.inner(el))


@handles("crewProcedureName")
def procedure_name(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div class="crew-proc">{}</div>').format(r.inner(el))


@handles("if", "elseIf", "case")
def branch(r: Html, el: etree._Element) -> Markup:
    cond = el.find("caseCond")
    head = EMPTY
    if cond is not None:
        r.seen.add(cond)
        word = {"if": "IF", "elseIf": "ELSE IF", "case": "CASE"}[el.tag]
        head = FastMarkup('<div class="case-cond"><span class="kw">{}</span> {}</div>').format(word, r.inner(cond))
    return FastMarkup("<div{}>{}{}</div>").format(r.attrs(el, f"crew-{el.tag}"), head, r.inner(el, ("caseCond",)))


@handles("caseCond")
def case_cond(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div class="case-cond">{}</div>').format(r.inner(el))


register("descrCrew", "crewMemberGroup", "crewMember", "endMatter", "crewStepCondition")
