/* The signature badge of a module page in a published bundle, checked again on the device, offline.
 *
 * `ietm publish` carries the CSDB's signed release into the bundle (csdb/release.manifest + .xsig, the files it
 * lists, the objects' own .xsig) and writes signatures.json: {folder, manifest, anchors: [PEM], roles}
 * (ietm/publish/signatures.py). On a module page this script, with IetmVerify (verify.js, WebCrypto):
 *   1. checks the release manifest's signature against the anchors embedded at publish time;
 *   2. hashes the page's source object (data-signature-source on the badge) against the manifest;
 *   3. if the bundle's manifest.json is signed too (`ietm release BUNDLE`), hashes this page itself against it;
 * and replaces the badge's words (rendered when the bundle was published) with what it found. The service
 * worker answers every fetch from its cache, so all of this works with no network.
 * On the server (no <meta name="ietm-bundle">) it does nothing: the server's badge is already checked.
 */
(function () {
  "use strict";
  var badge = document.querySelector("[data-signature]");
  var meta = document.querySelector('meta[name="ietm-bundle"]');
  if (!badge || !meta || !window.IetmVerify) return;

  var ru = (document.documentElement.getAttribute("data-ui-lang") || document.documentElement.lang) === "ru";
  var WORDS = {
    valid: ["Signed by {signer}{when} · release {release} · content matches what QA signed (checked on this device)",
      "Подписано: {signer}{when} · выпуск {release} · содержимое совпадает с подписанным (проверено на устройстве)"],
    altered: ["Warning: content altered since QA signed it ({file})",
      "Внимание: содержимое изменено после подписания ({file})"],
    missing: ["Warning: the signed source of this page is missing from the bundle ({file})",
      "Внимание: подписанный исходный модуль отсутствует в пакете ({file})"],
    unlisted: ["Not signed: this module is not part of the signed release {release}",
      "Не подписано: модуль не входит в подписанный выпуск {release}"],
    nosig: ["Not signed: this bundle carries no signed release", "Не подписано: в пакете нет подписанного выпуска"],
    invalid: ["Warning: the release signature is invalid: {reason}", "Внимание: подпись выпуска недействительна: {reason}"],
    untrusted: ["Warning: signed by {signer}, who is not trusted: {reason}", "Внимание: подписант {signer} не доверенный: {reason}"],
    expired: ["Warning: the signer's certificate is expired or not yet valid: {reason}",
      "Внимание: срок действия сертификата подписанта истёк или не наступил: {reason}"],
    role: ["Warning: the signer may not approve a release: {reason}", "Внимание: подписант не вправе утверждать выпуск: {reason}"],
    error: ["The signature could not be checked on this device: {reason}", "Подпись не удалось проверить на устройстве: {reason}"]
  };
  function say(key, values) {
    return WORDS[key][ru ? 1 : 0].replace(/\{(\w+)\}/g, function (_, k) { return values && values[k] != null ? values[k] : ""; });
  }
  function show(status, message, altered) {
    badge.className = "signature signature-" + status + (altered ? " signature-altered" : "");
    badge.setAttribute("data-signature-status", status);
    badge.setAttribute("data-signature-checked", "device");
    badge.querySelector("[data-signature-text]").textContent = message;
    ["[data-signature-detail]", "[data-signature-release]"].forEach(function (sel) {
      var el = badge.querySelector(sel);
      if (el) el.hidden = true;  /* the words of publish time, superseded by this check */
    });
  }

  var root = new URL(meta.getAttribute("content") || "./", location.href);
  var source = badge.getAttribute("data-signature-source");

  async function check() {
    var index;
    try {
      var r = await fetch(new URL("signatures.json", root).href);
      index = r.ok ? await r.json() : null;
    } catch (e) { index = null; }
    if (!index || !index.manifest) return show("unsigned", say("nosig"));
    if (!index.anchors || !index.anchors.length) return show("untrusted", say("untrusted", { signer: "?", reason: "no trusted certificate was embedded at publish time" }));
    var release = await IetmVerify.verifyRelease({ base: new URL(index.folder, root).href, manifest: index.manifest,
      anchors: index.anchors, roles: index.roles, files: false });
    var name = release.release && release.release.name;
    if (release.status !== "valid") {
      var altered = release.status === "invalid";
      return show(release.status, say(WORDS[release.status] ? release.status : "error",
        { signer: release.signer, reason: release.reason }), altered);
    }
    var state = await release.checkFile(source);
    if (state === "changed") return show("invalid", say("altered", { file: source }), true);
    if (state === "missing") return show("invalid", say("missing", { file: source }), true);
    if (state === "unlisted") return show("unsigned", say("unlisted", { release: name }));
    var page = await checkPage(index);
    if (page === "changed") return show("invalid", say("altered", { file: pagePath() }), true);
    show("valid", say("valid", { signer: release.signer, when: release.signedAt ? " " + release.signedAt.replace("T", " ").slice(0, 16) + " UTC" : "", release: name }));
  }

  function pagePath() {
    var rel = decodeURIComponent(location.pathname.slice(root.pathname.length));
    return !rel || /\/$/.test(rel) ? rel + "index.html" : rel;
  }

  /* the rendered page itself, when the bundle's manifest.json is signed as well */
  async function checkPage(index) {
    var bundle = await IetmVerify.verifyRelease({ base: root.href, manifest: "manifest.json", anchors: index.anchors,
      roles: index.roles, files: false });
    if (bundle.status === "error") return "unsigned";  /* manifest.json.xsig absent: nothing more to check */
    if (bundle.status !== "valid") return "changed";
    var state = await bundle.checkFile(pagePath());
    return state === "valid" ? "valid" : "changed";
  }

  check().catch(function (e) { show("error", say("error", { reason: e.message })); });
})();
