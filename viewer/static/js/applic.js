/* Applicability in the browser: the technician's product (or attribute values) is kept on the device, and
   every element carrying data-applic (the JSON form of ietm.applic) is hidden when it does not apply, or
   greyed when "show what does not apply" is on. Works the same from a server or from a static bundle:
   the product list comes with the page (script#ietm-applic), the choice lives in localStorage.

   Evaluation follows ietm/applic/expr.py exactly: value sets with ranges, numeric or "natural" comparison,
   three-valued logic where unknown (null) counts as applicable. */
(function () {
  "use strict";

  var SELECTION = "ietm.applic";
  var SHOW_ALL = "ietm.applic.showAll";
  var NUMBER = /^[+-]?\d+(?:\.\d+)?$/;

  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage disabled: the choice lasts for this page only */ }
  }
  function read(key, fallback) {
    try {
      var raw = localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }
  }
  function pageData(id, fallback) {
    var el = document.getElementById(id);
    if (!el) return fallback;
    try { return JSON.parse(el.textContent); } catch (e) { return fallback; }
  }

  function naturalKey(text) {
    return (String(text).match(/\d+|\D+/g) || []).map(function (run) {
      return /^\d+$/.test(run) ? [0, parseInt(run, 10)] : [1, run];
    });
  }
  function compareKeys(a, b) {
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i][0] !== b[i][0]) return a[i][0] - b[i][0];
      if (a[i][1] < b[i][1]) return -1;
      if (a[i][1] > b[i][1]) return 1;
    }
    return a.length - b.length;
  }
  function le(a, b) {
    if (NUMBER.test(a) && NUMBER.test(b)) return parseFloat(a) <= parseFloat(b);
    return compareKeys(naturalKey(a), naturalKey(b)) <= 0;
  }
  function holds(alt, value) {
    if (Object.prototype.hasOwnProperty.call(alt, "value")) return value === alt.value;
    return le(alt.from, value) && le(value, alt.to);
  }

  /* true, false, or null (unknown) */
  function evaluate(expr, assignment) {
    if (!expr) return null;
    if (Object.prototype.hasOwnProperty.call(expr, "expr")) return evaluate(expr.expr, assignment);
    if (Object.prototype.hasOwnProperty.call(expr, "assert")) {
      if (!Object.prototype.hasOwnProperty.call(assignment, expr.assert)) return null;
      var value = assignment[expr.assert];
      return (expr.values || []).some(function (alt) { return holds(alt, value); });
    }
    var results = (expr.args || []).map(function (a) { return evaluate(a, assignment); });
    if (expr.op === "or") {
      if (results.indexOf(true) >= 0) return true;
      return results.length && results.every(function (r) { return r === false; }) ? false : null;
    }
    if (results.indexOf(false) >= 0) return false;
    return results.length && results.every(function (r) { return r === true; }) ? true : null;
  }

  function strings() { return pageData("ietm-strings", {}); }
  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }

  function current() { return read(SELECTION, null); }

  function label(selection) {
    if (!selection) return null;
    if (selection.id) return selection.id;
    var parts = Object.keys(selection.assigns || {}).map(function (k) { return k + "=" + selection.assigns[k]; });
    return parts.join(", ") || null;
  }

  function apply() {
    var selection = current();
    var assignment = (selection && selection.assigns) || {};
    var active = Object.keys(assignment).length > 0;
    var hidden = 0;
    document.querySelectorAll("[data-applic]").forEach(function (el) {
      var expr;
      try { expr = JSON.parse(el.getAttribute("data-applic")); } catch (e) { return; }
      var result = active ? evaluate(expr, assignment) : null;
      var out = result === false;
      el.classList.toggle("inapplicable", out);
      if (out) hidden++;
    });
    var moduleEl = document.querySelector("[data-applic-module]");
    var banner = document.querySelector("[data-module-inapplicable]");
    if (moduleEl && banner) {
      var expr = null;
      try { expr = JSON.parse(moduleEl.getAttribute("data-applic-module")); } catch (e) { /* leave shown */ }
      banner.hidden = !(active && evaluate(expr, assignment) === false);
    }
    var s = strings();
    var name = label(selection);
    document.querySelectorAll("[data-applic-status]").forEach(function (el) {
      el.textContent = name ? fill(s.product_selected, { name: name }) : s.product_all;
    });
    document.querySelectorAll("[data-product-name]").forEach(function (el) {
      el.textContent = name || s.product_none;
    });
    var showAll = !!read(SHOW_ALL, false);
    document.body.classList.toggle("show-inapplicable", showAll);
    document.querySelectorAll("[data-show-inapplicable]").forEach(function (box) { box.checked = showAll; });
    document.documentElement.dataset.applicHidden = String(hidden);
    document.dispatchEvent(new CustomEvent("ietm:applic", { detail: { selection: selection, hidden: hidden } }));
  }

  /* select({id}) picks a product of this page's list; select({assigns}) sets attribute values; null clears */
  function select(selection) {
    if (selection && selection.id && !selection.assigns) {
      var product = (pageData("ietm-applic", {}).products || []).filter(function (p) { return p.id === selection.id; })[0];
      if (!product) return false;
      selection = { id: product.id, assigns: product.assigns };
    }
    store(SELECTION, selection && Object.keys(selection.assigns || {}).length ? selection : null);
    apply();
    return true;
  }

  function showAll(on) { store(SHOW_ALL, !!on); apply(); }

  window.IETMApplic = { evaluate: evaluate, select: select, current: current, apply: apply, showAll: showAll, label: label };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-show-inapplicable]").forEach(function (box) {
      box.addEventListener("change", function () { showAll(box.checked); });
    });
    window.addEventListener("storage", function (e) { if (e.key === SELECTION || e.key === SHOW_ALL) apply(); });
    apply();
  });
})();
