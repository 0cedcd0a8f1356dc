/* Service worker of a published ietm bundle (ietm publish prepends `const RELEASE = "<hash>";`).
 *
 * Install: precache every file listed in manifest.json into the cache "ietm-<release>", so after the first
 * visit the whole manual (pages, illustrations, search index, assets) works with no network. A text file
 * that the bundle also holds precompressed (FILE.gz, written by ietm publish) is fetched and kept in that
 * form, about a fifth of its size, and unpacked when it is read (DecompressionStream): that is what lets a
 * tablet carry a manual of many thousands of modules. The .gz and .br files themselves are for web servers.
 * Activate: drop the caches of older releases. Fetch: cache first, network as fallback; a page the bundle
 * does not hold answers with the bundle's 404 page. A new release (a changed sw.js) installs in the
 * background and waits; the page offers to switch (message "skip-waiting").
 * A delivered bundle can also be updated on the device with no network (js/delivery.js): the page builds the
 * next release's cache from this one and an update package, and tells the worker to serve it ({use: cache});
 * the choice is kept in the cache "ietm.pointer", so it outlives the worker. Then nothing in the bundle's
 * scope is fetched from the network any more (the server may still hold the older release), until a newer
 * release installs from the server and takes over.
 */
/* global RELEASE */
"use strict";

var CACHE = "ietm-" + RELEASE;
var SCOPE = self.registration.scope; // the bundle's root URL, ending in "/"
var BATCH = 32;
var PACKED = "x-ietm-stored"; // header of a cached response kept gzip-compressed
var UNPACK = typeof DecompressionStream === "function";
var POINTER = "ietm.pointer"; // not "ietm-...": activate keeps it
var serving = null; // Promise of the name of the cache the worker serves from
var TYPES = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8",
  json: "application/json", svg: "image/svg+xml", webmanifest: "application/manifest+json", xml: "application/xml",
  txt: "text/plain; charset=utf-8", map: "application/json", xsig: "application/xml", manifest: "text/plain; charset=utf-8" };

function url(rel) { return new URL(rel, SCOPE).href; }
/* the cache to serve from: this release's, or the one an update applied on the device made (POINTER) */
function servingCache() {
  if (!serving) {
    serving = caches.match(url("__ietm_serving__"), { cacheName: POINTER })  // opens no cache: none until an update
      .then(function (r) { return r ? r.text() : null; })
      .then(function (name) { return name ? caches.has(name).then(function (ok) { return ok ? name : CACHE; }) : CACHE; });
  }
  return serving;
}
function typeOf(rel) { var m = /\.([A-Za-z0-9]+)$/.exec(rel); return (m && TYPES[m[1].toLowerCase()]) || "application/octet-stream"; }

/* one file into the cache: its gzip form when the bundle has one (kept packed), else as it is */
function precache(cache, rel, listed) {
  var key = url(rel);
  if (!UNPACK || !listed[rel + ".gz"]) return cache.add(new Request(key, { cache: "no-cache" }));
  return fetch(new Request(url(rel + ".gz"), { cache: "no-cache" })).then(function (r) {
    if (!r.ok) throw new Error(rel + ".gz: " + r.status);
    return r.arrayBuffer();
  }).then(function (buf) {
    var head = new Uint8Array(buf, 0, Math.min(2, buf.byteLength));
    // a server that sent it with Content-Encoding: gzip has unpacked it already: keep it as it came
    var packed = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
    var headers = { "Content-Type": typeOf(rel) };
    if (packed) headers[PACKED] = "gzip";
    return cache.put(key, new Response(buf, { status: 200, headers: headers }));
  });
}

/* a cached response as the page must see it */
function unpacked(hit) {
  if (!hit || hit.headers.get(PACKED) !== "gzip") return hit;
  return new Response(hit.body.pipeThrough(new DecompressionStream("gzip")),
    { status: 200, headers: { "Content-Type": hit.headers.get("Content-Type") } });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    fetch(url("manifest.json"), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("manifest.json: " + r.status); return r.json(); })
      .then(function (manifest) {
        var listed = manifest.files;
        var files = Object.keys(listed).filter(function (f) {  // sw.js too: a delivery's check reads every file offline
          // the precompressed forms of another file are for web servers; the worker takes the .gz itself
          var base = f.replace(/\.(gz|br)$/, "");
          return base === f || !listed[base];
        });
        files.push("manifest.json");
        return caches.open(CACHE).then(function (cache) {
          var i = 0;
          function next() { // a few requests at a time: thousands of pages must not flood the server
            var batch = files.slice(i, i + BATCH);
            i += BATCH;
            if (!batch.length) return Promise.resolve();
            return Promise.all(batch.map(function (f) { return precache(cache, f, listed); })).then(next);
          }
          // the bundle's own signature (`ietm release BUNDLE`, written after publishing, so not listed): kept when
          // present, so signature-badge.js can check the pages themselves offline; and a delivery's signed record
          // (ietm deliver), which the start page checks the bundle against
          return next().then(function () {
            return Promise.all(["manifest.json.sig", "manifest.json.xsig", "delivery.json", "delivery.json.sig",
                                "delivery.json.xsig"].map(function (f) {
              return cache.add(new Request(url(f), { cache: "no-cache" })).catch(function () {});
            }));
          });
        });
      })
  );
});

self.addEventListener("activate", function (event) {
  serving = null;
  event.waitUntil(
    caches.delete(POINTER).then(function () { return caches.keys(); }).then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("ietm-") === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var reply = event.ports && event.ports[0];
  if (event.data === "skip-waiting") self.skipWaiting();
  if (event.data === "release" && event.source) event.source.postMessage({ release: RELEASE });
  if (event.data === "which-cache" && reply) servingCache().then(function (name) { reply.postMessage({ cache: name }); });
  if (event.data && event.data.use && reply) {  // serve an update applied on the device from now on
    var name = String(event.data.use);
    event.waitUntil(caches.open(POINTER).then(function (c) { return c.put(url("__ietm_serving__"), new Response(name)); })
      .then(function () { serving = null; return servingCache(); })
      .then(function (now) { reply.postMessage({ cache: now }); }));
  }
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET" || req.url.indexOf(SCOPE) !== 0) return;
  var u = new URL(req.url);
  var path = u.pathname;
  if (u.searchParams.has("probe")) return; // the page asking the network itself (is it reachable? a new release?)
  // a folder asked for without its slash (dm, products): redirect, so relative links on its page resolve
  if (req.mode === "navigate" && !/\/$/.test(path) && !/\.[A-Za-z0-9]+$/.test(path)) {
    event.respondWith(servingCache().then(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.match(u.origin + path + "/index.html").then(function (hit) {
          return hit ? Response.redirect(u.origin + path + "/" + u.search, 301) : fromNetwork(req, cache, name);
        });
      });
    }));
    return;
  }
  event.respondWith(servingCache().then(function (name) {
    return caches.open(name).then(function (cache) {
      var key = /\/$/.test(path) ? u.origin + path + "index.html" : u.origin + path;
      return cache.match(key, { ignoreSearch: true }).then(function (hit) { return unpacked(hit) || fromNetwork(req, cache, name); });
    });
  }));
});

function fromNetwork(req, cache, name) {
  var notHere = function () {
    if (req.mode === "navigate") return cache.match(url("404.html")).then(function (r) { return unpacked(r) || Response.error(); });
    return name === CACHE ? Response.error() : new Response("", { status: 404 });
  };
  if (name !== CACHE) return notHere();  // an update applied on the device: the server's files are older
  return fetch(req).catch(notHere);
}
