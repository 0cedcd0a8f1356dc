/* ietm release verifier for the browser: checks a published bundle's signed release manifest with WebCrypto,
 * so a tablet with no network can tell whether what it shows is exactly what QA signed.
 *
 * What it checks (the same as `ietm verify BUNDLE`, less the CRL):
 *   1. The manifest's detached signature: `<manifest>.sig`, a CAdES-BES CMS signature (GOST R 34.10-2012 with
 *      Streebog, ECDSA P-256, RSA-PSS) whose message-digest is that of the manifest's exact bytes and whose
 *      signing-certificate attribute names the signer's certificate; or `<manifest>.xsig`, an XML Signature
 *      (GOST R 34.10-2012, ECDSA P-256/SHA-256, RSA-PSS/SHA-256) whose references are the manifest's exact bytes
 *      and the ds:Object "approval" (exclusive C14N), the value checked over the exclusive C14N of ds:SignedInfo.
 *   2. The signer's certificate is one of `anchors` or issued by one (GOST R 34.10-2012, ECDSA P-256 or RSA
 *      PKCS#1 v1.5, SHA-256), is within its validity period at `now`, and shows an allowed role (EKU or OU).
 *   3. Every file the manifest lists is fetched and its SHA-256 compared (unless `files: false`).
 *
 * WebCrypto has no GOST: GOST signatures and Streebog are checked with the vendored crypto-gost-js
 * (js/vendor/crypto-gost.min.js, loaded only when a GOST signature is met; the service worker keeps it offline).
 *
 * Interface (a global `IetmVerify`, no dependencies, no network beyond `fetch` of the bundle's own files):
 *
 *   IetmVerify.verifyRelease(options) -> Promise<Result>
 *     options.base       URL of the folder holding release.manifest (default: the page's URL)
 *     options.manifest   manifest file name (default "release.manifest"); its signature is `<manifest>.sig` or
 *                        `<manifest>.xsig` (the first found), or options.signature (a file name beside it).
 *                        "manifest.json" reads the manifest `ietm publish` writes (signed by `ietm release BUNDLE`).
 *     options.anchors    [PEM string | base64 DER] trusted CA or signer certificates (required). Anchors read
 *                        from the same bundle only guard against accidental change; pin them in the installed
 *                        app (or the service worker's first install) to guard against a rewritten bundle.
 *     options.roles      {eku: [OID...], ou: [name...]} roles allowed to approve a release
 *                        (default: ietm's QA EKU 2.25.318559316513677154828397551058826772885.1, OU "Quality Assurance")
 *     options.now        Date for the validity check (default: new Date())
 *     options.files      false to check the manifest's signature only (default true: every listed file too)
 *     options.object     true: `manifest` names a signed object (its detached signature beside it), not a
 *                        manifest; only the signature over its bytes is checked (use with files: false)
 *     options.fetch      function(url) -> Promise<Response> (default: window.fetch; a service worker answers offline)
 *     options.onProgress function(done, total) while files are hashed
 *
 *   Result: {
 *     status:  "valid" | "invalid" | "untrusted" | "expired" | "role" | "error"   (same words as `ietm verify`)
 *     reason:  one sentence for people
 *     signer:  certificate common name, signedAt: the signer's stated time (ISO 8601) or null
 *     release: {name, created, objects, icns} from release.manifest, {name, created: null, files} from
 *              manifest.json, or null
 *     entries: [{kind, code, path, sha256, size, issue, language, qa}]  (only once the signature holds)
 *     changed: [path] files whose bytes differ, missing: [path] files that could not be fetched
 *     checkFile(path) -> Promise<"valid" | "changed" | "missing" | "unlisted">  one file against the manifest
 *   }
 *   A status other than "valid" never throws; programming errors (no anchors given) reject the promise.
 *   A browser cannot list the server's files, so unlike `ietm verify` it does not report files added to
 *   the bundle; it checks every listed file (and so everything the manifest says the manual holds).
 */
(function (global) {
  "use strict";

  var DS = "http://www.w3.org/2000/09/xmldsig#";
  var RELEASE_NS = "urn:ietm:release:1";
  var APPROVAL_NS = "urn:ietm:signature:1";
  var EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
  var SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
  var ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
  var RSA_PSS_SHA256 = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1";
  var QA_EKU = "2.25.318559316513677154828397551058826772885.1";
  var APPROVAL_ATTR = "2.25.318559316513677154828397551058826772885.3";
  var CPXMLSEC = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:";
  var GOST_SIG_URI = {}, GOST_DIGEST_URI = {};
  GOST_SIG_URI[CPXMLSEC + "gostr34102012-gostr34112012-256"] = 256;
  GOST_SIG_URI[CPXMLSEC + "gostr34102012-gostr34112012-512"] = 512;
  GOST_DIGEST_URI[CPXMLSEC + "gostr34112012-256"] = 256;
  GOST_DIGEST_URI[CPXMLSEC + "gostr34112012-512"] = 512;
  /* RFC 9215: key algorithms, certificate signature algorithms, digests */
  var GOST_KEYS = { "1.2.643.7.1.1.1.1": 256, "1.2.643.7.1.1.1.2": 512 };
  var GOST_SIGS = { "1.2.643.7.1.1.3.2": 256, "1.2.643.7.1.1.3.3": 512 };
  var GOST_DIGESTS = { "1.2.643.7.1.1.2.2": 256, "1.2.643.7.1.1.2.3": 512 };
  /* parameter sets -> crypto-gost-js's named curves (the TC26 sets B-D are CryptoPro's A-C) ... */
  var NAMED_CURVES = {
    "1.2.643.7.1.2.1.1.2": "S-256-A", "1.2.643.2.2.35.1": "S-256-A", "1.2.643.2.2.36.0": "S-256-A",
    "1.2.643.7.1.2.1.1.3": "S-256-B", "1.2.643.2.2.35.2": "S-256-B",
    "1.2.643.7.1.2.1.1.4": "S-256-C", "1.2.643.2.2.35.3": "S-256-C", "1.2.643.2.2.36.1": "S-256-C",
    "1.2.643.7.1.2.1.2.1": "T-512-A", "1.2.643.7.1.2.1.2.2": "T-512-B"
  };
  /* ... and the two twisted Edwards sets it does not name, in Weierstrass form (R 1323565.1.024-2019, RFC 7836) */
  var CURVES = {
    "1.2.643.7.1.2.1.1.1": {p: "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97", a: "0xC2173F1513981673AF4892C23035A27CE25E2013BF95AA33B22C656F277E7335", b: "0x295F9BAE7428ED9CCC20E7C359A9D41A22FCCD9108E17BF7BA9337A6F8AE9513", q: "0x400000000000000000000000000000000FD8CDDFC87B6635C115AF556C360C67", x: "0x91E38443A5E82C0D880923425712B2BB658B9196932E02C78B2582FE742DAA28", y: "0x32879423AB1A0375895786C4BB46E9565FDE0B5344766740AF268ADB32322E5C"},
    "1.2.643.7.1.2.1.2.3": {p: "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7", a: "0xDC9203E514A721875485A529D2C722FB187BC8980EB866644DE41C68E143064546E861C0E2C9EDD92ADE71F46FCF50FF2AD97F951FDA9F2A2EB6546F39689BD3", b: "0xB4C4EE28CEBC6C2C8AC12952CF37F16AC7EFB6A9F69F4B57FFDA2E4F0DE5ADE038CBC2FFF719D2C18DE0284B8BFEF3B52B8CC7A5F5BF0A3C8D2319A5312557E1", q: "0x3FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC98CDBA46506AB004C33A9FF5147502CC8EDA9E7A769A12694623CEF47F023ED", x: "0xE2E31EDFC23DE7BDEBE241CE593EF5DE2295B7A9CBAEF021D385F7074CEA043AA27272A7AE602BF2A7B9033DB9ED3610C6FB85487EAE97AAC5BC7928C1950148", y: "0xF5CE40D95B5EB899ABBCCFF5911CB8577939804D6527378B8C108C3D2090FF9BE18E2D33E3021ED2EF32D85822423B6304F726AA854BAE07D0396E9A9ADDC40F"}
  };
  var GOST_SCRIPT = global.document && document.currentScript && document.currentScript.src
    ? new URL("vendor/crypto-gost.min.js", document.currentScript.src).href : null;
  var subtle = global.crypto && global.crypto.subtle;

  /* ---- bytes ---- */
  function b64ToBytes(text) {
    var bin = atob(text.replace(/\s+/g, ""));
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function pemToDer(pem) {
    var m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
    return b64ToBytes(m ? m[1] : pem);
  }
  function sameBytes(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function hex(buf) {
    return Array.prototype.map.call(new Uint8Array(buf), function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  async function sha256(bytes) { return new Uint8Array(await subtle.digest("SHA-256", bytes)); }

  /* ---- GOST, through the vendored crypto-gost-js (loaded on first use) ---- */
  var gostLoading = null;
  function gostEngine() {
    if (global.CryptoGost && global.CryptoGost.GostEngine) return Promise.resolve(global.CryptoGost.GostEngine);
    if (!gostLoading) gostLoading = new Promise(function (resolve, reject) {
      if (!GOST_SCRIPT) return reject(new Error("no GOST implementation is loaded"));
      var s = document.createElement("script");
      s.src = GOST_SCRIPT;
      s.onload = function () { resolve(global.CryptoGost.GostEngine); };
      s.onerror = function () { gostLoading = null; reject(new Error("cannot load the GOST implementation")); };
      document.head.appendChild(s);
    });
    return gostLoading;
  }
  function fresh(bytes) { return new Uint8Array(bytes).buffer; }  /* an ArrayBuffer of exactly these bytes */
  async function streebog(bits, bytes) {
    var E = await gostEngine();
    return new Uint8Array(E.getGostDigest({ name: "GOST R 34.11", version: 2012, length: bits }).digest(fresh(bytes)));
  }
  /* GOST R 34.10-2012 with the key of `cert`: signature s||r, key x||y little-endian, digest read little-endian
     (RFC 9215), which is crypto-gost-js's "CP" convention */
  async function gostVerify(cert, signature, data) {
    if (!cert.gost) return false;
    var E = await gostEngine();
    var alg = { name: "GOST R 34.10", version: 2012, mode: "SIGN", length: cert.gost.bits, procreator: "CP",
      hash: { name: "GOST R 34.11", version: 2012, mode: "HASH", length: cert.gost.bits, procreator: "CP" } };
    if (NAMED_CURVES[cert.gost.paramset]) alg.namedCurve = NAMED_CURVES[cert.gost.paramset];
    else if (CURVES[cert.gost.paramset]) alg.curve = CURVES[cert.gost.paramset];
    else throw new Error("unsupported GOST parameter set " + cert.gost.paramset);
    return E.getGostSign(alg).verify(fresh(cert.gost.key), fresh(signature), fresh(data));
  }
  async function digestBy(bits, bytes) { return bits ? streebog(bits, bytes) : sha256(bytes); }

  /* ---- DER, just enough for X.509 ---- */
  function node(b, pos) {
    var tag = b[pos], len = b[pos + 1], p = pos + 2;
    if (len & 0x80) { var n = len & 0x7f; len = 0; while (n--) len = len * 256 + b[p++]; }
    return { tag: tag, from: pos, start: p, end: p + len };
  }
  function kids(b, n) {
    var out = [], p = n.start;
    while (p < n.end) { var k = node(b, p); out.push(k); p = k.end; }
    return out;
  }
  function oid(b, n) {
    var arcs = [], v = 0n;
    for (var i = n.start; i < n.end; i++) {
      v = (v << 7n) | BigInt(b[i] & 0x7f);
      if (!(b[i] & 0x80)) { arcs.push(v); v = 0n; }
    }
    var first = arcs.shift(), head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
    return head.concat(arcs).map(String).join(".");
  }
  function text(b, n) { return new TextDecoder().decode(b.subarray(n.start, n.end)); }
  function time(b, n) {
    var s = text(b, n), y;
    if (n.tag === 0x17) { y = +s.slice(0, 2); y += y < 50 ? 2000 : 1900; s = s.slice(2); }
    else { y = +s.slice(0, 4); s = s.slice(4); }
    return new Date(Date.UTC(y, +s.slice(0, 2) - 1, +s.slice(2, 4), +s.slice(4, 6), +s.slice(6, 8), +s.slice(8, 10)));
  }
  function nameAttrs(b, n) {  /* Name -> {oid: [values]} */
    var out = {};
    kids(b, n).forEach(function (set) {
      kids(b, set).forEach(function (atv) {
        var parts = kids(b, atv), key = oid(b, parts[0]);
        (out[key] = out[key] || []).push(text(b, parts[1]));
      });
    });
    return out;
  }
  function parseCert(der) {
    var b = der, cert = node(b, 0), top = kids(b, cert), tbs = top[0], f = kids(b, tbs), i = 0;
    if (f[0].tag === 0xa0) i = 1;
    var validity = kids(b, f[i + 3]), c = {
      der: der, tbs: b.subarray(tbs.from, tbs.end), sigAlg: oid(b, kids(b, top[1])[0]),
      sig: b.subarray(top[2].start + 1, top[2].end),  /* BIT STRING: skip the unused-bits byte */
      issuer: b.subarray(f[i + 2].from, f[i + 2].end), subject: b.subarray(f[i + 4].from, f[i + 4].end),
      notBefore: time(b, validity[0]), notAfter: time(b, validity[1]),
      spki: b.subarray(f[i + 5].from, f[i + 5].end), keyAlg: oid(b, kids(b, kids(b, f[i + 5])[0])[0]),
      names: nameAttrs(b, f[i + 4]), eku: [], gost: null
    };
    if (GOST_KEYS[c.keyAlg]) {  /* SubjectPublicKeyInfo {alg {OID, {paramset, ...}}, BIT STRING {OCTET STRING x||y}} */
      var spki = kids(b, f[i + 5]), params = kids(b, kids(b, spki[0])[1]), point = node(b, spki[1].start + 1);
      c.gost = { bits: GOST_KEYS[c.keyAlg], paramset: oid(b, params[0]), key: b.slice(point.start, point.end) };
    }
    f.slice(i + 6).forEach(function (x) {
      if (x.tag !== 0xa3) return;
      kids(b, kids(b, x)[0]).forEach(function (ext) {
        var e = kids(b, ext);
        if (oid(b, e[0]) === "2.5.29.37") {
          var seq = node(b, e[e.length - 1].start);
          c.eku = kids(b, seq).map(function (o) { return oid(b, o); });
        }
      });
    });
    c.cn = (c.names["2.5.4.3"] || [""])[0];
    return c;
  }
  function derSigToRaw(b, size) {  /* ECDSA-Sig-Value SEQUENCE {r, s} -> r||s as WebCrypto wants */
    var parts = kids(b, node(b, 0)), out = new Uint8Array(size * 2);
    parts.forEach(function (p, k) {
      var v = b.subarray(p.start, p.end);
      while (v.length > size && v[0] === 0) v = v.subarray(1);
      out.set(v, k * size + size - v.length);
    });
    return out;
  }
  async function importKey(cert, pss) {
    if (cert.keyAlg === "1.2.840.10045.2.1")
      return { alg: { name: "ECDSA", hash: "SHA-256" }, key: await subtle.importKey("spki", cert.spki, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]) };
    if (cert.keyAlg === "1.2.840.113549.1.1.1") {
      var name = pss ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
      return { alg: { name: name, saltLength: 32 }, key: await subtle.importKey("spki", cert.spki, { name: name, hash: "SHA-256" }, false, ["verify"]) };
    }
    throw new Error("unsupported key type " + cert.keyAlg);
  }
  async function issuedBy(cert, ca) {
    if (!sameBytes(cert.issuer, ca.subject)) return false;
    try {
      if (GOST_SIGS[cert.sigAlg]) return await gostVerify(ca, cert.sig, cert.tbs);
      if (cert.sigAlg === "1.2.840.10045.4.3.2") {
        var k = await importKey(ca, false);
        return await subtle.verify(k.alg, k.key, derSigToRaw(cert.sig, 32), cert.tbs);
      }
      if (cert.sigAlg === "1.2.840.113549.1.1.11") {
        var r = await importKey(ca, false);
        return await subtle.verify(r.alg, r.key, cert.sig, cert.tbs);
      }
    } catch (e) { return false; }
    return false;
  }

  /* ---- exclusive XML canonicalisation (without comments) of an element subtree ---- */
  function escAttr(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;").replace(/\t/g, "&#x9;").replace(/\n/g, "&#xA;").replace(/\r/g, "&#xD;"); }
  function escText(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#xD;"); }
  function c14n(el, rendered) {
    var XMLNS = "http://www.w3.org/2000/xmlns/", used = {}, attrs = [], decls = [], mine = Object.assign({}, rendered);
    used[el.prefix || ""] = el.namespaceURI || "";
    Array.prototype.forEach.call(el.attributes, function (a) {
      if (a.namespaceURI === XMLNS) return;
      attrs.push(a);
      if (a.prefix && a.prefix !== "xml") used[a.prefix] = a.namespaceURI;
    });
    Object.keys(used).sort().forEach(function (p) {
      var uri = used[p];
      if (p === "" && uri === "" && !mine[""]) return;
      if (mine[p] === uri) return;
      mine[p] = uri;
      decls.push(p ? " xmlns:" + p + '="' + escAttr(uri) + '"' : ' xmlns="' + escAttr(uri) + '"');
    });
    attrs.sort(function (a, b) {
      var ka = (a.namespaceURI || "") + "\u0000" + a.localName, kb = (b.namespaceURI || "") + "\u0000" + b.localName;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    var out = "<" + el.tagName + decls.join("") + attrs.map(function (a) { return " " + a.name + '="' + escAttr(a.value) + '"'; }).join("") + ">";
    Array.prototype.forEach.call(el.childNodes, function (n) {
      if (n.nodeType === 1) out += c14n(n, mine);
      else if (n.nodeType === 3 || n.nodeType === 4) out += escText(n.data);
      else if (n.nodeType === 7) out += "<?" + n.target + (n.data ? " " + n.data : "") + "?>";
    });
    return out + "</" + el.tagName + ">";
  }
  function utf8(s) { return new TextEncoder().encode(s); }
  function dsChild(el, name) {
    for (var n = el.firstElementChild; n; n = n.nextElementSibling) if (n.namespaceURI === DS && n.localName === name) return n;
    return null;
  }
  function dsChildren(el, name) {
    var out = [];
    for (var n = el.firstElementChild; n; n = n.nextElementSibling) if (n.namespaceURI === DS && n.localName === name) out.push(n);
    return out;
  }

  /* A reason in the page's language. Its words are kept with the server's in the one table of interface words
     (ietm/sign/reasons.py: vr_device_<key>), which a page hands its scripts as script#ietm-strings; the English
     here is what a page without that table reads (another script's own use of IetmVerify), and
     tests/test_verify_js_words.py checks it is the table's English. */
  var table = null;
  function say(key, english, values) {
    if (table === null) {
      try {
        var el = typeof document !== "undefined" && document.getElementById("ietm-strings");
        table = el ? JSON.parse(el.textContent) : {};
      } catch (e) { table = {}; }
    }
    return (table["vr_device_" + key] || english).replace(/\{(\w+)\}/g, function (_, k) {
      return values && values[k] != null ? values[k] : "";
    });
  }
  function result(status, reason, extra) { return Object.assign({ status: status, reason: reason, signer: null, signedAt: null, release: null, entries: [], changed: [], missing: [] }, extra || {}); }

  async function fetchBytes(get, url) {
    var r = await get(url);
    if (!r.ok) throw new Error("HTTP " + r.status);
    return new Uint8Array(await r.arrayBuffer());
  }

  /* the signature over the manifest: returns {cert, approval} or a failed result */
  async function checkXml(sigBytes, manifestName, manifestBytes) {
    var doc = new DOMParser().parseFromString(new TextDecoder().decode(sigBytes), "application/xml");
    var sig = doc.documentElement;
    if (doc.getElementsByTagName("parsererror").length || sig.namespaceURI !== DS || sig.localName !== "Signature")
      return result("invalid", say("not_xmldsig", "the release signature is not an XML Signature"), { changed: [manifestName + ".xsig"] });
    var info = dsChild(sig, "SignedInfo"), value = dsChild(sig, "SignatureValue"), keyInfo = dsChild(sig, "KeyInfo");
    if (!info || !value || !keyInfo) return result("invalid", say("incomplete", "the release signature is incomplete"));
    var c14nAlg = dsChild(info, "CanonicalizationMethod"), method = dsChild(info, "SignatureMethod");
    if (!c14nAlg || c14nAlg.getAttribute("Algorithm") !== EXC_C14N) return result("invalid", say("c14n", "unsupported canonicalisation of the release signature"));
    var uri = method && method.getAttribute("Algorithm");
    if (uri !== ECDSA_SHA256 && uri !== RSA_PSS_SHA256 && !GOST_SIG_URI[uri]) return result("invalid", say("algorithm", "unsupported signature algorithm {uri}", { uri: uri }));
    var approval = null, coversManifest = false;
    var refs = dsChildren(info, "Reference");
    for (var i = 0; i < refs.length; i++) {
      var ref = refs[i], target = ref.getAttribute("URI"), dm = dsChild(ref, "DigestMethod"), dv = dsChild(ref, "DigestValue");
      var bits = dm ? GOST_DIGEST_URI[dm.getAttribute("Algorithm")] : null;
      if (!dm || (dm.getAttribute("Algorithm") !== SHA256 && !bits) || !dv) return result("invalid", say("ref_digest", "reference {target} is neither SHA-256 nor GOST R 34.11-2012", { target: target }));
      var digest;
      if (target === "#approval") {
        var obj = null;
        dsChildren(sig, "Object").forEach(function (o) { if (o.getAttribute("Id") === "approval") obj = o; });
        var transforms = dsChild(ref, "Transforms"), t = transforms ? dsChildren(transforms, "Transform") : [];
        if (!obj || t.length !== 1 || t[0].getAttribute("Algorithm") !== EXC_C14N) return result("invalid", say("statement", "the approval statement is missing or not canonicalised as ietm does"));
        digest = await digestBy(bits, utf8(c14n(obj, {})));
        approval = obj.getElementsByTagNameNS(APPROVAL_NS, "approval")[0] || null;
      } else if (decodeURIComponent(target) === manifestName && !dsChild(ref, "Transforms")) {
        digest = await digestBy(bits, manifestBytes);
        coversManifest = true;
      } else {
        return result("invalid", say("ref_other", "the release signature refers to {target}, which a browser does not check", { target: target }));
      }
      if (!sameBytes(digest, b64ToBytes(dv.textContent))) {
        var which = target === "#approval" ? manifestName + ".xsig" : manifestName;
        return result("invalid", say("changed", "{file} changed since it was signed", { file: which }), { changed: [which] });
      }
    }
    if (!coversManifest) return result("invalid", say("not_covered", "the signature does not cover {file}", { file: manifestName }));
    var certEl = keyInfo.getElementsByTagNameNS(DS, "X509Certificate");
    if (!certEl.length) return result("invalid", say("no_cert", "the release signature carries no certificate"));
    var certs = Array.prototype.map.call(certEl, function (e) { return parseCert(b64ToBytes(e.textContent)); });
    var cert = certs.filter(function (c) { return !certs.some(function (o) { return o !== c && sameBytes(o.issuer, c.subject); }); })[0] || certs[0];
    var ok;
    try {
      var raw = b64ToBytes(value.textContent);
      if (GOST_SIG_URI[uri]) {
        ok = !!cert.gost && cert.gost.bits === GOST_SIG_URI[uri] && await gostVerify(cert, raw, utf8(c14n(info, {})));
      } else {
        var k = await importKey(cert, uri === RSA_PSS_SHA256);
        ok = await subtle.verify(k.alg, k.key, raw, utf8(c14n(info, {})));
      }
    } catch (e) { ok = false; }
    if (!ok) return result("invalid", say("value", "signature value does not match: the signature file was altered"), { changed: [manifestName + ".xsig"], signer: cert.cn });
    return { cert: cert, approval: approval, signedAt: approval ? approval.getAttribute("signedAt") : null };
  }

  /* a CAdES-BES detached signature (DER, or base64) over the file's bytes: returns {cert, approval, signedAt} or a
     failed result. The signature covers the signed attributes, re-tagged as a SET (RFC 5652 5.4). */
  async function checkCades(sigBytes, name, fileBytes) {
    var SIG = name + ".sig";
    var b = sigBytes;
    if (b[0] !== 0x30) {
      try { b = b64ToBytes(new TextDecoder().decode(b).replace(/-----[A-Z0-9 ]+-----/g, "")); }
      catch (e) { return result("invalid", say("encoding", "the signature is neither DER nor base64"), { changed: [SIG] }); }
    }
    var sd, infos, certs = [], si;
    try {
      var top = kids(b, node(b, 0));
      if (oid(b, top[0]) !== "1.2.840.113549.1.7.2") return result("invalid", say("not_cms", "not a CMS SignedData"), { changed: [SIG] });
      sd = kids(b, kids(b, top[1])[0]);  /* [0] EXPLICIT SignedData */
      var k = 3;
      if (sd[k].tag === 0xa0) { kids(b, sd[k]).forEach(function (c) { certs.push(parseCert(b.slice(c.from, c.end))); }); k++; }
      if (sd[k].tag === 0xa1) k++;  /* CRLs */
      infos = kids(b, sd[k]);
      if (kids(b, sd[2]).length > 1) return result("invalid", say("attached", "the signature encapsulates its content"), { changed: [SIG] });
      if (infos.length !== 1) return result("invalid", say("signers", "the signature has {n} signers", { n: infos.length }), { changed: [SIG] });
      si = kids(b, infos[0]);
    } catch (e) { return result("invalid", say("unreadable", "the signature is not a readable CMS structure"), { changed: [SIG] }); }
    var cert = null;
    if (si[1].tag === 0x30) {  /* issuerAndSerialNumber (a subjectKeyIdentifier [0] is not matched here) */
      var sid = kids(b, si[1]), serial = b.subarray(sid[1].start, sid[1].end);
      cert = certs.filter(function (c) {
        var tbs = kids(c.der, kids(c.der, node(c.der, 0))[0]), s = tbs[tbs[0].tag === 0xa0 ? 1 : 0];
        return sameBytes(c.der.subarray(s.start, s.end), serial) && sameBytes(c.issuer, b.subarray(sid[0].from, sid[0].end));
      })[0];
    }
    if (!cert) return result("certificate", say("cert_absent", "wrong certificate: the signer's certificate is not in the signature"), { changed: [SIG] });
    var digestOid = oid(b, kids(b, si[2])[0]), attrsNode = si[3];
    if (attrsNode.tag !== 0xa0) return result("invalid", say("no_attrs", "the signature has no signed attributes (not CAdES-BES)"), { changed: [SIG] });
    var sigAlg = oid(b, kids(b, si[4])[0]), value = b.subarray(si[5].start, si[5].end);
    var attrs = {};
    kids(b, attrsNode).forEach(function (a) { var p = kids(b, a); attrs[oid(b, p[0])] = kids(b, p[1])[0]; });
    var signed = b.slice(attrsNode.from, attrsNode.end);
    signed[0] = 0x31;
    var bits = GOST_DIGESTS[digestOid];
    if (!bits && digestOid !== "2.16.840.1.101.3.4.2.1") return result("invalid", say("digest", "unsupported digest {oid}", { oid: digestOid }), { changed: [SIG] });
    var ok = false;
    try {
      if (bits) ok = !!cert.gost && cert.gost.bits === bits && await gostVerify(cert, value, signed);
      else if (cert.keyAlg === "1.2.840.10045.2.1") {
        var ek = await importKey(cert, false);
        ok = await subtle.verify(ek.alg, ek.key, derSigToRaw(value, 32), signed);
      } else {
        var rk = await importKey(cert, sigAlg === "1.2.840.113549.1.1.10");
        ok = await subtle.verify(rk.alg, rk.key, value, signed);
      }
    } catch (e) { ok = false; }
    var ess = attrs["1.2.840.113549.1.9.16.2.47"], essHash = null, essBits = null;
    if (ess) {
      var first = kids(b, kids(b, kids(b, ess)[0])[0]), h = first[0];
      if (h.tag === 0x30) { essBits = GOST_DIGESTS[oid(b, kids(b, h)[0])] || null; h = first[1]; }
      essHash = b.subarray(h.start, h.end);
    }
    var certMatches = essHash && sameBytes(await digestBy(essBits, cert.der), essHash);
    if (!ok) {
      if (essHash && !certMatches) return result("certificate", say("cert_other_key", "wrong certificate: {signer} did not make the signature", { signer: cert.cn }), { changed: [SIG], signer: cert.cn });
      return result("invalid", say("value", "signature value does not match: the signature file was altered"), { changed: [SIG], signer: cert.cn });
    }
    if (!essHash) return result("invalid", say("no_ess", "not a CAdES-BES signature: no signing-certificate attribute"), { changed: [SIG], signer: cert.cn });
    if (!certMatches) return result("certificate", say("cert_not_named", "wrong certificate: {signer} is not the one the signature names", { signer: cert.cn }), { changed: [SIG], signer: cert.cn });
    var md = attrs["1.2.840.113549.1.9.4"];
    if (!md || !sameBytes(await digestBy(bits, fileBytes), b.subarray(md.start, md.end)))
      return result("invalid", say("changed", "{file} changed since it was signed", { file: name }), { changed: [name], signer: cert.cn });
    var approval = null, signedAt = null;
    if (attrs[APPROVAL_ATTR]) {
      var a = attrs[APPROVAL_ATTR], xml = new DOMParser().parseFromString(text(b, a), "application/xml");
      approval = xml.getElementsByTagNameNS(APPROVAL_NS, "approval")[0] || null;
    }
    if (attrs["1.2.840.113549.1.9.5"]) signedAt = time(b, attrs["1.2.840.113549.1.9.5"]).toISOString().replace(/\.000Z$/, "Z");
    return { cert: cert, approval: approval, signedAt: signedAt };
  }

  async function judge(cert, anchors, roles, now) {
    var trusted = anchors.some(function (a) { return sameBytes(a.der, cert.der); });
    var chain = [cert];
    if (!trusted) {
      for (var i = 0; i < anchors.length && !trusted; i++) if (await issuedBy(cert, anchors[i])) { trusted = true; chain.push(anchors[i]); }
    }
    if (!trusted) return ["untrusted", say("untrusted", "signer {signer} does not chain to a trusted certificate", { signer: cert.cn })];
    for (var j = 0; j < chain.length; j++) {
      if (now < chain[j].notBefore) return ["expired", say("not_before", "certificate {subject} is not valid before {when}", { subject: chain[j].cn, when: chain[j].notBefore.toISOString() })];
      if (now > chain[j].notAfter) return ["expired", say("expired", "certificate {subject} expired on {when}", { subject: chain[j].cn, when: chain[j].notAfter.toISOString() })];
    }
    var ous = cert.names["2.5.4.11"] || [];
    var hasRole = cert.eku.some(function (o) { return (roles.eku || []).indexOf(o) >= 0; }) ||
      ous.some(function (o) { return (roles.ou || []).indexOf(o) >= 0; });
    if (!hasRole) return ["role", say("role", "signer {signer} has no role allowed to approve a release", { signer: cert.cn })];
    return ["valid", say("signed_by", "signed by {signer}", { signer: cert.cn })];
  }

  function safePath(path) {
    return !(path.split("/").some(function (p) { return p === ".." || p === "." || p === ""; }) || /^[a-z]+:|^\//i.test(path));
  }

  function readBundleManifest(bytes) {  /* manifest.json of `ietm publish`: {release, files: {path: {sha256, size}}} */
    var data;
    try { data = JSON.parse(new TextDecoder().decode(bytes)); } catch (e) { return null; }
    if (!data || typeof data.files !== "object") return null;
    var paths = Object.keys(data.files).sort();
    if (!paths.every(safePath)) return null;
    return { release: { name: data.release || null, created: null, files: paths.length },
      entries: paths.map(function (p) { return { kind: "file", code: p, path: p, sha256: data.files[p].sha256, size: +data.files[p].size }; }) };
  }

  function readManifest(bytes) {
    var doc = new DOMParser().parseFromString(new TextDecoder().decode(bytes), "application/xml");
    var root = doc.documentElement, entries = [];
    if (root.namespaceURI !== RELEASE_NS || root.localName !== "release") return null;
    for (var n = root.firstElementChild; n; n = n.nextElementSibling) {
      if (n.namespaceURI !== RELEASE_NS) continue;
      var path = n.getAttribute("path") || "";
      if (!safePath(path)) return null;
      entries.push({ kind: n.localName === "icn" ? "icn" : n.getAttribute("kind"), code: n.getAttribute("code"), path: path,
        sha256: n.getAttribute("sha256"), size: +n.getAttribute("size"), issue: n.getAttribute("issue"),
        language: n.getAttribute("language"), qa: n.getAttribute("qa") });
    }
    return { release: { name: root.getAttribute("name"), created: root.getAttribute("created"),
      objects: +root.getAttribute("objects"), icns: +root.getAttribute("icns") }, entries: entries };
  }

  async function verifyRelease(options) {
    options = options || {};
    if (!options.anchors || !options.anchors.length) throw new Error("IetmVerify.verifyRelease needs options.anchors (trusted certificates)");
    if (!subtle) return result("error", say("no_webcrypto", "this browser offers no WebCrypto here (it needs https or localhost)"));
    var get = options.fetch || global.fetch.bind(global);
    var base = new URL(options.base || ".", global.location ? global.location.href : undefined);
    if (!/\/$/.test(base.pathname)) base = new URL(base.pathname.replace(/[^/]*$/, ""), base);
    var name = options.manifest || "release.manifest";
    var roles = options.roles || { eku: [QA_EKU], ou: ["Quality Assurance"] };
    var now = options.now || new Date();
    var anchors = options.anchors.map(function (a) { return parseCert(typeof a === "string" ? pemToDer(a) : a); });
    var manifestBytes, sigBytes = null, sigName = null;
    try {
      manifestBytes = await fetchBytes(get, new URL(name, base).href);
      var names = options.signature ? [options.signature] : [name + ".sig", name + ".xsig"];
      for (var n = 0; n < names.length && !sigBytes; n++) {
        try { sigBytes = await fetchBytes(get, new URL(names[n], base).href); sigName = names[n]; }
        catch (e) { if (n === names.length - 1) throw e; }
      }
    } catch (e) {
      return result("error", say("unreadable_files", "cannot read {file} or its signature: {error}", { file: name, error: e.message }));
    }
    var sig;
    try { sig = /\.xsig$/.test(sigName) ? await checkXml(sigBytes, name, manifestBytes) : await checkCades(sigBytes, name, manifestBytes); }
    catch (e) { return result("invalid", say("sig_unreadable", "the release signature cannot be read: {error}", { error: e.message })); }
    if (sig.status) return sig;
    var verdict = await judge(sig.cert, anchors, roles, now);
    var signedAt = sig.signedAt || null;
    var manifest = options.object ? { release: null, entries: [] }  /* one object's own signature (signature-badge.js) */
      : /\.json$/.test(name) ? readBundleManifest(manifestBytes) : readManifest(manifestBytes);
    if (!manifest) return result("invalid", say("not_manifest", "{file} is not a release manifest", { file: name }), { signer: sig.cert.cn });
    var out = result(verdict[0], verdict[1] + (signedAt ? say("on", " on {when}", { when: signedAt }) : ""), { signer: sig.cert.cn, signedAt: signedAt, release: manifest.release });
    if (verdict[0] !== "valid") return out;
    out.entries = manifest.entries;
    var byPath = {};
    manifest.entries.forEach(function (e) { byPath[e.path] = e; });
    out.checkFile = async function (path) {
      var e = byPath[path];
      if (!e) return "unlisted";
      try { return hex(await sha256(await fetchBytes(get, new URL(e.path, base).href))) === e.sha256 ? "valid" : "changed"; }
      catch (err) { return "missing"; }
    };
    if (options.files !== false) {
      var done = 0, total = manifest.entries.length;
      for (var i = 0; i < total; i++) {
        var state = await out.checkFile(manifest.entries[i].path);
        if (state === "changed") out.changed.push(manifest.entries[i].path);
        if (state === "missing") out.missing.push(manifest.entries[i].path);
        done++;
        if (options.onProgress) options.onProgress(done, total);
      }
      if (out.changed.length || out.missing.length) {
        out.status = "invalid";
        out.reason = [out.changed.length ? say("changed_files", "{n} file(s) changed since release: {files}", { n: out.changed.length, files: out.changed.slice(0, 10).join(", ") }) : "",
          out.missing.length ? say("missing_files", "{n} file(s) missing: {files}", { n: out.missing.length, files: out.missing.slice(0, 10).join(", ") }) : ""].filter(Boolean).join("; ");
      } else {
        out.reason += say("match", "; {n} file(s) match the manifest", { n: total });
      }
    }
    return out;
  }

  global.IetmVerify = { verifyRelease: verifyRelease, QA_EKU: QA_EKU };
})(typeof window !== "undefined" ? window : typeof self !== "undefined" ? self : globalThis);
