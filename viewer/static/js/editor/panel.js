/* The side panel: the module's identification (title, issue, language, security, applicability, QA), the
   selected element's properties (attributes with the values the schema and the BREX allow), and the
   problems the last check found, each leading to its element. */

import { childNames } from "./grammar.js";
import { h, format } from "./ui.js";

const ACRONYM = { warningRefs: "warningRef", cautionRefs: "cautionRef" };

export class Panel {
  constructor(editor) {
    this.ed = editor;
    this.root = editor.root.querySelector(".ed-side");
    this.root.querySelectorAll("[data-tab]").forEach((tab) => tab.addEventListener("click", () => this.show(tab.dataset.tab)));
    this.root.querySelector("[role=tablist]").addEventListener("keydown", (e) => {
      const tabs = [...this.root.querySelectorAll("[data-tab]")];
      const at = tabs.indexOf(document.activeElement);
      if (at < 0) return;
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        e.preventDefault();
        const next = tabs[(at + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        next.focus();
        this.show(next.dataset.tab);
      }
    });
    this.show("module");
  }

  get S() { return this.ed.S; }
  get g() { return this.ed.g; }
  get doc() { return this.ed.doc; }

  show(name) {
    this.current = name;
    this.root.querySelectorAll("[data-tab]").forEach((t) => {
      t.setAttribute("aria-selected", t.dataset.tab === name ? "true" : "false");
      t.tabIndex = t.dataset.tab === name ? 0 : -1;
    });
    this.root.querySelectorAll("[data-panel]").forEach((p) => { p.hidden = p.dataset.panel !== name; });
    this.refresh();
  }

  refresh() {
    if (this.current === "module") this.drawModule();
    else if (this.current === "element") this.drawElement(this.ed.selected);
    else this.drawProblems();
  }

  showElement(node) { if (this.current === "element") this.drawElement(node); }
  showProblems() { this.show("problems"); }

  panel(name) { return this.root.querySelector(`[data-panel=${name}]`); }

  // -- the module ---------------------------------------------------------------------------------------------

  drawModule() {
    const S = this.S;
    const ed = this.ed;
    const out = this.panel("module");
    if (out.contains(document.activeElement) && document.activeElement.matches("input")) return; // typing there
    const doc = this.doc;
    const title = doc.find("dmTitle");
    const field = (label, control) => h("label", { class: "ed-field" }, h("span", { text: label }), control);
    const textOf = (name) => { const n = title && title.c.find((c) => typeof c !== "string" && c.n === name); return n ? doc.text(n) : ""; };
    const tech = h("input", { type: "text", class: "ed-input", name: "techName", value: textOf("techName") });
    const info = h("input", { type: "text", class: "ed-input", name: "infoName", value: textOf("infoName") });
    tech.addEventListener("change", () => this.setTitle("techName", tech.value));
    info.addEventListener("change", () => this.setTitle("infoName", info.value));
    const issue = ed.official ? format(S.issue_official, { issue: ed.issue, next: ed.opened.nextIssue }) : format(S.issue_in_work, { issue: ed.issue });
    const status = doc.find("dmStatus");
    const security = status && status.c.find((c) => typeof c !== "string" && c.n === "security");
    const items = [field(S.tech_name, tech), field(S.info_name, info),
                   h("p", { class: "ed-issue", "data-issue": "1", text: issue }),
                   h("p", { text: `${this.g.label("language")}: ${ed.language}` })];
    if (security) items.push(field(S.security, this.attrControl(security, "securityClassification")));
    const applic = status && status.c.find((c) => typeof c !== "string" && c.n === "applic");
    const applicText = applic ? doc.text(applic.c.find((c) => typeof c !== "string" && c.n === "displayText") || applic).trim() : "";
    items.push(h("div", { class: "ed-field" }, h("span", { text: S.applicability }),
      h("p", { class: "ed-applic-text", text: applicText || S.applic_all }),
      h("button", { type: "button", class: "ed-button", text: S.applic_change, onclick: () => this.moduleApplic(applic) })));
    const qa = status && status.c.find((c) => typeof c !== "string" && c.n === "qualityAssurance");
    const qaState = qa && qa.c.find((c) => typeof c !== "string");
    items.push(h("p", { text: `${S.qa}: ${qaState ? ({ unverified: S.qa_unverified, firstVerification: S.qa_first, secondVerification: S.qa_second }[qaState.n] || qaState.n) : "—"}` }));
    items.push(h("p", { class: "ed-hint", text: ed.opened.schema.source === "official" ? S.schema_official : S.schema_profile }));
    items.push(h("p", { class: "ed-hint", text: S.keyboard_help }));
    out.replaceChildren(...items);
  }

  setTitle(name, value) {
    const doc = this.doc;
    const title = doc.find("dmTitle");
    let node = title.c.find((c) => typeof c !== "string" && c.n === name);
    if (!node && !value.trim()) return;
    doc.transact(`title ${name}`, () => {
      if (!node) {
        const names = childNames(title);
        if (!this.g.insertable(title.t, names, names.length).some((o) => o.name === name)) return;
        node = { n: name, a: {}, c: [] };
        doc.insert(title, title.c.length, node);
      }
      if (!value.trim() && this.g.removable(title.t, childNames(title), doc.nameIndex(node))) doc.remove(node);
      else doc.setContent(node, [value.trim()]);
    });
  }

  async moduleApplic(existing) {
    const built = await this.ed.pickers.applic(existing ? { text: this.doc.text(existing.c.find((c) => typeof c !== "string" && c.n === "displayText") || existing).trim() } : null);
    if (!built) return;
    const status = this.doc.find("dmStatus");
    const key = this.g.childType(status.t, "applic");
    const node = this.ed.complete(built, key);
    if (!node) { this.ed.say(this.S.nothing_allowed, "error"); return; }
    this.doc.transact("applicability", () => {
      if (existing) { const pos = status.c.indexOf(existing); this.doc.remove(existing); this.doc.insert(status, pos, node); }
      else this.doc.insert(status, status.c.length, node);
    });
  }

  // -- the selected element -------------------------------------------------------------------------------------

  drawElement(node) {
    const S = this.S;
    const out = this.panel("element");
    if (out.contains(document.activeElement) && document.activeElement.matches("input, select")) return;
    if (!node || !this.doc.get(node.i) || !node.t) { out.replaceChildren(h("p", { class: "ed-hint", text: S.select_element })); return; }
    const crumbs = h("nav", { class: "ed-crumbs", "aria-label": S.panel_element });
    const chain = this.doc.ancestors(node).reverse().filter((a) => a.t && !["dmodule"].includes(a.n));
    for (const a of chain.slice(-4)) {
      crumbs.append(h("button", { type: "button", class: "ed-crumb", text: this.ed.label(a), onclick: () => { this.ed.select(a); this.drawElement(a); } }), " › ");
    }
    crumbs.append(h("strong", { text: this.ed.label(node) }));
    const form = h("div", { class: "ed-attrs" });
    const t = this.g.type(node.t);
    for (const [attr, required, simpleKey, , fixed] of t.a) {
      if (fixed != null) continue;
      const label = `${this.g.attrLabels[attr] || attr}${required ? " *" : ""}`;
      form.append(h("div", { class: "ed-field" }, h("span", { text: label, title: attr }), this.attrControl(node, attr, simpleKey, required)));
    }
    const more = h("button", { type: "button", class: "ed-button", text: S.element_menu, onclick: () => this.ed.menu(node, more) });
    out.replaceChildren(crumbs, h("h3", { text: S.attributes }), form, more);
  }

  /** The control for one attribute: the values the schema and the BREX allow, identifiers of this module,
      or text checked against the type's patterns. */
  attrControl(node, attr, simpleKey, required) {
    const g = this.g;
    const S = this.S;
    const t = g.type(node.t);
    const spec = t.a.find(([a]) => a === attr);
    simpleKey = simpleKey || (spec && spec[2]);
    required = required === undefined ? !!(spec && spec[1]) : required;
    const s = g.simple[simpleKey] || {};
    const value = node.a[attr] || "";
    const set = (v, control) => {
      if (v !== "" && !g.valueOk(simpleKey, v)) { control.setCustomValidity(S.value_bad); control.reportValidity(); return; }
      if (s.b === "ID" && v && this.doc.findAll((n) => n !== node && n.a && n.a.id === v).length) {
        control.setCustomValidity(S.id_taken); control.reportValidity(); return;
      }
      control.setCustomValidity("");
      this.doc.transact(`set ${attr}`, () => this.doc.setAttr(node, attr, v === "" ? null : v));
    };
    const values = g.attributeValues(node.n, attr, simpleKey);
    if (values) {
      const select = h("select", { name: attr, "data-attr": attr });
      if (!required) select.append(h("option", { value: "", text: S.value_none }));
      for (const [v, label] of values) select.append(h("option", { value: v, text: label ? `${label} (${v})` : v, selected: v === value }));
      if (value && !values.some(([v]) => v === value)) select.append(h("option", { value, text: value, selected: true }));
      select.addEventListener("change", () => set(select.value, select));
      return select;
    }
    if (s.b === "IDREF" || s.b === "IDREFS") return this.refControl(node, attr, s.b === "IDREFS", required, set);
    const input = h("input", { type: "text", class: "ed-input", name: attr, "data-attr": attr, value });
    input.addEventListener("change", () => set(input.value.trim(), input));
    return input;
  }

  candidates(node, attr) {
    const doc = this.doc;
    const desc = (n) => this.ed.pickers.describe(n);
    if (attr === "applicRefId") {
      return doc.findAll((n) => n.n === "applic" && n.a.id).map((n) => [n.a.id, desc(n)]);
    }
    if (ACRONYM[attr]) {
      const kind = ACRONYM[attr] === "warningRef" ? "warning" : "caution";
      return doc.findAll((n) => n.n === ACRONYM[attr] && n.a.id).map((n) => {
        const e = this.ed.pickers.entry(kind, n.a[`${kind}IdentNumber`]);
        return [n.a.id, e ? `${n.a[`${kind}IdentNumber`]}: ${e.text}` : n.a[`${kind}IdentNumber`] || n.a.id];
      });
    }
    if (attr === "nextActionRefId") {
      return doc.findAll((n) => (n.n === "isolationStep" || n.n === "isolationProcedureEnd") && n.a.id).map((n) => [n.a.id, `${this.ed.label(n)}: ${desc(n)}`]);
    }
    return doc.findAll((n) => n.a && n.a.id && n !== node).map((n) => [n.a.id, `${this.ed.label(n)}: ${desc(n)}`]);
  }

  refControl(node, attr, many, required, set) {
    const S = this.S;
    const current = (node.a[attr] || "").split(/\s+/).filter(Boolean);
    const options = this.candidates(node, attr);
    const box = h("div", { class: "ed-refs", "data-attr": attr });
    if (many) {
      const list = h("fieldset", { class: "ed-checks" }, h("legend", { class: "visually-hidden", text: this.g.attrLabels[attr] || attr }));
      for (const [id, label] of options) {
        const check = h("input", { type: "checkbox", value: id, checked: current.includes(id) });
        check.addEventListener("change", () => {
          const chosen = [...list.querySelectorAll("input:checked")].map((c) => c.value);
          set(chosen.join(" "), check);
        });
        list.append(h("label", { class: "ed-check" }, check, h("span", { text: label })));
      }
      box.append(list);
    } else {
      const select = h("select", { name: attr });
      if (!required) select.append(h("option", { value: "", text: S.value_none }));
      for (const [id, label] of options) select.append(h("option", { value: id, text: label, selected: id === current[0] }));
      select.addEventListener("change", () => set(select.value, select));
      box.append(select);
    }
    if (ACRONYM[attr]) {
      box.append(h("button", { type: "button", class: "ed-button", "data-add": ACRONYM[attr],
        text: ACRONYM[attr] === "warningRef" ? S.add_warning : S.add_caution, onclick: () => this.ed.special.addSafety(node, attr) }));
    }
    if (attr === "applicRefId") {
      box.append(h("button", { type: "button", class: "ed-button", text: S.applic_new, onclick: () => this.ed.special.newApplic(node) }));
    }
    return box;
  }

  // -- problems -----------------------------------------------------------------------------------------------

  drawProblems() {
    const S = this.S;
    const out = this.panel("problems");
    const findings = this.ed.findings;
    if (findings === null) { out.replaceChildren(h("p", { class: "ed-hint", text: S.not_checked })); return; }
    if (!findings.length) { out.replaceChildren(h("p", { class: "ed-ok", text: S.no_problems })); return; }
    const list = h("ul", { class: "ed-problems" });
    for (const f of findings) {
      const node = f.node && this.doc.get(f.node);
      const button = h("button", { type: "button", class: `ed-problem ${f.severity}`, "data-node": f.node || "",
        onclick: () => { if (node) this.ed.reveal(node); } },
        h("span", { class: "ed-sev", text: f.severity === "error" ? "✖" : "⚠", "aria-label": f.severity }),
        h("span", { text: (node ? `${this.ed.label(node)}: ` : "") + f.message }),
        h("span", { class: "ed-rule", text: `${f.check}${f.rule ? " · " + f.rule : ""}` }));
      list.append(h("li", {}, button));
    }
    out.replaceChildren(list);
  }
}
