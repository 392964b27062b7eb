// The web registration form: while the subject is typed, offer the FAQ
// entries that might already answer it. The form works without this.
(function () {
  "use strict";
  var subject = document.getElementById("f-subject");
  var box = document.getElementById("faq-suggestions");
  if (!subject || !box) return;
  var timer = null;
  var asked = "";
  function show(hits) {
    box.textContent = "";
    if (!hits.length) return;
    var intro = document.createElement("p");
    intro.textContent = "These might answer your question:";
    var list = document.createElement("ul");
    hits.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.url;
      link.textContent = hit.title;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(intro);
    box.appendChild(list);
  }
  subject.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = subject.value.trim();
      if (q.length < 3 || q === asked) return;
      asked = q;
      fetch("/faq/suggest?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) { if (subject.value.trim() === q) show(hits); })
        .catch(function () {});
    }, 250);
  });
})();
