/* Geolocated check-in without an enterprise code (inspections/visits/checkin_location.html, R11): the
   browser's WGS-84 position fills the .js-lat/.js-lng/.js-acc fields and enables the check-in button. The
   messages come translated in #geo-status's data-* attributes. A file, not an inline script, under the
   Content-Security-Policy (issue 20). */
(function () {
  "use strict";
  var status = document.getElementById("geo-status");
  if (!status) { return; }
  var submit = document.getElementById("geo-submit");
  function say(name) { return status.getAttribute("data-" + name) || ""; }
  function put(pos) {
    var c = pos.coords;
    document.querySelectorAll(".js-lat").forEach(function (el) { el.value = c.latitude.toFixed(6); });
    document.querySelectorAll(".js-lng").forEach(function (el) { el.value = c.longitude.toFixed(6); });
    document.querySelectorAll(".js-acc").forEach(function (el) { el.value = Math.round(c.accuracy); });
    status.textContent = say("located") + " " + Math.round(c.accuracy) + " " + say("metres");
    if (submit) { submit.disabled = false; }
  }
  if (!window.isSecureContext || !navigator.geolocation) {
    status.textContent = say("no-geo");
    return;
  }
  navigator.geolocation.watchPosition(put, function (err) {
    status.textContent = say("failed") + "(" + err.message + ")";
  }, {enableHighAccuracy: true, maximumAge: 10000, timeout: 20000});
}());
