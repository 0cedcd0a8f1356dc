// Parts: illustration callouts and parts-list rows point at each other; "add to order" from the IPD and
// from a procedure's spares; an order list kept on the device (localStorage) and exported as CSV or XML.
(function () {
  "use strict";
  if (window.ietmParts) return;
  const KEY = "ietm:order";

  function i18n() {
    const holder = document.querySelector("[data-i18n]");
    try { return JSON.parse(holder ? holder.dataset.i18n : "{}"); } catch (e) { return {}; }
  }
  const T = i18n();
  function t(key, fallback, values) {
    return String(T[key] || fallback).replace(/\{(\w+)\}/g, (_, k) => (values && k in values ? values[k] : ""));
  }

  function loadOrder() {
    try { const v = JSON.parse(localStorage.getItem(KEY) || "[]"); return Array.isArray(v) ? v : []; } catch (e) { return []; }
  }
  function saveOrder(items) { localStorage.setItem(KEY, JSON.stringify(items)); renderPanel(); }

  function add(data) {
    const items = loadOrder();
    const qty = Math.max(1, parseInt(data.qty, 10) || 1);
    const same = items.find((i) => i.pn === data.pn && i.cage === data.cage && i.source === data.source);
    if (same) same.qty += qty;
    else items.push({ pn: data.pn, cage: data.cage || "", name: data.name || "", qty: qty, unit: data.unit || "", source: data.source || "", item: data.item || "", added: new Date().toISOString() });
    saveOrder(items);
    announce(t("added", "Added {pn} to the order", { pn: data.pn }));
  }

  // -- export --------------------------------------------------------------------------------------------
  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type: type }));
    const a = document.createElement("a");
    a.href = url; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  function csvCell(value) {
    let s = value == null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet must not run a cell as a formula
    return /[",\n\r;]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function xmlText(value) {
    return String(value == null ? "" : value).replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" }[c]));
  }
  function toCsv(items) {
    const head = ["partNumber", "manufacturerCode", "name", "quantity", "unit", "sourceModule", "item"];
    return [head.join(",")].concat(items.map((i) => [i.pn, i.cage, i.name, i.qty, i.unit, i.source, i.item].map(csvCell).join(","))).join("\r\n") + "\r\n";
  }
  function toXml(items) {
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<order created="' + new Date().toISOString() + '">'];
    items.forEach((i) => {
      lines.push('  <orderItem quantity="' + xmlText(i.qty) + '"' + (i.unit ? ' unitOfMeasure="' + xmlText(i.unit) + '"' : "") + ">");
      lines.push('    <partRef manufacturerCodeValue="' + xmlText(i.cage) + '" partNumberValue="' + xmlText(i.pn) + '"/>');
      lines.push("    <name>" + xmlText(i.name) + "</name>");
      lines.push('    <sourceModule code="' + xmlText(i.source) + '"' + (i.item ? ' item="' + xmlText(i.item) + '"' : "") + "/>");
      lines.push("  </orderItem>");
    });
    lines.push("</order>");
    return lines.join("\n") + "\n";
  }
  function stamp() { return new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-"); }

  // -- the order panel --------------------------------------------------------------------------------------
  let panel, toggle, live;
  function buildPanel() {
    if (document.getElementById("ietm-order")) return;
    toggle = document.createElement("button");
    toggle.type = "button"; toggle.id = "ietm-order-toggle"; toggle.className = "order-toggle";
    toggle.setAttribute("aria-controls", "ietm-order"); toggle.setAttribute("aria-expanded", "false");
    panel = document.createElement("aside");
    panel.id = "ietm-order"; panel.className = "order-panel"; panel.hidden = true;
    panel.setAttribute("aria-label", t("order_list", "Order list"));
    live = document.createElement("p");
    live.className = "order-live"; live.setAttribute("aria-live", "polite");
    document.body.append(toggle, panel, live);
    toggle.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
    });
    panel.addEventListener("click", (event) => {
      const b = event.target.closest("button");
      if (!b) return;
      const items = loadOrder();
      if (b.dataset.remove) { items.splice(Number(b.dataset.remove), 1); saveOrder(items); }
      else if (b.dataset.orderExport === "csv") download("order-" + stamp() + ".csv", "text/csv", toCsv(items));
      else if (b.dataset.orderExport === "xml") download("order-" + stamp() + ".xml", "application/xml", toXml(items));
      else if (b.hasAttribute("data-order-clear")) saveOrder([]);
      else if (b.hasAttribute("data-order-close")) { panel.hidden = true; toggle.setAttribute("aria-expanded", "false"); }
    });
    panel.addEventListener("change", (event) => {
      const input = event.target.closest("input[data-qty]");
      if (!input) return;
      const items = loadOrder();
      const item = items[Number(input.dataset.qty)];
      if (item) { item.qty = Math.max(1, parseInt(input.value, 10) || 1); saveOrder(items); }
    });
    renderPanel();
  }

  function cell(tag, text) { const c = document.createElement(tag); c.textContent = text; return c; }

  function renderPanel() {
    if (!panel) return;
    const items = loadOrder();
    const count = items.reduce((n, i) => n + (Number(i.qty) || 0), 0);
    toggle.textContent = t("order", "Order") + " (" + count + ")";
    toggle.dataset.count = String(count);
    panel.replaceChildren();
    const h = cell("h2", t("order_list", "Order list"));
    panel.append(h);
    if (!items.length) {
      panel.append(cell("p", t("order_empty", "No parts in the order.")));
    } else {
      const table = document.createElement("table");
      table.className = "order-table";
      const head = document.createElement("tr");
      [t("part_number", "Part number"), "CAGE", t("name", "Name"), t("qty", "Qty"), t("source", "Source"), ""].forEach((x) => head.append(cell("th", x)));
      table.append(head);
      items.forEach((i, n) => {
        const tr = document.createElement("tr");
        tr.append(cell("td", i.pn), cell("td", i.cage), cell("td", i.name));
        const q = document.createElement("td");
        const input = document.createElement("input");
        input.type = "number"; input.min = "1"; input.value = String(i.qty); input.dataset.qty = String(n);
        input.setAttribute("aria-label", t("qty", "Qty") + " " + i.pn);
        q.append(input);
        const src = cell("td", i.source);
        src.className = "code";
        const rm = document.createElement("td");
        const b = cell("button", t("remove", "Remove"));
        b.type = "button"; b.dataset.remove = String(n); b.className = "secondary";
        rm.append(b);
        tr.append(q, src, rm);
        table.append(tr);
      });
      panel.append(table);
    }
    const actions = document.createElement("div");
    actions.className = "order-actions";
    [["csv", t("export_csv", "Export CSV")], ["xml", t("export_xml", "Export XML")]].forEach(([kind, label]) => {
      const b = cell("button", label); b.type = "button"; b.dataset.orderExport = kind; b.disabled = !items.length; actions.append(b);
    });
    const clear = cell("button", t("clear", "Clear")); clear.type = "button"; clear.dataset.orderClear = ""; clear.className = "secondary";
    const close = cell("button", t("close", "Close")); close.type = "button"; close.dataset.orderClose = ""; close.className = "secondary";
    actions.append(clear, close);
    panel.append(actions);
  }

  function announce(text) { if (live) { live.textContent = text; } }

  // -- callouts and rows, both ways --------------------------------------------------------------------
  function scope(el) { return el.closest("[data-ipd]") || el.closest(".s1000d") || document; }

  function highlight(nodes) {
    document.querySelectorAll(".hl").forEach((n) => n.classList.remove("hl"));
    nodes.forEach((n) => n.classList.add("hl"));
    if (nodes[0]) nodes[0].scrollIntoView({ block: "center", behavior: "smooth" });
  }

  // the drawing's own shape of a callout, when the viewer has inlined the SVG (its classes: svg-hotspot, active)
  function lightShapes(spots) {
    spots.forEach((s) => {
      const fig = s.closest("figure");
      if (!fig || !s.dataset.aps) return;
      fig.querySelectorAll("svg .svg-hotspot").forEach((g) => g.classList.toggle("active", g.id === s.dataset.aps));
    });
  }

  function fromHotspot(spot) {
    const where = scope(spot);
    const callout = spot.dataset.callout;
    const fig = spot.dataset.figure;
    let rows = Array.from(where.querySelectorAll("tr.part-row[data-callout]")).filter((r) => r.dataset.callout === callout && (!fig || r.dataset.figure === fig));
    if (!rows.length && spot.dataset.hotspot) {
      rows = Array.from(where.querySelectorAll('a.iref[data-hotspot="' + CSS.escape(spot.dataset.hotspot) + '"]'));
    }
    spot.classList.add("hl");
    highlight(rows.length ? rows : [spot]);
    spot.classList.add("hl");
  }

  function fromRow(link) {
    const where = scope(link);
    const spots = Array.from(where.querySelectorAll(".hotspot[data-callout]")).filter((s) => s.dataset.callout === link.dataset.callout && (!link.dataset.figure || !s.dataset.figure || s.dataset.figure === link.dataset.figure));
    const row = link.closest("tr");
    highlight(spots);
    lightShapes(spots);
    if (row) row.classList.add("hl");
  }

  document.addEventListener("click", (event) => {
    const addButton = event.target.closest("button.order-add");
    if (addButton) {
      const d = addButton.dataset;
      add({ pn: d.orderPn, cage: d.orderCage, name: d.orderName, qty: d.orderQty, unit: d.orderUnit, source: d.orderSource, item: d.orderItem });
      addButton.classList.add("added");
      return;
    }
    const spot = event.target.closest(".hotspot[data-callout]");
    if (spot) { event.preventDefault(); fromHotspot(spot); return; }
    const textRef = event.target.closest("a.iref[data-hotspot]");
    if (textRef) {  // a reference in the text to a hotspot: show where it is on the figure
      const target = document.getElementById(textRef.dataset.hotspot);
      if (target) { event.preventDefault(); highlight([target]); lightShapes([target]); }
      return;
    }
    const rowLink = event.target.closest(".callout-link[data-callout]");
    if (rowLink) { event.preventDefault(); fromRow(rowLink); return; }
    const svgShape = event.target.closest("figure svg [id]");
    if (svgShape) {
      const fig = svgShape.closest("figure");
      const match = fig && fig.querySelector('.hotspot[data-aps="' + CSS.escape(svgShape.id) + '"]');
      if (match) fromHotspot(match);
    }
  });

  window.ietmParts = { add: add, order: loadOrder, toCsv: toCsv, toXml: toXml };
  function start() { if (document.querySelector("[data-ipd], button.order-add")) buildPanel(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
