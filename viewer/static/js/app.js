/* The tablet shell: panels, display settings (night mode, large text), interface language, bookmarks,
   recently viewed, personal notes per module, the product picker, printing. Everything is kept on the
   device (localStorage), so it works the same from the server and from a static offline bundle. */
(function () {
  "use strict";

  var KEYS = { settings: "ietm.settings", bookmarks: "ietm.bookmarks", recent: "ietm.recent" };
  var RECENT_MAX = 15;

  function read(key, fallback) {
    try { var raw = localStorage.getItem(key); return raw === null ? fallback : JSON.parse(raw); }
    catch (e) { return fallback; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage disabled */ }
  }
  var S = (function () {
    var el = document.getElementById("ietm-strings");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();

  /* -- the page being read ------------------------------------------------------------------------- */
  var page = document.querySelector("[data-page-key]");
  function pageUrl() {
    var url = new URL(location.href);
    url.searchParams.delete("lang");
    return url.pathname + url.search;
  }

  /* -- panels ---------------------------------------------------------------------------------------- */
  function setupPanels() {
    document.querySelectorAll("[data-open]").forEach(function (button) {
      var dialog = document.getElementById(button.getAttribute("data-open"));
      if (!dialog) return;
      button.addEventListener("click", function () {
        renderLists();
        if (dialog.id === "panel-product") prefillProduct(dialog);
        if (typeof dialog.showModal === "function") dialog.showModal(); else dialog.setAttribute("open", "");
      });
      dialog.addEventListener("close", function () { button.focus(); });
    });
  }

  /* -- settings ------------------------------------------------------------------------------------ */
  function applySettings() {
    var prefs = read(KEYS.settings, {});
    var root = document.documentElement;
    if (prefs.night) root.dataset.theme = "dark"; else delete root.dataset.theme;
    root.classList.toggle("large-text", !!prefs.large);
    document.querySelectorAll("[data-setting]").forEach(function (box) { box.checked = !!prefs[box.getAttribute("data-setting")]; });
  }
  function setupSettings() {
    document.querySelectorAll("[data-setting]").forEach(function (box) {
      box.addEventListener("change", function () {
        var prefs = read(KEYS.settings, {});
        prefs[box.getAttribute("data-setting")] = box.checked;
        write(KEYS.settings, prefs);
        applySettings();
      });
    });
    applySettings();
  }

  /* -- interface language: keep the rest of the address (issue, publication) when switching -------- */
  function setupLanguage() {
    document.querySelectorAll("[data-lang]").forEach(function (a) {
      var url = new URL(location.href);
      url.searchParams.set("lang", a.getAttribute("data-lang"));
      url.hash = "";
      a.setAttribute("href", url.pathname + url.search);
    });
  }

  /* -- bookmarks and recently viewed --------------------------------------------------------------- */
  function entry() {
    return { key: page.getAttribute("data-page-key"), title: page.getAttribute("data-page-title") || document.title, url: pageUrl() };
  }
  function isBookmarked() {
    return read(KEYS.bookmarks, []).some(function (b) { return b.url === pageUrl(); });
  }
  function updateBookmarkButtons() {
    var on = page && isBookmarked();
    document.querySelectorAll("[data-bookmark]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? S.bookmark_remove : S.bookmark_add;
    });
  }
  function toggleBookmark() {
    var list = read(KEYS.bookmarks, []);
    var url = pageUrl();
    if (list.some(function (b) { return b.url === url; })) list = list.filter(function (b) { return b.url !== url; });
    else list.unshift(entry());
    write(KEYS.bookmarks, list);
    updateBookmarkButtons();
    renderLists();
  }
  function remember() {
    if (!page) return;
    var e = entry();
    var list = read(KEYS.recent, []).filter(function (r) { return r.url !== e.url; });
    list.unshift(e);
    write(KEYS.recent, list.slice(0, RECENT_MAX));
  }
  function renderList(container, empty, items, removable, storeKey) {
    container.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title || item.key;
      li.appendChild(a);
      var code = document.createElement("span");
      code.className = "code";
      code.textContent = item.key || "";
      li.appendChild(code);
      if (removable) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = "✕";
        b.setAttribute("aria-label", S.bookmark_remove + ": " + (item.title || item.key));
        b.addEventListener("click", function () {
          write(storeKey, read(storeKey, []).filter(function (x) { return x.url !== item.url; }));
          renderLists();
          updateBookmarkButtons();
        });
        li.appendChild(b);
      }
      container.appendChild(li);
    });
    if (empty) empty.hidden = items.length > 0;
  }
  function renderLists() {
    document.querySelectorAll("[data-bookmark-list]").forEach(function (ul) {
      renderList(ul, ul.parentNode.querySelector("[data-bookmark-empty]"), read(KEYS.bookmarks, []), true, KEYS.bookmarks);
    });
    document.querySelectorAll("[data-recent-list]").forEach(function (ul) {
      renderList(ul, ul.parentNode.querySelector("[data-recent-empty]"), read(KEYS.recent, []), false, KEYS.recent);
    });
  }

  /* -- personal notes per module ------------------------------------------------------------------- */
  function setupNotes() {
    document.querySelectorAll("textarea[data-note]").forEach(function (area) {
      var key = "ietm.note." + area.getAttribute("data-note");
      var saved = area.parentNode.querySelector("[data-note-saved]");
      area.value = read(key, "");
      var timer = null;
      area.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          if (area.value) write(key, area.value); else { try { localStorage.removeItem(key); } catch (e) { /* none */ } }
          if (saved) saved.hidden = false;
        }, 300);
      });
    });
  }

  /* -- product picker -------------------------------------------------------------------------------- */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function buildProductForm(dialog) {
    var data;
    try { data = JSON.parse(document.getElementById("ietm-applic").textContent); } catch (e) { return; }
    var list = dialog.querySelector("[data-product-list]");
    var attrs = dialog.querySelector("[data-attr-list]");
    var named = {};  /* attribute ident -> its name in the reader's language */
    (data.properties || []).forEach(function (p) { named[p.id] = p.name; });
    (data.products || []).forEach(function (p) {
      var label = el("label", { "class": "choice" });
      label.appendChild(el("input", { type: "radio", name: "product", value: p.id }));
      label.appendChild(document.createTextNode(" "));
      label.appendChild(el("strong", {}, p.id));
      label.appendChild(document.createTextNode(" "));
      label.appendChild(el("small", {}, Object.keys(p.assigns).map(function (k) { return (named[k] || k) + ": " + p.assigns[k]; }).join("; ")));
      list.appendChild(label);
    });
    (data.properties || []).forEach(function (p) {
      var label = el("label", { "class": "field" }, p.name + " ");
      var field;
      if (p.values && p.values.length) {
        field = el("select", { name: "attr:" + p.id });
        field.appendChild(el("option", { value: "" }, S.any_value));
        p.values.forEach(function (v) { field.appendChild(el("option", { value: v }, (p.labels || {})[v] || v)); });
      } else {
        field = el("input", { name: "attr:" + p.id, type: "text", autocomplete: "off" });
      }
      label.appendChild(field);
      attrs.appendChild(label);
    });
    list.hidden = !(data.products || []).length;
    attrs.hidden = !(data.properties || []).length;
    dialog.querySelector("[data-no-pct]").hidden = !list.hidden;
  }
  function prefillProduct(dialog) {
    var sel = window.IETMApplic ? window.IETMApplic.current() : null;
    dialog.querySelectorAll('input[name="product"]').forEach(function (r) { r.checked = (sel && sel.id ? sel.id : "") === r.value; });
    dialog.querySelectorAll('[name^="attr:"]').forEach(function (f) {
      var ident = f.name.slice(5);
      f.value = sel && !sel.id && sel.assigns && sel.assigns[ident] !== undefined ? sel.assigns[ident] : "";
    });
  }
  function setupProduct() {
    var dialog = document.getElementById("panel-product");
    if (!dialog || !window.IETMApplic) return;
    var form = dialog.querySelector("[data-product-form]");
    buildProductForm(dialog);
    form.addEventListener("submit", function (ev) {
      var action = ev.submitter ? ev.submitter.value : "apply";
      if (action === "clear") { window.IETMApplic.select(null); return; }
      if (action !== "apply") return;
      var picked = form.querySelector('input[name="product"]:checked');
      var assigns = {};
      form.querySelectorAll('[name^="attr:"]').forEach(function (f) { if (f.value.trim()) assigns[f.name.slice(5)] = f.value.trim(); });
      if (Object.keys(assigns).length && (!picked || !picked.value)) window.IETMApplic.select({ id: null, assigns: assigns });
      else if (picked && picked.value) window.IETMApplic.select({ id: picked.value });
      else window.IETMApplic.select(null);
    });
    document.querySelectorAll("[data-pick-product]").forEach(function (b) {
      b.addEventListener("click", function () { window.IETMApplic.select({ id: b.getAttribute("data-pick-product") }); });
    });
  }

  /* -- small helpers: print, list filter, hotspot highlight --------------------------------------- */
  function setupMisc() {
    document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
    document.querySelectorAll("[data-bookmark]").forEach(function (b) { b.addEventListener("click", toggleBookmark); });
    document.querySelectorAll("input[data-filter]").forEach(function (input) {
      var table = document.querySelector(input.getAttribute("data-filter"));
      if (!table) return;
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        table.querySelectorAll("tbody tr").forEach(function (tr) { tr.hidden = q && tr.textContent.toLowerCase().indexOf(q) < 0; });
      });
    });
  }

  /* -- illustrations with hotspots: the SVG inline, so its callout objects can be clicked and lit -------- */
  function cleanSvg(svg) {
    /* our CGM conversion writes neither scripts nor handlers, but an SVG file in a CSDB might */
    svg.querySelectorAll("script, foreignObject, iframe").forEach(function (n) { n.remove(); });
    svg.querySelectorAll("*").forEach(function (n) {
      Array.from(n.attributes).forEach(function (a) {
        if (/^on/i.test(a.name) || (/href$/i.test(a.name) && /^\s*javascript:/i.test(a.value))) n.removeAttribute(a.name);
      });
    });
  }
  function inlineFigures() {
    if (location.protocol === "file:" || !window.fetch) return;
    document.querySelectorAll("figure img.icn").forEach(function (img) {
      var fig = img.closest("figure");
      var spots = fig ? fig.querySelectorAll(".hotspot[data-aps]") : [];
      if (!spots.length || new URL(img.src, location.href).origin !== location.origin) return;
      fetch(img.src).then(function (r) {
        return r.ok && /svg/.test(r.headers.get("content-type") || "") ? r.text() : null;
      }).then(function (text) {
        if (!text) return;
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var svg = doc.documentElement;
        if (svg.localName !== "svg" || doc.getElementsByTagName("parsererror").length) return;
        cleanSvg(svg);
        svg = document.importNode(svg, true);
        svg.setAttribute("class", img.className + " icn-inline");
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", img.alt || "");
        spots.forEach(function (spot) {
          var g = svg.querySelector('[id="' + CSS.escape(spot.getAttribute("data-aps")) + '"]');
          if (g) g.classList.add("svg-hotspot");
        });
        img.replaceWith(svg);
      }).catch(function () { /* keep the picture as an image */ });
    });
  }
  function lightHotspot(event) {
    var spot = event.target.closest(".hotspot[data-aps]");
    var shape = event.target.closest("svg .svg-hotspot");
    var fig = (spot || shape) && (spot || shape).closest("figure");
    if (!fig) return;
    var id = spot ? spot.getAttribute("data-aps") : shape.id;
    fig.querySelectorAll("svg .svg-hotspot").forEach(function (g) { g.classList.toggle("active", g.id === id); });
    fig.querySelectorAll(".hotspot[data-aps]").forEach(function (a) { a.classList.toggle("hotspot-active", a.getAttribute("data-aps") === id); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    inlineFigures();
    document.addEventListener("click", lightHotspot);
    setupPanels();
    setupSettings();
    setupLanguage();
    setupNotes();
    setupProduct();
    setupMisc();
    remember();
    updateBookmarkButtons();
    renderLists();
  });
})();
