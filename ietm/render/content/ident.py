"""The identification and status block: what a technician checks before trusting a page (code, issue,
date, security, QA, applicability) and why it changed (reasons for update, which change marks point at)."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, child, children_named, text_of
from ietm.render.context import RenderContext
from ietm.render.content.fastmarkup import FastMarkup

def render_ident(ctx: RenderContext) -> Markup:
    r = Html(ctx)
    obj = ctx.obj
    status = next((s for s in r.root.iter("dmStatus", "pmStatus", "commentStatus", "imfStatus") ), None)
    rows: list[tuple[str, Markup | str]] = [("code", obj.key)]
    if obj.issue:
        rows.append(("issue", f"{obj.issue}" + (f" ({r.name('issue_type', obj.issue_type)})" if obj.issue_type else "")))
    if obj.issue_date:
        rows.append(("issue_date", obj.issue_date))
    if obj.language:
        rows.append(("language", r.name("language", obj.language)))
    if obj.security:
        named = r.name("security", obj.security)
        rows.append(("security", f"{named} ({obj.security})" if named != obj.security else named))
    if obj.qa:
        qa = r.name("qa", obj.qa)
        rows.append(("qa", f"{qa} ({r.name('qa_type', obj.qa_type)})" if obj.qa_type else qa))
    if status is not None:
        applic = child(status, "applic")
        if applic is None:  # the whole module's applicability kept in an applicability repository
            applic = r.resolve_applic(child(status, "applicRef"))
        if applic is not None:
            shown = r.applic_text(applic) or r.t("all_applicable")
            rows.append(("applicability", FastMarkup('<span class="applic-statement">{}</span>').format(shown)))
        for tag, key in (("responsiblePartnerCompany", "responsible"), ("originator", "originator")):
            found = status.find(tag)
            if found is not None:
                rows.append((key, text_of(child(found, "enterpriseName")) or found.get("enterpriseCode", "")))
    dl = FastMarkup("").join(FastMarkup("<dt>{}</dt><dd>{}</dd>").format(r.t(k), v) for k, v in rows)
    return FastMarkup('<section class="ident"><dl>{}</dl>{}</section>').format(dl, reasons(r, status))


def reasons(r: Html, status: etree._Element | None) -> Markup:
    if status is None:
        return EMPTY
    items = []
    for rfu in children_named(status, "reasonForUpdate"):
        marks = rfu.get("updateHighlight") == "1"
        items.append(FastMarkup('<li{}{}>{}</li>').format(
            FastMarkup(' id="{}"').format(rfu.get("id")) if rfu.get("id") else EMPTY,
            FastMarkup(' class="highlighted"') if marks else EMPTY,
            FastMarkup(" ").join(r.inner(p) for p in children_named(rfu, "simplePara")) or text_of(rfu)))
    if not items:
        return EMPTY
    return FastMarkup('<details class="rfu" open><summary>{}</summary><ol>{}</ol></details>').format(
        r.t("reasons_for_update"), FastMarkup("").join(items))
