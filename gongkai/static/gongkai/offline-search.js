/* Offline search for the exported static site (reading points), over search-index.js.

   It follows the online search (gongkai/search/queries.py) step by step:
   1. the query is normalised (NFKC, lower case, at most 100 characters) and cut into words;
      without the online segmenter, Chinese runs are cut by forward maximum matching against
      the index's own words, letters and digits are kept whole, stop words dropped;
   2. records holding every word (title, publisher, 文号, year, summary, body, attachments);
      if none, each Chinese run of the query matched by its character pairs; if still none and
      there are several words, records holding some of them (the most words first);
   3. relevance as the online title_rank: each word weighs its length, twice in the title, once
      in the publisher or year; ties newest first. Or newest first.
   All matches are counted and paged, 20 to a page. */
(function () {
  "use strict";
  var index = window.GONGKAI_INDEX;
  var form = document.getElementById("offline-search");
  if (!index || !form) { return; }
  var PAGE_SIZE = 20;
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var PIECE = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var TOKEN = /[\p{L}\p{N}]+/gu;
  var stopwords = {};
  index.stopwords.forEach(function (w) { stopwords[w] = true; });
  var longest = 1;
  Object.keys(index.words).forEach(function (w) { if (w.length > longest) { longest = w.length; } });
  longest = Math.min(longest, 24);
  var decoded = {};
  var state = {hits: [], page: 1};

  function has(table, key) { return Object.prototype.hasOwnProperty.call(table, key); }

  function postings(table, name, token) {
    var key = name + ":" + token;
    if (!has(decoded, key)) {
      var docs = [];
      if (has(table, token)) {
        var doc = -1;
        table[token].split(",").forEach(function (gap) { doc += parseInt(gap, 36); docs.push(doc); });
      }
      decoded[key] = docs;
    }
    return decoded[key];
  }

  function normalise(text) { return (text || "").normalize("NFKC").toLowerCase(); }

  function segment(run) {
    var out = [];
    var i = 0;
    while (i < run.length) {
      var size = 1;
      for (var n = Math.min(longest, run.length - i); n > 1; n--) {
        if (has(index.words, run.substr(i, n))) { size = n; break; }
      }
      out.push(run.substr(i, size));
      i += size;
    }
    return out;
  }

  function parse(input) {
    var raw = normalise(input.replace(/\u0000/g, " ")).slice(0, index.maxQueryChars * 2);
    raw = raw.replace(/\s+/g, " ").trim().slice(0, index.maxQueryChars);
    var terms = [];
    (raw.match(TOKEN) || []).forEach(function (token) {
      (token.match(PIECE) || []).forEach(function (piece) {
        (CJK.test(piece) ? segment(piece) : [piece]).forEach(function (word) {
          if (!has(stopwords, word) && terms.indexOf(word) === -1 && terms.length < index.maxQueryTerms) {
            terms.push(word);
          }
        });
      });
    });
    return {raw: raw, terms: terms};
  }

  function intersect(lists) {
    if (!lists.length) { return []; }
    lists = lists.slice().sort(function (a, b) { return a.length - b.length; });
    var sets = lists.slice(1).map(function (list) {
      var set = {};
      list.forEach(function (doc) { set[doc] = true; });
      return set;
    });
    return lists[0].filter(function (doc) {
      return sets.every(function (set) { return set[doc]; });
    });
  }

  function pairs(term) {
    if (term.length < 2 || term.replace(CJK_RUN, "") !== "") { return []; }
    var out = [];
    for (var i = 0; i + 1 < term.length; i++) { out.push(term.substr(i, 2)); }
    return out;
  }

  /* The records holding one term: as a word, or (character-pair mode) by all its pairs. */
  function holding(term, byPairs) {
    var grams = byPairs ? pairs(term) : [];
    if (!grams.length) { return postings(index.words, "w", term); }
    return intersect(grams.map(function (g) { return postings(index.grams, "g", g); }));
  }

  function titleScore(doc, terms) {
    var title = index.docs[doc][5];
    var side = index.docs[doc][6];
    return terms.reduce(function (score, term) {
      var t = normalise(term);
      return score + t.length * (title.indexOf(t) !== -1 ? 2 : side.indexOf(t) !== -1 ? 1 : 0);
    }, 0);
  }

  function search(input, order) {
    var query = parse(input);
    var result = {terms: query.terms, hits: [], byPairs: false, partial: false};
    if (!query.terms.length) { return result; }
    var terms = query.terms;
    var byPairs = false;
    var hits = intersect(terms.map(function (t) { return holding(t, false); }));
    if (!hits.length) {
      var runs = (query.raw.match(CJK_RUN) || []).filter(function (r) { return r.length > 1; });
      if (runs.length) {
        var others = query.terms.filter(function (t) { return !CJK.test(t); });
        terms = runs.concat(others).slice(0, index.maxQueryTerms);
        byPairs = true;
        hits = intersect(terms.map(function (t) { return holding(t, true); }));
        result.byPairs = hits.length > 0;
      }
    }
    var held = {};
    if (!hits.length && terms.length > 1) {
      terms.forEach(function (t) {
        holding(t, byPairs).forEach(function (doc) { held[doc] = (held[doc] || 0) + 1; });
      });
      hits = Object.keys(held).map(Number).sort(function (a, b) { return a - b; });
      result.partial = hits.length > 0;
    }
    if (order === "newest") {
      hits.sort(function (a, b) { return a - b; });  /* docs are stored newest first */
    } else {
      var scores = {};
      hits.forEach(function (doc) { scores[doc] = titleScore(doc, terms); });
      hits.sort(function (a, b) {
        return (held[b] || 0) - (held[a] || 0) || scores[b] - scores[a] || a - b;
      });
    }
    result.hits = hits;
    result.marks = terms.map(normalise).sort(function (a, b) { return b.length - a.length; });
    return result;
  }

  function marked(text, terms) {
    var fragment = document.createDocumentFragment();
    var lower = normalise(text);
    var i = 0;
    var start = 0;
    while (i < text.length) {
      var found = "";
      for (var k = 0; k < terms.length; k++) {
        if (terms[k] && lower.substr(i, terms[k].length) === terms[k]) { found = terms[k]; break; }
      }
      if (found && lower.length === text.length) {
        if (i > start) { fragment.appendChild(document.createTextNode(text.slice(start, i))); }
        var mark = document.createElement("mark");
        mark.textContent = text.substr(i, found.length);
        fragment.appendChild(mark);
        i += found.length;
        start = i;
      } else {
        i += 1;
      }
    }
    if (start < text.length) { fragment.appendChild(document.createTextNode(text.slice(start))); }
    return fragment;
  }

  function show() {
    var list = document.getElementById("results");
    var pages = Math.max(1, Math.ceil(state.hits.length / PAGE_SIZE));
    state.page = Math.min(Math.max(state.page, 1), pages);
    list.textContent = "";
    state.hits.slice((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE).forEach(function (doc) {
      var d = index.docs[doc];
      var li = document.createElement("li");
      var box = document.createElement("div");
      var a = document.createElement("a");
      a.href = d[0];
      a.appendChild(marked(d[1], state.marks));
      box.appendChild(a);
      if (d[4]) {
        var badge = document.createElement("span");
        badge.className = "badge warn";
        badge.textContent = d[4];
        box.appendChild(document.createTextNode(" "));
        box.appendChild(badge);
      }
      var publisher = document.createElement("span");
      publisher.className = "muted";
      publisher.textContent = d[2];
      box.appendChild(document.createElement("br"));
      box.appendChild(publisher);
      var date = document.createElement("span");
      date.className = "date";
      date.textContent = d[3];
      li.appendChild(box);
      li.appendChild(date);
      list.appendChild(li);
    });
    var nav = document.getElementById("pages");
    nav.hidden = pages < 2;
    document.getElementById("page-of").textContent = "第 " + state.page + " / " + pages + " 页";
    document.getElementById("previous").disabled = state.page <= 1;
    document.getElementById("next").disabled = state.page >= pages;
  }

  function run() {
    var input = document.getElementById("q").value;
    var order = document.getElementById("order").value;
    var result = search(input, order);
    var summary = document.getElementById("summary");
    state = {hits: result.hits, page: 1, marks: result.marks || []};
    if (!input.trim()) {
      summary.textContent = "请输入检索词。";
    } else if (!result.terms.length) {
      summary.textContent = "检索词中没有可检索的文字，请输入中文词语、数字或字母。";
    } else if (!result.hits.length) {
      summary.textContent = "没有找到与“" + result.terms.join(" ") + "”相关的已公开信息。可以换一个说法，或减少检索词。";
    } else {
      summary.textContent = "找到 " + result.hits.length + " 条与“" + result.terms.join(" ") + "”相关的信息" +
        (result.byPairs ? "（按字词近似匹配）" : "") +
        (result.partial ? "（没有同时包含全部检索词的信息，以下信息包含其中部分检索词，包含越多越靠前）" : "") +
        (order === "newest" ? "，按发布时间排序。" : "，按相关度排序。");
    }
    show();
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  document.getElementById("order").addEventListener("change", function () {
    if (document.getElementById("q").value.trim()) { run(); }
  });
  document.getElementById("previous").addEventListener("click", function () { state.page -= 1; show(); });
  document.getElementById("next").addEventListener("click", function () { state.page += 1; show(); });
  window.gongkaiOfflineSearch = search;  /* for the tests, which compare it with the online search */
}());
