"""Comments (S1000D comment files): the comment text with its priority and response type."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import Html, handles, text_of
from ietm.render.content.records import register
from ietm.render.content.fastmarkup import FastMarkup


@handles("commentContent")
def comment_content(r: Html, el: etree._Element) -> Markup:
    status = r.root.find("identAndStatusSection/commentStatus")
    facts = []
    if status is not None:
        priority = status.find("commentPriority")
        response = status.find("commentResponse")
        if priority is not None:
            facts.append(FastMarkup("<dt>{}</dt><dd>{}</dd>").format(r.t("priority"), priority.get("commentPriorityCode", "")))
        if response is not None:
            facts.append(FastMarkup("<dt>{}</dt><dd>{}</dd>").format(r.t("response_type"), response.get("responseType", "")))
    title = text_of(r.root.find("identAndStatusSection/commentAddress/commentAddressItems/commentTitle"))
    head = FastMarkup("<h2>{}</h2>").format(title) if title else FastMarkup("")
    return FastMarkup('<article{}>{}<dl class="comment-facts">{}</dl>{}</article>').format(
        r.attrs(el, "comment"), head, FastMarkup("").join(facts), r.children(el))


register("commentRefs", "attachmentRef", "noReferences", "dmRefGroup", "pmRefGroup", "commentPriority",
         "commentResponse")
