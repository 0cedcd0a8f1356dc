"""Maintenance planning (schedules): task definitions as labelled records with their limits, and the
tools list and time limits as records, so every interval and threshold is on the page."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import Html, handles
from ietm.render.content.records import register
from ietm.render.content.fastmarkup import FastMarkup


@handles("maintPlanning")
def maint_planning(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "schedule"), r.children(el))


register(
    "inspectionDefinition", "taskDefinition", "task", "taskDescr", "taskDuration", "taskGroup", "taskItem",
    "timeLimitInfo", "timeLimit", "timeLimitCategory", "toolsList", "toolsListGroup", "toolsListCode", "toolsRefs",
    "maintAllocation", "maintAllocationGroup", "maintFunction", "maintLevel", "maintLevelGroup", "maintQualifier",
    "groupCode", "groupNumber", "equip", "equipGroup", "preliminaryRqmtsRef", "skillLevel", "maintInterval",
    "reqPersonsRef", "taskMarker", "sampling", "workArea", "referencedDocs",
)
