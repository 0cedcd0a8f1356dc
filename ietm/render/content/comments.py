"""Comments (S1000D comment files): the comment text with its priority and response type."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import Html, handles, text_of
from ietm.render.content.records import register


@handles("commentContent")
def comment_content(r: Html, el: etree._Element) -> Markup:
    status = r.root.find("identAndStatusSection/commentStatus")
    facts = []
    if status is not None:
        priority = status.find("commentPriority")
        response = status.find("commentResponse")
        if priority is not None:
            facts.append(Markup("<dt>{}</dt><dd>{}</dd>").format(r.t("priority"), priority.get("commentPriorityCode", "")))
        if response is not None:
            facts.append(Markup("<dt>{}</dt><dd>{}</dd>").format(r.t("response_type"), response.get("responseType", "")))
    title = text_of(r.root.find("identAndStatusSection/commentAddress/commentAddressItems/commentTitle"))
    head = Markup("<h2>{}</h2>").format(title) if title else Markup("")
    return Markup('<article{}>{}<dl class="comment-facts">{}</dl>{}</article>').format(
        r.attrs(el, "comment"), head, Markup("").join(facts), r.children(el))


register("commentRefs", "attachmentRef", "noReferences", "dmRefGroup", "pmRefGroup", "commentPriority",
         "commentResponse")
