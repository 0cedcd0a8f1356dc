"""Procedures: preliminary requirements as checklists, steps to check off, warnings to acknowledge first,
and the work record panel; viewer/static/js/procedure.js brings them to life on the device."""

from __future__ import annotations

import json

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, child, children_named, handles, number, text_of
from ietm.render.content.cir import CAGE, REFS, entry_link, entry_name, resolve, resolve_ref
from ietm.render.content.labels import js_labels
from ietm.render.content.common import referenced_guards, render_guard
from ietm.render.content.fastmarkup import FastMarkup

STEP_GROUP = ("proceduralStep", "proceduralStepAlts")
GUARDS = ("warning", "caution")


@handles("procedure")
def procedure(r: Html, el: etree._Element) -> Markup:
    r.scripts.update(("procedure.js", "parts.js"))
    r.mode = "procedure"
    body = r.children(el)
    r.mode = ""
    progress = FastMarkup('<div class="proc-progress"><progress value="0" max="1" data-progress></progress>'
                      ' <span data-progress-text></span></div>')
    # last in the section and sticky to the bottom: visible while the technician scrolls through the steps
    return FastMarkup('<section{}>{}{}{}</section>').format(
        r.attrs(el, "procedure", **module_state_attrs(r, "data-procedure")), body, progress, work_record(r))


def module_state_attrs(r: Html, flag: str) -> dict[str, object]:
    """What the device-side scripts key their saved state by: module key + issue + language."""
    obj = r.ctx.obj
    return {
        flag.replace("-", "_"): "1",
        "data_key": obj.key,
        "data_issue": obj.issue or "",
        "data_lang": obj.language or "",
        "data_title": obj.title,
        "data_i18n": json.dumps(js_labels(r.ctx.language), ensure_ascii=False, separators=(",", ":")),
    }


def work_record(r: Html) -> Markup:
    return FastMarkup(
        '<section class="work-record" data-work-record><h2>{}</h2>'
        '<label>{}<input type="text" name="technician" autocomplete="name"></label>'
        '<label>{}<textarea name="remarks" rows="3"></textarea></label>'
        '<div class="wr-actions"><button type="button" data-export="json">{}</button>'
        '<button type="button" data-export="csv">{}</button>'
        '<button type="button" data-reset class="secondary">{}</button></div>'
        '<p class="wr-status" data-wr-status aria-live="polite"></p></section>'
    ).format(r.t("work_record"), r.t("technician"), r.t("remarks"), r.t("export_json"), r.t("export_csv"),
             r.t("reset"))


# -- preliminary and close requirements ----------------------------------------------------------------------


@handles("preliminaryRqmts", "closeRqmts")
def requirements(r: Html, el: etree._Element) -> Markup:
    heading = r.t("preliminary_requirements" if el.tag == "preliminaryRqmts" else "close_requirements")
    return FastMarkup('<section{}><h2>{}</h2>{}</section>').format(r.attrs(el, f"rqmts {el.tag}"), heading, r.children(el))


def _section(r: Html, el: etree._Element, key: str, body: Markup) -> Markup:
    return FastMarkup('<div{}><h3>{}</h3>{}</div>').format(r.attrs(el, f"rq {el.tag}"), r.t(key), body)


def _done(r: Html) -> tuple[str, ...]:
    """The "done" column exists only where requirements are checked off (procedures)."""
    return ("done",) if r.mode == "procedure" else ()


def _cell(r: Html, what: str) -> Markup:
    return FastMarkup("<td>{}</td>").format(_check(r, what)) if r.mode == "procedure" else EMPTY


def _check(r: Html, what: str) -> Markup:
    if r.mode != "procedure":
        return EMPTY
    return FastMarkup('<input type="checkbox" class="req-check" data-req="{}" aria-label="{}">').format(
        r.next_id("req"), r.t("check_item", what=what))


@handles("reqCondGroup")
def req_conds(r: Html, el: etree._Element) -> Markup:
    items = FastMarkup("").join(r.render(c) for c in el)
    return _section(r, el, "required_conditions", FastMarkup('<ul class="checklist">{}</ul>').format(items))


@handles("reqCondNoRef", "reqCondDm", "reqCondPm", "reqCondExternalPub", "reqCondCircuitBreaker", "reqTechInfo")
def req_cond(r: Html, el: etree._Element) -> Markup:
    cat = el.get("reqTechInfoCategory")
    label = FastMarkup('<span class="tag">{}</span> ').format(cat) if cat else EMPTY
    body = FastMarkup(" ").join(r.render(c) for c in el if isinstance(c.tag, str))
    return FastMarkup('<li{}><label>{}<span class="req-text">{}{}</span></label></li>').format(
        r.attrs(el, "req"), _check(r, text_of(el)), label, body)


@handles("reqCond")
def req_cond_text(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<span class="req-cond">{}</span>').format(r.inner(el))


@handles("noConds", "noSupportEquips", "noSupplies", "noSpares", "noSafety")
def none(r: Html, el: etree._Element) -> Markup:
    tag = "li" if el.getparent() is not None and el.getparent().tag == "reqCondGroup" else "p"
    return FastMarkup('<{0} class="none">{1}</{0}>').format(FastMarkup(tag), r.t("none"))


@handles("reqTechInfoGroup")
def tech_info(r: Html, el: etree._Element) -> Markup:
    return _section(r, el, "technical_information",
                    FastMarkup('<ul class="checklist">{}</ul>').format(r.children(el)))


@handles("reqPersons")
def persons(r: Html, el: etree._Element) -> Markup:
    rows = [r.render(c) for c in el if isinstance(c.tag, str)]
    count = sum(number(c.get("numRequired"), 1) if c.tag == "personnel" else 1 for c in el if c.tag in ("person", "personnel"))
    head = FastMarkup("").join(FastMarkup("<th>{}</th>").format(r.t(k)) for k in (
        *_done(r), "person", "category", "skill_level", "trade", "estimated_time", "number"))
    return _section(r, el, "required_persons", FastMarkup(
        '<p class="persons-total">{}</p><div class="table-wrap"><table class="reqs persons"><thead><tr>{}</tr></thead>'
        '<tbody>{}</tbody></table></div>').format(r.t("persons_total", n=count), head, FastMarkup("").join(rows)))


@handles("person", "personnel")
def person(r: Html, el: etree._Element) -> Markup:
    def cell(tag: str) -> etree._Element | None:
        found = child(el, tag)
        if found is not None:
            r.consume(found)
        return found

    category = cell("personCategory")
    skill = cell("personSkill")
    trade = cell("trade")
    time = cell("estimatedTime")
    skill_code = skill.get("skillLevelCode", "") if skill is not None else ""
    skill_text = r.name("skill", skill_code)
    time_text = f"{text_of(time)} {r.name('unit', time.get('unitOfMeasure'))}".strip() if time is not None else ""
    number = el.get("numRequired", "1") if el.tag == "personnel" else "1"
    rest = FastMarkup("").join(r.render(c) for c in el if c.tag not in ("personCategory", "personSkill", "trade", "estimatedTime"))
    who = el.get("man", "")
    return FastMarkup('<tr{}>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>').format(
        r.attrs(el, "req"), _cell(r, f"{r.t('person')} {who}"), who,
        category.get("personCategoryCode", "") if category is not None else "", skill_text, text_of(trade),
        time_text, number, rest)


@handles("reqSupportEquips", "reqSupplies", "reqSpares")
def equipment(r: Html, el: etree._Element) -> Markup:
    key = {"reqSupportEquips": "support_equipment", "reqSupplies": "supplies", "reqSpares": "spares"}[el.tag]
    return _section(r, el, key, r.children(el))


@handles("supportEquipDescrGroup", "supplyDescrGroup", "spareDescrGroup")
def equipment_group(r: Html, el: etree._Element) -> Markup:
    orderable = el.tag in ("spareDescrGroup", "supplyDescrGroup")
    head = FastMarkup("").join(FastMarkup("<th>{}</th>").format(r.t(k)) for k in (
        *_done(r), "name", "part_number", "cage", "quantity", "remarks")) + (
        FastMarkup("<th>{}</th>").format(r.t("order")) if orderable else EMPTY)
    rows = FastMarkup("").join(equipment_row(r, c, orderable) if c.tag in DESCRS else r.render(c) for c in el)
    return FastMarkup('<div class="table-wrap"><table{}><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>').format(
        r.attrs(el, "reqs equipment"), head, rows)


DESCRS = ("supportEquipDescr", "supplyDescr", "spareDescr", "embeddedSupportEquipDescr", "embeddedSupplyDescr",
          "embeddedSpareDescr")
ORDERABLE = ("spareDescr", "supplyDescr", "embeddedSpareDescr", "embeddedSupplyDescr")
IDENTITY = ("name", "shortName", "identNumber", "reqQuantity", "natoStockNumber")
ITEM_REFS = ("toolRef", "supplyRef", "partRef")  # the row's identity, shown in its part number column


def equipment_row(r: Html, el: etree._Element, orderable: bool) -> Markup:
    r.seen.add(el)
    name_el = child(el, "name") if child(el, "name") is not None else child(el, "shortName")
    name = r.inner(name_el) if name_el is not None else FastMarkup("")
    for tag in IDENTITY:
        for found in children_named(el, tag):
            r.consume(found)
    ident = child(el, "identNumber")
    pn = text_of(ident.find("partAndSerialNumber/partNumber")) if ident is not None else ""
    cage = text_of(child(ident, "manufacturerCode")) if ident is not None else ""
    # the repository entry (tool, supply, part) the row names: by its reference, else by its part number
    ref = next((c for c in el if c.tag in ITEM_REFS), None)
    if ref is not None:
        r.consume(ref)
        pn = pn or ref.get(REFS[ref.tag][1], "")
        cage = cage or ref.get(CAGE, "")
        entry = resolve_ref(r, ref)
    else:
        entry = resolve(r, "part", pn, cage or None) if pn else None
    name_text = text_of(name_el)
    if name_el is None and entry is not None:
        name_text = entry_name(entry)
        name = FastMarkup("{}").format(name_text)
    pn_html = entry_link(r, entry, pn) if entry is not None and pn else FastMarkup("{}").format(pn)
    nsn = text_of(child(el, "natoStockNumber"))
    qty_el = child(el, "reqQuantity")
    qty = text_of(qty_el)
    unit = qty_el.get("unitOfMeasure", "") if qty_el is not None else ""
    rest = FastMarkup(" ").join(r.render(c) for c in el if c.tag not in IDENTITY and c is not ref)
    if nsn:
        rest = FastMarkup('<span class="fld"><span class="k">{}</span> {}</span> {}').format(r.t("nsn"), nsn, rest)
    order = EMPTY
    if orderable:
        number = qty.strip().replace(",", ".", 1)  # 0,3 as Russian modules write it
        number = number if number.replace(".", "", 1).isdigit() else "1"  # "as required": one
        order = FastMarkup(
            '<td><button type="button" class="order-add" data-order-pn="{}" data-order-cage="{}" data-order-name="{}"'
            ' data-order-qty="{}" data-order-unit="{}" data-order-source="{}" data-order-kind="{}"'
            ' data-order-item="{}" data-order-qpa="{}">{}</button></td>').format(
            pn, cage, name_text, number, unit, r.ctx.obj.key, "supply" if "upply" in el.tag else "spare",
            el.get("id", ""), qty, r.t("add_to_order"))
    return FastMarkup('<tr{}>{}<td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td>{}</tr>').format(
        r.attrs(el, "req"), _cell(r, name_text), name, pn_html, cage, qty, r.name("unit", unit), rest, order)


@handles(*DESCRS)
def equipment_alone(r: Html, el: etree._Element) -> Markup:
    """A description outside its group (rare): one row in a table of its own."""
    return FastMarkup('<table class="reqs equipment"><tbody>{}</tbody></table>').format(
        equipment_row(r, el, el.tag in ORDERABLE))


@handles("reqSafety")
def safety(r: Html, el: etree._Element) -> Markup:
    return _section(r, el, "safety", r.children(el))


@handles("safetyRqmts")
def safety_rqmts(r: Html, el: etree._Element) -> Markup:
    """Safety warnings guard the whole procedure: every step waits until they are acknowledged."""
    parts = []
    for target in referenced_guards(r, el):
        ack = r.next_id("ack")
        r.guards.append(ack)
        parts.append(render_guard(r, target, ack))
    for child in el:
        if child.tag in GUARDS and r.mode == "procedure":
            ack = r.next_id("ack")
            r.guards.append(ack)
            parts.append(render_guard(r, child, ack))
        else:
            parts.append(r.render(child))
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "safety"), FastMarkup("").join(parts))


# -- steps ---------------------------------------------------------------------------------------------------


@handles("mainProcedure")
def main_procedure(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<section{}><h2>{}</h2>{}</section>').format(
        r.attrs(el, "main-procedure"), r.t("procedure"), steps_and_blocks(r, el))


def steps_and_blocks(r: Html, el: etree._Element, skip: tuple[str, ...] = ()) -> Markup:
    """Children in order, consecutive steps gathered into one numbered list."""
    parts: list[Markup] = []
    run: list[Markup] = []
    for child in el:
        if not isinstance(child.tag, str):
            r.seen.add(child)
            continue
        if child.tag in skip:
            continue
        if child.tag in STEP_GROUP:
            run.append(r.render(child))
            continue
        if run:
            parts.append(FastMarkup('<ol class="steps">{}</ol>').format(FastMarkup("").join(run)))
            run = []
        parts.append(r.render(child))
    if run:
        parts.append(FastMarkup('<ol class="steps">{}</ol>').format(FastMarkup("").join(run)))
    return FastMarkup("").join(parts)


@handles("proceduralStep")
def step(r: Html, el: etree._Element) -> Markup:
    number = r.numbers.get(el, "")
    interactive = r.mode == "procedure"
    guards = [(g, r.next_id("ack")) for g in referenced_guards(r, el)]
    guards += [(c, r.next_id("ack")) for c in el if c.tag in GUARDS] if interactive else []
    saved = r.guards
    r.guards = saved + [a for _, a in guards]
    title = child(el, "title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup('<span{}>{}</span>').format(r.attrs(title, "step-title"), r.inner(title))
    warnings = FastMarkup("").join(render_guard(r, g, a) for g, a in guards)
    skip = ("title", *GUARDS) if interactive else ("title",)
    body = steps_and_blocks(r, el, skip)
    step_guards = " ".join(r.guards)
    r.guards = saved
    if interactive:
        box = FastMarkup('<label class="step-check"><input type="checkbox" data-step-id="{0}" aria-label="{1}">'
                     '<span class="step-no">{0}</span></label>').format(number, r.t("step_done", n=number))
    else:
        box = FastMarkup('<span class="step-no">{}</span>').format(number)
    return FastMarkup('<li{}><div class="step-head">{}{}</div>{}<div class="step-body">{}</div></li>').format(
        r.attrs(el, "step", data_step=number, data_guards=step_guards or None), box, head, warnings, body)


@handles("proceduralStepAlts")
def step_alts(r: Html, el: etree._Element) -> Markup:
    """Alternative steps for different applicability: all are listed, the applicability script keeps one."""
    return FastMarkup('<li{}><ol class="steps alts">{}</ol></li>').format(r.attrs(el, "step-alts"), r.children(el))


@handles("commonInfo")
def common_info(r: Html, el: etree._Element) -> Markup:
    title = child(el, "title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup("<h2>{}</h2>").format(r.inner(title))
    return FastMarkup("<section{}>{}{}</section>").format(r.attrs(el, "common-info"), head, r.inner(el, ("title",)))
