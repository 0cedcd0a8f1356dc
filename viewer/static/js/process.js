// A small S1000D process engine (chapter 7.6): variables with initial values, pre/post sets, dmNode steps
// shown one at a time, dmIf / dmLoop / dmSeqAlts decided by expressions, and dialogs (user entries with
// validation, menus, push buttons, messages) that assign variables. Back returns to the previous node with
// the variables as they were. The run is kept in localStorage per module key + issue + language.
(function () {
  "use strict";
  if (window.ietmProcess) return;

  // -- expressions -----------------------------------------------------------------------------------------
  function num(v) { return typeof v === "number" ? v : v == null || v === "" ? NaN : Number(v); }
  function same(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify([].concat(a || []).sort()) === JSON.stringify([].concat(b || []).sort());
    if (typeof a === "boolean" || typeof b === "boolean") return truthy(a) === truthy(b);
    if (typeof a === "number" || typeof b === "number") return num(a) === num(b);
    return String(a == null ? "" : a) === String(b == null ? "" : b);
  }
  function truthy(v) {
    if (typeof v === "string") return v.toLowerCase() === "true";
    return Boolean(v);
  }
  function asSet(v) { return Array.isArray(v) ? v.slice() : v == null || v === "" ? [] : [v]; }

  const MATH = {
    commonLogarithm: Math.log10, cosine: Math.cos, sine: Math.sin, tangent: Math.tan, exponential: Math.exp,
    naturalLogarithm: Math.log, squareRoot: Math.sqrt, truncate: Math.trunc, negative: (x) => -x, float: (x) => x,
    inverseCosine: Math.acos, inverseSine: Math.asin, inverseTangent: Math.atan, hyperbolicCosine: Math.cosh,
    hyperbolicSine: Math.sinh, hyperbolicTangent: Math.tanh,
    secant: (x) => 1 / Math.cos(x), cosecant: (x) => 1 / Math.sin(x), cotangent: (x) => 1 / Math.tan(x),
    factorial: (x) => { let r = 1; for (let i = 2; i <= x; i++) r *= i; return r; },
  };

  function assertMatches(actual, values) {
    // applicPropertyValues: "a|b" alternatives or "1~5" ranges; an unset condition counts as false.
    const shown = actual == null ? "false" : String(actual);
    return String(values).split("|").some((alt) => {
      const range = alt.split("~");
      if (range.length === 2 && !isNaN(num(shown))) return num(shown) >= num(range[0]) && num(shown) <= num(range[1]);
      return alt.trim().toLowerCase() === shown.toLowerCase();
    });
  }

  function evaluate(e, env) {
    if (!e) return null;
    if ("lit" in e) return e.lit;
    if ("var" in e) return env.vars[e.var];
    if ("prop" in e) return env.props[e.prop];
    if ("assert" in e) return assertMatches(e.assert in env.props ? env.props[e.assert] : env.vars[e.assert], e.values);
    if ("fn" in e) {
      const a = evaluate(e.args[0], env);
      switch (e.fn) {
        case "not": return !truthy(a);
        case "defined": return a !== undefined && a !== null;
        case "empty": return asSet(a).length === 0 || a === "";
        case "sizeOf": return Array.isArray(a) ? a.length : String(a == null ? "" : a).length;
        default: if (MATH[e.fn]) return MATH[e.fn](num(a));
      }
      throw new Error("unsupported function " + e.fn);
    }
    if ("op" in e) {
      if (e.op === "and") return truthy(evaluate(e.args[0], env)) && truthy(evaluate(e.args[1], env));
      if (e.op === "or") return truthy(evaluate(e.args[0], env)) || truthy(evaluate(e.args[1], env));
      const a = evaluate(e.args[0], env);
      const b = evaluate(e.args[1], env);
      if (e.kind === "set") {
        const A = asSet(a), B = asSet(b);
        switch (e.op) {
          case "add": return A.concat(B.filter((x) => !A.includes(x)));
          case "remove": case "setDifference": return A.filter((x) => !B.includes(x));
          case "union": return A.concat(B.filter((x) => !A.includes(x)));
          case "intersection": return A.filter((x) => B.includes(x));
          case "member": return B.includes(a);
          case "subset": return A.every((x) => B.includes(x));
          case "disjoint": return A.every((x) => !B.includes(x));
          case "equal": return same(A, B);
          case "notEqual": return !same(A, B);
        }
      }
      switch (e.op) {
        case "equal": return same(a, b);
        case "notEqual": return !same(a, b);
        case "exclusiveOr": return truthy(a) !== truthy(b);
        case "concatenate": return String(a == null ? "" : a) + String(b == null ? "" : b);
        case "contains": return String(a == null ? "" : a).includes(String(b == null ? "" : b));
        case "greaterThan": return e.kind === "string" ? String(a) > String(b) : num(a) > num(b);
        case "greaterThanOrEqual": return e.kind === "string" ? String(a) >= String(b) : num(a) >= num(b);
        case "lessThan": return e.kind === "string" ? String(a) < String(b) : num(a) < num(b);
        case "lessThanOrEqual": return e.kind === "string" ? String(a) <= String(b) : num(a) <= num(b);
        case "plus": return num(a) + num(b);
        case "minus": return num(a) - num(b);
        case "times": return num(a) * num(b);
        case "divide": return num(a) / num(b);
        case "integerDivide": return Math.trunc(num(a) / num(b));
        case "modulus": return num(a) % num(b);
        case "exponent": return Math.pow(num(a), num(b));
      }
      throw new Error("unsupported operation " + e.op);
    }
    throw new Error("unsupported expression " + JSON.stringify(e));
  }

  function coerce(value, type) {
    if (value == null) return value;
    switch (type) {
      case "integer": { const n = parseInt(value, 10); return isNaN(n) ? null : n; }
      case "real": { const n = parseFloat(String(value).replace(",", ".")); return isNaN(n) ? null : n; }
      case "boolean": return truthy(value);
      case "set-string": case "set-real": case "set-integer": return asSet(value);
      default: return String(value);
    }
  }

  function assign(list, env, types) {
    (list || []).forEach((a) => {
      const v = evaluate(a.expr, env);
      if ("var" in a.target) env.vars[a.target.var] = coerce(v, types[a.target.var]);
      else if ("prop" in a.target) env.props[a.target.prop] = v;
    });
  }

  // -- the program, read from the rendered flow ---------------------------------------------------------------
  function json(el, name, fallback) {
    const raw = el.getAttribute(name);
    if (!raw) return fallback;
    try { return JSON.parse(raw); } catch (e) { return fallback; }
  }

  function compile(root) {
    const reg = [];
    function add(p) { p.id = reg.length; reg.push(p); return p; }
    function kids(el) { return Array.from(el.children).filter((c) => c.dataset.pe); }
    function seq(el) { return add({ t: "seq", items: kids(el).map(item) }); }
    function item(el) {
      switch (el.dataset.pe) {
        case "node": return add({ t: "node", el: el, pre: json(el, "data-pre", []), post: json(el, "data-post", []) });
        case "if": {
          const then = kids(el).find((c) => c.dataset.pe === "then");
          const other = kids(el).find((c) => c.dataset.pe === "else");
          return add({ t: "if", cond: json(el, "data-cond", { lit: false }), then: then ? seq(then) : null, else: other ? seq(other) : null });
        }
        case "loop": {
          const body = kids(el).find((c) => c.dataset.pe === "seq");
          return add({ t: "loop", cond: json(el, "data-cond", { lit: false }), pre: json(el, "data-pre", []), each: json(el, "data-each", []), body: body ? seq(body) : seq(document.createElement("div")) });
        }
        case "alts": case "nodealts":
          return add({ t: "alts", options: kids(el).map((c) => ({ cond: json(c, "data-cond", { lit: true }), body: c.dataset.pe === "node" ? add({ t: "seq", items: [item(c)] }) : seq(c) })) });
        default: return seq(el);
      }
    }
    const top = add({ t: "seq", items: kids(root).map(item) });
    return { reg: reg, top: top };
  }

  // -- running ------------------------------------------------------------------------------------------------
  function init(section) {
    const i18n = JSON.parse(section.dataset.i18n || "{}");
    const key = ["ietm", "process", section.dataset.key, section.dataset.issue, section.dataset.lang].join(":");
    const engine = section.querySelector("[data-pe-engine]");
    const stage = engine.querySelector("[data-pe-stage]");
    const error = engine.querySelector("[data-pe-error]");
    const declared = json(section, "data-vars", []);
    const types = {};
    declared.forEach((v) => { types[v.name] = v.type; });
    const program = compile(section.querySelector(".pe-flow"));
    let run = null;  // {vars, props, stack, node, finished}
    let history = [];

    function fresh() {
      // product attributes and conditions of the product the technician picked (viewer's applic.js)
      const picked = window.IETMApplic && window.IETMApplic.current ? window.IETMApplic.current() : null;
      const env = { vars: {}, props: Object.assign({}, (picked && picked.assigns) || {}) };
      declared.forEach((v) => { env.vars[v.name] = v.init ? coerce(evaluate(v.init, env), v.type) : null; });
      assign(json(section, "data-pre", []), env, types);
      return { vars: env.vars, props: env.props, stack: [{ id: program.top.id, i: 0 }], node: null, finished: false };
    }

    function advance(state) {
      let guard = 0;
      while (state.stack.length) {
        if (++guard > 10000) throw new Error("the process does not end (more than 10000 moves)");
        const top = state.stack[state.stack.length - 1];
        const p = program.reg[top.id];
        if (p.t === "loop") {
          assign(p.each, state, types);
          if (truthy(evaluate(p.cond, state))) state.stack.push({ id: p.body.id, i: 0 });
          else state.stack.pop();
          continue;
        }
        if (top.i >= p.items.length) { state.stack.pop(); continue; }
        const it = p.items[top.i++];
        if (it.t === "node") { assign(it.pre, state, types); state.node = it.id; return state; }
        if (it.t === "if") {
          const branch = truthy(evaluate(it.cond, state)) ? it.then : it.else;
          if (branch) state.stack.push({ id: branch.id, i: 0 });
        } else if (it.t === "loop") {
          assign(it.pre, state, types);
          if (truthy(evaluate(it.cond, state))) { state.stack.push({ id: it.id, i: 0 }); state.stack.push({ id: it.body.id, i: 0 }); }
        } else if (it.t === "alts") {
          const chosen = it.options.find((o) => truthy(evaluate(o.cond, state)));
          if (chosen) state.stack.push({ id: chosen.body.id, i: 0 });
        } else if (it.t === "seq") {
          state.stack.push({ id: it.id, i: 0 });
        }
      }
      assign(json(section, "data-post", []), state, types);
      state.node = null;
      state.finished = true;
      return state;
    }

    function copy(state) { return JSON.parse(JSON.stringify(state)); }
    function persist() { localStorage.setItem(key, JSON.stringify({ run: run, history: history })); }

    function shown(v) {
      if (v === null || v === undefined) return "–";
      if (Array.isArray(v)) return v.join(", ");
      if (typeof v === "boolean") return v ? i18n.value_true || "true" : i18n.value_false || "false";
      return String(v);
    }

    function paint() {
      error.textContent = "";
      stage.replaceChildren();
      if (run.finished) {
        const done = document.createElement("p");
        done.className = "pe-done";
        done.textContent = i18n.finished || "The process is finished.";
        stage.append(done);
      } else {
        const node = program.reg[run.node].el.cloneNode(true);
        node.querySelectorAll("[id]").forEach((n) => n.removeAttribute("id"));
        node.removeAttribute("id");
        node.querySelectorAll("input[data-pe-input]").forEach((input) => {
          const target = json(input, "data-target", {});
          const current = "var" in target ? run.vars[target.var] : run.props[target.prop];
          const fallback = input.hasAttribute("data-default") ? evaluate(json(input, "data-default", null), run) : "";
          input.value = current === null || current === undefined ? (fallback == null ? "" : fallback) : current;
        });
        node.querySelectorAll("[data-enabled]").forEach((field) => {  // enabledState: usable only when true
          const usable = truthy(evaluate(json(field, "data-enabled", { lit: true }), run));
          field.classList.toggle("pe-disabled", !usable);
          field.querySelectorAll("input, button, select, textarea").forEach((i) => { i.disabled = !usable; });
          if (field.tagName === "FIELDSET") field.disabled = !usable;
        });
        stage.append(node);
      }
      section.querySelectorAll("[data-var]").forEach((s) => { if (!s.closest(".pe-flow")) s.textContent = shown(run.vars[s.dataset.var]); });
      section.querySelectorAll("[data-prop]").forEach((s) => { if (!s.closest(".pe-flow")) s.textContent = shown(run.props[s.dataset.prop]); });
      engine.querySelectorAll("[data-var-value]").forEach((c) => { c.textContent = shown(run.vars[c.dataset.varValue]); });
      engine.querySelector("[data-pe-back]").disabled = !history.length;
      engine.querySelector("[data-pe-next]").disabled = run.finished;
      section.dataset.peNode = run.finished ? "end" : String(run.node);
      if (window.IETMApplic && window.IETMApplic.apply) window.IETMApplic.apply();  // the copy shown is new to it
      persist();
    }

    function collect(state) {
      // user entries: coerce, then validate with the entered value in place
      for (const input of stage.querySelectorAll("input[data-pe-input]:not(:disabled)")) {
        const target = json(input, "data-target", {});
        if (input.required && !input.value.trim()) { input.focus(); return i18n.required || "Required"; }
        const value = "var" in target ? coerce(input.value, types[target.var]) : input.value;
        if ("var" in target) state.vars[target.var] = value; else state.props[target.prop] = value;
        if (input.hasAttribute("data-validate") && !truthy(evaluate(json(input, "data-validate", { lit: true }), state))) {
          input.focus();
          return input.dataset.error || i18n.invalid || "Invalid";
        }
      }
      for (const menu of stage.querySelectorAll("[data-pe-menu]")) {
        const chosen = Array.from(menu.querySelectorAll("input:checked"));
        if (!chosen.length && menu.querySelector("input[required]")) return i18n.required || "Required";
        chosen.forEach((c) => assign(json(c, "data-assign", []), state, types));
      }
      return null;
    }

    function next() {
      const before = copy(run);
      const state = copy(run);
      const problem = collect(state);
      if (problem) { error.textContent = problem; return; }
      try {
        assign(program.reg[state.node].post, state, types);
        history.push(before);
        run = advance(state);
      } catch (e) { error.textContent = e.message; return; }
      paint();
    }

    function start(restore) {
      engine.hidden = false;
      section.classList.add("pe-running");
      history = [];
      run = null;
      if (restore) {
        try {
          const saved = JSON.parse(localStorage.getItem(key) || "null");
          if (saved && saved.run) { run = saved.run; history = saved.history || []; }
        } catch (e) { run = null; }
      }
      if (!run) {
        try { run = advance(fresh()); } catch (e) { error.textContent = e.message; return; }
      }
      paint();
    }

    engine.addEventListener("click", (event) => {
      if (event.target.closest("[data-pe-next]")) next();
      else if (event.target.closest("[data-pe-back]") && history.length) { run = history.pop(); paint(); }
      else if (event.target.closest("[data-pe-restart]")) { localStorage.removeItem(key); start(false); }
    });
    engine.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input[data-pe-input]")) { event.preventDefault(); next(); }
    });
    start(true);
  }

  window.ietmProcess = { init: init, evaluate: evaluate };
  function boot() { document.querySelectorAll("section[data-process]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
