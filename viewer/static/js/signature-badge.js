/* The signature badge of a module page in a published bundle, checked again on the device, offline.
 *
 * `ietm publish` carries the CSDB's signed release into the bundle (csdb/release.manifest + .sig or .xsig, the files
 * it lists, the objects' own signatures) and writes signatures.json: {folder, manifest, manifestSignature,
 * signatures: {object: its signature file}, anchors: [PEM], roles}
 * (ietm/publish/signatures.py). On a module page this script, with IetmVerify (verify.js: WebCrypto, and the vendored
 * crypto-gost-js for GOST R 34.10-2012 signatures, CAdES .sig or XML .xsig):
 *   1. checks the release manifest's signature against the anchors embedded at publish time;
 *   2. hashes the page's source object (data-signature-source on the badge) against the manifest, and checks
 *      the object's own signature (csdb/<object>.sig or .xsig) when it has one;
 *   3. if the bundle's manifest.json is signed too (`ietm release BUNDLE`), hashes this page itself and the
 *      illustrations it shows against it;
 * and replaces the badge's words (rendered when the bundle was published) with what it found. The service
 * worker answers every fetch from its cache, so all of this works with no network.
 * On the server (no <meta name="ietm-bundle">) it does nothing: the server's badge is already checked.
 */
(function () {
  "use strict";
  var badge = document.querySelector("[data-signature]");
  var meta = document.querySelector('meta[name="ietm-bundle"]');
  if (!badge || !meta || !window.IetmVerify) return;

  /* the page's words (script#ietm-strings: the one table of ietm.i18n, in the page's language); the badge's are
     declared with the server's in ietm/web/signatures.py, as sig_device_* beside the server badge's sig_* */
  var S = (function () {
    var el = document.getElementById("ietm-strings");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (_, k) { return values && values[k] != null ? values[k] : ""; });
  }
  function say(key, values) { return fill(S["sig_device_" + key] || key, values); }
  var VERDICTS = ["invalid", "untrusted", "expired", "role", "certificate"];  /* those with words of their own */
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
  var own = badge.getAttribute("data-signature-own") === "true";  /* the module has its own signature */

  function failure(r) {  /* a verdict other than valid, in words */
    if (r.status === "invalid" && r.changed && r.changed.length && !/\.x?sig$|\.manifest$|\.json$/.test(r.changed[0]))
      return show("invalid", say("altered", { file: r.changed.join(", ") }), true);
    return show(r.status, say(VERDICTS.indexOf(r.status) >= 0 ? r.status : "error", { signer: r.signer || "?", reason: r.reason }),
      r.status === "invalid");
  }
  function when(r) { return r.signedAt ? fill(S.sig_on, { date: r.signedAt.replace("T", " ").slice(0, 16) + " UTC" }) : ""; }

  async function check() {
    var index;
    try {
      var resp = await fetch(new URL("signatures.json", root).href);
      index = resp.ok ? await resp.json() : null;
    } catch (e) { index = null; }
    if (!index || (!index.manifest && !own)) return show("unsigned", say("nosig"));
    if (!index.anchors || !index.anchors.length) return show("untrusted", say("untrusted", { signer: "?", reason: say("no_anchors") }));
    var folder = new URL(index.folder, root);
    var mine = null, release = null;
    if (own) {  /* the module's own signature, over the bytes of its source in the bundle */
      var dir = source.replace(/[^/]*$/, ""), ownSig = index.signatures && index.signatures[source];
      mine = await IetmVerify.verifyRelease({ base: new URL(dir, folder).href, manifest: source.slice(dir.length),
        signature: ownSig ? ownSig.slice(dir.length) : undefined,
        object: true, files: false, anchors: index.anchors, roles: index.objectRoles || index.roles });
      if (mine.status !== "valid") return failure(mine);
    }
    if (index.manifest) {  /* the signed release, and this page's source object against it */
      release = await IetmVerify.verifyRelease({ base: folder.href, manifest: index.manifest, anchors: index.anchors,
        signature: index.manifestSignature || undefined, roles: index.roles, files: false });
      if (release.status !== "valid") return failure(release);
      var state = await release.checkFile(source);
      if (state === "changed") return show("invalid", say("altered", { file: source }), true);
      if (state === "missing") return show("invalid", say("missing", { file: source }), true);
      if (state === "unlisted") {
        if (!mine) return show("unsigned", say("unlisted", { release: release.release && release.release.name }));
        release = null;
      }
    }
    var altered = await checkPage(index);
    if (altered) return show("invalid", say("altered", { file: altered }), true);
    var by = mine || release;
    var qa = mine && badge.getAttribute("data-signature-qa");
    show("valid", say(release ? "valid" : "valid_own", { signer: by.signer, when: when(by), qa: qa ? " · " + qa : "",
      release: release && release.release && release.release.name }));
  }

  function pagePath() {
    var rel = decodeURIComponent(location.pathname.slice(root.pathname.length));
    return !rel || /\/$/.test(rel) ? rel + "index.html" : rel;
  }

  /* the rendered page itself and the illustrations it shows, when the bundle's manifest.json is signed as well;
     returns the first altered file, or null */
  async function checkPage(index) {
    var bundle = await IetmVerify.verifyRelease({ base: root.href, manifest: "manifest.json", anchors: index.anchors,
      roles: index.roles, files: false });
    if (bundle.status === "error") return null;  /* manifest.json not signed: nothing more to check */
    if (bundle.status !== "valid") return (bundle.changed && bundle.changed[0]) || "manifest.json";
    var files = [pagePath()];
    Array.prototype.forEach.call(document.querySelectorAll("main img[src]"), function (img) {
      var u = new URL(img.getAttribute("src"), location.href);
      if (u.origin === root.origin && u.pathname.indexOf(root.pathname) === 0) files.push(decodeURIComponent(u.pathname.slice(root.pathname.length)));
    });
    for (var i = 0; i < files.length; i++) {
      if (await bundle.checkFile(files[i]) !== "valid") return files[i];
    }
    return null;
  }

  check().catch(function (e) { show("error", say("error", { reason: e.message })); });
})();
