/* Spare-part orders on the device, on every page: the outbox and the news.

   A submitted order goes into the device's outbox (js/outbox.js, channel "orders", kept under the key
   "ietm.orders.outbox") with an idempotency key of its own and is sent when the server answers: at once, when
   the network comes back, when the page is shown again, every half minute while something waits. The server
   makes one order per key, so a retry after a lost answer, two tabs sending at once or a doubled click never
   make two. A refusal (422, 409, 403) stays in the outbox with the server's reasons until the technician edits
   or discards it. On the server the orders go to the same origin; a published bundle sends them to the server
   named by <meta name="ietm-server"> (none: export only).
   The technician is told on their next visit what changed in their orders (approved, substitutes, shipped...). */
(function () {
  "use strict";
  if (window.ietmOrders || !window.ietmOutbox) return;
  var CHANNEL = "orders";
  var SENT = "ietm.orders.sent";
  var bundle = document.querySelector('meta[name="ietm-bundle"]');
  var named = document.querySelector('meta[name="ietm-server"]');
  /* "" = this server; null = nowhere to send */
  var server = bundle ? (named && named.content ? named.content.replace(/\/+$/, "") : null) : "";

  function strings() {
    var el = document.getElementById("ietm-strings");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  }
  var S = strings();
  function t(key, values) {
    return String(S[key] || key).replace(/\{(\w+)\}/g, function (_, k) { return values && k in values ? values[k] : ""; });
  }
  function read(key, fallback) {
    try { var v = JSON.parse(localStorage.getItem(key) || "null"); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function write(key, value) { localStorage.setItem(key, JSON.stringify(value)); changed(); }
  function changed() { document.dispatchEvent(new CustomEvent("ietm:orders")); }

  function outbox() { return ietmOutbox.entries(CHANNEL); }
  function sent() { var v = read(SENT, []); return Array.isArray(v) ? v : []; }
  document.addEventListener("ietm:outbox", function (e) { if (e.detail === CHANNEL) changed(); });

  var lastStatus = "";
  function say(text) { lastStatus = text; changed(); }

  /* Queue an order (the body of POST /api/orders) and try to send it; returns its key. */
  function queue(body) {
    say(t("orders_queued"));
    return ietmOutbox.queue(CHANNEL, body);
  }

  /* the server answers in the page's language (a bundle's page and the server need not share a cookie) */
  var lang = document.documentElement.lang || "";
  function api(path, options) {
    return fetch(api.url(path), Object.assign({ credentials: "include", cache: "no-store" }, options || {}));
  }
  api.url = function (path) {
    return server + path + (lang ? (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(lang) : "");
  };
  var asked = null;  /* who is logged in, asked once a minute at most (every page load asks once) */
  function me() {
    if (!asked || Date.now() - asked.at > 60000) {
      asked = { at: Date.now(), answer: api("/api/me").then(function (r) { return r.ok ? r.json() : {}; }) };
      asked.answer.catch(function () { asked = null; });
    }
    return asked.answer;
  }

  /* one at a time, oldest first: the server sees them in the order they were made; as the logged-in reader */
  ietmOutbox.channel(CHANNEL, {
    storage: "ietm.orders.outbox", keep: true, credentials: "include",
    url: function () { return server === null ? null : api.url("/api/orders"); },
    headers: function () {
      return me().then(function (who) {
        if (!who.user) { say(t("orders_login_needed")); return null; }
        return { "X-CSRF-Token": who.csrf };
      }, function () { say(t("orders_offline")); return null; });
    },
    sent: function (entries, r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!data.order) return;
        write(SENT, [{ id: data.order.id, key: entries[0].key, at: new Date().toISOString() }].concat(sent()).slice(0, 20));
        say(data.message || t("orders_received", { id: data.order.id }));
      });
    },
    refused: function () { say(t("orders_refused")); },
    failed: function (entries, r) {
      if (r && r.status === 401) { asked = null; say(t("orders_login_needed")); }
      else if (!r) say(t("orders_offline"));
    }
  });
  function flush() { return ietmOutbox.flush(CHANNEL).then(changed); }

  function discard(key) { ietmOutbox.remove(CHANNEL, key); }
  /* take a refused order back out of the outbox, to edit it and send it again (with a new key) */
  function retake(key) {
    var entry = outbox().filter(function (e) { return e.key === key; })[0];
    discard(key);
    return entry ? entry.body : null;
  }

  /* -- news: what changed in my orders since my last visit ------------------------------------------------- */
  /* a way to the orders from every page, for those who order or work the desk */
  function link(who) {
    var tools = document.querySelector(".topbar .tools");
    var may = who.permissions || [];
    if (!tools || !who.user || (may.indexOf("order") < 0 && may.indexOf("handle_orders") < 0)) return;
    var a = document.createElement("a");
    a.className = "tool orders-link";
    a.href = server + "/orders";
    a.textContent = t(may.indexOf("handle_orders") >= 0 ? "orders_title" : "orders_mine");
    tools.insertBefore(a, tools.children[1] || null);
  }

  function news() {
    if (server === null) return;
    me().then(function (who) {
      link(who);
      if (!who.user || (who.permissions || []).indexOf("order") < 0) return null;
      return api("/api/orders/news").then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (!data || !data.orders || !data.orders.length) return;
        var box = document.createElement("section");
        box.className = "notice orders-news";
        box.setAttribute("role", "status");
        var h = document.createElement("h2");
        h.textContent = t("orders_news");
        box.appendChild(h);
        var list = document.createElement("ul");
        data.orders.forEach(function (o) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = server + o.url;
          a.textContent = o.summary;
          li.appendChild(a);
          list.appendChild(li);
        });
        box.appendChild(list);
        var main = document.getElementById("main");
        if (main) main.insertBefore(box, main.firstChild);
        return api("/api/orders/news/seen", {
          method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": who.csrf },
          body: JSON.stringify({ orders: data.orders.map(function (o) { return o.id; }) })
        });
      });
    }).catch(function () { /* offline: told next time */ });
  }

  window.ietmOrders = {
    server: server, queue: queue, flush: flush, outbox: outbox, sent: sent, discard: discard, retake: retake,
    status: function () { return lastStatus; }, t: t
  };
  changed();  /* an order panel built before this script ran shows its send button now */
  function start() { flush(); news(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
