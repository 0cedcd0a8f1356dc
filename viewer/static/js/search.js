/* The search page: search-as-you-type suggestions, the product filter, and (in a published bundle, where
 * there is no server) the whole search, run on this device by offline-search.js over search/head.json and the
 * shards it names.
 * The server renders its results itself; offline, this script renders the same markup.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-search-form]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("search-suggestions");
  var productInput = form.querySelector("[data-search-product]");
  var productOnly = form.querySelector("[data-product-only]");
  var results = document.querySelector("[data-search-results]");
  var S = JSON.parse((document.getElementById("ietm-search-strings") || {}).textContent || "{}");
  var offlineUrl = form.getAttribute("data-offline-index");
  var engine = null;
  var enginePromise = null;

  function name(list, value) {  // a facet value (module type, language) in the reader's language
    var names = (S.names || {})[list] || {};
    return names[value] || value;
  }

  function selectedProduct() {
    // the technician's product choice, kept on the device by applic.js as {id, assigns}
    try {
      var st = JSON.parse(localStorage.getItem("ietm.applic") || "null");
      return st && st.id ? String(st.id) : "";
    } catch (e) { return ""; }
  }

  function getEngine() {
    if (!enginePromise) {
      enginePromise = window.IetmOfflineSearch.load(offlineUrl).then(function (e) { engine = e; return e; });
    }
    return enginePromise;
  }

  /* -- product filter -------------------------------------------------------------------------------- */
  var product = selectedProduct();
  if (productOnly) {
    productOnly.disabled = !product && !productInput.value;
    productOnly.addEventListener("change", function () {
      productInput.value = productOnly.checked ? (product || productInput.value) : "";
      if (input.value.trim()) form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  }
  form.addEventListener("submit", function () {
    if (!productInput.value) productInput.disabled = true; // keep the address short
    ["[data-search-type]", "[data-search-lang]"].forEach(function (sel) {
      var el = form.querySelector(sel); if (el && !el.value) el.disabled = true;
    });
  });

  /* -- suggestions ------------------------------------------------------------------------------------ */
  var timer = null, active = -1;
  function closeList() { list.hidden = true; list.textContent = ""; input.setAttribute("aria-expanded", "false"); active = -1; }
  function showSuggestions(items) {
    list.textContent = "";
    items.forEach(function (it, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "sugg-" + i;
      li.className = "suggestion";
      if (it.url) {
        var a = document.createElement("a"); a.href = it.url; a.textContent = it.label; li.appendChild(a);
        var code = document.createElement("span"); code.className = "code"; code.textContent = it.key; li.appendChild(code);
      } else {
        li.textContent = it.label;
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); input.value = it.label; closeList(); form.requestSubmit ? form.requestSubmit() : form.submit(); });
      }
      list.appendChild(li);
    });
    list.hidden = !items.length;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }
  function suggest() {
    var q = input.value;
    if (q.trim().length < 2) { closeList(); return; }
    if (offlineUrl) {
      getEngine().then(function (e) {
        return Promise.all([e.suggest(q, 6),
          e.search(q.replace(/\s*$/, "") + (/\w$/.test(q) ? "*" : ""), product && productInput.value ? { product: product } : null, 5)]);
      }).then(function (found) {
        if (input.value !== q) return;
        var words = found[0].map(function (w) { return { label: w }; });
        var mods = found[1].hits.map(function (h) { return { label: h.title || h.key, key: h.key, url: h.url }; });
        showSuggestions(words.concat(mods));
      }).catch(closeList);
      return;
    }
    var params = new URLSearchParams({ q: q });
    if (productInput.value) params.set("product", productInput.value);
    fetch(form.getAttribute("data-root") + "api/suggest?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { completions: [], modules: [] }; })
      .then(function (d) {
        if (input.value !== q) return;
        showSuggestions(d.completions.slice(0, 6).map(function (w) { return { label: w }; })
          .concat(d.modules.slice(0, 5).map(function (m) { return { label: m.title || m.key, key: m.key, url: m.url }; })));
      }).catch(closeList);
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener("keydown", function (ev) {
    var items = list.querySelectorAll("[role=option]");
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!items.length) return;
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach(function (el, i) { el.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    } else if (ev.key === "Enter" && active >= 0) {
      ev.preventDefault();
      var link = items[active].querySelector("a");
      if (link) { location.href = link.href; return; }
      input.value = items[active].textContent; closeList(); form.requestSubmit ? form.requestSubmit() : form.submit();
    } else if (ev.key === "Escape") { closeList(); }
  });
  input.addEventListener("blur", function () { setTimeout(closeList, 150); });

  /* -- offline search: the results page ------------------------------------------------------------------ */
  if (!offlineUrl) return;
  var params = new URLSearchParams(location.search);
  var q = params.get("q") || "";
  input.value = q;
  if (params.get("product")) { productInput.value = params.get("product"); if (productOnly) { productOnly.checked = true; productOnly.disabled = false; } }
  if (!q.trim()) return;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(s, values) { return String(s || "").replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }
  function link(extra) {
    var p = new URLSearchParams(location.search);
    Object.keys(extra).forEach(function (k) { p.set(k, extra[k]); });
    return "?" + p.toString();
  }

  var filters = { product: params.get("product") || "", type: params.get("type") || "", lang: params.get("in") || "" };
  getEngine().then(function (e) {
    return e.search(q, filters, 50);
  }).then(function (res) {
    results.textContent = "";
    if (res.corrected_from) {
      results.appendChild(el("p", "correction", fmt(S.showing_for, { typed: res.corrected_from, query: res.query }))).setAttribute("data-corrected", "");
    }
    if (res.did_you_mean) {
      var p = el("p", "correction", S.did_you_mean + ": ");
      var a = el("a", null, res.did_you_mean); a.href = link({ q: res.did_you_mean }); a.setAttribute("data-did-you-mean", "");
      p.appendChild(a); p.appendChild(document.createTextNode("?"));
      results.appendChild(p);
    }
    var count = el("p", "count", res.total ? fmt(S.results, { n: res.total }) : S.no_results);
    count.setAttribute("data-result-count", String(res.total));
    results.appendChild(count);
    if (!res.total) return;
    var facets = el("div", "facets");
    [["type", S.facet_type, "type"], ["system", S.facet_system, "system"], ["lang", S.facet_lang, "in"]].forEach(function (f) {
      var counts = res.facets[f[0]], keys = Object.keys(counts);
      if (!keys.length) return;
      keys.sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
      var nav = el("nav", "facet"); nav.setAttribute("aria-label", f[1]);
      nav.appendChild(el("span", "facet-name", f[1] + ":"));
      keys.forEach(function (k) {
        var chip = el("a", "chip", name(f[0], k) + " "); var extra = {}; extra[f[2]] = k; chip.href = link(extra);
        chip.setAttribute("data-facet", f[0]); chip.setAttribute("data-value", k);
        chip.appendChild(el("span", "n", String(counts[k])));
        nav.appendChild(chip);
      });
      facets.appendChild(nav);
    });
    results.appendChild(facets);
    var ol = el("ol", "results");
    res.hits.forEach(function (h, i) {
      var li = el("li", "result"); li.setAttribute("data-key", h.key);
      var a = el("a", "result-title", h.title || h.key); a.href = h.url;
      li.appendChild(a);
      li.appendChild(el("span", "code", [h.key, name("lang", (h.language || "").slice(0, 2)), name("type", h.type)].join(" · ")));
      var sn = el("p", "snippet");
      li.appendChild(sn);
      if (i < 10) engine.snippet(h, res.stems).then(function (frag) { sn.appendChild(frag); });
      ol.appendChild(li);
    });
    results.appendChild(ol);
  }).catch(function (err) {
    results.textContent = "";
    results.appendChild(el("p", "error", String(err.message || err)));
  });
})();
