/* Offline search over the bundle's search index (search/head.json and its shards, written by
 * ietm.index.offline from the server's index).
 *
 * Scores exactly as the server's BM25F does (same postings, lengths, statistics of the live documents and title
 * boost), so the same query ranks the same modules offline. Query words are mapped to the server's stems through
 * the exported vocabulary; unknown words are stemmed with Snowball (vendor/snowball.js), as the server does.
 * Only the shards a query needs are fetched (from the service worker's cache when offline), so the first search
 * of a large manual does not wait for the whole index. search() and suggest() answer with Promises.
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

  var MAX_EXPANSIONS = 256;

  /* The index is a folder (ietm/index/offline.py): head.json (statistics, the documents' filter values and
   * lengths, where each term shard starts), term shards, chunks of document rows and the codes. The engine
   * fetches what a query needs (through the service worker's cache, offline) and keeps what it fetched. */
  function Engine(head, base) {
    this.head = head;
    this.base = base;
    this.files = new Map();  // name -> Promise of its data
    this.loaded = new Map();  // name -> data
    this.langs = Object.keys(head.terms);
    this.stemmers = {};
    var factory = window.snowballFactory;
    var names = { en: "english", ru: "russian" };
    for (var li = 0; li < this.langs.length; li++) {
      var lang = this.langs[li];
      this.stemmers[lang] = factory ? factory.newStemmer(names[lang] || "english") : null;
    }
    this.fields = head.doc_fields;
    this.col = {};
    for (var f = 0; f < this.fields.length; f++) this.col[this.fields[f]] = f;
  }

  Engine.prototype.fetchFile = function (name) {
    var self = this;
    if (!this.files.has(name)) {
      this.files.set(name, fetch(new URL(name, this.base).href).then(function (r) {
        if (!r.ok) throw new Error("search index not available: " + name + ": " + r.status);
        return r.json();
      }).then(function (data) { self.loaded.set(name, data); return data; }));
    }
    return this.files.get(name);
  };
  Engine.prototype.need = function (names) {
    var self = this;
    return Promise.all(Array.from(names).map(function (n) { return self.fetchFile(n); }));
  };

  /* the term shard (its index in the language's table) holding a key: the last one starting at or before it */
  Engine.prototype.shardAt = function (lang, key) {
    var table = this.head.terms[lang], lo = 0, hi = table.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (table[mid][0] <= key) lo = mid + 1; else hi = mid; }
    return Math.max(0, lo - 1);
  };
  Engine.prototype.shardOf = function (lang, key) {
    var table = this.head.terms[lang];
    return table.length ? table[this.shardAt(lang, key)][1] : null;
  };
  /* names of the shards holding keys that start with `prefix`, in key order */
  Engine.prototype.shardsWith = function (lang, prefix) {
    var table = this.head.terms[lang], out = [];
    for (var i = this.shardAt(lang, prefix); i < table.length; i++) {
      if (out.length && table[i][0].indexOf(prefix) !== 0 && table[i][0] > prefix) break;
      out.push(table[i][1]);
    }
    return out;
  };
  Engine.prototype.shard = function (lang, key) {
    var name = this.shardOf(lang, key);
    return name ? this.loaded.get(name) || null : null;
  };

  /* the server's stem of a folded word in one language (from the exported words when its shard is loaded,
   * else Snowball's) */
  Engine.prototype.stemOf = function (lang, w) {
    var sh = this.shard(lang, w);
    if (sh) {
      var at = lowerBound(sh.words, w, 2);
      if (at * 2 < sh.words.length && sh.words[at * 2] === w) return sh.words[at * 2 + 1];
    }
    return this.stemmers[lang] ? this.stemmers[lang].stem(w) : w;
  };

  /* a stem's entry {postings, df} when its shard is loaded and holds it, else null */
  Engine.prototype.entry = function (lang, stem) {
    var sh = this.shard(lang, stem);
    if (!sh) return null;
    var at = lowerBound(sh.stems, stem, 1);
    return at < sh.stems.length && sh.stems[at] === stem ? { postings: sh.postings[at], df: sh.df[at] } : null;
  };

  /* every loaded indexed word starting with a prefix, with its stem: [word, stem] */
  Engine.prototype.wordsWith = function (lang, prefix) {
    var self = this, out = [];
    this.shardsWith(lang, prefix).forEach(function (name) {
      var vocab = (self.loaded.get(name) || { words: [] }).words;
      for (var i = lowerBound(vocab, prefix, 2); i * 2 < vocab.length && vocab[i * 2].indexOf(prefix) === 0; i++) {
        out.push([vocab[i * 2], vocab[i * 2 + 1]]);
      }
    });
    return out;
  };

  /* stems a prefix expands to: every indexed word starting with it, as on the server */
  Engine.prototype.prefixStems = function (lang, prefix, pattern) {
    var out = new Set(), words = this.wordsWith(lang, prefix);
    for (var i = 0; i < words.length && out.size < MAX_EXPANSIONS; i++) {
      if (!pattern || pattern.test(words[i][0])) out.add(words[i][1]);
    }
    return Array.from(out);
  };

  /* fetch the shards the words and prefixes of a query need: theirs, then their stems' */
  Engine.prototype.prepare = function (clauses, needCodes) {
    var self = this, first = new Set();
    if (needCodes) first.add("codes.json");
    this.langs.forEach(function (lang) {
      clauses.forEach(function (c) {
        if (c.kind === "word") first.add(self.shardOf(lang, c.text));
        else if (c.kind === "prefix") self.shardsWith(lang, c.text).forEach(function (n) { first.add(n); });
      });
    });
    first.delete(null);
    return this.need(first).then(function () {
      var then = new Set();
      self.langs.forEach(function (lang) {
        clauses.forEach(function (c) {
          if (c.kind === "word") then.add(self.shardOf(lang, self.stemOf(lang, c.text)));
          else if (c.kind === "prefix") {  // a search expands to 256 stems at most, completions look at every word
            var stems = c.every ? self.wordsWith(lang, c.text).map(function (p) { return p[1]; })
              : self.prefixStems(lang, c.text, c.pattern);
            stems.forEach(function (s) { then.add(self.shardOf(lang, s)); });
          }
        });
      });
      then.delete(null);
      return self.need(then);
    });
  };

  /* the clauses whose words a query's scoring needs (a bare code's words are searched as text too) */
  function wordClauses(clauses) {
    var out = [];
    clauses.forEach(function (c) {
      if (c.kind === "word" || c.kind === "prefix") out.push(c);
      if (c.kind === "barecode") c.words.forEach(function (w) { out.push({ kind: "word", text: w }); });
    });
    return out;
  }

  /* everything a query and its correction need */
  Engine.prototype.prepareQuery = function (q) {
    var self = this, clauses = parse(q);
    var codes = clauses.some(function (c) { return c.kind === "code" || c.kind === "barecode"; });
    return this.prepare(wordClauses(clauses), codes).then(function () { return self.prepareCorrection(q); });
  };

  /* documents' lengths and filter values, from the head */
  Engine.prototype.length = function (doc, slot) {
    return this.head.length_of_byte[this.head.lengths[slot === 0 ? "title" : "text"][doc]];
  };
  Engine.prototype.value = function (name, d) {
    return this.head.values[name][this.head.columns[name][d]];
  };

  /* scores (doc index -> score) of one stem in one language over the given field slots (0 title, 1 text) */
  Engine.prototype.termScores = function (lang, stem, slots, into) {
    var h = this.head, B = h.bm25.B, K1 = h.bm25.K1, e = this.entry(lang, stem);
    if (!e) return into;
    for (var k = 0; k < slots.length; k++) {
      var slot = slots[k], field = (slot === 0 ? "title_" : "text_") + lang;
      var postings = e.postings[slot];
      if (!postings.length) continue;
      var idf = Math.log(h.doc_count / (e.df[slot] + 1)) + 1;
      var avg = h.avg_length[field];
      var boost = slot === 0 && slots.length > 1 ? h.title_boost : 1; // the server boosts titles only in plain queries
      var doc = 0;
      for (var p = 0; p < postings.length; p += 2) {
        doc += postings[p];
        var tf = postings[p + 1], fl = this.length(doc, slot);
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
      this.termScores(lang, this.stemOf(lang, c.text), c.slots, out);
    } else if (c.kind === "prefix") {
      this.prefixStems(lang, c.text, c.pattern).forEach(function (stem) { self.termScores(lang, stem, c.slots, out); });
    }
    return out;
  };

  Engine.prototype.codeMatches = function (c) {
    var out = new Map(), codes = this.loaded.get("codes.json") || [];
    var re = c.kind === "code" && /[*?]/.test(c.text)
      ? new RegExp("^" + c.text.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$") : null;
    for (var i = 0; i < codes.length; i++) {
      var code = codes[i];
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
    if (f.product) {
      var products = String(this.value("products", d) || "").split(",");
      if (products.indexOf("*") < 0 && products.indexOf(f.product) < 0) return false;
    }
    if (f.type && this.value("type", d) !== f.type) return false;
    if (f.lang && this.value("lang", d) !== f.lang.split("-")[0].toLowerCase()) return false;
    if (f.system && this.value("system", d) !== f.system.toUpperCase()) return false;
    return true;
  };

  Engine.prototype.known = function (w) {
    for (var i = 0; i < this.langs.length; i++) if (this.entry(this.langs[i], this.stemOf(this.langs[i], w))) return true;
    return false;
  };

  /* the words a query's correction may choose from, and their frequencies: the shards of its unknown words'
   * first letter (the server too only considers words with the same first letter), then their stems' shards */
  Engine.prototype.prepareCorrection = function (q) {
    var self = this, unknown = [];
    correctable(q, function (w) { if (!self.known(w)) unknown.push(w); });
    if (!unknown.length) return Promise.resolve();
    var first = new Set();
    this.langs.forEach(function (lang) {
      unknown.forEach(function (w) { self.shardsWith(lang, w[0]).forEach(function (n) { first.add(n); }); });
    });
    return this.need(first).then(function () {
      var then = new Set();
      unknown.forEach(function (w) {
        self.candidates(w).forEach(function (c) { then.add(self.shardOf(c[0], c[2])); });
      });
      then.delete(null);
      return self.need(then);
    });
  };

  /* [lang, word, stem, distance] of the indexed words close enough to be what was meant by `w` */
  Engine.prototype.candidates = function (w) {
    var maxdist = w.length <= 4 ? 1 : 2, out = [], self = this;
    this.langs.forEach(function (lang) {
      self.wordsWith(lang, w[0]).forEach(function (pair) {
        var cand = pair[0];
        if (Math.abs(cand.length - w.length) > maxdist) return;
        var dist = distance(w, cand);
        if (dist <= maxdist) out.push([lang, cand, pair[1], dist]);
      });
    });
    return out;
  };

  Engine.prototype.closest = function (w) {
    var best = null, self = this;
    this.candidates(w).forEach(function (c) {
      var e = self.entry(c[0], c[2]), freq = e ? Math.max(e.df[0], e.df[1]) : 0, cand = c[1], dist = c[3];
      if (!freq) return;
      if (!best || dist < best[0] || (dist === best[0] && (freq > best[1] || (freq === best[1] && cand < best[2])))) best = [dist, freq, cand];
    });
    return best ? best[2] : null;
  };

  /* the query with each unknown word replaced by its nearest indexed word, or null */
  Engine.prototype.correction = function (q) {
    var self = this, changed = false;
    var out = correctable(q, function (w, all, pre) {
      if (self.known(w)) return all;
      var better = self.closest(w);
      if (better && better !== w) { changed = true; return pre + better; }
      return all;
    });
    return changed ? out : null;
  };

  /* the words of a query a correction may replace, each given to `each(folded word, match, what precedes)`,
   * whose answer replaces the match */
  function correctable(q, each) {
    if (/(code|код):/i.test(q)) return q;
    return q.replace(/(^|[^\p{L}\p{N}_:*?])([\p{L}]{3,})(?![\p{L}\p{N}_*?:])/gu, function (all, pre, word) {
      var answer = each(fold(word), all, pre);
      return answer === undefined ? all : answer;
    });
  }

  /* a search: a Promise of {query, total, facets, did_you_mean, corrected_from, hits, took_ms, stems} */
  Engine.prototype.search = function (q, filters, limit) {
    var started = performance.now(), self = this, res, corrected, correctedFrom = null, query = q;
    return this.prepareQuery(q).then(function () {
      res = self.run(q, filters);
      corrected = self.correction(q);
      if (res.total === 0 && corrected) {
        return self.prepareQuery(corrected).then(function () {
          var again = self.run(corrected, filters);
          if (again.total) { res = again; correctedFrom = q; query = corrected; corrected = null; }
        });
      }
    }).then(function () {
      var top = res.ranked.slice(0, limit || 20), chunks = new Set();
      top.forEach(function (r) { chunks.add(self.chunkOf(r[0])); });
      return self.need(chunks).then(function () {
        var facets = { type: {}, system: {}, lang: {} };
        res.ranked.forEach(function (r) {
          ["type", "system", "lang"].forEach(function (f) { var v = self.value(f, r[0]); if (v) facets[f][v] = (facets[f][v] || 0) + 1; });
        });
        return {
          query: query, total: res.total, facets: facets, did_you_mean: corrected, corrected_from: correctedFrom,
          hits: top.map(function (r) { var d = self.doc(r[0]); d.score = r[1]; return d; }),
          took_ms: Math.round((performance.now() - started) * 100) / 100,
          stems: self.queryStems(query),
        };
      });
    });
  };

  Engine.prototype.chunkOf = function (d) { return "docs-" + Math.floor(d / this.head.doc_chunk) + ".json"; };
  Engine.prototype.doc = function (d) {
    var row = this.loaded.get(this.chunkOf(d))[d % this.head.doc_chunk], out = {};
    for (var f = 0; f < this.fields.length; f++) out[this.fields[f]] = row[f];
    return out;
  };

  /* stems of the query's words per language, to mark them in snippets */
  Engine.prototype.queryStems = function (q) {
    var self = this, out = {};
    this.langs.forEach(function (lang) {
      var set = new Set();
      parse(q).forEach(function (c) {
        if (c.kind === "word") { var s = self.stemOf(lang, c.text); if (self.entry(lang, s)) set.add(s); }
        if (c.kind === "prefix") self.prefixStems(lang, c.text, c.pattern).forEach(function (s) { set.add(s); });
      });
      out[lang] = set;
    });
    return out;
  };

  /* completions of the last word typed, from the indexed words (most frequent first): a Promise */
  Engine.prototype.suggest = function (q, limit) {
    var head = q.replace(/\s*\S*$/, ""), last = fold((q.match(/\S*$/) || [""])[0]), self = this;
    if (last.length < 2) return Promise.resolve([]);
    return this.prepare([{ kind: "prefix", text: last, pattern: null, every: true }], false).then(function () {
      var scored = new Map();
      self.langs.forEach(function (lang) {
        self.wordsWith(lang, last).forEach(function (pair) {
          var e = self.entry(lang, pair[1]);
          if (!e) return;
          var score = e.df[0] ? 1000 + e.df[0] : e.df[1];
          scored.set(pair[0], Math.max(scored.get(pair[0]) || 0, score));
        });
      });
      var best = Array.from(scored.keys()).sort(function (a, b) { return scored.get(b) - scored.get(a) || a.length - b.length || (a < b ? -1 : 1); });
      return best.slice(0, limit || 8).map(function (w) { return (head ? head + " " : "") + w; });
    });
  };

  Engine.prototype.snippetTerms = function (lang, text) { // [start, end] of each word of text whose stem was asked for
    var stems = this._stems ? this._stems[lang] : null, out = [], m, re = new RegExp(WORD.source, "gu");
    if (!stems) return out;
    while ((m = re.exec(text))) {
      var stem = this.stemOf(lang, fold(m[0]));
      if (stems.has(stem)) out.push([m.index, m.index + m[0].length, stem]);
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
    /* the engine of the index whose head is at `url` (its other files are beside it) */
    load: function (url) {
      var base = new URL(url, location.href).href;
      return fetch(base).then(function (r) {
        if (!r.ok) throw new Error("search index not available: " + r.status);
        return r.json();
      }).then(function (head) { return new Engine(head, base); });
    },
    parse: parse,
    fold: fold,
  };
})();
