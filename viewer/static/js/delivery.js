/* A delivered bundle's own start page (ietm deliver): what was delivered, to whom, and whether it is all here.

   On the start page of a bundle that holds delivery.json this script
   1. checks the delivered set on the device, as `ietm verify-delivery` does: the record's signature
      (verify.js, with the trust the record carries), then every file it lists (missing, changed), the files the
      bundle's manifest names that the record does not (extra), every file as unsigned when nothing vouches for the
      record, and the modules the DML requires that the delivery lacks; verdict complete / incomplete / tampered;
   2. offers to send the receipt acknowledgement to the supplier's server (queued in the outbox while offline);
   3. applies an update package (a .zip from `ietm deliver --update`) with no network: the package's signature is
      checked against the trust of the delivery installed (not the package's own), it must be made for this delivery
      and every file must match; then a new cache is built from the old one and the package (files deleted,
      replaced, added), the service worker is told to serve it, and the receipt of the applied update is queued.
   Elsewhere it does nothing. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="ietm-bundle"]');
  if (!meta) return;
  var root = new URL(meta.getAttribute("content") || "./", location.href);
  var ru = (document.documentElement.getAttribute("data-ui-lang") || document.documentElement.lang) === "ru";
  var W = {
    title: ["Delivery {id}", "Поставка {id}"],
    to: ["For {customer}: {products}. Release {release} of {date}; supplier {supplier}.",
      "Для: {customer}; изделия: {products}. Выпуск «{release}» от {date}; поставщик: {supplier}."],
    checking: ["Checking the delivered set on this device… {done} of {total}", "Проверка комплектности на устройстве… {done} из {total}"],
    complete: ["Complete: all {total} files match the signed delivery record, and everything the DML requires is here.",
      "Комплектна: все файлы ({total}) совпадают с подписанной описью поставки, всё положенное по перечню DML на месте."],
    incomplete: ["Incomplete: {n} missing.", "Некомплектна: отсутствует {n}."],
    tampered: ["Tampered: the delivered set is not what the supplier signed ({n} finding(s)).",
      "Изменена: поставка не совпадает с подписанной поставщиком ({n} расхождений)."],
    missing: ["missing", "отсутствует"], extra: ["extra", "лишний"], changed: ["changed", "изменён"], unsigned: ["unsigned", "не подписан"],
    dml: ["required by the DML, not delivered", "положен по перечню DML, не поставлен"],
    signature: ["Signature: {status} — {reason}", "Подпись: {status} — {reason}"],
    send: ["Send the receipt to the supplier", "Отправить подтверждение получения поставщику"],
    queued: ["Receipt queued; it is sent when the supplier's server can be reached.",
      "Подтверждение сохранено и будет отправлено, когда сервер поставщика станет доступен."],
    sent: ["Receipt received by the supplier.", "Поставщик получил подтверждение."],
    update: ["Apply an update package (.zip)", "Применить пакет обновления (.zip)"],
    applying: ["Applying the update…", "Применение обновления…"],
    applied: ["Update applied: this device now holds {id}.", "Обновление применено: на устройстве поставка {id}."],
    refused: ["The update package was not applied: {reason}", "Пакет обновления не применён: {reason}"],
    not_for: ["it is made for delivery {base}, this bundle holds {id}", "он сделан для поставки {base}, а здесь {id}"],
    bad_sig: ["its signature does not hold ({status}: {reason})", "его подпись недействительна ({status}: {reason})"],
    bad_file: ["{path} does not match the package's record", "{path} не совпадает с описью пакета"],
    no_worker: ["this browser keeps no offline copy here (no service worker)", "браузер не хранит здесь копию (нет service worker)"],
    not_zip: ["not an update package: {reason}", "это не пакет обновления: {reason}"]
  };
  function t(key, v) {
    return W[key][ru ? 1 : 0].replace(/\{(\w+)\}/g, function (_, k) { return v && v[k] != null ? v[k] : ""; });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }
  function hex(buf) { return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ("0" + b.toString(16)).slice(-2); }).join(""); }
  async function sha256(bytes) { return hex(await crypto.subtle.digest("SHA-256", bytes)); }
  function at(rel) { return new URL(rel, root).href; }

  function loadVerifier() {
    if (window.IetmVerify) return Promise.resolve(window.IetmVerify);
    return new Promise(function (resolve, reject) {
      var s = el("script", { src: at("static/js/verify.js") });
      s.onload = function () { resolve(window.IetmVerify); };
      s.onerror = function () { reject(new Error("verify.js")); };
      document.head.appendChild(s);
    });
  }

  /* -- the check ------------------------------------------------------------------------------------------- */
  async function check(record, recordBytes, onProgress) {
    var V = await loadVerifier();
    var trust = record.trust || {};
    var sig = await V.verifyRelease({ base: root.href, manifest: "delivery.json", anchors: trust.anchors || [],
      roles: trust.roles, files: false });
    var findings = [];
    var status = sig.status === "error" && /delivery\.json/.test(sig.reason) ? "unsigned" : sig.status;
    if (status === "invalid") findings.push({ state: "changed", path: "delivery.json", detail: sig.reason });
    /* a .gz or .br form of another file is for web servers; the device keeps (and the reader sees) the file it
       packs, which is checked in its place */
    var paths = Object.keys(record.files).filter(function (p) {
      var base = p.replace(/\.(gz|br)$/, "");
      return base === p || !record.files[base];
    }).sort();
    for (var i = 0; i < paths.length; i++) {
      var p = paths[i];
      var r = await fetch(at(p)).catch(function () { return null; });
      if (!r || !r.ok) findings.push({ state: "missing", path: p, detail: "" });
      else if (await sha256(await r.arrayBuffer()) !== record.files[p].sha256) findings.push({ state: "changed", path: p, detail: "" });
      else if (status !== "valid" && status !== "invalid") findings.push({ state: "unsigned", path: p, detail: sig.reason });
      if (onProgress) onProgress(i + 1, paths.length);
    }
    var manifest = await fetch(at("manifest.json")).then(function (r) { return r.ok ? r.json() : { files: {} }; }).catch(function () { return { files: {} }; });
    Object.keys(manifest.files || {}).sort().forEach(function (p) {
      if (!record.files[p] && p !== "delivery.json") findings.push({ state: "extra", path: p, detail: "" });
    });
    var held = {};
    (record.objects || []).forEach(function (o) { held[o.key + "|" + o.language] = true; });
    (record.required || []).forEach(function (q) {
      if (!held[q.key + "|" + q.language]) findings.push({ state: "missing", path: q.key + " (" + (q.language || "-") + ")", detail: t("dml") });
    });
    var states = findings.map(function (f) { return f.state; });
    var verdict = states.some(function (s) { return s === "changed" || s === "extra" || s === "unsigned"; }) ? "tampered"
      : states.indexOf("missing") >= 0 ? "incomplete" : "complete";
    return { verdict: verdict, findings: findings, signature: { status: status, reason: sig.reason, signer: sig.signer }, files: paths.length };
  }

  /* -- receipts through the outbox -------------------------------------------------------------------------- */
  function receiptChannel() {
    if (!window.ietmOutbox) return false;
    ietmOutbox.channel("receipts", {
      url: function (entry) { return entry.meta.server + "/api/deliveries/" + encodeURIComponent(entry.meta.id) + "/receipts"; },
      headers: function (entry) { return { Authorization: "Bearer " + entry.meta.id + "." + entry.meta.token }; },
      sent: function () { say(t("sent")); }
    });
    return true;
  }
  function queueReceipt(record, result, applied) {
    if (!record.server || !receiptChannel()) return false;
    ietmOutbox.queue("receipts", {
      id: (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now())).replace(/[^A-Za-z0-9_-]/g, ""),
      verdict: result.verdict, applied: !!applied, checkedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      findings: result.findings.slice(0, 5000)
    }, { server: record.server.replace(/\/+$/, ""), id: record.id, token: record.token });
    return true;
  }

  /* -- update packages ---------------------------------------------------------------------------------------- */
  async function unzip(buffer) {
    var b = new Uint8Array(buffer), v = new DataView(buffer), files = {};
    var end = -1;
    for (var i = b.length - 22; i >= Math.max(0, b.length - 65557); i--) { if (v.getUint32(i, true) === 0x06054b50) { end = i; break; } }
    if (end < 0) throw new Error("no zip directory");
    var count = v.getUint16(end + 10, true), pos = v.getUint32(end + 16, true);
    for (var n = 0; n < count; n++) {
      if (v.getUint32(pos, true) !== 0x02014b50) throw new Error("damaged zip directory");
      var method = v.getUint16(pos + 10, true), csize = v.getUint32(pos + 20, true), size = v.getUint32(pos + 24, true);
      var nlen = v.getUint16(pos + 28, true), xlen = v.getUint16(pos + 30, true), clen = v.getUint16(pos + 32, true);
      var local = v.getUint32(pos + 42, true);
      var name = new TextDecoder().decode(b.subarray(pos + 46, pos + 46 + nlen));
      pos += 46 + nlen + xlen + clen;
      if (/\/$/.test(name)) continue;
      if (name.split("/").some(function (p) { return p === "" || p === "." || p === ".."; }) || /^[\/\\]|:|\\/.test(name)) throw new Error("unsafe name " + name);
      var start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
      var raw = b.subarray(start, start + csize);
      var data;
      if (method === 0) data = raw.slice();
      else if (method === 8) data = new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer());
      else throw new Error("compression " + method);
      if (data.length !== size) throw new Error(name + ": wrong size");
      files[name] = data;
    }
    return files;
  }

  var TYPES = { html: "text/html; charset=utf-8", json: "application/json", js: "text/javascript", css: "text/css",
    svg: "image/svg+xml", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webmanifest: "application/manifest+json",
    xml: "application/xml", manifest: "application/xml", sig: "application/octet-stream", xsig: "application/xml" };
  function typeOf(path) { var m = /\.([A-Za-z0-9]+)$/.exec(path); return TYPES[m ? m[1].toLowerCase() : ""] || "application/octet-stream"; }

  function worker(message) {  /* ask the service worker something; its answer */
    return navigator.serviceWorker.ready.then(function (reg) {
      return new Promise(function (resolve) {
        var ch = new MessageChannel();
        ch.port1.onmessage = function (e) { resolve(e.data); };
        reg.active.postMessage(message, [ch.port2]);
      });
    });
  }

  async function applyUpdate(file, record) {
    var zip;
    try { zip = await unzip(await file.arrayBuffer()); } catch (e) { throw new Error(t("not_zip", { reason: e.message })); }
    if (!zip["update.json"]) throw new Error(t("not_zip", { reason: "update.json" }));
    var V = await loadVerifier();
    var trust = record.trust || {};
    var sig = await V.verifyRelease({ base: "https://update.invalid/", manifest: "update.json", anchors: trust.anchors || [],
      roles: trust.roles, files: false, fetch: function (url) {
        var name = decodeURIComponent(new URL(url).pathname.slice(1));
        return Promise.resolve(zip[name] ? new Response(zip[name]) : new Response("", { status: 404 }));
      } });
    if (sig.status !== "valid") throw new Error(t("bad_sig", { status: sig.status, reason: sig.reason }));
    var update = JSON.parse(new TextDecoder().decode(zip["update.json"]));
    if (!update.base || update.base.id !== record.id) throw new Error(t("not_for", { base: update.base && update.base.id, id: record.id }));
    var own = ["update.json", "update.json.sig", "update.json.xsig"];
    for (var name in zip) {
      if (own.indexOf(name) >= 0) continue;
      var meta = update.files[name];
      if (!meta || await sha256(zip[name]) !== meta.sha256) throw new Error(t("bad_file", { path: name }));
    }
    for (var listed in update.files) { if (!zip[listed]) throw new Error(t("bad_file", { path: listed })); }
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) throw new Error(t("no_worker"));
    var from = (await worker("which-cache")).cache;
    var to = "ietm-" + update.bundle;
    var oldCache = await caches.open(from), newCache = await caches.open(to);
    var keys = await oldCache.keys();
    for (var i = 0; i < keys.length; i++) {
      var rel = decodeURIComponent(new URL(keys[i].url).pathname.slice(root.pathname.length));
      if (update.deleted.indexOf(rel) >= 0 || update.files[rel] || to === from) continue;
      await newCache.put(keys[i], await oldCache.match(keys[i]));
    }
    for (var path in update.files) {
      if (/\.(gz|br)$/.test(path) && update.files[path.replace(/\.(gz|br)$/, "")]) continue;  /* for web servers */
      await newCache.put(new Request(at(path)), new Response(zip[path], { headers: { "Content-Type": typeOf(path) } }));
    }
    await worker({ use: to });
    if (to !== from) await caches.delete(from);
    return update;
  }

  /* -- the page ------------------------------------------------------------------------------------------------- */
  var box, status;
  function say(text) { if (status) status.textContent = text; }

  function show(record, result) {
    var line = el("p", { "data-delivery-verdict": result.verdict });
    var n = result.findings.length;
    line.textContent = result.verdict === "complete" ? t("complete", { total: result.files })
      : result.verdict === "incomplete" ? t("incomplete", { n: n }) : t("tampered", { n: n });
    line.className = "delivery-verdict delivery-" + result.verdict;
    box.querySelector("[data-delivery-progress]").replaceWith(line);
    box.appendChild(el("p", { "data-delivery-signature": result.signature.status },
      t("signature", { status: result.signature.status, reason: result.signature.reason })));
    if (n) {
      var list = el("ul", { "data-delivery-findings": "" });
      result.findings.forEach(function (f) {
        list.appendChild(el("li", { "data-state": f.state, "data-path": f.path }, t(f.state) + ": " + f.path + (f.detail ? " — " + f.detail : "")));
      });
      box.appendChild(list);
    }
    var actions = el("p", { "class": "delivery-actions" });
    if (record.server) {
      var send = el("button", { type: "button", "class": "button", "data-delivery-receipt": "" }, t("send"));
      send.addEventListener("click", function () { if (queueReceipt(record, result, false)) say(t("queued")); send.disabled = true; });
      actions.appendChild(send);
    }
    var label = el("label", { "class": "button", "for": "delivery-update" }, t("update"));
    var input = el("input", { type: "file", id: "delivery-update", accept: ".zip,application/zip", "data-delivery-update": "", "class": "visually-hidden" });
    input.addEventListener("change", function () {
      if (!input.files.length) return;
      say(t("applying"));
      applyUpdate(input.files[0], record).then(function (update) {
        return fetch(at("delivery.json"), { cache: "no-store" }).then(function (r) { return r.arrayBuffer(); }).then(function (bytes) {
          var fresh = JSON.parse(new TextDecoder().decode(bytes));
          return check(fresh, bytes).then(function (res) {
            queueReceipt(fresh, res, true);
            sessionStorage.setItem("ietm.delivery.applied", update.id);
            location.reload();
          });
        });
      }).catch(function (e) { say(t("refused", { reason: e.message })); input.value = ""; });
    });
    actions.appendChild(label);
    actions.appendChild(input);
    box.appendChild(actions);
    status = el("p", { role: "status", "data-delivery-status": "" });
    box.appendChild(status);
    var applied = sessionStorage.getItem("ietm.delivery.applied");
    if (applied) { sessionStorage.removeItem("ietm.delivery.applied"); say(t("applied", { id: applied })); }
    document.documentElement.setAttribute("data-delivery-checked", result.verdict);
  }

  function start(bytes) {
    var record = JSON.parse(new TextDecoder().decode(bytes));
    box = el("section", { "class": "delivery", "data-delivery": record.id, "aria-labelledby": "delivery-title" });
    box.appendChild(el("h2", { id: "delivery-title" }, t("title", { id: record.id })));
    var products = (record.products || []).map(function (p) {
      return p.id + (p.model || p.serial ? " (" + [p.model, p.serial ? "№ " + p.serial : ""].filter(Boolean).join(", ") + ")" : "");
    }).join("; ");
    box.appendChild(el("p", {}, t("to", { customer: record.customer, products: products, release: (record.release || {}).name,
      date: (record.date || "").slice(0, 10), supplier: record.supplier })));
    var progress = el("p", { "data-delivery-progress": "", role: "status" }, t("checking", { done: 0, total: Object.keys(record.files).length }));
    box.appendChild(progress);
    var main = document.getElementById("main") || document.body;
    var h1 = main.querySelector("h1");
    if (h1) h1.after(box); else main.insertBefore(box, main.firstChild);
    check(record, bytes, function (done, total) { progress.textContent = t("checking", { done: done, total: total }); })
      .then(function (result) { show(record, result); })
      .catch(function (e) { progress.textContent = e.message; });
  }

  receiptChannel();  /* on every page: a receipt queued offline goes wherever the technician is when the network is back */
  if (!document.body.classList.contains("page-home")) return;
  fetch(at("delivery.json")).then(function (r) { return r.ok ? r.arrayBuffer() : null; })
    .then(function (bytes) { if (bytes) start(bytes); }).catch(function () { /* not a delivery */ });
})();
