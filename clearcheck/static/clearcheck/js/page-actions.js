/* Small behaviours that were inline handlers (onchange=, onclick=, javascript: URLs), which the
   Content-Security-Policy forbids (issue 20, clearcheck/core/csp.py). Declared with data-* attributes:
   - data-autosubmit on a field: changing it sends its form (the language switch);
   - data-print on a button: prints the page (the enterprise code poster);
   - data-back on a button: goes back one page (the CSRF-failure page). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      // requestSubmit sends the submit event that site.js listens to (drafts); submit() is for old browsers.
      if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print], [data-back]") : null;
    if (!button) { return; }
    event.preventDefault();
    if (button.hasAttribute("data-print")) { window.print(); } else { window.history.back(); }
  });
}());
