/* Hindsight: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  // "/" focuses the search box, as on most documentation sites.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName))) return;
    var box = document.getElementById("search-q") || document.getElementById("site-search-input");
    if (box) {
      e.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
