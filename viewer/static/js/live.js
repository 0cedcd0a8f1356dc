/* Live preview (ietm serve --watch): wait for the CSDB to change, then reload this page; show the
   validation problems the server found in this page's module. Loaded only when the server watches. */
(function () {
  "use strict";
  var version = -1;
  var S = JSON.parse((document.getElementById("ietm-strings") || {}).textContent || "{}");  /* the page's words */

  function showProblems(problems) {
    var list = problems[location.pathname] || [];
    var box = document.getElementById("live-problems");
    if (!list.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("section");
      box.id = "live-problems";
      box.className = "notice live-problems";
      box.setAttribute("role", "alert");
      var main = document.getElementById("main");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = "";
    var h = document.createElement("h2");
    h.textContent = S.live_problems.replace("{n}", list.length);
    box.appendChild(h);
    var ul = document.createElement("ul");
    list.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = (p.line ? S.live_line.replace("{n}", p.line) + ": " : "") + (S["severity_" + p.severity] || p.severity) + ": " + (p.rule ? p.rule + ": " : "") + p.message;
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function poll() {
    fetch("/api/changes?since=" + version, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (version >= 0 && data.version > version) { location.reload(); return; }
        version = data.version;
        showProblems(data.problems || {});
        setTimeout(poll, 50);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
