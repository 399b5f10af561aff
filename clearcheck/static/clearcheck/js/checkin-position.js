/* The code landing page's check-in (inspections/visits/code_landing.html): the code decides the entry; a
   position, when the browser gives one (HTTPS only), is kept with the visit in the .js-lat/.js-lng fields.
   A file, not an inline script, under the Content-Security-Policy (issue 20). */
(function () {
  "use strict";
  if (!window.isSecureContext || !navigator.geolocation) { return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.querySelectorAll(".js-lat").forEach(function (el) { el.value = pos.coords.latitude.toFixed(6); });
    document.querySelectorAll(".js-lng").forEach(function (el) { el.value = pos.coords.longitude.toFixed(6); });
  }, function () {}, {enableHighAccuracy: true, maximumAge: 30000, timeout: 10000});
}());
