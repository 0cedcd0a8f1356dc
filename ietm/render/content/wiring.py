"""Wiring data: wires, harnesses, connections and electrical equipment as labelled records (every code
and potential is on the page)."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import Html, handles
from ietm.render.content.records import register


@handles("wiringData", "wiringFields")
def wiring(r: Html, el: etree._Element) -> Markup:
    return Markup("<div{}>{}</div>").format(r.attrs(el, "wiring"), r.children(el))


register(
    "wireGroup", "wire", "wireIdent", "wireNumber", "wireCode", "wireColor", "wireGauge", "wireInfo",
    "wireSeqNumber", "wireType", "wireConnection", "wireConnectionCode", "circuitIdent", "sectionIdent",
    "harnessGroup", "harness", "harnessIdent", "harnessName", "harnessInfo", "harnessEnvironment",
    "harnessVariantIdent", "harnessVariantIssue", "electricalEquipGroup", "electricalEquip",
    "electricalEquipConnection", "electricalPotential", "fromEquip", "toEquip", "contact", "feedThru", "routing",
    "sleeve", "sleeveGroup", "twist", "twistGroup", "transverseLink", "specialConnection", "siblingPlugIdent",
    "connectionListClass", "contactOrderValue", "networkAnalysisCode", "blockGroupingValue", "shuntGroupingValue",
    "terminationModuleGroupingValue", "potentialConnectionsOrder", "emcCode", "maxMountingPositions",
    "maxTemperature", "minTemperature", "fieldName", "screen", "screenGroup", "screenOrder", "identNumberGroup",
    "descrContact", "descrElectricalEquip", "descrEmcCode", "descrFeedThru", "descrFunctionalItemRef",
    "descrGroupCode", "descrHarness", "descrHarnessEnvironment", "descrHarnessIdent", "descrHarnessName",
    "descrHarnessVariantIdent", "descrHarnessVariantIssue", "descrInstallationLocation", "descrLength",
    "descrMaxMountingPositions", "descrMaxTemperature", "descrMinTemperature", "descrNextHigherAssy",
    "descrPartNumber", "descrPositionOnNextHigherAssy", "descrReqQuantity", "descrResponsiblePartnerCompany",
    "descrScreen", "descrSiblingPlugIdent", "descrSleeve", "descrTransverseLink", "descrTwist", "descrWire",
    "descrWireColor", "descrWireGauge", "descrWireInfoCircuitIdent", "descrWireInfoSectionIdent",
    "descrWireNumber", "descrWireSeqNumber", "descrWireType", "positionOnNextHigherAssy",
)
