/* The device's outbox: what a page has to send to the ietm server, kept in localStorage until the server has it.

   A feature registers a channel once per page and queues entries into it:
     ietmOutbox.channel(name, {
       url: function (entry) -> the URL to POST the oldest waiting entry (and its batch) to, or null while there is
            nowhere to send (no server, not allowed),
       headers: function (entry) -> the request headers (auth), or a Promise of them, or null while they cannot be had,
       batch: n            -> up to n entries in one request, as {items: [body...]} (default: one entry, as its body),
       credentials: "omit" | "include" | "same-origin",
       sent: function (entries, response) -> called once the server has them
     });
     ietmOutbox.queue(name, body, meta) -> the entry's key (`meta` stays on the device: where and how to send it)
   Every entry has a key of its own (sent as Idempotency-Key, and inside a batch as the item's `key`), so an entry
   sent twice (a lost answer, two tabs) is taken once by the server. Sending happens at once, when the network
   comes back, when the page is shown again and every half minute while something waits; oldest first, one
   request at a time per channel. 2xx: the entries leave the outbox; 400, 403, 404, 410, 413, 422: the server will
   never take them, they leave too (and the channel is told through `refused`); anything else, or no answer:
   they stay for the next try. At most `limit` entries (default 5000) wait; the oldest go first beyond that. */
(function () {
  "use strict";
  if (window.ietmOutbox) return;
  var PREFIX = "ietm.outbox.";
  var DROP = [400, 403, 404, 410, 413, 422];
  var channels = {};
  var busy = {};

  function read(name) {
    try { var v = JSON.parse(localStorage.getItem(PREFIX + name) || "[]"); return Array.isArray(v) ? v : []; }
    catch (e) { return []; }
  }
  function write(name, list) {
    try { localStorage.setItem(PREFIX + name, JSON.stringify(list)); } catch (e) { /* storage full or off */ }
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function remove(name, keys) {
    write(name, read(name).filter(function (e) { return keys.indexOf(e.key) < 0; }));
  }

  function channel(name, options) {
    channels[name] = Object.assign({ batch: 1, credentials: "omit", limit: 5000 }, options);
    flush(name);
  }

  function queue(name, body, meta) {
    var entry = { key: newKey(), body: body, meta: meta || null, queued: new Date().toISOString() };
    var list = read(name).concat([entry]);
    var limit = (channels[name] && channels[name].limit) || 5000;
    write(name, list.slice(Math.max(0, list.length - limit)));
    flush(name);
    return entry.key;
  }

  function sendOne(name, ch) {
    var list = read(name);
    if (!list.length) return Promise.resolve(false);
    var url = ch.url(list[0]);
    if (!url) return Promise.resolve(false);
    var entries = list.slice(0, ch.batch);
    return Promise.resolve(ch.headers ? ch.headers(list[0]) : {}).then(function (headers) {
      if (!headers) return false;
      var body = ch.batch > 1
        ? { items: entries.map(function (e) { return Object.assign({ key: e.key }, e.body); }) }
        : entries[0].body;
      var h = Object.assign({ "Content-Type": "application/json" }, headers);
      if (ch.batch === 1) h["Idempotency-Key"] = entries[0].key;
      return fetch(url, { method: "POST", headers: h, body: JSON.stringify(body), credentials: ch.credentials,
                          cache: "no-store" }).then(function (r) {
        var keys = entries.map(function (e) { return e.key; });
        if (r.ok) {
          remove(name, keys);
          if (ch.sent) ch.sent(entries, r);
          return true;  /* more may wait */
        }
        if (DROP.indexOf(r.status) >= 0) {
          remove(name, keys);
          if (ch.refused) ch.refused(entries, r);
          return true;
        }
        return false;  /* 401, 408, 429, 5xx: try again later */
      });
    }).catch(function () { return false; });  /* offline: they wait */
  }

  function flush(name) {
    if (name === undefined) return Promise.all(Object.keys(channels).map(flush));
    var ch = channels[name];
    if (!ch || busy[name]) return busy[name] || Promise.resolve();
    function loop() { return sendOne(name, ch).then(function (more) { return more ? loop() : null; }); }
    busy[name] = loop().then(function () { busy[name] = null; });
    return busy[name];
  }

  window.ietmOutbox = {
    channel: channel, queue: queue, flush: flush,
    waiting: function (name) { return read(name).length; }
  };
  window.addEventListener("online", function () { flush(); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") flush(); });
  setInterval(function () { if (navigator.onLine !== false) flush(); }, 30000);
})();
