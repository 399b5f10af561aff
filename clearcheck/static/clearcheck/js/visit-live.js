/* The visit hub while the team confirms (R14): the countdown to the confirmation deadline. The element is
 * looked up on every tick, because htmx replaces the part of the page that holds it when it polls
 * (inspections/visits/_live.html). Plain JS besides the vendored htmx.
 */
(function () {
  "use strict";
  function tick() {
    var el = document.getElementById("countdown");
    if (!el) { return; }
    var deadline = Number(el.getAttribute("data-deadline"));
    var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = left > 0 ? el.getAttribute("data-left") + " " + m + ":" + (s < 10 ? "0" : "") + s
      : el.getAttribute("data-over");
  }
  tick();
  window.setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", tick);
})();
