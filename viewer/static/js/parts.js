// Parts: illustration callouts and parts-list rows point at each other; "add to order" from the IPD, from a
// procedure's spares and supplies and from a fault's remedy. The order being put together is kept on the device
// (localStorage) with each line's source and the applicability that holds there, checked against the product
// chosen in the product picker; it is sent to the supply desk through the outbox of orders.js (also offline:
// it goes when the network returns), or exported as CSV or XML.
(function () {
  "use strict";
  if (window.ietmParts) return;
  const KEY = "ietm:order";
  const META = "ietm:order:meta";

  function shellStrings() {
    const el = document.getElementById("ietm-strings");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  }
  const S = shellStrings();
  function t(key, values) {
    return String(S[key] || key).replace(/\{(\w+)\}/g, (_, k) => (values && k in values ? values[k] : ""));
  }
  function read(key, fallback) {
    try { const v = JSON.parse(localStorage.getItem(key) || "null"); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function loadOrder() { const v = read(KEY, []); return Array.isArray(v) ? v : []; }
  function saveOrder(items) { localStorage.setItem(KEY, JSON.stringify(items)); renderPanel(); }
  function loadMeta() { return Object.assign({ urgency: "routine", workOrder: "", remark: "" }, read(META, {})); }
  function saveMeta(meta) { localStorage.setItem(META, JSON.stringify(meta)); }

  // -- the product and applicability ---------------------------------------------------------------------
  function product() { return window.IETMApplic ? window.IETMApplic.current() : null; }
  function productLabel(p) {
    if (!p) return "";
    const values = Object.values(p.assigns || {}).join(", ");
    return p.id ? p.id + (values ? " (" + values + ")" : "") : window.IETMApplic.label(p);
  }
  /* every applicability that holds where the button is: its row, the groups around it, the module itself */
  function applicOf(el) {
    const out = [];
    for (let n = el; n && n.getAttribute; n = n.parentElement) {
      const a = n.getAttribute("data-applic");
      if (a) { try { out.push(JSON.parse(a)); } catch (e) { /* unreadable: says nothing */ } }
    }
    const module = document.querySelector("[data-applic-module]");
    if (module) { try { out.push(JSON.parse(module.getAttribute("data-applic-module"))); } catch (e) { /* idem */ } }
    return out;
  }
  /* false when the chosen product rules the line out; true or null (unknown) otherwise */
  function applies(item, p) {
    if (!p || !p.assigns || !window.IETMApplic) return null;
    return (item.applic || []).some((x) => window.IETMApplic.evaluate(x, p.assigns) === false) ? false : true;
  }

  function add(data, el) {
    const p = product();
    const line = { pn: data.pn, cage: data.cage || "", name: data.name || "", qty: Number(data.qty) > 0 ? Number(data.qty) : 1, unit: data.unit || "",
                   source: data.source || "", kind: data.kind || "", figure: data.figure || "", item: data.item || "",
                   qpa: data.qpa || "", note: "", applic: el ? applicOf(el) : [], added: new Date().toISOString() };
    if (applies(line, p) === false) {
      announce(t("orders_not_for_product", { pn: data.pn, product: productLabel(p) }));
      return false;
    }
    const items = loadOrder();
    const same = items.find((i) => i.pn === line.pn && i.cage === line.cage && i.source === line.source && i.item === line.item);
    if (same) same.qty = Math.round((same.qty + line.qty) * 1e6) / 1e6;  // 0.1 l + 0.2 l is 0.3 l, not 0.30000000000000004
    else items.push(line);
    saveOrder(items);
    announce(t("orders_added", { pn: data.pn }));
    return true;
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

  // -- submitting ----------------------------------------------------------------------------------------
  /* what stops the order from being sent, worked out on the device (the server checks it all again) */
  function problems(items, meta, p) {
    const out = [];
    if (!p) out.push(t("orders_no_product"));
    if (!items.length) out.push(t("orders_no_lines"));
    items.forEach((i, n) => {
      if (!(Number(i.qty) > 0)) out.push(t("orders_bad_quantity", { n: n + 1, value: i.qty }));
      if (applies(i, p) === false) out.push(t("orders_not_for_product", { pn: i.pn, product: productLabel(p) }));
      const per = Number(i.qpa);
      if (i.qpa && !isNaN(per) && Number(i.qty) > per && !(i.note || "").trim() && !(meta.remark || "").trim()) {
        out.push(t(i.kind === "ipd" ? "orders_over_assembly" : "orders_over_needed",
                   { n: n + 1, value: i.qty, unit: i.unit ? " " + i.unit : "", pn: i.pn, per: i.qpa, where: i.source }));
      }
    });
    return out;
  }
  function body(items, meta, p) {
    return {
      product: p.id || productLabel(p), urgency: meta.urgency, work_order: meta.workOrder, remark: meta.remark,
      language: document.documentElement.lang || "",
      lines: items.map((i) => ({ part_number: i.pn, manufacturer_code: i.cage, quantity: Number(i.qty), unit: i.unit, note: i.note || "",
                                 source: { kind: i.kind || "", module: i.source || "", figure: i.figure || "", item: i.item || "" } }))
    };
  }
  function submit() {
    const items = loadOrder();
    const meta = loadMeta();
    const p = product();
    const found = problems(items, meta, p);
    if (found.length) { showProblems(found); return; }
    window.ietmOrders.queue(body(items, meta, p));
    saveOrder([]);
    saveMeta(Object.assign(meta, { remark: "" }));
    renderPanel();
  }

  // -- the order panel --------------------------------------------------------------------------------------
  let panel, toggle, live, problemBox;
  function buildPanel() {
    if (document.getElementById("ietm-order")) return;
    toggle = document.createElement("button");
    toggle.type = "button"; toggle.id = "ietm-order-toggle"; toggle.className = "order-toggle";
    toggle.setAttribute("aria-controls", "ietm-order"); toggle.setAttribute("aria-expanded", "false");
    panel = document.createElement("aside");
    panel.id = "ietm-order"; panel.className = "order-panel"; panel.hidden = true;
    panel.setAttribute("aria-label", t("orders_panel"));
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
      else if (b.hasAttribute("data-order-submit")) submit();
      else if (b.hasAttribute("data-order-clear")) saveOrder([]);
      else if (b.hasAttribute("data-order-close")) { panel.hidden = true; toggle.setAttribute("aria-expanded", "false"); }
      else if (b.hasAttribute("data-order-product")) { const open = document.querySelector('[data-open="panel-product"]'); if (open) open.click(); }
      else if (b.dataset.outboxDiscard) window.ietmOrders.discard(b.dataset.outboxDiscard);
      else if (b.dataset.outboxEdit) { retake(b.dataset.outboxEdit); }
    });
    panel.addEventListener("change", (event) => {
      const target = event.target;
      const items = loadOrder();
      if (target.dataset.qty) {
        const item = items[Number(target.dataset.qty)];
        if (item) { item.qty = Math.max(0, Number(String(target.value).replace(",", ".")) || 0); saveOrder(items); }
      } else if (target.dataset.note) {
        const item = items[Number(target.dataset.note)];
        if (item) { item.note = target.value.slice(0, 1000); saveOrder(items); }
      } else if (target.dataset.meta) {
        const meta = loadMeta();
        meta[target.dataset.meta] = target.value;
        saveMeta(meta);
      }
    });
    document.addEventListener("ietm:orders", renderPanel);
    document.addEventListener("ietm:applic", renderPanel);
    renderPanel();
  }

  /* a refused order back into the panel, to be corrected and sent again */
  function retake(key) {
    const sent = window.ietmOrders.retake(key);
    if (!sent) return;
    const items = loadOrder().concat(sent.lines.map((l) => ({ pn: l.part_number, cage: l.manufacturer_code, name: "", qty: l.quantity, unit: l.unit,
      source: l.source.module, kind: l.source.kind, figure: l.source.figure, item: l.source.item, qpa: "", note: l.note, applic: [] })));
    saveMeta(Object.assign(loadMeta(), { urgency: sent.urgency, workOrder: sent.work_order, remark: sent.remark }));
    saveOrder(items);
  }

  function el(tag, text, attrs) {
    const c = document.createElement(tag);
    if (text != null) c.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v != null) c.setAttribute(k, v); });
    return c;
  }
  function button(text, data, secondary) {
    const b = el("button", text, { type: "button" });
    Object.entries(data).forEach(([k, v]) => { b.dataset[k] = v; });
    if (secondary) b.className = "secondary";
    return b;
  }
  function showProblems(list) {
    renderPanel();
    problemBox.replaceChildren(...list.map((x) => el("li", x)));
    problemBox.hidden = !list.length;
    announce(list[0] || "");
  }

  function renderPanel() {
    if (!panel) return;
    const items = loadOrder();
    const meta = loadMeta();
    const p = product();
    const orders = window.ietmOrders;
    const waiting = orders ? orders.outbox() : [];
    const count = items.reduce((n, i) => n + (Number(i.qty) || 0), 0);
    toggle.textContent = t("orders_panel_toggle") + " (" + count + ")" + (waiting.length ? " · " + t("orders_outbox_n", { n: waiting.length }) : "");
    toggle.dataset.count = String(count);
    toggle.dataset.outbox = String(waiting.length);
    panel.replaceChildren(el("h2", t("orders_panel")));
    const who = el("p", null, { class: "order-product" });
    if (p) who.append(el("span", t("product") + ": "), el("strong", productLabel(p)));
    else who.append(el("span", t("orders_no_product") + " "), button(t("product_pick"), { orderProduct: "" }, true));
    panel.append(who);
    problemBox = el("ul", null, { class: "order-problems notice", role: "alert" });
    problemBox.hidden = true;
    panel.append(problemBox);
    if (!items.length) {
      panel.append(el("p", t("orders_panel_empty")));
    } else {
      const table = el("table", null, { class: "order-table" });
      const head = el("tr");
      [t("orders_part_number"), t("orders_quantity"), ""].forEach((x) => head.append(el("th", x)));
      table.append(head);
      items.forEach((i, n) => {
        const tr = el("tr", null, { "data-line": String(n + 1) });
        if (applies(i, p) === false) { tr.className = "not-applicable"; tr.title = t("orders_not_for_product", { pn: i.pn, product: productLabel(p) }); }
        const part = el("td");
        part.append(el("strong", i.pn), el("span", i.cage ? " " + i.cage : "", { class: "code" }), el("div", i.name),
                    el("div", [i.source, i.figure ? t("orders_figure") + " " + i.figure : "", i.item].filter(Boolean).join(" "), { class: "code" }),
                    el("input", null, { type: "text", maxlength: "1000", value: i.note || "", "data-note": String(n), placeholder: t("orders_note"),
                                        "aria-label": t("orders_note") + " " + i.pn }));
        const q = el("td", null, { class: "order-qty" });
        q.append(el("input", null, { type: "number", min: "0", step: "any", inputmode: "decimal", value: String(i.qty), "data-qty": String(n),
                                      "aria-label": t("orders_quantity") + " " + i.pn }), el("span", " " + (i.unit || "")));
        const rm = el("td");
        rm.append(button(t("orders_remove"), { remove: String(n) }, true));
        tr.append(part, q, rm);
        table.append(tr);
      });
      panel.append(table);
    }
    const fields = el("div", null, { class: "order-fields" });
    const urgency = el("select", null, { "data-meta": "urgency", id: "order-urgency" });
    ["routine", "urgent", "critical"].forEach((u) => { const o = el("option", t("orders_urgency_" + u), { value: u }); if (meta.urgency === u) o.selected = true; urgency.append(o); });
    const workOrder = el("input", null, { type: "text", maxlength: "64", "data-meta": "workOrder", id: "order-work-order", value: meta.workOrder || "" });
    const remark = el("textarea", null, { maxlength: "2000", rows: "2", "data-meta": "remark", id: "order-remark" });
    remark.value = meta.remark || "";
    [[t("orders_urgency"), urgency], [t("orders_work_order"), workOrder], [t("orders_remark"), remark]].forEach(([label, input]) => {
      const l = el("label", null, { class: "field" });
      l.append(el("span", label), input);
      fields.append(l);
    });
    panel.append(fields);
    const actions = el("div", null, { class: "order-actions" });
    if (orders && orders.server !== null) {
      const send = button(t("orders_submit"), { orderSubmit: "" });
      send.disabled = !items.length;
      actions.append(send);
    }
    [["csv", t("orders_export_csv")], ["xml", t("orders_export_xml")]].forEach(([kind, label]) => {
      const b = button(label, { orderExport: kind }, true); b.disabled = !items.length; actions.append(b);
    });
    actions.append(button(t("orders_clear"), { orderClear: "" }, true), button(t("close"), { orderClose: "" }, true));
    panel.append(actions);
    if (orders) renderOutbox(orders, waiting);
  }

  function renderOutbox(orders, waiting) {
    const status = orders.status();
    if (status) {
      const line = el("p", status + " ", { class: "order-status", role: "status" });
      if (status === t("orders_login_needed")) line.append(el("a", t("login"), { href: orders.server + "/login" }));
      panel.append(line);
    }
    if (waiting.length) {
      const box = el("section", null, { class: "order-outbox" });
      box.append(el("h3", t("orders_outbox")));
      const list = el("ul");
      waiting.forEach((e) => {
        const li = el("li", null, { "data-outbox": e.key, "data-state": e.state });
        li.append(el("span", t(e.state === "refused" ? "orders_outbox_refused" : "orders_outbox_queued",
                                { n: e.body.lines.length, at: e.queued.slice(0, 16).replace("T", " ") })));
        if (e.state === "refused") {
          const why = el("ul", null, { class: "order-problems" });
          (e.problems || []).forEach((x) => why.append(el("li", x)));
          li.append(why, button(t("orders_edit"), { outboxEdit: e.key }), button(t("orders_discard"), { outboxDiscard: e.key }, true));
        }
        list.append(li);
      });
      box.append(list);
      panel.append(box);
    }
    const sent = orders.sent();
    if (sent.length) {
      const p = el("p", t("orders_sent_recently") + " ", { class: "order-sent" });
      sent.slice(0, 5).forEach((s, n) => {
        if (n) p.append(", ");
        p.append(el("a", "№ " + s.id, { href: orders.server + "/orders/" + s.id }));
      });
      panel.append(p);
    }
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
      if (add({ pn: d.orderPn, cage: d.orderCage, name: d.orderName, qty: d.orderQty, unit: d.orderUnit, source: d.orderSource,
                kind: d.orderKind, figure: d.orderFigure, item: d.orderItem, qpa: d.orderQpa }, addButton)) addButton.classList.add("added");
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

  window.ietmParts = { add: add, order: loadOrder, toCsv: toCsv, toXml: toXml, submit: submit };
  function start() { if (document.querySelector("[data-ipd], button.order-add")) buildPanel(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
