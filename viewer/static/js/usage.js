/* How the manual is used, reported to the ietm server when its settings allow it ([usage] report): which modules
   are opened, procedures completed (with the work record's technician), faults isolated and remarks made, each
   with the release and the product model. A page whose server does not allow it carries no script#ietm-usage,
   and then nothing is kept or sent.

   On the server the events go to /api/usage as the logged-in reader (a reader who is not logged in is not
   counted). A delivered bundle sends them to the server its delivery record names, with the delivery's key, so
   they count for that customer and release; while offline they wait in the outbox (outbox.js) and go once the
   network is back, each event once. A bundle that is not a delivery sends nothing. */
(function () {
  "use strict";
  var el = document.getElementById("ietm-usage");
  if (!el || !window.ietmOutbox) return;
  var cfg;
  try { cfg = JSON.parse(el.textContent) || {}; } catch (e) { return; }
  var CHANNEL = "usage";
  var bundle = document.querySelector('meta[name="ietm-bundle"]');
  var root = bundle ? new URL(bundle.getAttribute("content") || "./", location.href) : null;
  /* a bundle that is not a delivery (no delivery.json, or one that does not report) sends nothing */

  /* where to, and how: a delivered bundle's record (remembered on the device, so that a page reports at once,
     even when it is left before its own look at the record is done), or the server's own session */
  var REMEMBER = "ietm.usage.delivery:" + (root ? root.pathname : "");
  function remembered() { try { return JSON.parse(localStorage.getItem(REMEMBER) || "null"); } catch (e) { return null; } }
  function remember(record) {
    var where = record && record.usage && record.server && record.token ? {
      id: record.id, token: record.token, server: record.server, release: (record.release || {}).name || "",
      models: uniq((record.products || []).map(function (p) { return p.model || ""; }))
    } : null;
    try { if (where) localStorage.setItem(REMEMBER, JSON.stringify(where)); else localStorage.removeItem(REMEMBER); } catch (e) { /* off */ }
    return where;
  }
  var me = null;
  function session() {
    if (!me) me = fetch("/api/me", { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { me = null; return {}; });
    return me;
  }

  var started = false;
  function start(where) {  /* where: a delivery's {id, token, server, release, models}, or null on the server */
    if (started) return;
    started = true;
    var release = where ? where.release : cfg.release || "";
    var models = where ? where.models : [];
    ietmOutbox.channel(CHANNEL, {
      batch: 50,
      url: function () { return where ? where.server.replace(/\/+$/, "") + "/api/usage" : "/api/usage"; },
      credentials: where ? "omit" : "same-origin",
      headers: function () {
        if (where) return { Authorization: "Bearer " + where.id + "." + where.token };
        return session().then(function (who) { return who.csrf ? { "X-CSRF-Token": who.csrf } : null; });
      }
    });
    function product() {
      var chosen = window.IETMApplic && IETMApplic.current();
      var model = chosen && chosen.assigns ? (chosen.assigns.model || chosen.assigns.Model || "") : "";
      return { product: chosen && chosen.id ? chosen.id : "", model: model || (models.length === 1 ? models[0] : "") };
    }
    function report(kind, detail) {
      if (!where) {  /* on the server: only a logged-in reader's use is counted */
        return session().then(function (who) { if (who.user) queue(kind, detail); });
      }
      queue(kind, detail);
    }
    function queue(kind, detail) {
      var p = product();
      var module = String(detail.module || "");
      ietmOutbox.queue(CHANNEL, {
        kind: kind, module: module.indexOf("DMC-") === 0 ? module : "DMC-" + module, issue: detail.issue || "",
        language: detail.language || "", release: release, model: p.model, product: p.product,
        at: new Date().toISOString(), detail: detail.extra || {}
      });
    }

    var article = document.querySelector("article.module[data-page-key]");
    if (article) {
      var parts = (article.getAttribute("data-state-key") || "").split("_");
      report("open", { module: article.getAttribute("data-page-key"), issue: parts[1], language: parts[2] });
    }
    document.addEventListener("ietm:procedure-done", function (e) {
      report("procedure", { module: e.detail.module, issue: e.detail.issue, language: e.detail.language,
                            extra: { steps: e.detail.steps, started: e.detail.started, technician: e.detail.technician } });
    });
    document.addEventListener("ietm:fault-isolated", function (e) {
      report("fault", { module: e.detail.module, issue: e.detail.issue, language: e.detail.language,
                        extra: { end: e.detail.end, steps: e.detail.steps } });
    });
    document.addEventListener("ietm:remark", function (e) {
      report("remark", { module: e.detail.module, extra: { priority: e.detail.priority } });
    });
  }

  if (!root) {
    start(null);
  } else {
    var known = remembered();
    if (known) start(known);
    fetch(new URL("delivery.json", root).href).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (record) {
        var where = remember(record);  /* the next page reports with what this record says (an update changes it) */
        if (where && !known) start(where);
      }).catch(function () { /* offline with nothing remembered: this page is not counted */ });
  }

  function uniq(list) { return list.filter(function (x, i) { return x && list.indexOf(x) === i; }); }
})();
