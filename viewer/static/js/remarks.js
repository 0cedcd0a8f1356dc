/* Remarks on a data module: a small form under the module for logged-in users. A remark is kept in an
   outbox on the device first and sent when the server answers, so it survives a lost network. */
(function () {
  "use strict";
  var OUTBOX = "ietm.remarks.outbox";
  var ru = document.documentElement.lang === "ru";
  var words = ru
    ? { title: "Замечание к модулю", send: "Отправить", queued: "Сохранено; будет отправлено при появлении связи.", sent: "Отправлено.", priority: "Приоритет", routine: "обычный", emergency: "срочный", safety: "безопасность" }
    : { title: "Remark on this module", send: "Send", queued: "Saved; it will be sent when the network is back.", sent: "Sent.", priority: "Priority", routine: "routine", emergency: "emergency", safety: "safety critical" };

  function outbox() { try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; } }
  function save(list) { localStorage.setItem(OUTBOX, JSON.stringify(list)); }

  var flushing = false;  // one delivery at a time, so a remark is never sent twice

  function flush(status) {
    var list = outbox();
    if (!list.length || flushing) return Promise.resolve();
    flushing = true;
    return fetch("/api/me", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (me) {
      if (!me.csrf) return;
      return list.reduce(function (chain, remark) {
        return chain.then(function () {
          return fetch("/api/remarks", {
            method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf },
            body: JSON.stringify(remark)
          }).then(function (r) {
            if (r.ok || (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 429)) {
              save(outbox().filter(function (x) { return x.id !== remark.id; }));
              if (status && r.ok) status.textContent = words.sent;
            }
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* offline: the outbox keeps them */ })
      .then(function () { flushing = false; });
  }

  function form(me) {
    var m = location.pathname.match(/^\/dm\/([^/?#]+)/);
    if (!m || !me.user) return;
    var box = document.createElement("form");
    box.className = "remark-form";
    box.innerHTML = '<h2></h2><p><label for="remark-priority"></label> <select id="remark-priority"></select></p>' +
      '<p><textarea id="remark-text" rows="3" maxlength="4000" required></textarea></p><p><button class="button" type="submit"></button> <span class="remark-status" role="status"></span></p>';
    box.querySelector("h2").textContent = words.title;
    box.querySelector("label").textContent = words.priority;
    box.querySelector("textarea").setAttribute("aria-label", words.title);
    box.querySelector("button").textContent = words.send;
    ["routine", "emergency", "safety"].forEach(function (p) {
      var o = document.createElement("option"); o.value = p; o.textContent = words[p];
      box.querySelector("select").appendChild(o);
    });
    var status = box.querySelector(".remark-status");
    box.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = box.querySelector("textarea").value.trim();
      if (!text) return;
      var list = outbox();
      list.push({ id: String(Date.now()) + Math.random(), module: decodeURIComponent(m[1]), text: text,
                  priority: box.querySelector("select").value, language: ru ? "ru-RU" : "en-US" });
      save(list);
      document.dispatchEvent(new CustomEvent("ietm:remark", { detail: { module: decodeURIComponent(m[1]),
        priority: box.querySelector("select").value } }));  // counted by usage.js where reporting is on
      box.querySelector("textarea").value = "";
      status.textContent = words.queued;
      flush(status);
    });
    document.getElementById("main").appendChild(box);
  }

  window.addEventListener("online", function () { flush(null); });
  fetch("/api/me", { cache: "no-store" }).then(function (r) { return r.ok ? r.json() : {}; }).then(form).catch(function () {});
  flush(null);
})();
