/* The editor: the model, its view, and what the writer does with them (typing, keys, menus, drag and drop,
   saving). Every structural action asks the grammar first, so only what the schema allows is offered and
   done; the model's transactions make all of it undoable. */

import { childNames, Grammar, ID_PREFIX } from "./grammar.js";
import { Doc } from "./model.js";
import { View, isAtom, isInline } from "./view.js";
import { h, format, dialog, choiceList, Server } from "./ui.js";
import { Pickers } from "./pickers.js";
import { Panel } from "./panel.js";
import { Special } from "./special.js";
import { Drafts } from "./drafts.js";
import { pasteNodes } from "./paste.js";

/** Blocks that move, nest and repeat as units (Alt+arrows, dragging, Ctrl+Enter). */
export const STEP_LIKE = new Set(["proceduralStep", "listItem", "levelledPara", "definitionListItem", "isolationStep",
  "isolationProcedureEnd", "crewDrillStep", "row", "catalogSeqNumber", "supportEquipDescr", "supplyDescr", "spareDescr",
  "reqCondNoRef", "reqCondDm", "dmNode", "taskDefinition", "figure", "table", "note", "warning", "caution",
  "personnel", "person", "hotspot", "challengeAndResponse", "definitionListItem"]);
/** Text elements to start when Enter ends a text that cannot repeat (a title), best first. */
const NEXT_TEXT = ["para", "notePara", "warningAndCautionPara", "simplePara", "reqCond", "listItemDefinition", "entry"];

export class Editor {
  constructor(root, opened, grammarPayload, S) {
    this.root = root;
    this.S = S;
    this.opened = opened;
    this.g = new Grammar(Object.assign({}, grammarPayload, { values: opened.values || {} }));
    this.server = new Server(root.dataset.csrf);
    this.code = root.dataset.code;
    this.language = opened.language;
    this.base = opened.sha256;
    this.issue = opened.issue;
    this.official = opened.official;
    this.icnUrls = opened.icns || {};
    this.doc = new Doc(opened.doc, this.g);
    this.findings = null;
    this.canvas = root.querySelector("#ed-canvas");
    this.status = root.querySelector("[data-status]");
    this.pickers = new Pickers(this);
    this.special = new Special(this);
    this.view = new View(this.doc, this.canvas, {
      S, label: (n) => this.label(n), summary: (n) => this.summary(n), special: this.special,
    });
    this.panel = new Panel(this);
    this.drafts = new Drafts(this);
    this.focusAfter = null;
    this.doc.on((change) => this.changed(change));
    this.bind();
  }

  // -- words ------------------------------------------------------------------------------------------------

  label(node) {
    if (typeof node === "string") return "";
    if (node.n === "#comment") return "comment";
    if (node.n.startsWith("#")) return node.q || node.n;
    return this.special.label(node) || this.g.label(node.n);
  }

  summary(node) {
    return this.special.summary(node) || "";
  }

  /** Show an element: selected, scrolled to, its text or its menu button focused. */
  reveal(node) {
    this.select(node);
    const el = this.view.el(node);
    if (!el) return;
    el.scrollIntoView({ block: "center" });
    el.classList.add("ed-flash");
    setTimeout(() => el.classList.remove("ed-flash"), 1500);
    const first = this.view.firstHost(node);
    if (first) this.view.place(first.i, 0);
    else { const more = el.querySelector("[data-more]"); if (more) more.focus(); }
  }

  say(text, kind = "info") {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }

  // -- changes ----------------------------------------------------------------------------------------------

  changed(change) {
    if (change.rolledBack) {
      this.say(this.S.nothing_allowed + (change.error ? ` (${change.error.message})` : ""), "error");
      this.view.render(true);
      return;
    }
    this.dirty = true;
    this.drafts.keep();
    this.updateButtons();
    if (change.typing) { this.panel.refresh(); return; }
    this.view.render();
    this.applyFocus();
    this.panel.refresh();
  }

  applyFocus() {
    if (!this.focusAfter) return;
    const { id, offset, element } = this.focusAfter;
    this.focusAfter = null;
    const node = this.doc.get(id);
    if (!node) return;
    if (element) {
      const el = this.view.el(node);
      const target = el && (el.matches("[tabindex], button") ? el : el.querySelector("[data-more]"));
      if (target) target.focus();
      this.select(node);
    } else this.view.place(id, offset === undefined ? 0 : offset);
  }

  updateButtons() {
    this.root.querySelector("[data-cmd=undo]").disabled = !this.doc.undoStack.length;
    this.root.querySelector("[data-cmd=redo]").disabled = !this.doc.redoStack.length;
    this.root.querySelector("[data-dirty]").textContent = this.dirty ? this.S.unsaved : this.S.all_saved;
  }

  select(node) {
    if (!node || node === this.selected) return;
    this.selected = node;
    this.view.selected = node;
    this.view.highlight(node);
    this.panel.showElement(node);
  }

  // -- events ---------------------------------------------------------------------------------------------

  bind() {
    const c = this.canvas;
    c.addEventListener("input", (e) => { const host = e.target.closest("[data-host]"); if (host) this.readHost(host); });
    c.addEventListener("keydown", (e) => this.onKey(e));
    c.addEventListener("paste", (e) => this.onPaste(e));
    c.addEventListener("drop", (e) => { if (e.target.closest("[data-host]")) e.preventDefault(); });
    c.addEventListener("click", (e) => {
      const more = e.target.closest("[data-more]");
      if (more) { e.preventDefault(); this.menu(this.doc.get(more.dataset.more), more); return; }
      const action = e.target.closest("[data-action]");
      if (action) { e.preventDefault(); this.special.action(action); return; }
      const atom = e.target.closest(".ed-atom");
      if (atom) { this.select(this.doc.get(atom.dataset.id)); this.panel.show("element"); return; }
      const el = e.target.closest("[data-id]");
      if (el) this.select(this.doc.get(el.dataset.id));
    });
    c.addEventListener("focusin", (e) => {
      const el = e.target.closest("[data-host]") || e.target.closest("[data-id]");
      if (el) this.select(this.doc.get(el.dataset.host || el.dataset.id));
    });
    this.root.querySelectorAll("[data-cmd]").forEach((b) => b.addEventListener("click", () => this.command(b.dataset.cmd)));
    document.addEventListener("keydown", (e) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === "s") { e.preventDefault(); this.save(); }
      else if (mod && !e.shiftKey && e.key.toLowerCase() === "z") { e.preventDefault(); this.command("undo"); }
      else if (mod && (e.key.toLowerCase() === "y" || (e.shiftKey && e.key.toLowerCase() === "z"))) { e.preventDefault(); this.command("redo"); }
      else if (mod && e.key === ".") { e.preventDefault(); this.menu(this.current(), null); }
    });
    window.addEventListener("beforeunload", () => this.drafts.keep(true));
    this.special.bindDrag();
  }

  command(cmd) {
    if (cmd === "undo") { this.sync(); this.doc.undo(); }
    else if (cmd === "redo") this.doc.redo();
    else if (cmd === "save") this.save();
    else if (cmd === "check") this.check();
    else if (cmd === "preview") this.preview();
    else if (cmd === "bold") this.toggleEmphasis();
    else if (cmd === "list" || cmd === "numbered") this.insertList(cmd === "numbered");
    else if (cmd === "menu") this.menu(this.current(), null);
    this.updateButtons();
  }

  /** The node the writer is at: the text with the caret, else the selected element. */
  current() {
    const at = this.view.caretIn();
    return (at && at.node) || this.selected || this.view.top;
  }

  /** Take what an editable text shows into the model. */
  readHost(host) {
    const node = this.doc.get(host.dataset.host);
    if (!node) return;
    const nested = [];
    const children = this.view.read(host, node, nested);
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    this.doc.transact("typing", () => {
      if (!same(node.c, children)) this.doc.setContent(node, children);
      for (const [n, c] of nested) if (!same(n.c, c)) this.doc.setContent(n, c);
    }, { typing: true, coalesce: node.i });
    this.checkValue(host, node);
  }

  /** A text whose value the schema restricts (a number, a code) is flagged while it is not one. */
  checkValue(host, node) {
    const t = this.g.type(node.t);
    if (!t || t.x == null) return;
    const ok = this.g.valueOk(t.x, this.doc.text(node));
    host.classList.toggle("ed-invalid", !ok);
    host.setAttribute("aria-invalid", ok ? "false" : "true");
  }

  /** Read every editable text into the model (before a save or an undo). */
  sync() {
    const at = this.view.caretIn();
    if (at) this.readHost(at.host);
  }

  onKey(e) {
    const host = e.target.closest && e.target.closest("[data-host]");
    const mod = e.ctrlKey || e.metaKey;
    if (e.altKey && ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].includes(e.key)) {
      e.preventDefault();
      const target = this.unitOf(this.current());
      if (!target) return;
      this.sync();
      const done = { ArrowUp: () => this.moveBy(target, -1), ArrowDown: () => this.moveBy(target, 1),
                     ArrowRight: () => this.indent(target), ArrowLeft: () => this.outdent(target) }[e.key]();
      if (!done) this.say(this.S.nothing_allowed, "error");
      return;
    }
    if (!host) {
      if ((e.key === "Enter" || e.key === " ") && e.target.classList && e.target.classList.contains("ed-chip")) {
        e.preventDefault();
        this.menu(this.doc.get(e.target.dataset.id), e.target);
        return;
      }
      if ((e.key === "Delete" || e.key === "Backspace") && e.target.dataset && e.target.dataset.id && !e.target.closest("[data-host]")) {
        const node = this.doc.get(e.target.dataset.id);
        if (node) { e.preventDefault(); this.removeNode(node); }
      }
      return;
    }
    const node = this.doc.get(host.dataset.host);
    if (mod && e.key.toLowerCase() === "b") { e.preventDefault(); this.toggleEmphasis(); return; }
    if (mod && e.shiftKey && (e.code === "Digit8" || e.code === "Digit7")) { e.preventDefault(); this.insertList(e.code === "Digit7"); return; }
    if (e.key === "Enter" && mod) { e.preventDefault(); this.sync(); this.newUnitAfter(node); return; }
    if (e.key === "Enter") { e.preventDefault(); this.split(host, node); return; }
    if (e.key === "Escape") { e.preventDefault(); const more = host.parentElement.querySelector(":scope > [data-more]"); if (more) more.focus(); return; }
    const at = this.view.caretIn();
    if (!at || at.offset !== at.end) return;
    const length = host.textContent.length;
    if (e.key === "Backspace" && at.offset === 0) {
      if (this.joinBackward(node)) e.preventDefault();
    } else if (e.key === "Delete" && at.offset === length) {
      const next = this.nextSibling(node);
      if (next && next.n === node.n && this.view.kind(next) === "textblock") { e.preventDefault(); this.sync(); this.join(node, next); }
    }
  }

  // -- structure ------------------------------------------------------------------------------------------

  siblings(node) { const p = this.doc.parentOf(node); return p ? this.doc.elements(p) : []; }
  prevSibling(node) { const s = this.siblings(node); return s[s.indexOf(node) - 1] || null; }
  nextSibling(node) { const s = this.siblings(node); return s[s.indexOf(node) + 1] || null; }

  /** Where in parent.c the element with name-index `k` stands (or after the last element). */
  posOf(parent, k) {
    const els = this.doc.elements(parent);
    if (k < els.length) return parent.c.indexOf(els[k]);
    return els.length ? parent.c.indexOf(els[els.length - 1]) + 1 : parent.c.length;
  }

  context() {
    const taken = new Set();
    return {
      newId: (name) => {
        let id = this.doc.newId(name, ID_PREFIX);
        let n = 1;
        while (taken.has(id)) id = `${id.replace(/-\d+$/, "")}-${String(Number(id.split("-").pop()) + (n++)).padStart(4, "0")}`;
        taken.add(id);
        return id;
      },
    };
  }

  /** A new element for a place: filled by the grammar, or from a picker when it needs the writer's choice. */
  async make(parentType, name, preset) {
    const key = this.g.childType(parentType, name);
    if (!key) return null;
    if (preset) return this.complete(preset, key);
    const picked = await this.pickers.forElement(name, key, parentType);
    if (picked !== undefined) return picked ? this.complete(picked, key) : null;
    const made = this.g.create(name, key, this.context());
    if (made) return made;
    const values = await this.pickers.values(name, key);
    if (!values) return null;
    const ctx = Object.assign(this.context(), { value: (n, attr) => values[`${n}@${attr}`] ?? values[attr] ?? null });
    return this.g.create(name, key, ctx);
  }

  /** A node from a picker or the clipboard made whole: required values the grammar can give are given,
      and it is refused unless every element in it is valid where it stands. */
  complete(node, key) {
    const ctx = this.context();
    const walk = (n, k) => {
      if (typeof n === "string" || n.n.startsWith("#")) return true;
      const t = this.g.type(k);
      if (!t) return false;
      n.a = n.a || {};
      n.c = n.c || [];
      for (const [attr, required, simpleKey, dflt, fixed] of t.a) {
        if (attr === "id" && !required && !n.a.id && ID_PREFIX[n.n]) n.a.id = ctx.newId(n.n);
        if (!required || attr in n.a || fixed != null || dflt != null) continue;
        const s = this.g.simple[simpleKey];
        if (s.b === "ID") n.a[attr] = ctx.newId(n.n);
        else if (s.x != null) n.a[attr] = s.x;
        else return false;
      }
      for (const [attr, value] of Object.entries(n.a)) {  // every value one its type accepts
        const spec = t.a.find(([a]) => a === attr);
        if (spec && !this.g.valueOk(spec[2], value)) return false;
        if (!spec && !attr.startsWith("{")) return false;
      }
      if (!t.m && t.x == null && n.c.some((c) => typeof c === "string" && c.trim())) return false;
      if (!this.g.valid(k, childNames(n))) {
        const end = this.g.match(k, childNames(n));
        const more = end >= 0 ? this.g.completion(k, end) : null;
        if (!more) return false;
        for (const name of more) n.c.push(this.g.create(name, t.k[name], ctx));
      }
      return n.c.every((c) => typeof c === "string" || walk(c, t.k[c.n]));
    };
    return walk(node, key) ? node : null;
  }

  async insert(parent, k, name, before = [], preset = null) {
    const nodes = [];
    for (const b of before) { const m = await this.make(parent.t, b); if (!m) return false; nodes.push(m); }
    const made = await this.make(parent.t, name, preset);
    if (!made) return false;
    const els = this.doc.elements(parent);
    const neighbour = [els[k - 1], els[k]].find((n) => n && n.n === name);
    if (neighbour && !preset) this.likeSibling(made, neighbour, this.g.childType(parent.t, name));
    nodes.push(made);
    const pos = this.posOf(parent, k);
    const ok = this.doc.transact(`insert ${name}`, () => nodes.forEach((n, i) => this.doc.insert(parent, pos + i, n)));
    if (ok) this.focusNew(made);
    return ok;
  }

  /** After an insertion: the caret into the new element's first text, else the focus on the element. */
  /** A new step (list item...) shaped like its neighbour: with a title when the steps beside it have one,
      as S1000D's business rules ask of sibling steps. */
  likeSibling(made, neighbour, key) {
    const first = (n) => n.c.find((c) => typeof c !== "string");
    const titled = (n) => { const f = first(n); return !!f && f.n === "title"; };
    if (titled(neighbour) && !titled(made)) {
      const names = childNames(made);
      if (this.g.insertable(key, names, 0).some((o) => o.name === "title" && !o.before.length)) {
        made.c.unshift(this.g.create("title", this.g.childType(key, "title"), this.context()));
      }
    } else if (!titled(neighbour) && titled(made)) {
      const names = childNames(made);
      if (this.g.valid(key, names.slice(1))) made.c.splice(made.c.indexOf(first(made)), 1);
    }
  }

  focusNew(node) {
    const first = this.view.firstHost(node);
    this.focusAfter = first ? { id: first.i, offset: 0 } : { id: node.i, element: true };
    this.applyFocus();
  }

  async replace(node, name) {
    const parent = this.doc.parentOf(node);
    const made = await this.make(parent.t, name);
    if (!made) return false;
    const newKey = this.g.childType(parent.t, name);
    // keep what the old element held where the new one can hold it: its text, or its children
    if (this.g.allowsText(newKey) && this.g.allowsText(node.t)) {
      const text = node.c.filter((c) => typeof c === "string" || this.g.childType(newKey, c.n));
      if (this.g.valid(newKey, childNames({ c: text }))) made.c = text.map((c) => (typeof c === "string" ? c : this.doc.clone(c)));
    } else if (!this.g.allowsText(newKey) && this.doc.elements(node).length && this.g.valid(newKey, childNames(node))) {
      made.c = node.c.filter((c) => typeof c !== "string").map((c) => this.doc.clone(c));
    }
    const pos = parent.c.indexOf(node);
    const ok = this.doc.transact(`replace ${node.n} by ${name}`, () => { this.doc.remove(node); this.doc.insert(parent, pos, made); });
    if (ok) this.focusNew(made);
    return ok;
  }

  removeNode(node) {
    const parent = this.doc.parentOf(node);
    if (!parent) return false;
    const names = childNames(parent);
    const k = this.doc.nameIndex(node);
    if (!this.g.removable(parent.t, names, k)) {
      // the element is required here: an empty alternative can stand in (noConds for the last condition...)
      const alts = this.g.replaceable(parent.t, names, k).filter((n) => /^no[A-Z]/.test(n));
      if (alts.length) return this.replace(node, alts[0]);
      this.say(this.S.nothing_allowed, "error");
      return false;
    }
    const prev = this.view.lastHost(this.prevSibling(node)) || this.view.lastHost(parent);
    if (prev) this.focusAfter = { id: prev.i, offset: -1 };
    return this.doc.transact(`delete ${node.n}`, () => this.doc.remove(node));
  }

  /** Elements that may stand where `node` is and hold it (with what else they need filled in). */
  wrappers(node) {
    const parent = this.doc.parentOf(node);
    if (!parent || !parent.t || !node.t) return [];
    const names = childNames(parent);
    const k = this.doc.nameIndex(node);
    return this.g.replaceable(parent.t, names, k).filter((name) => {
      const key = this.g.childType(parent.t, name);
      if (!key || this.g.childType(key, node.n) !== node.t) return false;
      const state = this.g.match(key, [node.n]);
      return state >= 0 && this.g.completion(key, state) !== null;
    });
  }

  wrap(node, name) {
    const parent = this.doc.parentOf(node);
    const key = this.g.childType(parent.t, name);
    const rest = this.g.completion(key, this.g.match(key, [node.n]));
    const ctx = this.context();
    const made = this.complete({ n: name, a: {}, c: rest.map((n) => this.g.create(n, this.g.childType(key, n), ctx)) }, key);
    if (!made || made.c.length !== rest.length) return false;
    const pos = parent.c.indexOf(node);
    this.focusAfter = { id: node.i, element: true };
    return this.doc.transact(`wrap ${node.n} in ${name}`, () => {
      this.doc.remove(node);
      made.c.unshift(node);
      this.doc.insert(parent, pos, made);
    });
  }

  /** May the element give way to what it holds (each part fitting where it stood)? */
  canUnwrap(node) {
    const parent = this.doc.parentOf(node);
    if (!parent || !parent.t || !node.t || this.g.allowsText(node.t)) return false;
    const kids = this.doc.elements(node);
    if (!kids.length || kids.some((c) => !c.t || this.g.childType(parent.t, c.n) !== c.t)) return false;
    const names = childNames(parent);
    const k = this.doc.nameIndex(node);
    return this.g.valid(parent.t, names.slice(0, k).concat(childNames(node), names.slice(k + 1)));
  }

  unwrap(node) {
    const parent = this.doc.parentOf(node);
    const kids = this.doc.elements(node);
    const pos = parent.c.indexOf(node);
    this.focusAfter = { id: kids[0].i, element: true };
    return this.doc.transact(`unwrap ${node.n}`, () => {
      kids.forEach((c) => this.doc.remove(c)); // each step recorded, so that undo puts them back inside
      this.doc.remove(node);
      kids.forEach((c, i) => this.doc.insert(parent, pos + i, c));
    });
  }

  unitOf(node) {
    for (let n = node; n; n = this.doc.parentOf(n)) if (STEP_LIKE.has(n.n)) return n;
    return node;
  }

  /** Can `node` stand at name-index k of `parent` (taken out of where it is now)? */
  fits(node, parent, k) {
    const names = childNames(parent);
    const from = this.doc.parentOf(node);
    if (from === parent) {
      const at = this.doc.nameIndex(node);
      names.splice(at, 1);
      if (at < k) k--;
    } else if (from && !this.g.removable(from.t, childNames(from), this.doc.nameIndex(node))) return false;
    names.splice(k, 0, node.n);
    return this.g.childType(parent.t, node.n) === node.t && this.g.valid(parent.t, names);
  }

  moveTo(node, parent, k) {
    if (!this.fits(node, parent, k)) return false;
    const host = this.view.caretIn();
    if (host) this.focusAfter = { id: host.node.i, offset: host.offset };
    else this.focusAfter = { id: node.i, element: true };
    return this.doc.transact(`move ${node.n}`, () => {
      this.doc.move(node, parent, this.posOf(parent, k));
      this.titleAmong(node);
    });
  }

  /** A titled step moved among steps without titles keeps its words as its first paragraph (S1000D's rules
      want sibling steps alike); an empty title simply goes. */
  titleAmong(node) {
    const first = node.c.find((c) => typeof c !== "string");
    if (!first || first.n !== "title") return;
    const others = this.siblings(node).filter((s) => s !== node && s.n === node.n);
    if (!others.length || others.some((s) => { const f = s.c.find((c) => typeof c !== "string"); return f && f.n === "title"; })) return;
    const names = childNames(node);
    const text = this.doc.text(first).trim();
    if (!text) { if (this.g.valid(node.t, names.slice(1))) this.doc.remove(first); return; }
    const paraKey = this.g.childType(node.t, "para");
    if (!paraKey || !this.g.valid(node.t, ["para"].concat(names.slice(1)))) return;
    const para = this.g.create("para", paraKey, this.context());
    para.c = first.c.filter((c) => typeof c === "string" || this.g.childType(paraKey, c.n));
    const pos = node.c.indexOf(first);
    this.doc.remove(first);
    this.doc.insert(node, pos, para);
  }

  moveBy(node, delta) {
    const parent = this.doc.parentOf(node);
    if (!parent) return false;
    const k = this.doc.nameIndex(node);
    return this.moveTo(node, parent, delta < 0 ? k - 1 : k + 2);
  }

  indent(node) {
    const prev = this.prevSibling(node);
    if (!prev || prev.n !== node.n) return false;
    return this.moveTo(node, prev, this.doc.elements(prev).length);
  }

  outdent(node) {
    const parent = this.doc.parentOf(node);
    const grand = parent && this.doc.parentOf(parent);
    if (!grand || parent.n !== node.n) return false;
    // the steps after it go with it, as its own sub-steps, as a word processor outdents a list item
    return this.moveTo(node, grand, this.doc.nameIndex(parent) + 1);
  }

  /** Ctrl+Enter: a new step (list item, row...) after the one the caret is in. */
  async newUnitAfter(node) {
    for (let unit = this.doc.parentOf(node); unit; unit = this.doc.parentOf(unit)) {
      const parent = this.doc.parentOf(unit);
      if (!parent || !STEP_LIKE.has(unit.n)) continue;
      const k = this.doc.nameIndex(unit);
      if (this.g.insertable(parent.t, childNames(parent), k + 1).some((o) => o.name === unit.n && !o.before.length)) {
        return this.insert(parent, k + 1, unit.n);
      }
    }
    return false;
  }

  /** Enter: the text is split in two at the caret (a new paragraph), or the next text begins. */
  async split(host, node) {
    this.sync();
    const parent = this.doc.parentOf(node);
    if (!parent) return;
    // Enter in the last text of a list item begins the next item, as in any word processor
    const els = this.doc.elements(parent);
    const grand = this.doc.parentOf(parent);
    if (parent.n === "listItem" && els[els.length - 1] === node && grand &&
        this.g.insertable(grand.t, childNames(grand), this.doc.nameIndex(parent) + 1).some((o) => o.name === "listItem" && !o.before.length)) {
      return this.splitInto(host, node, grand, this.doc.nameIndex(parent) + 1, "listItem");
    }
    const k = this.doc.nameIndex(node);
    const offers = this.g.insertable(parent.t, childNames(parent), k + 1).filter((o) => !o.before.length);
    let name = offers.some((o) => o.name === node.n) ? node.n : null;
    if (!name) name = NEXT_TEXT.find((n) => offers.some((o) => o.name === n)) || null;
    if (!name) {
      const next = this.view.firstHost(this.nextSibling(node));
      if (next) this.view.place(next.i, 0);
      return;
    }
    const sel = window.getSelection();
    const range = sel.getRangeAt(0);
    range.deleteContents();
    const tail = document.createRange();
    tail.setStart(range.startContainer, range.startOffset);
    tail.setEnd(host, host.childNodes.length);
    const frag = tail.extractContents();
    const box = document.createElement("div");
    box.append(frag);
    const nested = [];
    const head = this.view.read(host, node, nested);
    const rest = this.freshInline(this.view.read(box, node, []), node);
    const made = await this.make(parent.t, name);
    if (!made) { this.view.render(true); return; }
    const newKey = this.g.childType(parent.t, name);
    if (this.g.allowsText(newKey)) {
      const kept = rest.filter((c) => typeof c === "string" || this.g.childType(newKey, c.n));
      if (this.g.valid(newKey, childNames({ c: kept }))) made.c = kept;
    }
    const ok = this.doc.transact("split", () => {
      this.doc.setContent(node, head);
      for (const [n, c] of nested) this.doc.setContent(n, c);
      this.doc.insert(parent, this.posOf(parent, k + 1), made);
      this.focusAfter = { id: made.i, offset: 0 };
    });
    if (!ok) this.view.render(true);
  }

  /** The text after the caret goes into a new `name` element at name-index k of `target` (a list item). */
  async splitInto(host, node, target, k, name) {
    const range = window.getSelection().getRangeAt(0);
    range.deleteContents();
    const tail = document.createRange();
    tail.setStart(range.startContainer, range.startOffset);
    tail.setEnd(host, host.childNodes.length);
    const box = document.createElement("div");
    box.append(tail.extractContents());
    const nested = [];
    const head = this.view.read(host, node, nested);
    const rest = this.freshInline(this.view.read(box, node, []), node);
    const key = this.g.childType(target.t, name);
    const made = this.g.create(name, key, this.context());
    const first = made && this.textTarget(made, key);
    if (!first) { this.view.render(true); return false; }
    const firstKey = first === made ? key : this.g.childType(key, first.n);
    const kept = rest.filter((c) => typeof c === "string" || this.g.childType(firstKey, c.n));
    if (this.g.valid(firstKey, childNames({ c: kept }))) first.c = kept;
    const ok = this.doc.transact("split", () => {
      this.doc.setContent(node, head);
      for (const [n, c] of nested) this.doc.setContent(n, c);
      this.doc.insert(target, this.posOf(target, k), made);
    });
    if (ok) this.focusNew(made); else this.view.render(true);
    return ok;
  }

  /** Inline elements that the split copied (a half emphasis) become elements of their own. */
  freshInline(children, parent) {
    const seen = new Set(this.doc.findAll((n) => true, parent).map((n) => n.i));
    return children.map((c) => {
      if (typeof c === "string" || !seen.has(c.i)) return c;
      if (isAtom(c.n) || !isInline(this.g, parent.t, c.n)) return c;
      const copy = { n: c.n, a: Object.assign({}, c.a), c: [] };
      const el = this.canvas.querySelector(`[data-id="${CSS.escape(c.i)}"]`);
      copy.c = el ? [el.textContent] : [];
      return copy;
    });
  }

  joinBackward(node) {
    const prev = this.prevSibling(node);
    this.sync();
    if (prev && prev.n === node.n && this.view.kind(prev) === "textblock") { this.join(prev, node); return true; }
    if (!this.doc.text(node).trim() && !this.doc.elements(node).length) {
      const parent = this.doc.parentOf(node);
      if (this.g.removable(parent.t, childNames(parent), this.doc.nameIndex(node))) { this.removeNode(node); return true; }
    }
    return false;
  }

  join(first, second) {
    const at = this.doc.text(first).length;
    const merged = first.c.concat(second.c);
    if (!this.g.valid(first.t, childNames({ c: merged }))) return false;
    this.focusAfter = { id: first.i, offset: at };
    return this.doc.transact("join", () => { this.doc.remove(second); this.doc.setContent(first, merged); });
  }

  // -- inline ---------------------------------------------------------------------------------------------

  /** Ctrl+B: the selected text becomes bold (emphasis), or the emphasis the caret is in is taken away. */
  toggleEmphasis() {
    const at = this.view.caretIn();
    if (!at) return;
    const inside = (at.range.startContainer.parentElement || at.range.startContainer).closest(".ed-el-emphasis");
    if (inside && at.offset === at.end) {
      const em = this.doc.get(inside.dataset.id);
      const parent = this.doc.parentOf(em);
      const pos = parent.c.indexOf(em);
      const content = parent.c.slice(0, pos).concat(em.c, parent.c.slice(pos + 1));
      this.focusAfter = { id: at.node.i, offset: at.offset };
      this.doc.transact("unbold", () => this.doc.setContent(parent, content));
      return;
    }
    if (at.offset === at.end) return;
    this.wrapSelection(at, "emphasis", { emphasisType: "em01" });
  }

  /** Wrap the selected text of a text in an inline element, where the grammar allows one there. */
  wrapSelection(at, name, attrs) {
    const node = at.node;
    const key = this.g.childType(node.t, name);
    if (!key) { this.say(this.S.emphasis_not_here, "error"); return false; }
    const span = document.createElement("span");
    span.className = "ed-inl ed-new";
    span.append(at.range.extractContents());
    at.range.insertNode(span);
    const made = { n: name, a: Object.assign({}, attrs), c: [span.textContent] };
    span.dataset.id = "new";
    const nested = [];
    this.doc.byId.set("new", made);
    let children;
    try { children = this.view.read(at.host, node, nested); } finally { this.doc.byId.delete("new"); }
    if (!this.g.valid(node.t, childNames({ c: children }))) { this.view.render(true); this.say(this.S.emphasis_not_here, "error"); return false; }
    const ok = this.doc.transact(`wrap in ${name}`, () => {
      this.doc.setContent(node, children.map((c) => (c === made ? made : c)));
      for (const [n, c] of nested) if (n !== made) this.doc.setContent(n, c);
    });
    if (!ok) this.view.render(true);
    return ok;
  }

  /** Put an inline element (a reference, a symbol) at the caret. */
  async insertInline(taken, name) {
    const node = taken.node;
    const made = await this.make(node.t, name);
    if (!made) return false;
    const at = this.view.caretAgain(Object.assign({}, taken, { end: taken.offset }));
    if (!at) { this.say(this.S.nothing_allowed, "error"); return false; }
    const marker = document.createElement("span");
    marker.className = "ed-atom";
    marker.dataset.id = "new";
    at.range.insertNode(marker);
    this.doc.byId.set("new", made);
    let children;
    try { children = this.view.read(at.host, node, []); } finally { this.doc.byId.delete("new"); }
    if (!this.g.valid(node.t, childNames({ c: children }))) { this.view.render(true); this.say(this.S.nothing_allowed, "error"); return false; }
    this.focusAfter = { id: node.i, offset: at.offset + 1 };
    return this.doc.transact(`insert ${name}`, () => this.doc.setContent(node, children));
  }

  /** The inline elements the grammar allows at the caret (for the menu). */
  inlineOffers(at) {
    const node = at.node;
    if (!this.g.allowsText(node.t) || !this.g.type(node.t).m) return [];
    // the element-index of the caret: count the inline elements before it
    const range = document.createRange();
    range.selectNodeContents(at.host);
    range.setEnd(at.range.startContainer, at.range.startOffset);
    const before = range.cloneContents().querySelectorAll("[data-id]").length;
    const names = childNames(node);
    return this.g.insertable(node.t, names, Math.min(before, names.length)).filter((o) => !o.before.length);
  }

  // -- the menu -------------------------------------------------------------------------------------------

  async menu(node, anchor) {
    if (!node) return;
    this.sync();
    const at = this.view.caretIn();
    const caret = at && at.node === node ? at : null;
    const parent = this.doc.parentOf(node);
    const S = this.S;
    const groups = [];
    const label = (name) => this.g.label(name);
    if (caret) {
      const offers = this.inlineOffers(caret).filter((o) => o.name !== "emphasis" || caret.offset !== caret.end);
      groups.push([S.insert_inside + " (" + this.label(node).toLowerCase() + ")", offers.map((o) => ({
        label: label(o.name), hint: o.name, data: { name: o.name },
        run: () => (o.name === "emphasis" ? this.wrapSelection(caret, "emphasis", { emphasisType: "em01" }) : this.insertInline(caret, o.name)) }))]);
    }
    if (node.t && !this.g.allowsText(node.t)) {
      const names = childNames(node);
      const seen = new Set();
      const inside = [];
      for (const k of [names.length, 0]) {
        for (const o of this.g.insertable(node.t, names, k)) {
          if (seen.has(o.name)) continue;
          seen.add(o.name);
          inside.push({ label: label(o.name), hint: o.name, data: { name: o.name, where: "inside" }, run: () => this.insert(node, k, o.name, o.before) });
        }
      }
      groups.push([S.insert_inside, inside]);
    }
    if (parent && parent.t) {
      const names = childNames(parent);
      const k = this.doc.nameIndex(node);
      const item = (o, at, where) => ({ label: label(o.name), hint: o.name, data: { name: o.name, where },
                                        run: () => this.insert(parent, at, o.name, o.before) });
      groups.push([S.insert_after, this.g.insertable(parent.t, names, k + 1).map((o) => item(o, k + 1, "after"))]);
      groups.push([S.insert_before, this.g.insertable(parent.t, names, k).map((o) => item(o, k, "before"))]);
      groups.push([S.replace_with, this.g.replaceable(parent.t, names, k).map((name) => ({
        label: label(name), hint: name, data: { name, where: "replace" }, run: () => this.replace(node, name) }))]);
      groups.push([S.wrap_in, this.wrappers(node).map((name) => ({
        label: label(name), hint: name, data: { name, where: "wrap" }, run: () => this.wrap(node, name) }))]);
      const actions = [];
      const unit = node;
      if (this.canUnwrap(node)) actions.push({ label: S.unwrap, data: { action: "unwrap" }, run: () => this.unwrap(node) });
      if (this.fits(unit, parent, k - 1) && k > 0) actions.push({ label: S.move_up, data: { action: "up" }, run: () => this.moveBy(unit, -1) });
      if (k + 2 <= names.length && this.fits(unit, parent, k + 2)) actions.push({ label: S.move_down, data: { action: "down" }, run: () => this.moveBy(unit, 1) });
      const prev = this.prevSibling(unit);
      if (prev && prev.n === unit.n && this.fits(unit, prev, this.doc.elements(prev).length)) actions.push({ label: S.indent, data: { action: "indent" }, run: () => this.indent(unit) });
      const grand = this.doc.parentOf(parent);
      if (grand && parent.n === unit.n && this.fits(unit, grand, this.doc.nameIndex(parent) + 1)) actions.push({ label: S.outdent, data: { action: "outdent" }, run: () => this.outdent(unit) });
      if (this.g.removable(parent.t, names, k) || this.g.replaceable(parent.t, names, k).some((n) => /^no[A-Z]/.test(n))) {
        actions.push({ label: S.delete, cls: "danger", data: { action: "delete" }, run: () => this.removeNode(node) });
      }
      groups.push([S.actions, actions]);
    }
    for (const extra of this.special.menu(node)) groups.push(extra);
    const chosen = await dialog(`${S.element_menu}: ${this.label(node)}`, (body, close) => {
      let any = false;
      for (const [title, items] of groups) {
        if (!items.length) continue;
        any = true;
        body.append(h("h3", { text: title }), choiceList(items, (item) => close(item)));
      }
      if (!any) body.append(h("p", { text: S.nothing_allowed }));
    }, { closeLabel: S.close });
    if (anchor && !chosen) anchor.focus();
    if (chosen) await chosen.run();
  }

  // -- paste ----------------------------------------------------------------------------------------------

  onPaste(e) {
    const host = e.target.closest("[data-host]");
    if (!host) return;
    e.preventDefault();
    const html = e.clipboardData.getData("text/html");
    const text = e.clipboardData.getData("text/plain");
    const node = this.doc.get(host.dataset.host);
    this.sync();
    const blocks = pasteNodes(html, text);
    if (blocks.length <= 1 && !(blocks[0] && blocks[0].kind === "list")) {
      document.execCommand("insertText", false, blocks.length ? blocks[0].text : text);
      this.say(this.S.paste_plain);
      return;
    }
    this.pasteBlocks(node, blocks);
  }

  /** Paragraphs and lists from the clipboard as the nearest structure the schema allows after the text the
      caret is in: the same kind of text, paragraphs, or list items (wrapped in a list where needed). */
  pasteBlocks(node, blocks) {
    const parent = this.doc.parentOf(node);
    let k = this.doc.nameIndex(node) + 1;
    const made = [];
    const names = childNames(parent);
    const fitsText = (name) => {
      const key = this.g.childType(parent.t, name);
      return key && this.g.allowsText(key) ? name : null;
    };
    for (const block of blocks) {
      const offers = this.g.insertable(parent.t, names.slice(0, k).concat(made.map((m) => m.n), names.slice(k)), k + made.length)
        .filter((o) => !o.before.length).map((o) => o.name);
      if (block.kind === "list") {
        const inside = this.listInside(node, block);
        if (inside) { made.push({ n: "#into", list: inside }); continue; }
        const listName = offers.find((n) => n === (block.ordered ? "sequentialList" : "randomList")) || offers.find((n) => /List$/.test(n));
        if (listName) {
          const key = this.g.childType(parent.t, listName);
          const list = this.g.create(listName, key, this.context());
          const itemName = Object.keys(this.g.type(key).k).find((n) => n === "listItem");
          if (list && itemName) {
            list.c = block.items.map((text) => {
              const itemKey = this.g.childType(key, itemName);
              const item = this.g.create(itemName, itemKey, this.context());
              const first = this.textTarget(item, itemKey);
              if (first) first.c = [text];
              return item;
            });
            made.push(list);
            continue;
          }
        }
        for (const text of block.items) made.push({ n: null, text });
        continue;
      }
      made.push({ n: null, text: block.text });
    }
    const finalNodes = [];
    const into = [];
    for (const m of made) {
      if (m.n === "#into") { into.push(m.list); continue; }
      if (m.n) { finalNodes.push(m); continue; }
      const name = fitsText(node.n) && offersAllow(this, parent, node.n) ? node.n : NEXT_TEXT.find((n) => fitsText(n) && offersAllow(this, parent, n));
      if (!name) continue;
      const created = this.g.create(name, this.g.childType(parent.t, name), this.context());
      if (created) { created.c = [m.text]; finalNodes.push(created); }
    }
    const pos = this.posOf(parent, k);
    const ok = this.doc.transact("paste", () => {
      into.forEach((list) => this.doc.insert(node, node.c.length, list));
      finalNodes.forEach((n, i) => this.doc.insert(parent, pos + i, n));
    });
    if (!ok) {
      document.execCommand("insertText", false, blocks.map((b) => b.text || (b.items || []).join("\n")).join("\n"));
      this.say(this.S.paste_plain);
    } else if (finalNodes.length) this.focusNew(finalNodes[finalNodes.length - 1]);
  }

  /** Take the server's version of the module (after a merge, or dropping one's own edit): one undoable step. */
  adopt(current, dirty = false) {
    const fresh = current.doc;
    const root = this.doc.root;
    this.doc.transact("take the saved version", () => {
      for (const name of Object.keys(root.a)) if (!(name in fresh.a)) this.doc.setAttr(root, name, null);
      for (const [name, value] of Object.entries(fresh.a)) this.doc.setAttr(root, name, value);
      this.doc.setContent(root, fresh.c);
    });
    this.base = current.sha256;
    if (current.issue) this.issue = current.issue;
    this.dirty = dirty;
    if (dirty) this.drafts.keep(true); else this.drafts.clear();
    this.updateButtons();
    this.panel.refresh();
  }

  /** A list (bulleted or numbered) at the caret's text: inside it where its element holds lists (a para),
      else after it where its parent allows one; the caret goes to the first item. */
  insertList(ordered) {
    const at = this.view.caretIn();
    if (!at) return false;
    this.sync();
    const node = at.node;
    const inside = this.listInside(node, { ordered, items: [""] });
    if (inside) {
      const ok = this.doc.transact("list", () => this.doc.insert(node, node.c.length, inside));
      if (ok) this.focusNew(inside);
      return ok;
    }
    const parent = this.doc.parentOf(node);
    const k = this.doc.nameIndex(node) + 1;
    const offers = this.g.insertable(parent.t, childNames(parent), k).filter((o) => !o.before.length).map((o) => o.name);
    const name = offers.find((n) => n === (ordered ? "sequentialList" : "randomList")) || offers.find((n) => /^(random|sequential)List$/.test(n));
    if (!name) { this.say(this.S.nothing_allowed, "error"); return false; }
    return this.insert(parent, k, name);
  }

  /** A pasted list inside the text the caret is in, when its element may hold one at its end. */
  listInside(node, block) {
    if (!this.g.allowsText(node.t) || !this.g.type(node.t).m) return null;
    const names = childNames(node);
    const offers = this.g.insertable(node.t, names, names.length).filter((o) => !o.before.length).map((o) => o.name);
    const listName = offers.find((n) => n === (block.ordered ? "sequentialList" : "randomList")) || offers.find((n) => /List$/.test(n) && n !== "definitionList");
    if (!listName) return null;
    const key = this.g.childType(node.t, listName);
    const list = this.g.create(listName, key, this.context());
    const itemKey = list && this.g.childType(key, "listItem");
    if (!itemKey) return null;
    list.c = block.items.map((text) => {
      const item = this.g.create("listItem", itemKey, this.context());
      const first = item && this.textTarget(item, itemKey);
      if (first) first.c = [text];
      return item;
    });
    return list.c.every(Boolean) ? list : null;
  }

  /** The first element that holds text in a new (not yet adopted) element. */
  textTarget(node, key) {
    if (this.g.allowsText(key)) return node;
    for (const c of node.c) {
      if (typeof c === "string") continue;
      const found = this.textTarget(c, this.g.childType(key, c.n));
      if (found) return found;
    }
    return null;
  }

  // -- the server -----------------------------------------------------------------------------------------

  url(what = "") { return `/api/edit/${encodeURIComponent(this.code)}${what}?language=${encodeURIComponent(this.language)}`; }

  async save() {
    this.sync();
    if (this.saving) return;
    this.saving = true;
    this.say(this.S.saving);
    let res;
    try {
      res = await this.server.json(this.url("/save"), { base: this.base, doc: this.doc.toJSON(), language: this.language });
    } catch (err) {
      this.saving = false;
      this.drafts.keep(true, true);
      this.say(this.S.offline_kept, "warning");
      return false;
    } finally {
      this.saving = false;
    }
    if (res.status === 409 && res.data && res.data.conflict) { this.drafts.keep(true); this.pickers.conflict(res.data); return false; }
    if (!res.ok) {
      const message = (res.data && res.data.error && res.data.error.message) || res.status;
      if (res.data && res.data.findings) this.showFindings(res.data.findings);
      this.say(format(this.S.save_refused, { message }), "error");
      this.drafts.keep(true);
      return false;
    }
    const data = res.data;
    this.base = data.sha256;
    this.issue = data.issue;
    this.official = false;
    this.dirty = false;
    this.drafts.clear();
    this.showFindings(data.findings);
    const problems = data.errors + data.warnings;
    this.say(problems ? format(this.S.saved_problems, { issue: data.issue, n: problems }) : format(this.S.saved, { issue: data.issue }),
             problems ? "warning" : "ok");
    this.panel.refresh();
    this.updateButtons();
    return true;
  }

  async check() {
    this.sync();
    const res = await this.server.json(this.url("/check"), { doc: this.doc.toJSON(), language: this.language });
    if (res.ok) this.showFindings(res.data.findings);
    else this.say((res.data && res.data.error && res.data.error.message) || this.S.network_error, "error");
  }

  showFindings(findings) {
    this.findings = findings;
    this.view.setMarks(findings);
    this.view.render(true);
    this.panel.showProblems();
  }

  async preview() {
    this.sync();
    const res = await this.server.json(this.url("/preview"), { doc: this.doc.toJSON(), language: this.language });
    if (!res.ok) { this.say((res.data && res.data.error && res.data.error.message) || this.S.network_error, "error"); return; }
    await dialog(this.S.preview, (body) => {
      const article = h("article", { class: "module ed-preview" });
      article.innerHTML = res.data.html; // rendered by the server's renderer, which escapes every text
      article.querySelectorAll("script").forEach((s) => s.remove());
      body.append(article);
    }, { wide: true, closeLabel: this.S.close });
  }
}

function offersAllow(editor, parent, name) {
  return !!editor.g.childType(parent.t, name);
}
