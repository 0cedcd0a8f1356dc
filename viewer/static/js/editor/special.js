/* Help where structure is the work. Procedures: steps numbered as the viewer numbers them, moved and nested
   by dragging (mouse or finger) or by keys, warnings from the repository on each step, requirement tables
   filled from the repositories. Fault isolation: the decision tree drawn as a tree, each yes/no or choice
   branch led to a new check, an end, or an existing box. Parts catalogues: item rows and the figure's
   callouts kept in step. Everything still goes through the grammar and the model's transactions. */

import { childNames } from "./grammar.js";
import { h, format, dialog, choiceList } from "./ui.js";

const REQ_ROWS = { reqSupportEquips: ["supportEquipDescrGroup", "supportEquipDescr", "add_tool"],
                   reqSupplies: ["supplyDescrGroup", "supplyDescr", "add_supply"],
                   reqSpares: ["spareDescrGroup", "spareDescr", "add_spare"] };
const REF_KIND = { warningRef: "warning", cautionRef: "caution", toolRef: "tool", supplyRef: "supply", partRef: "part" };

export class Special {
  constructor(editor) {
    this.ed = editor;
  }

  get S() { return this.ed.S; }
  get doc() { return this.ed.doc; }
  get g() { return this.ed.g; }

  kids(node, name) { return node.c.filter((c) => typeof c !== "string" && (!name || c.n === name)); }

  // -- words ------------------------------------------------------------------------------------------------

  /** Step numbers as the viewer gives them (1, 1.2, ...), figure and table numbers. */
  number(node) {
    if (node.n === "proceduralStep") {
      const parts = [];
      for (let n = node; n && n.n === "proceduralStep"; n = this.doc.parentOf(n)) {
        const p = this.doc.parentOf(n);
        parts.unshift(this.kids(p, "proceduralStep").indexOf(n) + 1);
      }
      return parts.join(".");
    }
    if (node.n === "figure" || node.n === "table") {
      return String(this.doc.findAll((n) => n.n === node.n).indexOf(node) + 1);
    }
    return "";
  }

  label(node) {
    if (node.n === "proceduralStep") return format(this.S.step, { n: this.number(node) });
    if (node.n === "figure") return format(this.S.figure_n, { n: this.number(node) });
    if (node.n === "table") return format(this.S.table_n, { n: this.number(node) });
    return "";
  }

  summary(node) {
    const doc = this.doc;
    const a = node.a || {};
    if (node.n === "dmRef" || node.n === "pmRef") {
      const title = doc.find(node.n === "dmRef" ? "dmTitle" : "pmTitle", node);
      if (title) return doc.findAll((n) => n.n === "techName" || n.n === "infoName" || n.n === "pmTitle", title).map((n) => doc.text(n).trim()).join(" — ");
      const code = doc.find(node.n === "dmRef" ? "dmCode" : "pmCode", node);
      return code ? Object.values(code.a).join("-") : "";
    }
    if (node.n === "internalRef") {
      const target = doc.findAll((n) => n.a && n.a.id === a.internalRefId)[0];
      return target ? `→ ${this.ed.label(target)}` : `→ ${a.internalRefId} (${this.S.broken_target})`;
    }
    if (REF_KIND[node.n]) {
      const kind = REF_KIND[node.n];
      const number = a[{ warning: "warningIdentNumber", caution: "cautionIdentNumber", tool: "toolNumber", supply: "supplyNumber", part: "partNumberValue" }[kind]];
      const entry = this.ed.pickers.entry(kind, number);
      return entry ? `${number}: ${entry.text}` : number || "";
    }
    if (node.n === "graphic" || node.n === "symbol") return a.infoEntityIdent || "";
    if (node.n === "applic") return doc.text(node).trim();
    if (node.n === "dmCode") return Object.values(a).join("-");
    return Object.values(a).slice(0, 3).join(", ");
  }

  // -- drawing ----------------------------------------------------------------------------------------------

  /** Step, figure and table numbers depend on what comes before: brought up to date on every drawing. */
  relabel(view) {
    for (const el of view.canvas.querySelectorAll(".ed-step, .ed-el-figure, .ed-el-table")) {
      const node = this.doc.get(el.dataset.id);
      if (!node) continue;
      const label = this.label(node);
      const shown = el.querySelector(":scope > .ed-head > .ed-label, :scope > summary .ed-label");
      if (shown && shown.textContent !== label) shown.textContent = label;
      if (node.n === "proceduralStep") el.dataset.step = this.number(node);
    }
    for (const el of view.canvas.querySelectorAll(".ed-atom.ed-el-internalRef")) {  // "→ Figure 2" follows renumbering
      const node = this.doc.get(el.dataset.id);
      const text = node && this.summary(node);
      if (text && el.textContent !== text) el.textContent = text;
    }
  }

  render(node, view) {
    if (node.n === "proceduralStep") return this.step(node, view);
    if (node.n === "warningRef" || node.n === "cautionRef") return this.safetyChip(node, view);
    if (node.n === "graphic") return this.graphic(node, view);
    if (node.n === "isolationMainProcedure") return this.faultTree(node, view);
    if (node.n === "illustratedPartsCatalog") return this.ipd(node, view);
    if (REQ_ROWS[node.n]) return this.requirements(node, view);
    if (node.n === "tgroup") return this.tableGroup(node, view);
    return null;
  }

  box(node, view, cls, extraHead) {
    const box = h("section", { class: `ed-block ed-el-${node.n} ${cls || ""}`, dataset: { id: node.i } });
    box.append(view.head(node, extraHead));
    view.mark(box, node);
    return box;
  }

  kidsOf(node, view, skip = () => false) {
    const kids = h("div", { class: "ed-kids" });
    for (const c of node.c) if (typeof c !== "string" && !skip(c)) kids.append(view.block(c));
    return kids;
  }

  step(node, view) {
    const S = this.S;
    const tools = h("span", { class: "ed-step-tools" },
      h("button", { type: "button", class: "ed-drag", tabindex: "-1", "aria-label": S.drag_step, title: S.drag_step, dataset: { drag: node.i } }, "⠿"),
      h("button", { type: "button", class: "ed-mini", tabindex: "-1", "aria-label": S.move_up, title: S.move_up, dataset: { action: "up", id: node.i } }, "↑"),
      h("button", { type: "button", class: "ed-mini", tabindex: "-1", "aria-label": S.move_down, title: S.move_down, dataset: { action: "down", id: node.i } }, "↓"),
      h("button", { type: "button", class: "ed-mini", tabindex: "-1", "aria-label": S.indent, title: S.indent, dataset: { action: "indent", id: node.i } }, "→"),
      h("button", { type: "button", class: "ed-mini", tabindex: "-1", "aria-label": S.outdent, title: S.outdent, dataset: { action: "outdent", id: node.i } }, "←"));
    const box = this.box(node, view, "ed-step", tools);
    box.dataset.step = this.number(node);
    const guards = this.guards(node);
    if (guards) box.append(guards);
    box.append(this.kidsOf(node, view));
    // by keyboard: Ctrl+Enter (a step), Alt+→ (a sub-step), the step's menu (a warning)
    box.append(h("div", { class: "ed-step-add" },
      h("button", { type: "button", class: "ed-button", tabindex: "-1", dataset: { action: "add-step", id: node.i }, text: S.add_step }),
      h("button", { type: "button", class: "ed-button", tabindex: "-1", dataset: { action: "add-substep", id: node.i }, text: S.add_substep }),
      h("button", { type: "button", class: "ed-button", tabindex: "-1", dataset: { action: "add-warning", id: node.i }, text: S.add_warning })));
    return box;
  }

  /** The repository warnings and cautions a step (or safety requirement) names by warningRefs/cautionRefs. */
  guards(node) {
    const out = h("div", { class: "ed-guards" });
    for (const [attr, tag, kind] of [["warningRefs", "warningRef", "warning"], ["cautionRefs", "cautionRef", "caution"]]) {
      for (const id of (node.a[attr] || "").split(/\s+/).filter(Boolean)) {
        const ref = this.doc.findAll((n) => n.n === tag && n.a.id === id)[0];
        const number = ref ? ref.a[`${kind}IdentNumber`] : id;
        const entry = this.ed.pickers.entry(kind, number);
        out.append(h("div", { class: `ed-guard ${kind}`, dataset: { guard: id } },
          h("strong", { text: this.g.label(kind) }), " ", h("span", { text: entry ? entry.text : number }),
          h("button", { type: "button", class: "ed-mini", "aria-label": this.S.delete, title: this.S.delete,
                        dataset: { action: "drop-guard", id: node.i, attr, ref: id } }, "×")));
      }
    }
    return out.childNodes.length ? out : null;
  }

  safetyChip(node, view) {
    const chip = view.chip(node);
    chip.classList.add("ed-guard", REF_KIND[node.n]);
    return chip;
  }

  graphic(node, view) {
    const chip = view.chip(node);
    const url = this.ed.icnUrls[node.a.infoEntityIdent] || `/icn/${encodeURIComponent(node.a.infoEntityIdent || "")}`;
    chip.classList.add("ed-graphic");
    chip.insertBefore(h("img", { src: url, alt: node.a.infoEntityIdent || "", loading: "lazy" }), chip.firstChild);
    const spots = this.kids(node, "hotspot");
    if (spots.length) {
      const list = h("ol", { class: "ed-hotspots" });
      for (const s of spots) list.append(h("li", {}, view.chip(s)));
      chip.append(list);
    }
    return chip;
  }

  requirements(node, view) {
    const [group, row, add] = REQ_ROWS[node.n];
    const box = this.box(node, view, "ed-req");
    box.append(this.kidsOf(node, view));
    box.append(h("button", { type: "button", class: "ed-button", dataset: { action: "add-row", id: node.i, group, row }, text: this.S[add] }));
    return box;
  }

  tableGroup(node, view) {
    const box = this.box(node, view, "ed-tgroup");
    const table = h("table", { class: "ed-table" });
    for (const part of this.kids(node)) {
      if (part.n === "colspec") continue;
      const section = h(part.n === "thead" ? "thead" : "tbody", { dataset: { id: part.i } });
      for (const row of this.kids(part, "row")) {
        const tr = h("tr", { dataset: { id: row.i } });
        for (const entry of this.kids(row, "entry")) {
          const cell = h(part.n === "thead" ? "th" : "td", { dataset: { id: entry.i } });
          if (view.kind(entry) === "textblock") cell.append(view.host(entry));
          else cell.append(view.block(entry));
          cell.append(view.moreButton(entry));
          view.mark(cell, entry);
          tr.append(cell);
        }
        tr.append(h("td", { class: "ed-row-tools" }, view.moreButton(row)));
        section.append(tr);
      }
      table.append(section);
    }
    box.append(h("div", { class: "table-wrap" }, table));
    return box;
  }

  // -- fault isolation: the tree ---------------------------------------------------------------------------------

  faultTree(node, view) {
    const S = this.S;
    const box = this.box(node, view, "ed-fault");
    const boxes = this.kids(node).filter((c) => c.n === "isolationStep" || c.n === "isolationProcedureEnd");
    const byId = new Map(boxes.map((b) => [b.a.id, b]));
    const drawn = new Set();
    const draw = (b) => {
      drawn.add(b);
      const isEnd = b.n === "isolationProcedureEnd";
      const card = h("div", { class: `ft-node ${isEnd ? "ft-end" : "ft-step"}`, dataset: { id: b.i, ft: b.a.id } });
      view.mark(card, b);
      card.append(h("div", { class: "ft-head" }, h("span", { class: "ed-label", text: `${isEnd ? S.fault_end : S.fault_check} · ${b.a.id}` }), view.moreButton(b)));
      for (const c of this.kids(b)) {
        if (c.n === "isolationStepAnswer") continue;
        card.append(view.block(c));
      }
      if (isEnd && !this.kids(b, "action").length) {
        card.append(h("button", { type: "button", class: "ed-button", dataset: { action: "ft-add-action", id: b.i }, text: S.fault_action }));
      }
      const answer = this.kids(b, "isolationStepAnswer")[0];
      const wrap = h("div", { class: "ft-item" }, card);
      if (answer) {
        const branches = h("ul", { class: "ft-branches" });
        const kind = this.kids(answer)[0];
        const arms = kind && kind.n === "yesNoAnswer"
          ? this.kids(kind).map((arm) => [arm, arm.n === "yesAnswer" ? S.fault_yes : S.fault_no])
          : kind ? this.kids(kind, "choice").map((arm) => [arm, null]) : [];
        for (const [arm, word] of arms) {
          const target = byId.get(arm.a.nextActionRefId);
          const label = word ? h("span", { class: `ft-answer ${arm.n}`, text: word }) : h("span", { class: "ft-answer choice" }, view.host(arm));
          const tools = h("span", { class: "ft-tools" },
            h("button", { type: "button", class: "ed-mini", dataset: { action: "ft-step", id: arm.i }, title: S.fault_new_step, "aria-label": `${S.fault_new_step} (${word || S.fault_choice})` }, "+?"),
            h("button", { type: "button", class: "ed-mini", dataset: { action: "ft-end", id: arm.i }, title: S.fault_new_end, "aria-label": `${S.fault_new_end} (${word || S.fault_choice})` }, "+■"),
            h("button", { type: "button", class: "ed-mini", dataset: { action: "ft-redirect", id: arm.i }, title: S.fault_redirect, "aria-label": `${S.fault_redirect} (${word || S.fault_choice})` }, "↪"));
          const li = h("li", { class: "ft-branch", dataset: { id: arm.i, arm: arm.n } }, h("div", { class: "ft-arm" }, label, tools));
          view.mark(li, arm);
          if (target && !drawn.has(target)) li.append(draw(target));
          else li.append(h("p", { class: "ft-goto" }, `${S.fault_goto}: `,
            h("a", { href: "#", dataset: { action: "ft-show", target: arm.a.nextActionRefId }, text: target ? `${target.a.id}: ${this.ed.pickers.describe(target)}` : `${arm.a.nextActionRefId} (${S.broken_target})` })));
          branches.append(li);
        }
        if (kind && kind.n === "listOfChoices") {
          branches.append(h("li", { class: "ft-branch" }, h("button", { type: "button", class: "ed-button", dataset: { action: "ft-choice", id: kind.i }, text: `+ ${S.fault_choice}` })));
        }
        wrap.append(branches);
      }
      return wrap;
    };
    const tree = h("div", { class: "ft-tree", role: "tree", "aria-label": S.fault_tree });
    if (boxes.length) tree.append(draw(boxes[0]));
    const rest = boxes.filter((b) => !drawn.has(b));
    box.append(tree);
    if (rest.length) {
      const more = h("div", { class: "ft-unreached" }, h("h4", { text: S.fault_unreached }));
      for (const b of rest) if (!drawn.has(b)) more.append(draw(b));
      box.append(more);
    }
    return box;
  }

  /** A new box for a branch: a check that keeps the branch's way on through both its answers, or an end. */
  async faultBranch(arm, end) {
    const doc = this.doc;
    const main = doc.ancestors(arm).find((n) => n.n === "isolationMainProcedure");
    const ctx = this.ed.context();
    const name = end ? "isolationProcedureEnd" : "isolationStep";
    const key = this.g.childType(main.t, name);
    const target = arm.a.nextActionRefId;
    let made;
    if (end) {
      made = this.g.create(name, key, ctx);
      const actionKey = this.g.childType(key, "action");
      if (actionKey && !this.kids(made, "action").length) made.c.push({ n: "action", a: {}, c: [""] });
    } else {
      made = { n: name, a: { id: ctx.newId(name) }, c: [
        { n: "isolationStepQuestion", a: {}, c: [""] },
        { n: "isolationStepAnswer", a: {}, c: [{ n: "yesNoAnswer", a: {}, c: [
          { n: "yesAnswer", a: { nextActionRefId: target }, c: [] }, { n: "noAnswer", a: { nextActionRefId: target }, c: [] }] }] }] };
    }
    made = this.ed.complete(made, key);
    if (!made) return;
    const ok = doc.transact(end ? "fault: end" : "fault: new check", () => {
      doc.insert(main, main.c.length, made);
      doc.setAttr(arm, "nextActionRefId", made.a.id);
    });
    if (ok) this.ed.focusNew(made);
  }

  async faultRedirect(arm) {
    const main = this.doc.ancestors(arm).find((n) => n.n === "isolationMainProcedure");
    const own = this.doc.ancestors(arm).find((n) => n.n === "isolationStep");
    const boxes = this.kids(main).filter((b) => (b.n === "isolationStep" || b.n === "isolationProcedureEnd") && b !== own);
    const picked = await dialog(this.S.fault_redirect, (body, close) => {
      body.append(choiceList(boxes.map((b) => ({ label: `${b.n === "isolationStep" ? this.S.fault_check : this.S.fault_end} ${b.a.id}: ${this.ed.pickers.describe(b)}`,
                                                  data: { target: b.a.id }, b })), (item) => close(item.b), this.S.pick_none));
    }, { closeLabel: this.S.close });
    if (picked) this.doc.transact("fault: redirect", () => this.doc.setAttr(arm, "nextActionRefId", picked.a.id));
  }

  // -- parts catalogue: items and callouts in step -----------------------------------------------------------------

  ipd(node, view) {
    const S = this.S;
    const box = this.box(node, view, "ed-ipd");
    const figures = this.kids(node, "figure");
    for (const f of figures) box.append(view.block(f));
    const items = this.kids(node, "catalogSeqNumber");
    const spots = this.doc.findAll((n) => n.n === "hotspot", node);
    const callouts = new Set(spots.map((s) => this.callout(s)));
    const table = h("table", { class: "ed-table ed-ipd-items" },
      h("thead", {}, h("tr", {}, [S.ipd_item, S.ipd_part, S.ipd_descr, S.ipd_qty, S.ipd_hotspot, ""].map((t) => h("th", { text: t })))));
    const body = h("tbody");
    for (const item of items) {
      const variant = this.kids(item, "itemSeqNumber")[0];
      const part = variant && this.kids(variant, "partRef")[0];
      const descr = variant && this.doc.find("descrForPart", variant);
      const qty = variant && this.kids(variant, "quantityPerNextHigherAssy")[0];
      const number = Number(item.a.item);
      const input = h("input", { type: "text", class: "ed-input ed-item-no", value: item.a.item || "", "aria-label": S.ipd_item, dataset: { ipdItem: item.i } });
      input.addEventListener("change", () => this.renumber(item, input.value.trim(), input));
      const partInput = h("input", { type: "text", class: "ed-input", value: part ? part.a.partNumberValue || "" : "", "aria-label": S.ipd_part });
      if (part) partInput.addEventListener("change", () => this.doc.transact("part number", () => this.doc.setAttr(part, "partNumberValue", partInput.value.trim())));
      const state = callouts.has(number) ? h("span", { class: "ed-ok", text: "✓" })
        : this.doc.find("notIllustrated", item) ? h("span", { class: "ed-hint", text: S.ipd_not_illustrated })
        : h("span", {}, h("span", { class: "ed-warn", text: S.ipd_no_hotspot }), " ",
            figures.length ? h("button", { type: "button", class: "ed-mini", dataset: { action: "ipd-hotspot", id: item.i }, text: S.ipd_add_hotspot }) : "");
      const tr = h("tr", { dataset: { id: item.i } }, h("td", {}, input), h("td", {}, partInput),
        h("td", {}, descr ? view.host(descr) : ""), h("td", {}, qty ? view.host(qty) : ""), h("td", {}, state), h("td", {}, view.moreButton(item)));
      view.mark(tr, item);
      body.append(tr);
    }
    table.append(body);
    box.append(h("div", { class: "table-wrap" }, table));
    const numbers = new Set(items.map((i) => Number(i.a.item)));
    for (const s of spots) {
      const n = this.callout(s);
      if (n && !numbers.has(n)) box.append(h("p", { class: "ed-warn", text: format(S.ipd_orphan_hotspot, { n }) }));
    }
    box.append(h("button", { type: "button", class: "ed-button", dataset: { action: "ipd-item", id: node.i }, text: S.ipd_add_item }));
    return box;
  }

  /** The item number a callout shows: its applicationStructureName, else the number its title starts with. */
  callout(spot) {
    return Number(spot.a.applicationStructureName) || parseInt(spot.a.hotspotTitle || "", 10) || 0;
  }

  renumber(item, value, input) {
    const spec = this.g.type(item.t).a.find(([a]) => a === "item");
    if (!this.g.valueOk(spec[2], value)) { input.setCustomValidity(this.S.value_bad); input.reportValidity(); return; }
    const old = Number(item.a.item);
    const ipd = this.doc.parentOf(item);
    this.doc.transact("item number", () => {
      this.doc.setAttr(item, "item", value);
      for (const s of this.doc.findAll((n) => n.n === "hotspot", ipd)) {
        if (this.callout(s) === old) {
          if (s.a.applicationStructureName) this.doc.setAttr(s, "applicationStructureName", String(Number(value)));
          if (s.a.hotspotTitle) this.doc.setAttr(s, "hotspotTitle", s.a.hotspotTitle.replace(/^\d+/, String(Number(value))));
        }
      }
    });
  }

  ipdHotspot(item) {
    const ipd = this.doc.parentOf(item);
    const figure = this.kids(ipd, "figure").find((f) => f.a.id && f.a.id.endsWith(item.a.figureNumber)) || this.kids(ipd, "figure")[0];
    const graphic = figure && this.kids(figure, "graphic")[0];
    if (!graphic) return;
    const descr = this.doc.find("descrForPart", item);
    const number = String(Number(item.a.item));
    const key = this.g.childType(graphic.t, "hotspot");
    const spot = this.ed.complete({ n: "hotspot", a: { applicationStructureName: number, hotspotType: "callout",
      hotspotTitle: `${number}. ${descr ? this.doc.text(descr).trim() : ""}`.trim() }, c: [] }, key);
    if (spot) this.doc.transact("callout", () => this.doc.insert(graphic, graphic.c.length, spot));
  }

  async ipdItem(ipd) {
    const items = this.kids(ipd, "catalogSeqNumber");
    const last = items[items.length - 1];
    const key = this.g.childType(ipd.t, "catalogSeqNumber");
    const made = this.g.create("catalogSeqNumber", key, this.ed.context());
    if (!made) return;
    const next = items.reduce((m, i) => Math.max(m, Number(i.a.item) || 0), 0) + 1;
    if (last) for (const a of ["figureNumber", "indenture", "systemCode", "subSystemCode", "subSubSystemCode", "assyCode"]) if (last.a[a]) made.a[a] = last.a[a];
    made.a.item = String(next).padStart((last && last.a.item || "001").length, "0");
    // a row has a description to type in: partSegment/itemIdentData/descrForPart, where the schema has them
    const variant = this.kids(made, "itemSeqNumber")[0];
    const variantKey = variant && this.g.childType(key, "itemSeqNumber");
    if (variant && !this.kids(variant, "partSegment").length) {
      const names = childNames(variant);
      const at = this.g.insertable(variantKey, names, names.indexOf("partRef") + 1).find((o) => o.name === "partSegment" && !o.before.length);
      const segKey = at && this.g.childType(variantKey, "partSegment");
      const identKey = segKey && this.g.childType(segKey, "itemIdentData");
      if (identKey && this.g.childType(identKey, "descrForPart")) {
        const descr = { n: "descrForPart", a: {}, c: [""] };
        const segment = this.ed.complete({ n: "partSegment", a: {}, c: [{ n: "itemIdentData", a: {}, c: [descr] }] }, segKey);
        if (segment) variant.c.splice(variant.c.indexOf(this.kids(variant, "partRef")[0]) + 1, 0, segment);
      }
    }
    const ok = this.doc.transact("add item", () => this.doc.insert(ipd, ipd.c.indexOf(last) + 1, made));
    if (ok) this.ed.focusNew(made);
  }

  // -- actions of the buttons drawn here -----------------------------------------------------------------------

  async action(button) {
    const ed = this.ed;
    const node = this.doc.get(button.dataset.id);
    ed.sync();
    switch (button.dataset.action) {
      case "up": return ed.moveBy(node, -1) || ed.say(this.S.nothing_allowed, "error");
      case "down": return ed.moveBy(node, 1) || ed.say(this.S.nothing_allowed, "error");
      case "indent": return ed.indent(node) || ed.say(this.S.nothing_allowed, "error");
      case "outdent": return ed.outdent(node) || ed.say(this.S.nothing_allowed, "error");
      case "add-step": {
        const parent = this.doc.parentOf(node);
        return ed.insert(parent, this.doc.nameIndex(node) + 1, "proceduralStep");
      }
      case "add-substep": return ed.insert(node, this.doc.elements(node).length, "proceduralStep");
      case "add-warning": return this.addSafety(node, "warningRefs");
      case "drop-guard": {
        const rest = (node.a[button.dataset.attr] || "").split(/\s+/).filter((x) => x && x !== button.dataset.ref);
        return this.doc.transact("drop warning", () => this.doc.setAttr(node, button.dataset.attr, rest.length ? rest.join(" ") : null));
      }
      case "add-row": return this.addRow(node, button.dataset.group, button.dataset.row);
      case "ft-step": return this.faultBranch(node, false);
      case "ft-end": return this.faultBranch(node, true);
      case "ft-redirect": return this.faultRedirect(node);
      case "ft-show": {
        const target = this.doc.findAll((n) => n.a && n.a.id === button.dataset.target)[0];
        if (target) ed.reveal(target);
        return null;
      }
      case "ft-choice": {
        const last = this.kids(node, "choice").slice(-1)[0];
        const made = { n: "choice", a: { nextActionRefId: last ? last.a.nextActionRefId : "" }, c: [""] };
        const ok = this.doc.transact("fault: choice", () => this.doc.insert(node, node.c.length, made));
        if (ok) ed.focusNew(made);
        return ok;
      }
      case "ft-add-action": return ed.insert(node, 0, "action");
      case "ipd-hotspot": return this.ipdHotspot(node);
      case "ipd-item": return this.ipdItem(node);
      default: return null;
    }
  }

  /** A requirement row from the repository; the "none" element (noSupportEquips...) gives way to the list. */
  async addRow(req, groupName, rowName) {
    const ed = this.ed;
    let group = this.kids(req, groupName)[0];
    const groupKey = this.g.childType(req.t, groupName);
    const row = await ed.make(groupKey, rowName);
    if (!row) return false;
    const ok = this.doc.transact(`add ${rowName}`, () => {
      if (!group) {
        group = { n: groupName, a: {}, c: [] };
        for (const c of this.kids(req)) if (/^no[A-Z]/.test(c.n)) this.doc.remove(c);
        this.doc.insert(req, req.c.length, group);
        this.doc.insert(group, 0, row);
      } else this.doc.insert(group, group.c.length, row);
    });
    if (ok) ed.focusNew(row);
    return ok;
  }

  /** A warning (caution) from the repository on a step: referenced once from the module's
      warningsAndCautionsRef (made where the schema allows it), and named in the step's warningRefs. */
  async addSafety(node, attr) {
    const ed = this.ed;
    const doc = this.doc;
    const tag = attr === "warningRefs" ? "warningRef" : "cautionRef";
    const kind = tag === "warningRef" ? "warning" : "caution";
    const content = doc.find("content");
    let holder = this.kids(content, "warningsAndCautionsRef")[0];
    let holderNew = null;
    if (!holder) {
      const names = childNames(content);
      const offer = [0, 1, 2].map((k) => k <= names.length && this.g.insertable(content.t, names, k).some((o) => o.name === "warningsAndCautionsRef" && !o.before.length) ? k : -1).find((k) => k >= 0);
      if (offer === undefined) { ed.say(this.S.nothing_allowed, "error"); return false; }
      holderNew = { n: "warningsAndCautionsRef", a: {}, c: [], at: offer };
    }
    const holderKey = holder ? holder.t : this.g.childType(content.t, "warningsAndCautionsRef");
    const entry = await ed.pickers.chooseEntry(kind);
    if (!entry) return false;
    let ref = holder && this.kids(holder, tag).find((r) => r.a[`${kind}IdentNumber`] === entry.number);
    let made = null;
    if (!ref) {
      made = JSON.parse(JSON.stringify(entry.ref));
      made.a.id = ed.context().newId(tag);
      made = ed.complete(made, this.g.childType(holderKey, tag));
      if (!made) { ed.say(this.S.nothing_allowed, "error"); return false; }
    }
    const id = ref ? ref.a.id : made.a.id;
    const current = (node.a[attr] || "").split(/\s+/).filter(Boolean);
    return doc.transact(`add ${kind}`, () => {
      if (holderNew) {
        const at = holderNew.at;
        delete holderNew.at;
        holder = holderNew;
        doc.insert(content, ed.posOf(content, at), holder);
      }
      if (made) {
        // warnings before cautions, as the schema orders them
        const kids = this.kids(holder);
        const firstCaution = kids.find((c) => c.n === "cautionRef");
        const pos = tag === "warningRef" && firstCaution ? holder.c.indexOf(firstCaution) : holder.c.length;
        doc.insert(holder, pos, made);
      }
      if (!current.includes(id)) doc.setAttr(node, attr, current.concat([id]).join(" "));
    });
  }

  /** New applicability for an element: an applic of the module's referencedApplicGroup, named by id. */
  async newApplic(node) {
    const ed = this.ed;
    const doc = this.doc;
    const built = await ed.pickers.applic(null);
    if (!built) return false;
    const content = doc.find("content");
    let group = this.kids(content, "referencedApplicGroup")[0];
    const groupKey = group ? group.t : this.g.childType(content.t, "referencedApplicGroup");
    if (!groupKey) { ed.say(this.S.nothing_allowed, "error"); return false; }
    built.a.id = ed.context().newId("applic");
    const applic = ed.complete(built, this.g.childType(groupKey, "applic"));
    if (!applic) { ed.say(this.S.nothing_allowed, "error"); return false; }
    return doc.transact("applicability", () => {
      if (!group) { group = { n: "referencedApplicGroup", a: {}, c: [] }; doc.insert(content, ed.posOf(content, 0), group); }
      doc.insert(group, group.c.length, applic);
      doc.setAttr(node, "applicRefId", applic.a.id);
    });
  }

  /** Extra entries of an element's menu. */
  menu(node) {
    const S = this.S;
    const out = [];
    if (node.a && this.g.type(node.t) && this.g.type(node.t).a.some(([a]) => a === "warningRefs")) {
      out.push([S.warnings_of_step, [
        { label: S.add_warning, data: { action: "add-warning" }, run: () => this.addSafety(node, "warningRefs") },
        { label: S.add_caution, data: { action: "add-caution" }, run: () => this.addSafety(node, "cautionRefs") }]]);
    }
    if (node.t && this.g.type(node.t).a.some(([a]) => a === "applicRefId")) {
      out.push([S.applicability, [{ label: S.applic_new, data: { action: "applic" }, run: () => this.newApplic(node) }]]);
    }
    return out;
  }

  // -- dragging (mouse, pen and finger alike, by pointer events) -----------------------------------------------------

  bindDrag() {
    const canvas = this.ed.canvas;
    let drag = null;
    const indicator = h("div", { class: "ed-drop", hidden: true });
    document.body.append(indicator);
    const target = (x, y) => {
      indicator.hidden = true;
      const under = document.elementFromPoint(x, y);
      const box = under && under.closest(".ed-step");
      if (!box || !drag || box.dataset.id === drag.node.i || drag.el.contains(box)) return null;
      const node = this.doc.get(box.dataset.id);
      const r = box.getBoundingClientRect();
      const head = box.querySelector(".ed-head").getBoundingClientRect();
      let where = y < head.top + head.height / 2 ? "before" : "after";
      if (x > r.left + r.width * 0.6 && y >= head.top) where = "inside";
      const parent = where === "inside" ? node : this.doc.parentOf(node);
      const k = where === "inside" ? this.doc.elements(node).length : this.doc.nameIndex(node) + (where === "after" ? 1 : 0);
      if (!this.ed.fits(drag.node, parent, k)) return null;
      indicator.hidden = false;
      indicator.style.left = `${(where === "inside" ? r.left + 32 : r.left) + window.scrollX}px`;
      indicator.style.width = `${(where === "inside" ? r.width - 32 : r.width)}px`;
      indicator.style.top = `${(where === "before" ? r.top : where === "inside" ? head.bottom : r.bottom) + window.scrollY}px`;
      return { parent, k };
    };
    canvas.addEventListener("pointerdown", (e) => {
      const handle = e.target.closest("[data-drag]");
      if (!handle) return;
      e.preventDefault();
      const node = this.doc.get(handle.dataset.drag);
      const el = handle.closest(".ed-step");
      drag = { node, el, id: e.pointerId, drop: null };
      el.classList.add("ed-dragging");
      handle.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      e.preventDefault();
      drag.drop = target(e.clientX, e.clientY);
      if (e.clientY < 60) window.scrollBy(0, -20); else if (e.clientY > window.innerHeight - 60) window.scrollBy(0, 20);
    });
    const end = (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      const { node, el, drop } = drag;
      drag = null;
      indicator.hidden = true;
      el.classList.remove("ed-dragging");
      if (drop && e.type === "pointerup") {
        this.ed.sync();
        if (!this.ed.moveTo(node, drop.parent, drop.k)) this.ed.say(this.S.nothing_allowed, "error");
      }
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  }
}
