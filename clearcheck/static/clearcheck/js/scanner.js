/* The in-page scanner of "my tasks" (inspections/visits/_scanner.html): the browser's own BarcodeDetector
   and camera, shown only where both exist (HTTPS). A scanned enterprise code opens our own landing page,
   whatever host the poster names. Messages come translated in #scanner's data-* attributes. A file, not an
   inline script, under the Content-Security-Policy (issue 20). */
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices || !window.isSecureContext) { return; }
  box.hidden = false;
  var video = document.getElementById("scanner-video");
  var status = document.getElementById("scanner-status");
  document.getElementById("scanner-start").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream; video.hidden = false; video.play();
      status.textContent = box.getAttribute("data-aim");
      var tick = function () {
        detector.detect(video).then(function (codes) {
          for (var i = 0; i < codes.length; i++) {
            var url;
            try { url = new URL(codes[i].rawValue, window.location.href); } catch (e) { continue; }
            if (url.pathname.indexOf("/public/c/") === 0) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              window.location.assign(url.pathname);
              return;
            }
          }
          window.requestAnimationFrame(tick);
        }).catch(function () { window.requestAnimationFrame(tick); });
      };
      tick();
    }).catch(function () { status.textContent = box.getAttribute("data-no-camera"); });
  });
}());
