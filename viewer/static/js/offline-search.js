/* Offline search over the bundle's search-index.json (written by ietm.index.offline from the server's index).
 *
 * Scores exactly as the server's Whoosh BM25F does (same postings, lengths, idf and title boost), so the same
 * query ranks the same modules offline. Query words are mapped to the server's stems through the exported
 * vocabulary; unknown words are stemmed with Snowball (vendor/snowball.js), as the server does.
 * Syntax as on the server: words (all must match), "phrases" (offline: all their words), prefix*, title:word,
 * code:CODE-START (or название:, текст:, код:), bare codes. Exposes window.IetmOfflineSearch.
 */
(function () {
  "use strict";

  var WORD = /[\p{L}\p{N}_]+(?:[.,][\p{L}\p{N}_]+)*/gu;
  var BARE_CODE = /^(?:DMC-|PMC-)?[A-Z0-9]+(?:-[A-Z0-9]+){2,}\*?$/i;

  function fold(w) { return w.toLowerCase().replace(/ё/g, "е"); }
  function words(text) { return (text.match(WORD) || []).map(fold); }
  function codeTerm(key) {
    var k = key.toLowerCase();
    return (k.indexOf("dmc-") === 0 || k.indexOf("pmc-") === 0) ? k.slice(4) : k;
  }

  function lowerBound(arr, x, step) { // first even slot (of `step`-wide rows) whose value >= x
    var lo = 0, hi = arr.length / step;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid * step] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function distance(a, b) { // Damerau-Levenshtein (optimal string alignment), as the server ranks corrections
    var prev2 = null, prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      var cur = [i];
      for (j = 1; j <= b.length; j++) {
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
      }
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }

  function Engine(data) {
    this.data = data;
    this.langs = Object.keys(data.terms);
    this.stemmers = {};
    this.stemPos = {};
    var factory = window.snowballFactory;
    var names = { en: "english", ru: "russian" };
    for (var li = 0; li < this.langs.length; li++) {
      var lang = this.langs[li];
      this.stemmers[lang] = factory ? factory.newStemmer(names[lang] || "english") : null;
      var pos = new Map(), stems = data.terms[lang].stems;
      for (var i = 0; i < stems.length; i++) pos.set(stems[i], i);
      this.stemPos[lang] = pos;
    }
    this.fields = data.doc_fields;
    this.col = {};
    for (var f = 0; f < this.fields.length; f++) this.col[this.fields[f]] = f;
  }

  Engine.prototype.doc = function (i) {
    var row = this.data.docs[i], out = {};
    for (var f = 0; f < this.fields.length; f++) out[this.fields[f]] = row[f];
    return out;
  };

  /* the server's stem index of a folded word in one language, or -1 */
  Engine.prototype.stemIndex = function (lang, w) {
    var vocab = this.data.words[lang], at = lowerBound(vocab, w, 2);
    if (at * 2 < vocab.length && vocab[at * 2] === w) return vocab[at * 2 + 1];
    var s = this.stemmers[lang] ? this.stemmers[lang].stem(w) : w;
    var p = this.stemPos[lang].get(s);
    return p === undefined ? -1 : p;
  };

  /* stems a prefix expands to: every indexed word starting with it, as on the server */
  Engine.prototype.prefixStems = function (lang, prefix, pattern) {
    var vocab = this.data.words[lang], out = new Set();
    for (var i = lowerBound(vocab, prefix, 2); i * 2 < vocab.length; i++) {
      var w = vocab[i * 2];
      if (w.indexOf(prefix) !== 0) break;
      if (!pattern || pattern.test(w)) out.add(vocab[i * 2 + 1]);
      if (out.size >= 256) break;
    }
    return Array.from(out);
  };

  /* scores (doc index -> score) of one stem in one language over the given field slots (0 title, 1 text) */
  Engine.prototype.termScores = function (lang, si, slots, into) {
    var d = this.data, t = d.terms[lang], B = d.bm25.B, K1 = d.bm25.K1;
    for (var k = 0; k < slots.length; k++) {
      var slot = slots[k], field = (slot === 0 ? "title_" : "text_") + lang;
      var postings = t.postings[si][slot];
      if (!postings.length) continue;
      var idf = Math.log(d.doc_count / (t.df[si][slot] + 1)) + 1;
      var avg = d.avg_length[field], lengths = d.lengths[field];
      var boost = slot === 0 && slots.length > 1 ? d.title_boost : 1; // the server boosts titles only in plain queries
      var doc = 0;
      for (var p = 0; p < postings.length; p += 2) {
        doc += postings[p];
        var tf = postings[p + 1], fl = lengths[doc];
        var s = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avg))) * boost;
        into.set(doc, (into.get(doc) || 0) + s);
      }
    }
    return into;
  };

  /* the query as clauses: {kind: word|prefix|phrase|code, text, slots} */
  function parse(q) {
    var clauses = [], re = /(title:|text:|code:|название:|текст:|код:)?("([^"]*)"?|\S+)/gi, m;
    var FIELDS = { "название:": "title:", "текст:": "text:", "код:": "code:" };  /* the Russian field names */
    while ((m = re.exec(q))) {
      var field = (m[1] || "").toLowerCase(), raw = m[3] !== undefined ? m[3] : m[2];
      field = FIELDS[field] || field;
      var slots = field === "title:" ? [0] : field === "text:" ? [1] : [0, 1];
      if (field === "code:") { clauses.push({ kind: "code", text: codeTerm(raw) }); continue; }
      if (!field && m[3] === undefined && BARE_CODE.test(raw) && /\d/.test(raw) && /[a-z]/i.test(raw)) {
        clauses.push({ kind: "barecode", text: codeTerm(raw.replace(/\*$/, "")), words: words(raw) });
        continue;
      }
      if (m[3] !== undefined) { // a phrase: offline, all of its words
        words(raw).forEach(function (w) { clauses.push({ kind: "word", text: w, slots: slots }); });
        continue;
      }
      if (/[*?]/.test(raw)) {
        var p = fold(raw);
        clauses.push({ kind: "prefix", text: p.split(/[*?]/)[0], pattern: new RegExp("^" + p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$"), slots: slots });
        continue;
      }
      words(raw).forEach(function (w) { clauses.push({ kind: "word", text: w, slots: slots }); });
    }
    return clauses;
  }

  Engine.prototype.clauseScores = function (c, lang) {
    var self = this, out = new Map();
    if (c.kind === "word") {
      var si = this.stemIndex(lang, c.text);
      if (si >= 0) this.termScores(lang, si, c.slots, out);
    } else if (c.kind === "prefix") {
      this.prefixStems(lang, c.text, c.pattern).forEach(function (si) { self.termScores(lang, si, c.slots, out); });
    }
    return out;
  };

  Engine.prototype.codeMatches = function (c) {
    var out = new Map(), keyCol = this.col.key;
    var re = c.kind === "code" && /[*?]/.test(c.text)
      ? new RegExp("^" + c.text.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$") : null;
    for (var i = 0; i < this.data.docs.length; i++) {
      var code = codeTerm(this.data.docs[i][keyCol]);
      var hit = re ? re.test(code) : c.kind === "code" ? code.indexOf(c.text) === 0 : code.indexOf(c.text) >= 0;
      if (hit) out.set(i, 1);
    }
    return out;
  };

  /* every clause must match; a document matches in its own language */
  Engine.prototype.run = function (q, filters) {
    var clauses = parse(q), self = this;
    if (!clauses.length) return { total: 0, ranked: [] };
    var total = null;
    var textClauses = clauses.filter(function (c) { return c.kind === "word" || c.kind === "prefix"; });
    var codeClauses = clauses.filter(function (c) { return c.kind === "code" || c.kind === "barecode"; });
    if (textClauses.length) {
      total = new Map();
      this.langs.forEach(function (lang) {
        var acc = null;
        for (var i = 0; i < textClauses.length; i++) {
          var s = self.clauseScores(textClauses[i], lang);
          if (acc === null) acc = s;
          else { var next = new Map(); acc.forEach(function (v, d) { if (s.has(d)) next.set(d, v + s.get(d)); }); acc = next; }
          if (!acc.size) break;
        }
        if (acc) acc.forEach(function (v, d) { total.set(d, v); });
      });
    }
    codeClauses.forEach(function (c) {
      var s = self.codeMatches(c);
      if (c.kind === "barecode") { // a code, or a part number written like one: its words as text
        self.langs.forEach(function (lang) {
          var acc = null;
          c.words.forEach(function (w) {
            var t = self.clauseScores({ kind: "word", text: w, slots: [0, 1] }, lang);
            if (acc === null) acc = t; else { var n = new Map(); acc.forEach(function (v, d) { if (t.has(d)) n.set(d, v + t.get(d)); }); acc = n; }
          });
          if (acc) acc.forEach(function (v, d) { s.set(d, (s.get(d) || 0) + v); });
        });
      }
      if (total === null) total = s;
      else { var n = new Map(); total.forEach(function (v, d) { if (s.has(d)) n.set(d, v + s.get(d)); }); total = n; }
    });
    var ranked = [];
    total.forEach(function (score, d) { if (self.passes(d, filters)) ranked.push([d, score]); });
    ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return { total: ranked.length, ranked: ranked };
  };

  Engine.prototype.passes = function (d, f) {
    if (!f) return true;
    var row = this.data.docs[d], c = this.col;
    if (f.product) {
      var products = String(row[c.products] || "").split(",");
      if (products.indexOf("*") < 0 && products.indexOf(f.product) < 0) return false;
    }
    if (f.type && row[c.type] !== f.type) return false;
    if (f.lang && row[c.lang] !== f.lang.split("-")[0].toLowerCase()) return false;
    if (f.system && row[c.system] !== f.system.toUpperCase()) return false;
    return true;
  };

  Engine.prototype.known = function (w) {
    for (var i = 0; i < this.langs.length; i++) if (this.stemIndex(this.langs[i], w) >= 0) return true;
    return false;
  };

  Engine.prototype.closest = function (w) {
    var maxdist = w.length <= 4 ? 1 : 2, best = null;
    for (var li = 0; li < this.langs.length; li++) {
      var lang = this.langs[li], vocab = this.data.words[lang], df = this.data.terms[lang].df;
      for (var i = 0; i < vocab.length; i += 2) {
        var cand = vocab[i];
        if (cand[0] !== w[0] || Math.abs(cand.length - w.length) > maxdist) continue;
        var dist = distance(w, cand);
        if (dist > maxdist) continue;
        var freq = Math.max(df[vocab[i + 1]][0], df[vocab[i + 1]][1]);
        if (!best || dist < best[0] || (dist === best[0] && (freq > best[1] || (freq === best[1] && cand < best[2])))) best = [dist, freq, cand];
      }
    }
    return best ? best[2] : null;
  };

  /* the query with each unknown word replaced by its nearest indexed word, or null */
  Engine.prototype.correction = function (q) {
    if (/(code|код):/i.test(q)) return null;
    var self = this, changed = false;
    var out = q.replace(/(^|[^\p{L}\p{N}_:*?])([\p{L}]{3,})(?![\p{L}\p{N}_*?:])/gu, function (all, pre, word) {
      var w = fold(word);
      if (self.known(w)) return all;
      var better = self.closest(w);
      if (better && better !== w) { changed = true; return pre + better; }
      return all;
    });
    return changed ? out : null;
  };

  Engine.prototype.search = function (q, filters, limit) {
    var started = performance.now();
    var res = this.run(q, filters), corrected = this.correction(q), correctedFrom = null, query = q;
    if (res.total === 0 && corrected) {
      var again = this.run(corrected, filters);
      if (again.total) { res = again; correctedFrom = q; query = corrected; corrected = null; }
    }
    var facets = { type: {}, system: {}, lang: {} }, c = this.col, self = this;
    res.ranked.forEach(function (r) {
      var row = self.data.docs[r[0]];
      ["type", "system", "lang"].forEach(function (f) { var v = row[c[f]]; if (v) facets[f][v] = (facets[f][v] || 0) + 1; });
    });
    return {
      query: query, total: res.total, facets: facets, did_you_mean: corrected, corrected_from: correctedFrom,
      hits: res.ranked.slice(0, limit || 20).map(function (r) { var d = self.doc(r[0]); d.score = r[1]; return d; }),
      took_ms: Math.round((performance.now() - started) * 100) / 100,
      stems: this.queryStems(query),
    };
  };

  /* stems of the query's words per language, to mark them in snippets */
  Engine.prototype.queryStems = function (q) {
    var self = this, out = {};
    this.langs.forEach(function (lang) {
      var set = new Set();
      parse(q).forEach(function (c) {
        if (c.kind === "word") { var si = self.stemIndex(lang, c.text); if (si >= 0) set.add(si); }
        if (c.kind === "prefix") self.prefixStems(lang, c.text, c.pattern).forEach(function (si) { set.add(si); });
      });
      out[lang] = set;
    });
    return out;
  };

  /* completions of the last word typed, from the indexed words (most frequent first) */
  Engine.prototype.suggest = function (q, limit) {
    var head = q.replace(/\s*\S*$/, ""), last = fold((q.match(/\S*$/) || [""])[0]), self = this, scored = new Map();
    if (last.length >= 2) {
      this.langs.forEach(function (lang) {
        var vocab = self.data.words[lang], df = self.data.terms[lang].df;
        for (var i = lowerBound(vocab, last, 2); i * 2 < vocab.length && vocab[i * 2].indexOf(last) === 0; i++) {
          var f = df[vocab[i * 2 + 1]], score = f[0] ? 1000 + f[0] : f[1];
          scored.set(vocab[i * 2], Math.max(scored.get(vocab[i * 2]) || 0, score));
        }
      });
    }
    var best = Array.from(scored.keys()).sort(function (a, b) { return scored.get(b) - scored.get(a) || a.length - b.length || (a < b ? -1 : 1); });
    return best.slice(0, limit || 8).map(function (w) { return (head ? head + " " : "") + w; });
  };

  Engine.prototype.snippetTerms = function (lang, text) { // [start, end] of each word of text whose stem was asked for
    var stems = this._stems ? this._stems[lang] : null, out = [], m, re = new RegExp(WORD.source, "gu");
    if (!stems) return out;
    while ((m = re.exec(text))) {
      var si = this.stemIndex(lang, fold(m[0]));
      if (stems.has(si)) out.push([m.index, m.index + m[0].length, si]);
    }
    return out;
  };

  /* a snippet element for one hit, from its (precached) page: words of the query marked */
  Engine.prototype.snippet = function (hit, stems) {
    var self = this;
    return fetch(hit.url).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      // the module's own text, not the page around it (a selector list would return the first in page order)
      var main = doc.querySelector(".module .content") || doc.querySelector("main") || doc.body;
      var parts = [], walker = doc.createTreeWalker(main, NodeFilter.SHOW_TEXT); // cells and items apart, not glued
      while (walker.nextNode()) {
        var tag = walker.currentNode.parentNode.nodeName;
        if (tag !== "SCRIPT" && tag !== "STYLE") parts.push(walker.currentNode.nodeValue);
      }
      var text = parts.join(" ").replace(/\s+/g, " ").trim();
      self._stems = stems;
      var marks = self.snippetTerms(hit.lang, text);
      // the first place where the most different query words stand close together
      var best = 0, bestCount = 0;
      for (var i = 0; i < marks.length; i++) {
        var seen = new Set();
        for (var j = i; j < marks.length && marks[j][0] < marks[i][0] + 160; j++) seen.add(marks[j][2]);
        if (seen.size > bestCount) { best = i; bestCount = seen.size; }
      }
      var start = marks.length ? Math.max(0, marks[best][0] - 80) : 0, end = Math.min(text.length, start + 240);
      var frag = document.createDocumentFragment(), at = start;
      if (start > 0) frag.appendChild(document.createTextNode("… "));
      marks.forEach(function (mk) {
        if (mk[0] < at || mk[1] > end) return;
        frag.appendChild(document.createTextNode(text.slice(at, mk[0])));
        var mark = document.createElement("mark"); mark.textContent = text.slice(mk[0], mk[1]); frag.appendChild(mark);
        at = mk[1];
      });
      frag.appendChild(document.createTextNode(text.slice(at, end) + (end < text.length ? " …" : "")));
      return frag;
    }).catch(function () { return document.createTextNode(""); });
  };

  window.IetmOfflineSearch = {
    Engine: Engine,
    load: function (url) {
      return fetch(url).then(function (r) {
        if (!r.ok) throw new Error("search index not available: " + r.status);
        return r.json();
      }).then(function (data) { return new Engine(data); });
    },
    parse: parse,
    fold: fold,
  };
})();
