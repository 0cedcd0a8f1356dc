/* Service worker of a published ietm bundle (ietm publish prepends `const RELEASE = "<hash>";`).
 *
 * Install: precache every file listed in manifest.json into the cache "ietm-<release>", so after the first
 * visit the whole manual (pages, illustrations, search index, assets) works with no network.
 * Activate: drop the caches of older releases. Fetch: cache first, network as fallback; a page the bundle
 * does not hold answers with the bundle's 404 page. A new release (a changed sw.js) installs in the
 * background and waits; the page offers to switch (message "skip-waiting").
 */
/* global RELEASE */
"use strict";

var CACHE = "ietm-" + RELEASE;
var SCOPE = self.registration.scope; // the bundle's root URL, ending in "/"
var BATCH = 32;

function url(rel) { return new URL(rel, SCOPE).href; }

self.addEventListener("install", function (event) {
  event.waitUntil(
    fetch(url("manifest.json"), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("manifest.json: " + r.status); return r.json(); })
      .then(function (manifest) {
        var files = Object.keys(manifest.files).filter(function (f) { return f !== "sw.js"; });
        files.push("manifest.json");
        return caches.open(CACHE).then(function (cache) {
          var i = 0;
          function next() { // a few requests at a time: thousands of pages must not flood the server
            var batch = files.slice(i, i + BATCH);
            i += BATCH;
            if (!batch.length) return Promise.resolve();
            return cache.addAll(batch.map(function (f) { return new Request(url(f), { cache: "no-cache" }); })).then(next);
          }
          // the bundle's own signature (`ietm release BUNDLE`, written after publishing, so not listed): kept when
          // present, so signature-badge.js can check the pages themselves offline
          return next().then(function () {  /* the bundle's own signature, if it was signed (`ietm release BUNDLE`) */
            return Promise.all(["manifest.json.sig", "manifest.json.xsig"].map(function (f) {
              return cache.add(new Request(url(f), { cache: "no-cache" })).catch(function () {});
            }));
          });
        });
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("ietm-") === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  if (event.data === "skip-waiting") self.skipWaiting();
  if (event.data === "release" && event.source) event.source.postMessage({ release: RELEASE });
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET" || req.url.indexOf(SCOPE) !== 0) return;
  var u = new URL(req.url);
  var path = u.pathname;
  if (u.searchParams.has("probe")) return; // the page asking the network itself (is it reachable? a new release?)
  // a folder asked for without its slash (dm, products): redirect, so relative links on its page resolve
  if (req.mode === "navigate" && !/\/$/.test(path) && !/\.[A-Za-z0-9]+$/.test(path)) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(u.origin + path + "/index.html").then(function (hit) {
        return hit ? Response.redirect(u.origin + path + "/" + u.search, 301) : fromNetwork(req, cache);
      });
    }));
    return;
  }
  event.respondWith(caches.open(CACHE).then(function (cache) {
    var key = /\/$/.test(path) ? u.origin + path + "index.html" : u.origin + path;
    return cache.match(key, { ignoreSearch: true }).then(function (hit) { return hit || fromNetwork(req, cache); });
  }));
});

function fromNetwork(req, cache) {
  return fetch(req).catch(function () {
    if (req.mode === "navigate") return cache.match(url("404.html")).then(function (r) { return r || Response.error(); });
    return Response.error();
  });
}
