/* In a published bundle (a page with <meta name="ietm-bundle">): register the service worker that keeps the
 * manual on the device, say when the device is offline, and offer a newer release when one has arrived.
 * The server does not load it.
 */
(function () {
  "use strict";

  var strings = {
    en: { offline: "Offline — you are reading the copy kept on this device.", saved: "This manual is now kept on this device for offline use.",
          update: "A newer release of this manual is available.", reload: "Update now" },
    ru: { offline: "Нет сети — вы читаете копию, сохранённую на этом устройстве.", saved: "Руководство сохранено на устройстве для работы без сети.",
          update: "Доступен более новый выпуск руководства.", reload: "Обновить" },
  };
  var lang = (document.documentElement.getAttribute("data-ui-lang") || "en") === "ru" ? "ru" : "en";
  var S = strings[lang];
  var bundle = document.querySelector('meta[name="ietm-bundle"]');
  var root = bundle ? bundle.getAttribute("content") : null;

  if (!bundle) return;

  function banner(kind, text, action) {
    var old = document.querySelector('[data-bundle-banner="' + kind + '"]');
    if (old) old.remove();
    if (!text) return;
    var div = document.createElement("div");
    div.className = "bundle-banner bundle-" + kind;
    div.setAttribute("role", "status");
    div.setAttribute("data-bundle-banner", kind);
    div.textContent = text + " ";
    if (action) {
      var b = document.createElement("button"); b.type = "button"; b.className = "button"; b.textContent = action.label;
      b.addEventListener("click", action.run); div.appendChild(b);
    }
    var main = document.querySelector("main") || document.body;
    main.insertBefore(div, main.firstChild);
  }

  var rootUrl = new URL(root, location.href);
  var registration = null;
  function showConnection(online) {
    document.documentElement.classList.toggle("offline", !online);
    banner("offline", online ? "" : S.offline);
  }
  /* navigator.onLine only knows about the device's own link; ask the bundle's server to be sure, and learn
     on the way whether it publishes a newer release than the one this page came from */
  function probe() {
    if (!navigator.onLine) { showConnection(false); return; }
    Promise.all([
      fetch(new URL("release.json?probe=" + Date.now(), rootUrl).href, { cache: "no-store" }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status)); return r.json();
      }),
      fetch(new URL("release.json", rootUrl).href).then(function (r) { return r.json(); }).catch(function () { return {}; }),
    ]).then(function (both) {
      showConnection(true);
      if (registration && both[1].release && both[0].release !== both[1].release) registration.update().catch(function () {});
    }, function () { showConnection(false); });
  }
  window.addEventListener("online", probe);
  window.addEventListener("offline", function () { showConnection(false); });
  probe();
  setInterval(probe, 60000);

  if (!("serviceWorker" in navigator)) return;
  var reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloading) location.reload();
  });
  function offerUpdate(worker) {
    banner("update", S.update, { label: S.reload, run: function () { reloading = true; worker.postMessage("skip-waiting"); } });
  }
  navigator.serviceWorker.register(new URL("sw.js", new URL(root, location.href)).href, { scope: new URL(root, location.href).href })
    .then(function (reg) {
      registration = reg;
      if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
      reg.addEventListener("updatefound", function () {
        var fresh = reg.installing;
        if (!fresh) return;
        fresh.addEventListener("statechange", function () {
          if (fresh.state !== "installed") return;
          if (navigator.serviceWorker.controller) offerUpdate(fresh); // a new release, waiting
          else banner("saved", S.saved); // the first copy: the manual now works offline
        });
      });
      if (navigator.onLine) reg.update().catch(function () { /* no network: keep the release we have */ });
    })
    .catch(function () { /* no service worker (file:// or private mode): the bundle still reads online */ });
  // the whole bundle is precached once a worker is active
  navigator.serviceWorker.ready.then(function () { document.documentElement.setAttribute("data-offline-ready", "true"); });
})();
