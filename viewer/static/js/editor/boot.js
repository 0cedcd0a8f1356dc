/* Loads the editor's modules (a classic script may import them; the page's CSP allows scripts of this server only). */
import("./main.js").catch(function (err) {
  var out = document.querySelector("[data-status]");
  if (out) { out.textContent = String(err && err.message || err); out.dataset.kind = "error"; }
});
