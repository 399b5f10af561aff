/* ClearCheck on every page: label each table cell with its column's header, so that on a phone a row reads
   as a card ("状态:已批准"; site.css stacks the cells under 600 px). Runs again after an htmx swap. */
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll(".table-wrap table").forEach(function (table) {
      var rows = table.tHead ? table.tHead.rows : [];
      if (!rows.length) { return; }
      var names = Array.prototype.map.call(rows[rows.length - 1].cells, function (th) { return th.textContent.trim(); });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (tr) {
          Array.prototype.forEach.call(tr.cells, function (td, i) {
            if (!td.hasAttribute("data-label") && names[i] && td.colSpan === 1) { td.setAttribute("data-label", names[i]); }
          });
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target.ownerDocument || document); });
}());
