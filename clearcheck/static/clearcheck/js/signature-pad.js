/* A signature pad on a <canvas data-signature-pad data-target="<hidden input id>"> (plain JS, no library).
 *
 * The enterprise representative signs with a finger or a stylus (pointer events; mouse too). On submit
 * of the surrounding form the drawing goes into the hidden input as a PNG data URL
 * (data:image/png;base64,…) on a transparent background; an empty pad stops the submit. A button with
 * data-signature-clear empties the pad. The server checks the PNG again (real PNG, bounded size, not blank).
 */
(function () {
  "use strict";
  var MAX_SCALE = 2; // enough for a legible signature, small enough to upload on a weak network

  function setup(canvas) {
    var ctx = canvas.getContext("2d");
    var form = canvas.closest("form");
    var target = document.getElementById(canvas.getAttribute("data-target"));
    var emptyNote = form && form.querySelector("#signature-empty");
    var drawing = false;
    var strokes = 0;
    var last = null;

    function resize() {
      var scale = Math.min(window.devicePixelRatio || 1, MAX_SCALE);
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(rect.width * scale));
      canvas.height = Math.max(1, Math.round(rect.height * scale));
      ctx.setTransform(scale, 0, 0, scale, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      strokes = 0; // resizing clears the canvas
    }

    function point(evt) {
      var rect = canvas.getBoundingClientRect();
      return { x: evt.clientX - rect.left, y: evt.clientY - rect.top };
    }

    canvas.addEventListener("pointerdown", function (evt) {
      evt.preventDefault();
      drawing = true;
      last = point(evt);
      if (canvas.setPointerCapture) { canvas.setPointerCapture(evt.pointerId); }
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
      strokes++;
      if (emptyNote) { emptyNote.hidden = true; }
    });
    canvas.addEventListener("pointermove", function (evt) {
      if (!drawing) { return; }
      evt.preventDefault();
      var p = point(evt);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
    });
    function stop() { drawing = false; last = null; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    var clear = form && form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        strokes = 0;
        if (target) { target.value = ""; }
      });
    }

    if (form) {
      form.addEventListener("submit", function (evt) {
        if (!strokes) {
          evt.preventDefault();
          if (emptyNote) { emptyNote.hidden = false; }
          return;
        }
        if (target) { target.value = canvas.toDataURL("image/png"); }
      });
    }

    resize();
    // A phone turned sideways changes the pad's size; only an empty pad is resized (a drawing is kept).
    window.addEventListener("resize", function () { if (!strokes) { resize(); } });
  }

  function init() {
    document.querySelectorAll("canvas[data-signature-pad]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
