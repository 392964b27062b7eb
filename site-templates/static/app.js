/* tkt site behaviour: the filterable ticket list and client-side search.
   Plain JavaScript, no network beyond the site's own files, and every value
   from the data goes into the page as text, never as markup.

   Ticket and search data are JSON files read with fetch(), never scripts:
   another web site could include a script of this site with <script src>
   and read what it sets, while the browser refuses it a fetch of our JSON.
   The price: a page opened as a file (file://) cannot fetch either, so
   there the list and search say that they need the site served over HTTP,
   and the static pages (lists, tickets, FAQ) remain readable. */
(function () {
  "use strict";

  var PAGE_SIZE = 50;
  /** Query words are cut like indexed words (search.rs, MAX_TERM_CHARS). */
  var MAX_TERM_CHARS = 40;
  var NEEDS_HTTP = "needs the site served over HTTP: run `tkt serve`, or put the folder on any web server. " +
    "Opened as a file, the browser does not let this page read its data.";
  var loaded = {};

  /* Fetches a JSON file of the site once. */
  function loadJson(src) {
    if (!loaded[src]) {
      loaded[src] = location.protocol === "file:"
        ? Promise.reject(new Error(NEEDS_HTTP))
        : fetch(src, { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) { throw new Error("could not load " + src + " (HTTP " + r.status + ")"); }
          return r.json();
        }, function () { throw new Error("could not load " + src); });
    }
    return loaded[src];
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function badge(kind, value) {
    return el("span", { "class": "badge " + kind + "-" + value }, [value.replace(/-/g, " ")]);
  }

  /* ---------- ticket list ---------- */

  var RANK = {
    status: ["open", "in-progress", "waiting-on-requester", "resolved", "closed"],
    priority: ["low", "medium", "high", "urgent"],
    sla: ["", "met", "on-track", "at-risk", "breached"]
  };

  function ticketList(form) {
    var root = document.body.getAttribute("data-root") || "";
    var table = document.getElementById("ticket-results");
    var count = document.getElementById("ticket-count");
    var pager = document.getElementById("ticket-pager");
    var pageLabel = document.getElementById("ticket-page");
    var state = { sort: "folio", dir: -1, page: 0 };
    var rows = [];

    function readHash() {
      var params = new URLSearchParams(location.hash.slice(1));
      Array.prototype.forEach.call(form.elements, function (input) {
        if (input.name && params.has(input.name)) { input.value = params.get(input.name); }
      });
    }

    function writeHash() {
      var params = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (input) {
        if (input.name && input.value) { params.set(input.name, input.value); }
      });
      var hash = params.toString();
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    }

    function matches(r, f) {
      if (f.status === "") { if (r.status === "closed") { return false; } }
      else if (f.status !== "*" && r.status !== f.status) { return false; }
      if (f.priority && r.priority !== f.priority) { return false; }
      if (f.category && r.category !== f.category) { return false; }
      if (f.assignee === "-") { if (r.assignee) { return false; } }
      else if (f.assignee && r.assignee !== f.assignee) { return false; }
      if (f.text) {
        var hay = (r.folio + " " + r.subject + " " + r.requester_name + " " + r.assignee_name + " " + r.category_name).toLowerCase();
        return f.text.split(/\s+/).every(function (word) { return hay.indexOf(word) >= 0; });
      }
      return true;
    }

    function compare(a, b) {
      var k = state.sort, x = a[k], y = b[k];
      if (RANK[k]) { x = RANK[k].indexOf(x); y = RANK[k].indexOf(y); }
      var c = x < y ? -1 : x > y ? 1 : 0;
      if (c === 0 && k !== "folio") { c = a.folio < b.folio ? -1 : 1; }
      return c * state.dir;
    }

    function row(r) {
      var subject = el("td", {}, [r.subject]);
      if (r.confidential) { subject.appendChild(document.createTextNode(" ")); subject.appendChild(el("span", { "class": "badge confidential" }, ["confidential"])); }
      return el("tr", {}, [
        el("td", {}, [el("a", { href: root + r.url }, [r.folio])]),
        subject,
        el("td", {}, [badge("status", r.status)]),
        el("td", {}, [badge("priority", r.priority)]),
        el("td", {}, [r.category_name]),
        el("td", {}, [r.assignee_name || "unassigned"]),
        el("td", {}, [r.created]),
        el("td", {}, r.sla ? [badge("sla", r.sla)] : [])
      ]);
    }

    function render() {
      var f = {};
      Array.prototype.forEach.call(form.elements, function (input) { if (input.name) { f[input.name] = input.value.trim().toLowerCase(); } });
      var shown = rows.filter(function (r) { return matches(r, f); }).sort(compare);
      var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
      state.page = Math.min(state.page, pages - 1);
      var body = table.tBodies[0];
      var fresh = document.createElement("tbody");
      shown.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE).forEach(function (r) { fresh.appendChild(row(r)); });
      table.replaceChild(fresh, body);
      count.textContent = shown.length + " of " + rows.length + " tickets match.";
      pager.hidden = pages < 2;
      pageLabel.textContent = "Page " + (state.page + 1) + " of " + pages;
      pager.querySelector("[data-page=prev]").disabled = state.page === 0;
      pager.querySelector("[data-page=next]").disabled = state.page >= pages - 1;
      Array.prototype.forEach.call(table.tHead.querySelectorAll("th"), function (th) {
        var key = th.querySelector("button").getAttribute("data-sort");
        th.setAttribute("aria-sort", key === state.sort ? (state.dir > 0 ? "ascending" : "descending") : "none");
      });
    }

    form.addEventListener("input", function () { state.page = 0; writeHash(); render(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    table.tHead.addEventListener("click", function (e) {
      var key = e.target.getAttribute && e.target.getAttribute("data-sort");
      if (!key) { return; }
      state.dir = state.sort === key ? -state.dir : (key === "folio" || key === "created" || RANK[key] ? -1 : 1);
      state.sort = key;
      render();
    });
    pager.addEventListener("click", function (e) {
      var step = e.target.getAttribute && e.target.getAttribute("data-page");
      if (step) { state.page += step === "next" ? 1 : -1; render(); }
    });

    loadJson(form.getAttribute("data-source")).then(function (data) {
      rows = data.rows.map(function (values) {
        var r = {};
        data.columns.forEach(function (c, i) { r[c] = values[i]; });
        return r;
      });
      table.hidden = false;
      readHash();
      render();
    }, function (err) {
      form.hidden = true;
      count.textContent = err.message === NEEDS_HTTP ? "Filtering " + NEEDS_HTTP + " " : err.message + " ";
      count.appendChild(el("a", { href: root + "lists/index.html" }, ["Browse the static lists instead."]));
    });
  }

  /* ---------- search ---------- */

  function loadShards(list) {
    return Promise.all(list.map(loadJson)).then(function (shards) {
      return shards.map(function (shard) {
        if (!shard.loaded) { shard.loaded = window.elasticlunr.Index.load(shard.index); }
        return shard;
      });
    });
  }

  /* The query with each word cut as the index cuts words. */
  function boundedQuery(query) {
    return query.split(/([\s-]+)/).map(function (part) {
      return Array.from(part).slice(0, MAX_TERM_CHARS).join("");
    }).join("");
  }

  function search(shards, query, limit) {
    var hits = [];
    shards.forEach(function (shard) {
      shard.loaded.search(boundedQuery(query), { fields: { title: { boost: 3 }, body: { boost: 1 } }, bool: "AND", expand: true })
        .forEach(function (hit) {
          var doc = shard.docs[hit.ref];
          if (doc) { hits.push({ kind: shard.kind, score: hit.score, title: doc[0], url: doc[1], meta: doc[2] }); }
        });
    });
    hits.sort(function (a, b) { return b.score - a.score || (a.title < b.title ? -1 : 1); });
    return hits.slice(0, limit);
  }

  function resultItem(root, hit) {
    return el("li", {}, [
      el("a", { href: root + hit.url }, [hit.title]),
      el("span", { "class": "meta" }, [(hit.kind === "faq" ? "FAQ" : "Ticket") + (hit.meta ? " · " + hit.meta : "")])
    ]);
  }

  function searchBox(form, output, status, limit) {
    var root = document.body.getAttribute("data-root") || "";
    var shards = form.getAttribute("data-shards").split(" ").filter(Boolean);
    var input = form.elements.q;
    var timer = null;

    function run() {
      var query = input.value.trim();
      output.textContent = "";
      if (!query && location.protocol !== "file:") { if (status) { status.textContent = "Type a word to search."; } return; }
      if (status) { status.textContent = "Searching…"; }
      loadShards(shards).then(function (loadedShards) {
        if (input.value.trim() !== query) { return; }
        var hits = search(loadedShards, query, limit);
        output.textContent = "";
        hits.forEach(function (hit) { output.appendChild(resultItem(root, hit)); });
        var text = hits.length ? hits.length + (hits.length === limit ? "+" : "") + " result" + (hits.length === 1 ? "" : "s") + " for “" + query + "”."
                               : "Nothing found for “" + query + "”.";
        if (status) { status.textContent = text; } else if (!hits.length) { output.appendChild(el("p", { "class": "muted" }, [text])); }
      }, function (err) {
        var text = err.message === NEEDS_HTTP ? "Search " + NEEDS_HTTP : err.message;
        output.textContent = "";
        if (status) { status.textContent = text; } else { output.appendChild(el("p", { "class": "muted" }, [text])); }
      });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var url = new URL(location.href);
      url.searchParams.set("q", input.value.trim());
      history.replaceState(null, "", url.search);
      run();
    });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    var initial = new URLSearchParams(location.search).get("q");
    if (initial) { input.value = initial; run(); }
    else if (location.protocol === "file:") { run(); }
    else if (status) { status.textContent = "Type a word to search."; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("ticket-filters");
    if (list) { ticketList(list); }
    var page = document.getElementById("search-form");
    if (page) { searchBox(page, document.getElementById("search-results"), document.getElementById("search-status"), 100); }
    var faq = document.getElementById("faq-search");
    if (faq) {
      var out = el("ol", { "class": "results" });
      document.getElementById("faq-results").appendChild(out);
      searchBox(faq, out, null, 20);
    }
    var siteQ = document.getElementById("site-q");
    var pageQ = new URLSearchParams(location.search).get("q");
    if (siteQ && pageQ && page) { siteQ.value = pageQ; }
  });
})();
