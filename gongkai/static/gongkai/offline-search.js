/* Offline search for the exported static site: matches the query's words against the
   pre-built index (search-index.js). Words are Chinese terms from the index's vocabulary
   found in the query, plus any space-separated words. */
(function () {
  "use strict";
  var index = window.GONGKAI_INDEX;
  var form = document.getElementById("offline-search");
  if (!index || !form) { return; }
  var vocabulary = Object.keys(index.terms).sort(function (a, b) { return b.length - a.length; });

  function words(query) {
    var found = [];
    var rest = query.toLowerCase();
    rest.split(/\s+/).forEach(function (w) { if (index.terms[w]) { found.push(w); } });
    vocabulary.forEach(function (term) {
      if (rest.indexOf(term) !== -1 && found.indexOf(term) === -1) {
        found.push(term);
        rest = rest.split(term).join(" ");
      }
    });
    return found;
  }

  function search(query) {
    var scores = {};
    words(query).forEach(function (term) {
      index.terms[term].forEach(function (doc) { scores[doc] = (scores[doc] || 0) + term.length; });
    });
    return Object.keys(scores).map(Number).sort(function (a, b) {
      return scores[b] - scores[a] || a - b;  /* docs are newest first: recency breaks ties */
    }).slice(0, 50);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = document.getElementById("q").value.trim();
    var list = document.getElementById("results");
    var hits = query ? search(query) : [];
    list.textContent = "";
    hits.forEach(function (doc) {
      var d = index.docs[doc];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = d[0];
      a.textContent = d[1];
      var meta = document.createElement("span");
      meta.className = "date";
      meta.textContent = d[2] + " " + d[3];
      li.appendChild(a);
      li.appendChild(meta);
      list.appendChild(li);
    });
    document.getElementById("summary").textContent =
      query ? "找到 " + hits.length + " 条结果" : "请输入检索词";
  });
}());
