/* The module as the writer sees and edits it: blocks for elements that hold elements, editable text for
   elements that hold text (paragraphs, titles, cells...), inline chips for references. The DOM is drawn
   from the model and, for text, read back from it: whatever the browser puts into an editable text
   (pasted markup, <b>, <div>) is taken as its text only; inline elements are known by their node id. */

import { childNames } from "./grammar.js";

/** Elements that stand inside running text as one unit (edited through a picker or the side panel). */
export function isAtom(name) {
  return (/Ref$/.test(name) && !["warningsAndCautionsRef", "reqCondNoRef"].includes(name)) || ["symbol", "acronym", "inlineSignificantData", "indexFlag", "footnote",
    "footnoteRemarks", "verbatimText", "changeInline", "captionGroup", "caption", "quantity"].includes(name);
}

/** Inline elements whose own text is edited in place (emphasis, sub- and superscripts). */
export function isInline(g, parentType, name) {
  if (isAtom(name)) return false;
  const key = g.childType(parentType, name);
  const t = key && g.type(key);
  if (!t || !(t.m || t.x != null)) return false;
  return Object.keys(t.k).every((k) => isAtom(k) || isInline(g, key, k));
}

const TITLE_LIKE = new Set(["title", "techName", "infoName", "isolationStepQuestion", "pmEntryTitle", "shortName"]);
/** Blocks a writer thinks of as things (a step, a figure, a requirement): drawn with their name and menu.
    Other elements that only hold elements (content, procedure, displayText...) draw just what they hold;
    their menu is one step up the path in the side panel. */
const HEADED = new Set(["levelledPara", "proceduralStep", "figure", "table", "note", "warning", "caution", "randomList",
  "sequentialList", "definitionList", "listItem", "definitionListItem", "preliminaryRqmts", "closeRqmts", "reqCondGroup",
  "reqPersons", "personnel", "person", "reqSupportEquips", "reqSupplies", "reqSpares", "reqSafety", "safetyRqmts",
  "supportEquipDescr", "supplyDescr", "spareDescr", "reqCondNoRef", "reqCondDm", "commonInfo", "mainProcedure",
  "isolationStep", "isolationProcedureEnd", "faultIsolationProcedure", "faultDescr", "isolationProcedure",
  "catalogSeqNumber", "itemSeqNumber", "crewRefCard", "crewDrill", "crewDrillStep", "challengeAndResponse",
  "taskDefinition", "task", "dmNode", "dmSeq", "dmIf", "dmThenSeq", "dmElseSeq", "referencedApplicGroup",
  "warningsAndCautionsRef", "legend", "tgroup", "thead", "tbody", "row", "description", "procedure",
  "faultIsolation", "illustratedPartsCatalog", "crew", "maintPlanning", "process", "commonRepository",
  "warningRepository", "cautionRepository", "toolRepository", "supplyRepository", "partRepository",
  "warningSpec", "cautionSpec", "toolSpec", "supplySpec", "partSpec", "yesNoAnswer", "listOfChoices"]);
/** Whitespace that lays out an XML file: a run of XML whitespace with a line break or a tab in it. */
const LAYOUT = /[ \t\r\n]*[\t\r\n][ \t\r\n]*/g;
const LAYOUT_START = /^[ \t\r\n]*[\t\r\n][ \t\r\n]*/;
const LAYOUT_END = /[ \t\r\n]*[\t\r\n][ \t\r\n]*$/;
/** Elements from which a module counts as long (see editor.css, .ed-long). */
const LONG = 1200;
/** Blocks shown folded until opened: what a module declares for use elsewhere in it. */
const FOLDED = new Set(["referencedApplicGroup", "warningsAndCautionsRef"]);

export class View {
  constructor(doc, canvas, ui) {
    this.doc = doc;
    this.g = doc.g;
    this.canvas = canvas;
    this.ui = ui; // {S, info, special, select(node), menu(node, anchor), label(node)}
    this.selected = null;
    this.marks = new Map(); // node id -> finding messages
    this.opened = new Set(); // folded blocks the writer opened
    this.drawn = new WeakMap(); // node -> {v, dom}: what was drawn of it, at which version
  }

  get top() { return this.doc.find("content") || this.doc.root; }

  /** Draw the module. Elements whose version has not changed since they were drawn keep their drawing, so a
      change redraws only the elements it touched and their ancestors; numbers are brought up to date after. */
  render(full = false) {
    if (full) this.drawn = new WeakMap();
    const keep = this.saveSelection();
    const scroll = window.scrollY;
    this.canvas.replaceChildren(this.block(this.top));
    // a long module is laid out only near the screen (CSS content-visibility), which keeps typing quick
    this.canvas.classList.toggle("ed-long", this.doc.byId.size > LONG);
    if (this.ui.special) this.ui.special.relabel(this);
    this.restoreSelection(keep);
    window.scrollTo(0, scroll);
    if (this.selected && this.doc.get(this.selected.i) === this.selected) this.highlight(this.selected);
  }

  el(node) { return node ? this.canvas.querySelector(`[data-id="${CSS.escape(node.i)}"]`) : null; }

  // -- drawing --------------------------------------------------------------------------------------------

  kind(node) {
    if (typeof node === "string") return "text";
    if (node.n.startsWith("#") || !node.t) return "opaque";
    const t = this.g.type(node.t);
    if (t.m || t.x != null) return "textblock";
    if (!Object.keys(t.k).length) return "empty";
    return "block";
  }

  block(node) {
    const cached = this.drawn.get(node);
    if (cached && cached.v === (node.v || 0)) return cached.dom;
    const dom = this.draw(node);
    this.drawn.set(node, { v: node.v || 0, dom });
    return dom;
  }

  draw(node) {
    const special = this.ui.special && this.ui.special.render(node, this);
    if (special) return special;
    const kind = this.kind(node);
    if (kind === "opaque") return this.opaque(node);
    if (isAtom(node.n) || node.n === "applic" || node.n === "hotspot") return this.chip(node);
    if (kind === "textblock") return this.textBlock(node);
    if (kind === "empty") return this.chip(node);
    const kids = document.createElement("div");
    kids.className = "ed-kids";
    for (const c of node.c) if (typeof c !== "string") kids.append(this.block(c));
    if (!HEADED.has(node.n) && node !== this.top) {
      kids.classList.add("ed-wrap", `ed-el-${node.n}`);
      kids.dataset.id = node.i;
      this.mark(kids, node);
      return kids;
    }
    if (FOLDED.has(node.n)) {
      const box = document.createElement("details");
      box.className = `ed-block ed-folded ed-el-${node.n}`;
      box.dataset.id = node.i;
      box.open = this.opened.has(node.i);
      box.addEventListener("toggle", () => { if (box.open) this.opened.add(node.i); else this.opened.delete(node.i); });
      const summary = document.createElement("summary");
      summary.append(this.head(node));
      box.append(summary, kids);
      this.mark(box, node);
      return box;
    }
    const box = document.createElement("section");
    box.className = `ed-block ed-el-${node.n}`;
    box.dataset.id = node.i;
    box.append(this.head(node));
    box.append(kids);
    this.mark(box, node);
    return box;
  }

  head(node, extra) {
    const head = document.createElement("div");
    head.className = "ed-head";
    const label = document.createElement("span");
    label.className = "ed-label";
    label.textContent = this.ui.label(node);
    head.append(label);
    if (extra) head.append(extra);
    head.append(this.moreButton(node));
    return head;
  }

  moreButton(node) {
    const more = document.createElement("button");
    more.type = "button";
    more.className = "ed-more";
    more.dataset.more = node.i;
    more.setAttribute("aria-haspopup", "menu");
    more.setAttribute("aria-label", `${this.ui.S.more}: ${this.ui.label(node)}`);
    more.title = this.ui.S.more;
    more.textContent = "⋯";
    return more;
  }

  opaque(node) {
    const span = document.createElement("div");
    span.className = "ed-opaque";
    span.dataset.id = node.i;
    span.textContent = node.n === "#comment" ? `<!-- ${node.v} -->` : node.q || node.n;
    return span;
  }

  chip(node) {
    const chip = document.createElement("div");
    chip.className = `ed-chip ed-el-${node.n}`;
    chip.dataset.id = node.i;
    chip.tabIndex = 0;
    const label = document.createElement("span");
    label.className = "ed-label";
    label.textContent = this.ui.label(node);
    chip.append(label);
    const summary = this.ui.summary ? this.ui.summary(node) : "";
    if (summary) {
      const s = document.createElement("span");
      s.className = "ed-summary";
      s.textContent = summary;
      chip.append(s);
    }
    const more = this.moreButton(node);
    more.tabIndex = -1; // the chip itself takes the focus; Enter opens its menu
    chip.append(more);
    this.mark(chip, node);
    return chip;
  }

  textBlock(node) {
    const wrap = document.createElement("div");
    wrap.className = `ed-text ed-el-${node.n}` + (TITLE_LIKE.has(node.n) ? " ed-title" : "");
    wrap.dataset.id = node.i;
    const label = document.createElement("span");
    label.className = "ed-label";
    label.textContent = this.ui.label(node);
    label.setAttribute("aria-hidden", "true");
    wrap.append(label);
    wrap.append(this.host(node));
    const more = this.moreButton(node);
    more.tabIndex = -1; // from the text: Escape, or Ctrl+.
    wrap.append(more);
    this.mark(wrap, node);
    return wrap;
  }

  host(node) {
    const host = document.createElement("div");
    host.className = "ed-host";
    host.contentEditable = "true";
    host.spellcheck = true;
    host.dataset.host = node.i;
    host.setAttribute("role", "textbox");
    host.setAttribute("aria-label", this.ui.label(node));
    host.setAttribute("aria-multiline", "false");
    this.fill(host, node, true);
    return host;
  }

  /** The inline content of a text-holding node into a DOM element. The whitespace that lays out an XML file
      (a run with a line break or a tab) is shown as one space, or none at the text's ends; spaces as a writer
      typed them (the text is edited white-space: pre-wrap) are shown as they are, so that drawing a text
      again changes neither what it says nor where the caret stands in it. */
  fill(into, node, edges) {
    const parts = node.c.filter((c) => typeof c === "string" || c.n !== "#comment");
    parts.forEach((c, i) => {
      if (typeof c === "string") {
        let text = c;
        if (edges && i === 0) text = text.replace(LAYOUT_START, "");
        if (edges && i === parts.length - 1) text = text.replace(LAYOUT_END, "");
        text = text.replace(LAYOUT, " ");
        if (text) into.append(document.createTextNode(text));
      } else {
        into.append(this.inline(c, node));
      }
    });
  }

  inline(child, parent) {
    if (child.n.startsWith("#")) {
      const span = this.opaque(child);
      span.contentEditable = "false";
      return span;
    }
    if (isInline(this.g, parent.t, child.n)) {
      const span = document.createElement("span");
      span.className = `ed-inl ed-el-${child.n}` + (child.a.emphasisType ? ` ed-${child.a.emphasisType}` : "");
      span.dataset.id = child.i;
      this.fill(span, child, false);
      return span;
    }
    if (isAtom(child.n)) {
      const atom = document.createElement("span");
      atom.className = `ed-atom ed-el-${child.n}`;
      atom.contentEditable = "false";
      atom.dataset.id = child.i;
      atom.tabIndex = -1;
      atom.textContent = (this.ui.summary && this.ui.summary(child)) || this.ui.label(child);
      atom.title = this.ui.label(child);
      this.mark(atom, child);
      return atom;
    }
    const island = document.createElement("div");
    island.className = "ed-island";
    island.contentEditable = "false";
    island.append(this.block(child));
    return island;
  }

  /** The children a text host now holds: its text, and the inline nodes it still shows; the new children of
      inline elements edited in place go to `nested` as [node, children]. */
  read(host, node, nested = []) {
    const out = [];
    const push = (text) => {
      if (!text) return;
      if (typeof out[out.length - 1] === "string") out[out.length - 1] += text; else out.push(text);
    };
    const walk = (dom) => {
      for (const d of dom.childNodes) {
        if (d.nodeType === Node.TEXT_NODE) { push(d.data); continue; }
        if (d.nodeType !== Node.ELEMENT_NODE) continue;
        const id = d.dataset && d.dataset.id;
        const known = id && this.doc.get(id);
        if (known && (d.classList.contains("ed-atom") || d.classList.contains("ed-opaque"))) { out.push(known); continue; }
        if (d.classList.contains("ed-island")) {
          const inner = d.querySelector("[data-id]");
          const n = inner && this.doc.get(inner.dataset.id);
          if (n) out.push(n);
          continue;
        }
        if (known && d.classList.contains("ed-inl")) {
          nested.push([known, this.read(d, known, nested)]);
          out.push(known);
          continue;
        }
        if (d.tagName === "BR") continue;
        walk(d); // markup the browser made (a <div>, a <b>, a <font>): its text only
      }
    };
    walk(host);
    // comments the host does not show stay where they were, at the end
    for (const c of node.c) if (typeof c !== "string" && c.n === "#comment") out.push(c);
    return out;
  }

  // -- selection ------------------------------------------------------------------------------------------

  caretIn() {
    const sel = window.getSelection();
    if (!sel.rangeCount) return null;
    const range = sel.getRangeAt(0);
    const hostEl = (range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement)
      ?.closest("[data-host]");
    if (!hostEl || !this.canvas.contains(hostEl) || !this.doc.get(hostEl.dataset.host)) return null;
    return { host: hostEl, node: this.doc.get(hostEl.dataset.host), range, offset: this.offset(hostEl, range.startContainer, range.startOffset),
             end: this.offset(hostEl, range.endContainer, range.endOffset) };
  }

  offset(host, container, offset) {
    const r = document.createRange();
    r.selectNodeContents(host);
    try { r.setEnd(container, offset); } catch (e) { return 0; }
    return r.toString().length;
  }

  saveSelection() {
    const at = this.caretIn();
    if (at) return { id: at.node.i, offset: at.offset, end: at.end };
    const active = document.activeElement;
    if (active && this.canvas.contains(active) && active.dataset) return { focus: active.dataset.more ? "more" : "id", id: active.dataset.more || active.dataset.id };
    return null;
  }

  restoreSelection(keep) {
    if (!keep) return;
    if (keep.focus) {
      const el = keep.focus === "more" ? this.canvas.querySelector(`[data-more="${CSS.escape(keep.id)}"]`) : this.el(this.doc.get(keep.id));
      if (el) el.focus({ preventScroll: true });
      return;
    }
    this.place(keep.id, keep.offset, keep.end);
  }

  /** A caret taken before a dialog, put back at the same place in the text drawn for its node now: the
      canvas may have been drawn again while the dialog was open (references relabelled when the repositories
      arrived, findings marked), and the text and range it was taken in are then no longer on the page.
      Null when its node is no longer drawn. */
  caretAgain(at) {
    if (!this.place(at.node.i, at.offset, at.end)) return null;
    const now = this.caretIn();
    return now && now.node === at.node ? now : null;
  }

  /** Put the caret into the text of a node (at a character offset; -1: the end). */
  place(id, offset = 0, end = offset) {
    const host = this.canvas.querySelector(`[data-host="${CSS.escape(id)}"]`);
    if (!host) return false;
    host.focus({ preventScroll: false });
    const total = host.textContent.length;
    const pos = (n) => this.point(host, n < 0 ? total : Math.min(n, total));
    const range = document.createRange();
    const [sc, so] = pos(offset);
    const [ec, eo] = pos(end);
    range.setStart(sc, so);
    range.setEnd(ec, eo);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    return true;
  }

  point(host, n) {
    const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
    let left = n;
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t.parentElement.closest("[contenteditable=false]") && t.parentElement.closest("[contenteditable=false]") !== host) {
        if (left <= t.data.length) { const atom = t.parentElement.closest("[contenteditable=false]"); return [atom.parentNode, [...atom.parentNode.childNodes].indexOf(atom) + 1]; }
        left -= t.data.length;
        continue;
      }
      if (left <= t.data.length) return [t, left];
      left -= t.data.length;
    }
    return [host, host.childNodes.length];
  }

  /** The first text-holding node inside (or at) a node. */
  firstHost(node) {
    if (typeof node === "string" || !node) return null;
    if (this.kind(node) === "textblock") return node;
    for (const c of node.c) { const h = this.firstHost(c); if (h) return h; }
    return null;
  }

  lastHost(node) {
    if (typeof node === "string" || !node) return null;
    if (this.kind(node) === "textblock") return node;
    for (const c of node.c.slice().reverse()) { const h = this.lastHost(c); if (h) return h; }
    return null;
  }

  highlight(node) {
    this.canvas.querySelectorAll(".ed-selected").forEach((e) => e.classList.remove("ed-selected"));
    const el = this.el(node);
    if (el) el.classList.add("ed-selected");
  }

  // -- findings shown at their elements ---------------------------------------------------------------------

  setMarks(findings) {
    this.drawn = new WeakMap(); // every element may have gained or lost a mark
    this.marks = new Map();
    for (const f of findings) {
      if (!f.node) continue;
      if (!this.marks.has(f.node)) this.marks.set(f.node, []);
      this.marks.get(f.node).push(f);
    }
  }

  mark(dom, node) {
    const found = this.marks.get(node.i);
    if (!found) return;
    const worst = found.some((f) => f.severity === "error") ? "error" : "warning";
    dom.classList.add("ed-bad", `ed-bad-${worst}`);
    dom.title = found.map((f) => f.message).join("\n");
  }

  /** Element names among the children (what the grammar reads). */
  names(node) { return childNames(node); }
}
