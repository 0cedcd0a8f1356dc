/* Pickers instead of codes: modules and publications by their titles, illustrations with thumbnails (and
   upload through the server's intake gate), parts of this module by what they are, repository entries by
   their text, applicability by products and attribute values; and the dialog that settles a conflict
   between two writers. What a picker returns is placed only where the grammar allows it. */

import { childNames, ID_PREFIX } from "./grammar.js";
import { h, format, dialog, choiceList } from "./ui.js";

const REPO_KIND = { warningRef: "warning", cautionRef: "caution", toolRef: "tool", supplyRef: "supply", partRef: "part",
                    supportEquipDescr: "tool", supplyDescr: "supply", spareDescr: "part" };
/** Which element kinds an internal reference can point at, and the target type S1000D gives each. */
export const TARGETS = { figure: "irtt01", table: "irtt02", multimedia: "irtt03", supplyDescr: "irtt04",
  supportEquipDescr: "irtt05", spareDescr: "irtt06", levelledPara: "irtt07", proceduralStep: "irtt08",
  isolationStep: "irtt08", isolationProcedureEnd: "irtt08", crewDrillStep: "irtt08", graphic: "irtt09", hotspot: "irtt11" };

export class Pickers {
  constructor(editor) {
    this.ed = editor;
    this.repo = {};
    this.loading = this.loadRepositories();
  }

  get S() { return this.ed.S; }

  async loadRepositories() {
    await Promise.all(["warning", "caution", "tool", "supply", "part"].map(async (kind) => {
      const res = await this.ed.server.get(`/api/edit-pick/repository?kind=${kind}&language=${encodeURIComponent(this.ed.language)}`);
      this.repo[kind] = res.ok ? res.data : [];
    }));
    // references drawn before the repositories arrived get their words now (only those, not the whole module)
    if (this.ed.canvas.querySelector(".ed-el-warningRef, .ed-el-cautionRef, .ed-el-toolRef, .ed-el-supplyRef, .ed-el-partRef, .ed-guard")) this.ed.view.render(true);
  }

  entry(kind, number) { return (this.repo[kind] || []).find((e) => e.number === number) || null; }

  /** A picker for an element that needs the writer's choice; undefined when the element has none. */
  async forElement(name, key, parentType) {
    if (name === "dmRef") return this.module("dm");
    if (name === "pmRef") return this.module("pm");
    if (REPO_KIND[name]) return this.repository(name, REPO_KIND[name], key);
    if (name === "graphic" || name === "symbol") {
      const icn = await this.icn(false);
      return icn ? { n: name, a: { infoEntityIdent: icn.ident }, c: [] } : null;
    }
    if (name === "figure") {
      const icn = await this.icn(true);
      if (!icn) return null;
      return { n: "figure", a: {}, c: [{ n: "title", a: {}, c: [icn.title || ""] }, { n: "graphic", a: { infoEntityIdent: icn.ident }, c: [] }] };
    }
    if (name === "internalRef") return this.internal();
    return undefined;
  }

  // -- modules and publications -----------------------------------------------------------------------------

  async module(kind) {
    const S = this.S;
    const key = await dialog(kind === "dm" ? S.pick_module : S.pick_publication, (body, close) => {
      const input = h("input", { type: "search", class: "ed-search", "aria-label": S.pick_search, placeholder: S.pick_search });
      const results = h("div", { class: "ed-results", "aria-live": "polite" });
      let seq = 0;
      const run = async () => {
        const mine = ++seq;
        const res = await this.ed.server.get(`/api/edit-pick/modules?kind=${kind}&language=${encodeURIComponent(this.ed.language)}&q=${encodeURIComponent(input.value)}`);
        if (mine !== seq) return;
        const items = (res.ok ? res.data : []).map((m) => ({ label: m.title || m.key, hint: m.key, data: { key: m.key }, key: m.key }));
        results.replaceChildren(choiceList(items, (item) => close(item.key), S.pick_none));
      };
      input.addEventListener("input", run);
      input.addEventListener("keydown", (e) => {
        if (e.key === "ArrowDown") { const b = results.querySelector("button"); if (b) { e.preventDefault(); b.focus(); } }
      });
      body.append(input, results);
      run();
    }, { closeLabel: S.close });
    if (!key) return null;
    const res = await this.ed.server.get(`/api/edit-pick/ref?key=${encodeURIComponent(key)}`);
    return res.ok ? res.data : null;
  }

  // -- illustrations ----------------------------------------------------------------------------------------

  async icn(withTitle) {
    const S = this.S;
    const res = await this.ed.server.get("/api/edit-pick/icns");
    const icns = res.ok ? res.data : [];
    return dialog(S.pick_icn, (body, close) => {
      const title = withTitle ? h("input", { type: "text", class: "ed-input", "aria-label": this.ed.g.label("title"), placeholder: this.ed.g.label("title") }) : null;
      const filter = h("input", { type: "search", class: "ed-search", "aria-label": S.pick_filter, placeholder: S.pick_filter });
      const grid = h("div", { class: "ed-icns" });
      const pick = (icn) => { this.ed.icnUrls[icn.ident] = icn.url; close(Object.assign({ title: title ? title.value : "" }, icn)); };
      const draw = () => {
        const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
        grid.replaceChildren(...icns.filter((i) => words.every((w) => i.file.toLowerCase().includes(w))).map((icn) =>
          h("button", { type: "button", class: "ed-icn", dataset: { icn: icn.ident }, onclick: () => pick(icn) },
            icn.shown ? h("img", { src: icn.url, alt: "", loading: "lazy" }) : h("span", { class: "ed-noimg", text: "?" }),
            h("span", { text: icn.ident }))));
      };
      const file = h("input", { type: "file", accept: ".svg,.png,.jpg,.jpeg,.gif,.cgm", "aria-label": S.pick_upload });
      const note = h("p", { class: "ed-note", "aria-live": "polite" });
      file.addEventListener("change", async () => {
        if (!file.files.length) return;
        const up = await this.ed.server.upload("/api/edit-pick/icns", file.files[0]);
        if (!up.ok) { note.textContent = (up.data && up.data.error && up.data.error.message) || S.network_error; return; }
        note.textContent = format(S.pick_uploaded, { name: up.data.file });
        icns.unshift(Object.assign({ shown: true }, up.data));
        draw();
        pick(Object.assign({ shown: true }, up.data));
      });
      filter.addEventListener("input", draw);
      draw();
      if (title) body.append(h("label", { class: "ed-field" }, h("span", { text: this.ed.g.label("title") }), title));
      body.append(filter, grid, h("label", { class: "ed-field" }, h("span", { text: S.pick_upload }), file), note);
    }, { wide: true, closeLabel: S.close });
  }

  // -- this module's own parts --------------------------------------------------------------------------------

  targets() {
    const doc = this.ed.doc;
    return doc.findAll((n) => n.a && n.a.id && TARGETS[n.n]).map((n) => ({
      node: n, id: n.a.id, type: TARGETS[n.n], label: `${this.ed.label(n)}: ${this.describe(n)}`,
    }));
  }

  describe(n) {
    const doc = this.ed.doc;
    const title = n.c.find((c) => typeof c !== "string" && (c.n === "title" || c.n === "name"));
    if (title) return doc.text(title).trim();
    const host = this.ed.view.firstHost(n);
    const text = host ? doc.text(host).trim() : "";
    return (text.length > 60 ? text.slice(0, 57) + "…" : text) || n.a.id;
  }

  async internal() {
    const S = this.S;
    const targets = this.targets();
    const picked = await dialog(S.pick_internal, (body, close) => {
      body.append(choiceList(targets.map((t) => ({ label: t.label, hint: t.id, data: { target: t.id }, t })), (item) => close(item.t), S.pick_internal_none));
    }, { closeLabel: S.close });
    return picked ? { n: "internalRef", a: { internalRefId: picked.id, internalRefTargetType: picked.type }, c: [] } : null;
  }

  // -- repositories ---------------------------------------------------------------------------------------

  async chooseEntry(kind) {
    await this.loading;
    const S = this.S;
    const entries = this.repo[kind] || [];
    return dialog(S[`pick_${kind}`], (body, close) => {
      const filter = h("input", { type: "search", class: "ed-search", "aria-label": S.pick_filter, placeholder: S.pick_filter });
      const list = h("div", { class: "ed-results" });
      const draw = () => {
        const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
        const items = entries.filter((e) => words.every((w) => `${e.number} ${e.text}`.toLowerCase().includes(w)))
          .map((e) => ({ label: e.text || e.number, hint: e.number, data: { number: e.number }, e }));
        list.replaceChildren(choiceList(items, (item) => close(item.e), S.pick_none));
      };
      filter.addEventListener("input", draw);
      draw();
      body.append(filter, list);
    }, { wide: kind === "warning" || kind === "caution", closeLabel: S.close });
  }

  async repository(name, kind, key) {
    const entry = await this.chooseEntry(kind);
    if (!entry) return null;
    const ref = JSON.parse(JSON.stringify(entry.ref));
    if (name === ref.n) {
      if (ID_PREFIX[name] && this.ed.g.type(key).a.some(([a]) => a === "id")) ref.a.id = this.ed.context().newId(name);
      return ref;
    }
    // a requirement row (supportEquipDescr...): its name, the reference, a quantity, as the grammar orders them
    const g = this.ed.g;
    const t = g.type(key);
    const row = { n: name, a: {}, c: [] };
    if (t.a.some(([a]) => a === "id")) row.a.id = this.ed.context().newId(name);
    const parts = [];
    if (t.k.name) parts.push({ n: "name", a: {}, c: [entry.text] });
    if (t.k[ref.n]) parts.push(ref);
    if (t.k.reqQuantity) parts.push({ n: "reqQuantity", a: {}, c: ["1"] });
    row.c = parts;
    if (g.valid(key, childNames(row))) return row;
    const made = g.create(name, key, this.ed.context());
    return made;
  }

  // -- values only the writer can give ----------------------------------------------------------------------

  /** A form for the required values of a new element that no default can give. */
  async values(name, key) {
    const g = this.ed.g;
    const needed = [];
    const seen = new Set();
    const collect = (n, k, depth) => {
      const t = g.type(k);
      if (!t || depth > 4 || seen.has(k)) return;
      seen.add(k);
      for (const [attr, required, simpleKey, dflt, fixed] of t.a) {
        const s = g.simple[simpleKey];
        if (required && fixed == null && dflt == null && s.x == null && s.b !== "ID") needed.push({ el: n, attr, s, simpleKey });
      }
      for (const c of t.f || []) collect(c, t.k[c], depth + 1);
    };
    collect(name, key, 0);
    if (!needed.length) return null;
    const ids = this.ed.doc.findAll((n) => n.a && n.a.id).map((n) => ({ id: n.a.id, label: `${this.ed.label(n)}: ${this.describe(n)}` }));
    const S = this.S;
    return dialog(g.label(name), (body, close) => {
      const form = h("form", { class: "ed-form" });
      const inputs = [];
      for (const need of needed) {
        let input;
        if (need.s.b === "IDREF" || need.s.b === "IDREFS") {
          input = h("select", { name: need.attr }, ids.map((i) => h("option", { value: i.id, text: i.label })));
        } else if (need.s.b === "ENTITY") {
          input = h("input", { name: need.attr, required: true, readonly: true });
          const choose = h("button", { type: "button", class: "ed-button", text: S.pick_icn, onclick: async () => {
            const icn = await this.icn(false);
            if (icn) input.value = icn.ident;
          } });
          form.append(h("label", { class: "ed-field" }, h("span", { text: g.attrLabels[need.attr] || need.attr }), input, choose));
          inputs.push([need, input]);
          continue;
        } else {
          input = h("input", { name: need.attr, required: true });
        }
        inputs.push([need, input]);
        form.append(h("label", { class: "ed-field" }, h("span", { text: `${g.label(need.el)}: ${g.attrLabels[need.attr] || need.attr}` }), input));
      }
      form.append(h("button", { type: "submit", class: "ed-button primary", text: S.ok }));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const out = {};
        for (const [need, input] of inputs) {
          if (!g.valueOk(need.simpleKey, input.value)) { input.setCustomValidity(S.value_bad); input.reportValidity(); return; }
          out[`${need.el}@${need.attr}`] = input.value;
        }
        close(out);
      });
      body.append(form);
    }, { closeLabel: S.close });
  }

  // -- applicability ------------------------------------------------------------------------------------------

  /** An applic element built from products' attributes and conditions (the ACT/CCT/PCT of the CSDB). */
  async applic(existing) {
    const S = this.S;
    const res = await this.ed.server.get(`/api/edit-pick/applic?code=${encodeURIComponent(this.ed.code)}&language=${encodeURIComponent(this.ed.language)}`);
    const props = res.ok ? res.data.properties : [];
    return dialog(S.applicability, (body, close) => {
      const form = h("form", { class: "ed-form" });
      const text = h("input", { type: "text", class: "ed-input", name: "text", required: true, value: existing ? existing.text : "" });
      form.append(h("label", { class: "ed-field" }, h("span", { text: S.applic_text }), text));
      const rows = h("div", { class: "ed-applic-rows" });
      const addRow = () => {
        const prop = h("select", { name: "prop" }, props.map((p) => h("option", { value: p.id, text: `${p.name} (${p.type === "condition" ? "усл." : "изд."})` })));
        const values = h("select", { name: "values", multiple: true, size: 4 });
        const fillValues = () => {
          const p = props.find((x) => x.id === prop.value);
          values.replaceChildren(...(p ? p.values : []).map((v) => h("option", { value: v, text: v })));
        };
        prop.addEventListener("change", fillValues);
        fillValues();
        rows.append(h("div", { class: "ed-applic-row" },
          h("label", { class: "ed-field" }, h("span", { text: S.applic_property }), prop),
          h("label", { class: "ed-field" }, h("span", { text: S.applic_values }), values)));
      };
      addRow();
      const all = h("input", { type: "checkbox", name: "and", checked: true });
      form.append(rows, h("button", { type: "button", class: "ed-button", text: S.applic_add_condition, onclick: addRow }),
                  h("label", { class: "ed-check" }, all, h("span", { text: S.applic_combine })));
      form.append(h("div", { class: "ed-dialog-actions" },
        h("button", { type: "submit", class: "ed-button primary", text: S.ok })));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const asserts = [...rows.querySelectorAll(".ed-applic-row")].map((row) => {
          const prop = row.querySelector("[name=prop]").value;
          const p = props.find((x) => x.id === prop);
          const vals = [...row.querySelector("[name=values]").selectedOptions].map((o) => o.value);
          if (!p || !vals.length) return null;
          return { n: "assert", a: { applicPropertyIdent: p.id, applicPropertyType: p.type, applicPropertyValues: vals.join("|") }, c: [] };
        }).filter(Boolean);
        const display = { n: "displayText", a: {}, c: [{ n: "simplePara", a: {}, c: [text.value.trim()] }] };
        const applic = { n: "applic", a: {}, c: [display] };
        if (asserts.length === 1) applic.c.push(asserts[0]);
        else if (asserts.length > 1) applic.c.push({ n: "evaluate", a: { andOr: all.checked ? "and" : "or" }, c: asserts });
        close(applic);
      });
      body.append(form);
    }, { closeLabel: S.close });
  }

  // -- two writers ------------------------------------------------------------------------------------------

  async conflict(data) {
    const S = this.S;
    const info = data.conflict;
    const who = (info.lastSave && info.lastSave.writer) || S.someone;
    const diff = (rows) => h("ul", { class: "ed-diff" }, rows.map(([k, text]) =>
      h("li", { class: k === "+" ? "add" : k === "-" ? "del" : k === "@" ? "gap" : "ctx" },
        h("span", { class: "ed-diff-mark", text: k === "+" ? "+" : k === "-" ? "−" : " ", "aria-label": k === "+" ? S.line_added : k === "-" ? S.line_removed : "" }),
        h("span", { text }))));
    const choice = await dialog(S.conflict_title, (body, close) => {
      body.append(h("p", { text: format(S.conflict_text, { who }) }));
      if (info.theirChanges.length) body.append(h("h3", { text: S.their_changes }), diff(info.theirChanges));
      if (info.yourChanges.length) body.append(h("h3", { text: S.your_changes }), diff(info.yourChanges));
      body.append(h("div", { class: "ed-dialog-actions" },
        h("button", { type: "button", class: "ed-button primary", "data-merge": "1", text: S.merge, onclick: () => close("merge") }),
        h("button", { type: "button", class: "ed-button", text: S.reload_theirs, onclick: () => close("theirs") })));
    }, { wide: true, closeLabel: S.close });
    if (choice === "merge") return this.merge({});
    if (choice === "theirs") this.ed.adopt(info.current);
    return null;
  }

  async merge(choices) {
    const S = this.S;
    const ed = this.ed;
    const res = await ed.server.json(ed.url("/merge"), { base: ed.base, doc: ed.doc.toJSON(), language: ed.language, choices });
    if (!res.ok) { ed.say((res.data && res.data.error && res.data.error.message) || S.network_error, "error"); return; }
    if (res.data.conflicts.length) {
      const picked = await dialog(S.merge_conflicts, (body, close) => {
        const form = h("form", { class: "ed-form" });
        res.data.conflicts.forEach((c) => {
          const side = (title, lines) => h("div", { class: "ed-side-text" }, h("h4", { text: title }), h("ul", {}, lines.map((l) => h("li", { text: l }))));
          const radios = ["mine", "theirs", "both"].map((v, i) => h("label", { class: "ed-check" },
            h("input", { type: "radio", name: `c${c.index}`, value: v, checked: i === 0 }), h("span", { text: S[`keep_${v}`] })));
          form.append(h("fieldset", { class: "ed-conflict" }, h("legend", { text: `${c.index + 1}` }),
            h("div", { class: "ed-sides" }, side(S.your_changes, c.mine), side(S.their_changes, c.theirs)), radios));
        });
        form.append(h("button", { type: "submit", class: "ed-button primary", text: S.merge }));
        form.addEventListener("submit", (e) => {
          e.preventDefault();
          const out = {};
          res.data.conflicts.forEach((c) => { out[c.index] = form.querySelector(`input[name=c${c.index}]:checked`).value; });
          close(out);
        });
        body.append(form);
      }, { wide: true, closeLabel: S.close });
      if (picked) return this.merge(picked);
      return null;
    }
    ed.adopt({ doc: res.data.doc, sha256: res.data.sha256, issue: res.data.issue }, true);
    ed.say(S.merged, "warning");
    return true;
  }
}
