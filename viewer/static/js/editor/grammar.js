/* What the schema allows, in the browser: the content automata the server computed from the XSD content
   models (ietm.edit.grammar). A type's automaton is a list of states [final, {name: next}]; a children
   sequence is valid when it runs from state 0 to a final state. Every menu of the editor asks here, so the
   writer is only ever offered what the schema allows at that place (ProseMirror's ContentMatch, for XSD). */

export const ID_PREFIX = {
  figure: "fig", table: "tab", proceduralStep: "stp", levelledPara: "par", isolationStep: "isostp",
  isolationProcedureEnd: "isoend", supportEquipDescr: "seq", supplyDescr: "sup", spareDescr: "spa",
  warningRef: "wrn", cautionRef: "cau", applic: "app", graphic: "gra", hotspot: "hot", multimedia: "mm",
  catalogSeqNumber: "csn", crewDrillStep: "cds", dmNode: "node", note: "note", warning: "warn", caution: "caut",
};

/** The element names of a node's children, as the automaton reads them (text and comments are not names). */
export function childNames(node) {
  const out = [];
  for (const c of node.c || []) {
    if (typeof c === "string" || c.n === "#comment") continue;
    if (c.n === "#xml") { if (c.q) out.push(c.q); continue; }
    out.push(c.n);
  }
  return out;
}

/** Index in `names` of the element child at position `pos` of node.c (positions count every child). */
export function nameIndex(node, pos) {
  let k = 0;
  for (let i = 0; i < pos && i < (node.c || []).length; i++) {
    const c = node.c[i];
    if (typeof c !== "string" && c.n !== "#comment" && (c.n !== "#xml" || c.q)) k++;
  }
  return k;
}

export class Grammar {
  constructor(payload) {
    this.payload = payload;
    this.types = payload.types;
    this.simple = payload.simple;
    this.labels = payload.labels || {};
    this.attrLabels = payload.attrLabels || {};
    this.values = payload.values || {};
    this.root = payload.root;
  }

  type(key) { return this.types[key] || null; }

  childType(parentKey, name) {
    const t = this.types[parentKey];
    return t ? t.k[name] || null : null;
  }

  label(name) { return this.labels[name] || name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase(); }

  /** Run names[from..to) from `state`; -1 when the automaton refuses them. */
  match(key, names, from = 0, to = names.length, state = 0) {
    const t = this.types[key];
    if (!t) return -1;
    for (let i = from; i < to; i++) {
      const next = t.s[state][1][names[i]];
      if (next === undefined) return -1;
      state = next;
    }
    return state;
  }

  final(key, state) { return state >= 0 && !!this.types[key].s[state][0]; }

  valid(key, names) { return this.final(key, this.match(key, names)); }

  /** May the element hold text (mixed content, or a value such as a title's)? */
  allowsText(key) {
    const t = this.types[key];
    return !!t && (!!t.m || t.x != null);
  }

  /** Can an element of this name be made valid without the writer's input (no required reference or file)? */
  generatable(parentKey, name) {
    const key = this.childType(parentKey, name);
    return !!key && this.types[key] && this.types[key].f != null;
  }

  /** Names that may be inserted at `index` (an index into `names`), each with the generatable elements that
      must come just before it (ProseMirror's fillBefore; usually none). */
  insertable(key, names, index) {
    const t = this.types[key];
    if (!t) return [];
    const start = this.match(key, names, 0, index);
    if (start < 0) return [];
    const offered = new Map();
    const frontier = [[start, []]];
    const seen = new Set([start]);
    while (frontier.length) {
      const [state, before] = frontier.shift();
      for (const [name, next] of Object.entries(t.s[state][1])) {
        if (name.startsWith("{") || offered.has(name)) continue;
        if (this.final(key, this.match(key, names, index, names.length, next))) offered.set(name, before);
      }
      if (before.length >= 2) continue;
      for (const [name, next] of Object.entries(t.s[state][1])) {
        if (!seen.has(next) && !name.startsWith("{") && this.generatable(key, name)) {
          seen.add(next);
          frontier.push([next, before.concat([name])]);
        }
      }
    }
    return [...offered].map(([name, before]) => ({ name, before }));
  }

  /** Names that may stand at `index` instead of the element there. */
  replaceable(key, names, index) {
    const t = this.types[key];
    if (!t) return [];
    const start = this.match(key, names, 0, index);
    if (start < 0) return [];
    const out = [];
    for (const [name, next] of Object.entries(t.s[start][1])) {
      if (name.startsWith("{") || name === names[index]) continue;
      if (this.final(key, this.match(key, names, index + 1, names.length, next))) out.push(name);
    }
    return out;
  }

  /** May the element at `index` go? Yes if what stays is valid, or if the sequence was not valid anyway. */
  removable(key, names, index) {
    const rest = names.slice(0, index).concat(names.slice(index + 1));
    return this.valid(key, rest) || !this.valid(key, names);
  }

  /** Wrapper names (outermost first) that would let `target` stand at `index` of a `key` element:
      ProseMirror's findWrapping, for pasting a list item into a step, say. */
  wrapping(key, names, index, target) {
    const direct = this.insertable(key, names, index).find((o) => o.name === target && !o.before.length);
    if (direct) return [];
    const candidates = this.insertable(key, names, index).filter((o) => !o.before.length);
    const queue = candidates.map((o) => ({ name: o.name, type: this.childType(key, o.name), via: [] }));
    const seen = new Set();
    while (queue.length) {
      const cur = queue.shift();
      if (!cur.type || seen.has(cur.type) || cur.via.length > 3) continue;
      seen.add(cur.type);
      const t = this.types[cur.type];
      const path = cur.via.concat([cur.name]);
      if (t.s[0][1][target] !== undefined) {
        // the wrapper holds the target first; what else it needs must be generatable after it
        const after = this.match(cur.type, [target]);
        if (after >= 0 && this.completes(cur.type, after)) return path;
      }
      for (const [name] of Object.entries(t.s[0][1])) {
        if (!name.startsWith("{")) queue.push({ name, type: t.k[name], via: path });
      }
    }
    return null;
  }

  /** Can a state be completed with generatable elements only? (breadth-first, a few steps) */
  completes(key, state) {
    const t = this.types[key];
    const seen = new Set([state]);
    const queue = [state];
    while (queue.length) {
      const s = queue.shift();
      if (t.s[s][0]) return true;
      for (const [name, next] of Object.entries(t.s[s][1])) {
        if (!seen.has(next) && this.generatable(key, name)) { seen.add(next); queue.push(next); }
      }
    }
    return false;
  }

  /** The generatable elements to append after `state` to reach a final state (shortest first found). */
  completion(key, state) {
    const t = this.types[key];
    const back = new Map([[state, null]]);
    const queue = [state];
    while (queue.length) {
      const s = queue.shift();
      if (t.s[s][0]) {
        const out = [];
        for (let cur = s; back.get(cur); cur = back.get(cur)[0]) out.unshift(back.get(cur)[1]);
        return out;
      }
      for (const [name, next] of Object.entries(t.s[s][1])) {
        if (!back.has(next) && this.generatable(key, name)) { back.set(next, [s, name]); queue.push(next); }
      }
    }
    return null;
  }

  /** A new element, valid on its own: required attributes and the shortest required content filled in.
      `ctx.newId(name)` makes identifiers, `ctx.value(name, attr, simple)` gives values only the writer (or a
      picker) can give; without them such an element cannot be made (null). */
  create(name, key, ctx = {}) {
    const t = this.types[key];
    if (!t) return null;
    const node = { n: name, a: {}, c: [] };
    for (const [attr, required, simpleKey, dflt, fixed] of t.a) {
      const s = this.simple[simpleKey];
      if (attr === "id" && !required && ID_PREFIX[name] && ctx.newId) node.a.id = ctx.newId(name);
      if (!required || fixed != null || dflt != null) continue;
      if (s.b === "ID") { if (!ctx.newId) return null; node.a[attr] = ctx.newId(name); continue; }
      let value = s.x;
      if (value == null && ctx.value) value = ctx.value(name, attr, s);
      if (value == null) return null;
      node.a[attr] = value;
    }
    if (t.x != null) {
      const example = this.simple[t.x] && this.simple[t.x].x;
      if (example == null) {
        const given = ctx.value ? ctx.value(name, "#text", this.simple[t.x]) : null;
        if (given == null) return null;
        node.c.push(given);
      } else if (example !== "") node.c.push(example);
      return node;
    }
    if (t.f != null) {
      for (const child of t.f) node.c.push(this.create(child, t.k[child], ctx));
      return node.c.every(Boolean) ? node : null;
    }
    // content only the writer can give (a file, a reference): the shortest way with the values ctx provides
    if ((ctx.depth || 0) > 6) return null;
    const inner = Object.assign({}, ctx, { depth: (ctx.depth || 0) + 1 });
    const made = new Map();
    const back = new Map([[0, null]]);
    const queue = [0];
    while (queue.length) {
      const s = queue.shift();
      if (t.s[s][0]) {
        const path = [];
        for (let cur = s; back.get(cur); cur = back.get(cur)[0]) path.unshift(back.get(cur)[1]);
        for (const child of path) node.c.push(this.create(child, t.k[child], inner));
        return node;
      }
      for (const [child, next] of Object.entries(t.s[s][1])) {
        if (back.has(next) || child.startsWith("{")) continue;
        if (!made.has(child)) made.set(child, this.create(child, t.k[child], inner) !== null);
        if (made.get(child)) { back.set(next, [s, child]); queue.push(next); }
      }
    }
    return null;
  }

  /** The allowed values of an attribute: the schema's enumeration, narrowed by the BREX; with labels. */
  attributeValues(elementName, attr, simpleKey) {
    const s = this.simple[simpleKey] || {};
    const brex = this.values[`${elementName}@${attr}`] || this.values[attr];
    let values = s.e ? s.e.map((v) => [v, ""]) : null;
    if (brex) {
      const labels = new Map(brex.values);
      if (values) {
        if (!brex.open) values = values.filter(([v]) => labels.has(v));
        values = values.map(([v]) => [v, labels.get(v) || ""]);
      } else if (!brex.open) values = brex.values.slice();
    }
    return values;
  }

  /** Whether a value is one the attribute's type accepts (enumeration, patterns, identifiers, numbers). */
  valueOk(simpleKey, value) {
    const s = this.simple[simpleKey];
    if (!s) return true;
    if (s.e && !s.e.includes(value)) return false;
    for (const p of s.p || []) if (!new RegExp(`^(?:${p})$`, "u").test(value)) return false;
    if (["ID", "IDREF", "NCName"].includes(s.b)) return /^[A-Za-z_][\w.-]*$/.test(value);
    if (s.b === "IDREFS") return /^[A-Za-z_][\w.-]*( [A-Za-z_][\w.-]*)*$/.test(value);
    if (["integer", "int", "nonNegativeInteger", "positiveInteger"].includes(s.b)) {
      if (!/^[+-]?\d+$/.test(value)) return false;
      if (s.b === "positiveInteger") return Number(value) > 0;
      if (s.b === "nonNegativeInteger") return Number(value) >= 0;
    }
    if (s.b === "decimal") return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value);
    if (s.b === "NMTOKEN") return /^[\w.:-]+$/.test(value);
    return true;
  }
}
