/* The module being edited: a tree of element nodes {n, a, c, i} (name, attributes, children, node id) and
   text strings, with the schema type of each element (t) worked out from the grammar. Every change goes
   through a transaction of a few primitive operations, each with its inverse, so undo and redo cover the
   whole session; a transaction that would leave an element's children invalid where they were valid is
   rolled back (the menus never offer such a change; this is the guard behind them). */

import { childNames } from "./grammar.js";

const COALESCE_MS = 1500;

export class Doc {
  constructor(json, grammar) {
    this.g = grammar;
    this.byId = new Map();
    this.parents = new Map();
    this.counter = 0;
    this.undoStack = [];
    this.redoStack = [];
    this.listeners = [];
    this.recording = null;
    this.root = this.adopt(json, grammar.root.type, null);
  }

  // -- the tree ---------------------------------------------------------------------------------------------

  adopt(node, type, parent) {
    if (typeof node === "string") return node;
    if (!node.i || this.byId.has(node.i)) node.i = "n" + (++this.counter);
    node.a = node.a || {};
    node.c = node.c || [];
    node.t = node.n && !node.n.startsWith("#") ? type : null;
    this.byId.set(node.i, node);
    this.parents.set(node, parent);
    for (const c of node.c) {
      if (typeof c !== "string") this.adopt(c, node.t ? this.g.childType(node.t, c.n) : null, node);
    }
    return node;
  }

  forget(node) {
    if (typeof node === "string") return;
    this.byId.delete(node.i);
    for (const c of node.c || []) this.forget(c);
  }

  get(id) { return this.byId.get(id) || null; }
  parentOf(node) { return this.parents.get(node) || null; }
  position(node) { const p = this.parentOf(node); return p ? p.c.indexOf(node) : -1; }
  elements(node) { return (node.c || []).filter((c) => typeof c !== "string" && c.n !== "#comment"); }

  /** The element-only index of a child (what the grammar counts). */
  nameIndex(node) {
    const p = this.parentOf(node);
    return p ? this.elements(p).indexOf(node) : -1;
  }

  find(name, from = this.root) {
    if (typeof from === "string") return null;
    if (from.n === name) return from;
    for (const c of from.c || []) {
      const hit = this.find(name, c);
      if (hit) return hit;
    }
    return null;
  }

  findAll(test, from = this.root, out = []) {
    if (typeof from === "string") return out;
    if (test(from)) out.push(from);
    for (const c of from.c || []) this.findAll(test, c, out);
    return out;
  }

  ancestors(node) {
    const out = [];
    for (let p = this.parentOf(node); p; p = this.parentOf(p)) out.push(p);
    return out;
  }

  ids() {
    return new Set(this.findAll((n) => n.a && n.a.id).map((n) => n.a.id));
  }

  newId(name, prefixes = {}) {
    const taken = this.ids();
    const prefix = prefixes[name] || name.replace(/[^A-Za-z]/g, "").slice(0, 4).toLowerCase() || "id";
    let n = 1;
    while (taken.has(`${prefix}-${String(n).padStart(4, "0")}`)) n++;
    return `${prefix}-${String(n).padStart(4, "0")}`;
  }

  text(node) {
    if (typeof node === "string") return node;
    return (node.c || []).map((c) => this.text(c)).join("");
  }

  toJSON(node = this.root) {
    if (typeof node === "string") return node;
    const out = { n: node.n, i: node.i };
    if (node.v !== undefined) out.v = node.v;
    if (node.q !== undefined) out.q = node.q;
    if (node.n.startsWith("#")) return out;
    out.a = Object.assign({}, node.a);
    out.c = node.c.map((c) => this.toJSON(c));
    return out;
  }

  /** A deep copy with fresh ids, for pasting or duplicating. */
  clone(node) {
    const copy = JSON.parse(JSON.stringify(this.toJSON(node)));
    (function strip(n) { if (typeof n !== "string") { delete n.i; (n.c || []).forEach(strip); } })(copy);
    return copy;
  }

  // -- primitive operations (each returns its inverse) -------------------------------------------------------

  /** A change under `node`: it and its ancestors get a new version, so the view redraws only them. */
  bump(node) {
    for (let n = node; n; n = this.parents.get(n)) n.v = (n.v || 0) + 1;
  }

  apply(op) {
    const parent = op.p ? this.get(op.p) : null;
    this.bump(parent || this.get(op.id));
    switch (op.k) {
      case "ins": {
        parent.c.splice(op.pos, 0, op.node);
        this.adopt(op.node, parent.t ? this.g.childType(parent.t, op.node.n) : null, parent);
        return { k: "del", p: op.p, pos: op.pos };
      }
      case "del": {
        const [node] = parent.c.splice(op.pos, 1);
        this.forget(node);
        return { k: "ins", p: op.p, pos: op.pos, node };
      }
      case "attr": {
        const node = this.get(op.id);
        const old = Object.prototype.hasOwnProperty.call(node.a, op.name) ? node.a[op.name] : null;
        if (op.value === null || op.value === undefined) delete node.a[op.name]; else node.a[op.name] = op.value;
        return { k: "attr", id: op.id, name: op.name, value: old };
      }
      case "content": {
        const node = this.get(op.id);
        const old = node.c;
        const keep = new Set(op.c.filter((c) => typeof c !== "string"));
        for (const c of old) if (typeof c !== "string" && !keep.has(c)) this.forget(c);
        node.c = op.c.slice();
        for (const c of node.c) if (typeof c !== "string") this.adopt(c, node.t ? this.g.childType(node.t, c.n) : null, node);
        return { k: "content", id: op.id, c: old };
      }
      default:
        throw new Error("unknown operation " + op.k);
    }
  }

  record(op) {
    const parent = this.touchedParent(op);
    if (parent && parent.t && !this.validBefore.has(parent)) {
      this.validBefore.set(parent, this.g.valid(parent.t, childNames(parent)));
    }
    this.recording.push([op, this.apply(op)]);
  }

  touchedParent(op) {
    if (op.k === "ins" || op.k === "del") return this.get(op.p);
    if (op.k === "content") return this.get(op.id);
    return null;
  }

  // -- transactions --------------------------------------------------------------------------------------

  /** Run `fn` as one undoable change. `opts.coalesce`: a key; typing into the same text merges into one step. */
  transact(label, fn, opts = {}) {
    if (this.recording) { fn(); return true; }
    this.recording = [];
    this.validBefore = new Map();
    let ok = true;
    try {
      fn();
      for (const [parent, was] of this.validBefore) {
        if (this.byId.get(parent.i) !== parent) continue;
        if (was && !this.g.valid(parent.t, childNames(parent))) throw new Error(`the schema does not allow this in <${parent.n}>`);
      }
    } catch (err) {
      ok = false;
      for (const [, inverse] of this.recording.slice().reverse()) this.apply(inverse);
      this.lastError = err;
    }
    const ops = this.recording;
    this.recording = null;
    if (!ok) { this.emit({ label, rolledBack: true, error: this.lastError }); return false; }
    if (!ops.length) return true;
    const now = Date.now();
    const top = this.undoStack[this.undoStack.length - 1];
    if (opts.coalesce && top && top.coalesce === opts.coalesce && now - top.at < COALESCE_MS) {
      top.ops = top.ops.concat(ops);
      top.at = now;
    } else {
      this.undoStack.push({ label, ops, at: now, coalesce: opts.coalesce || null });
      if (this.undoStack.length > 500) this.undoStack.shift();
    }
    this.redoStack = [];
    this.emit({ label, structural: !opts.typing, typing: !!opts.typing, ops });
    return true;
  }

  insert(parent, pos, node) { this.record({ k: "ins", p: parent.i, pos, node }); return node; }
  remove(node) { const p = this.parentOf(node); this.record({ k: "del", p: p.i, pos: p.c.indexOf(node) }); return node; }
  setAttr(node, name, value) {
    const old = Object.prototype.hasOwnProperty.call(node.a, name) ? node.a[name] : null;
    if (old === (value === undefined ? null : value)) return;
    this.record({ k: "attr", id: node.i, name, value: value === undefined ? null : value });
  }
  setContent(node, children) { this.record({ k: "content", id: node.i, c: children }); }
  move(node, parent, pos) {
    const from = this.parentOf(node);
    const at = from.c.indexOf(node);
    this.remove(node);
    if (from === parent && at < pos) pos--;
    this.insert(parent, pos, node);
  }

  undo() {
    const tx = this.undoStack.pop();
    if (!tx) return false;
    for (const [, inverse] of tx.ops.slice().reverse()) this.apply(inverse);
    this.redoStack.push(tx);
    this.emit({ label: tx.label, structural: true, undo: true });
    return true;
  }

  redo() {
    const tx = this.redoStack.pop();
    if (!tx) return false;
    tx.ops = tx.ops.map(([op]) => [op, this.apply(op)]);
    this.undoStack.push(tx);
    this.emit({ label: tx.label, structural: true, redo: true });
    return true;
  }

  on(fn) { this.listeners.push(fn); }
  emit(change) { for (const fn of this.listeners) fn(change); }
}
