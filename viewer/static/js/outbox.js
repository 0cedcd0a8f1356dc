/* The device's outbox: what a page has to send to the ietm server, kept in localStorage until the server has it.
   One mechanism for every feature that sends from the device (orders, usage, receipts of deliveries).

   A feature registers a channel once per page and queues entries into it:
     ietmOutbox.channel(name, {
       url: function (entry) -> the URL to POST the oldest waiting entry (and its batch) to, or null while there is
            nowhere to send (no server, not allowed),
       headers: function (entry) -> the request headers (auth), or a Promise of them, or null while they cannot be had
            (not logged in: the entries wait),
       batch: n            -> up to n entries in one request, as {items: [body...]} (default: one entry, as its body),
       credentials: "omit" | "include" | "same-origin",
       storage: the localStorage key of the channel's entries (default "ietm.outbox.<name>"),
       keep: true          -> an entry the server refuses stays, as {state: "refused", problems: [...]}, for the
            person to edit or discard (remove); default: it leaves,
       sent: function (entries, response) -> once the server has them,
       refused: function (entries, response, problems), failed: function (entries, response or null) -> told
     });
     ietmOutbox.queue(name, body, meta) -> the entry's key (`meta` stays on the device: where and how to send it)
     ietmOutbox.entries(name), remove(name, key), waiting(name) (entries not refused), flush([name])
   Every entry has a key of its own (sent as Idempotency-Key, and inside a batch as the item's `key`), so an entry
   sent twice (a lost answer, two tabs) is taken once by the server. Sending happens at once, when the network
   comes back, when the page is shown again and every half minute while something waits; oldest first, one
   request at a time per channel. 2xx: the entries leave the outbox; 400, 403, 404, 409, 410, 413, 422: the server
   will never take them as they are (refused); anything else (401, 5xx), or no answer: they stay for the next try.
   At most `limit` entries (default 5000) wait; the oldest go first beyond that. Every change of a channel's
   entries is told as the event "ietm:outbox" (detail: the channel's name). */
(function () {
  "use strict";
  if (window.ietmOutbox) return;
  var DROP = [400, 403, 404, 409, 410, 413, 422];
  var channels = {};
  var busy = {};

  function key(name) { return (channels[name] && channels[name].storage) || "ietm.outbox." + name; }
  function read(name) {
    try { var v = JSON.parse(localStorage.getItem(key(name)) || "[]"); return Array.isArray(v) ? v : []; }
    catch (e) { return []; }
  }
  function write(name, list) {
    try { localStorage.setItem(key(name), JSON.stringify(list)); } catch (e) { /* storage full or off */ }
    document.dispatchEvent(new CustomEvent("ietm:outbox", { detail: name }));
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function remove(name, keys) {
    keys = [].concat(keys);
    write(name, read(name).filter(function (e) { return keys.indexOf(e.key) < 0; }));
  }
  function queued(name) { return read(name).filter(function (e) { return e.state !== "refused"; }); }

  function channel(name, options) {
    channels[name] = Object.assign({ batch: 1, credentials: "omit", limit: 5000 }, options);
    flush(name);
  }

  function queue(name, body, meta) {
    var entry = { key: newKey(), body: body, meta: meta || null, queued: new Date().toISOString(), state: "queued" };
    var list = read(name).concat([entry]);
    var limit = (channels[name] && channels[name].limit) || 5000;
    write(name, list.slice(Math.max(0, list.length - limit)));
    flush(name);
    return entry.key;
  }

  function problemsOf(r) {
    return r.json().catch(function () { return {}; }).then(function (data) {
      var error = data.error || {};
      var problems = (error.problems || []).map(function (p) { return p.message; });
      return problems.length ? problems : [error.message || String(r.status)];
    });
  }

  function sendOne(name, ch) {
    var list = queued(name);
    if (!list.length) return Promise.resolve(false);
    var url = ch.url(list[0]);
    if (!url) return Promise.resolve(false);
    var entries = list.slice(0, ch.batch);
    var keys = entries.map(function (e) { return e.key; });
    return Promise.resolve(ch.headers ? ch.headers(list[0]) : {}).then(function (headers) {
      if (!headers) return false;
      var body = ch.batch > 1
        ? { items: entries.map(function (e) { return Object.assign({ key: e.key }, e.body); }) }
        : entries[0].body;
      var h = Object.assign({ "Content-Type": "application/json" }, headers);
      if (ch.batch === 1) h["Idempotency-Key"] = entries[0].key;
      return fetch(url, { method: "POST", headers: h, body: JSON.stringify(body), credentials: ch.credentials,
                          cache: "no-store" }).then(function (r) {
        if (r.ok) {
          remove(name, keys);
          return Promise.resolve(ch.sent && ch.sent(entries, r)).then(function () { return true; });  /* more may wait */
        }
        if (DROP.indexOf(r.status) >= 0) {
          return problemsOf(r).then(function (problems) {
            if (ch.keep) {
              write(name, read(name).map(function (e) {
                return keys.indexOf(e.key) >= 0 ? Object.assign({}, e, { state: "refused", problems: problems }) : e;
              }));
            } else {
              remove(name, keys);
            }
            if (ch.refused) ch.refused(entries, r, problems);
            return true;
          });
        }
        if (ch.failed) ch.failed(entries, r);
        return false;  /* 401, 408, 429, 5xx: try again later */
      }, function () {
        if (ch.failed) ch.failed(entries, null);
        return false;  /* offline: they wait */
      });
    }).catch(function () { return false; });
  }

  function flush(name) {
    if (name === undefined || typeof name !== "string") return Promise.all(Object.keys(channels).map(flush));
    var ch = channels[name];
    if (!ch || busy[name]) return busy[name] || Promise.resolve();
    function loop() { return sendOne(name, ch).then(function (more) { return more ? loop() : null; }); }
    busy[name] = loop().then(function () { busy[name] = null; });
    return busy[name];
  }

  window.ietmOutbox = {
    channel: channel, queue: queue, flush: flush,
    entries: read, remove: remove,
    waiting: function (name) { return queued(name).length; }
  };
  window.addEventListener("online", function () { flush(); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") flush(); });
  setInterval(function () { if (navigator.onLine !== false) flush(); }, 30000);
})();
