/* Autosave of the on-site record (现场检查笔录) on a flaky mobile network.
 *
 * Each form marked data-autosave (an entry's result/note/evidence, the header) posts itself through
 * htmx on every change. Until the server confirms a save, the form's values are kept in localStorage
 * under the form's URL; when a request cannot reach the server (no signal in a workshop) they are
 * posted again when the phone is back online, every 15 s meanwhile, and when the page is opened
 * again — so a result tapped offline is not lost. A reply never overwrites a field the officer is
 * still typing in. Plain JS, no library besides the vendored htmx.
 */
(function () {
  "use strict";

  // Messages come from Django's JavaScript catalogue (/i18n/js/, loaded by the page before this file);
  // without it the Chinese source text is shown.
  function _(message, values) {
    var text = window.gettext ? window.gettext(message) : message;
    return values ? text.replace(/%\((\w+)\)s/g, function (whole, name) { return String(values[name]); }) : text;
  }
  var PREFIX = "clearcheck:record:";
  var state = document.getElementById("offline-state");

  function pathOf(detail) {
    var config = detail && detail.requestConfig;
    return (config && config.path) || (detail && detail.pathInfo && detail.pathInfo.requestPath) || null;
  }

  function formFor(path) {
    var forms = document.querySelectorAll("form[data-autosave]");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].getAttribute("hx-post") === path) { return forms[i]; }
    }
    return null;
  }

  function fields(form) {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") { out.push([name, String(value)]); }
    });
    return out;
  }

  function pendingPaths() {
    var paths = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k.indexOf(PREFIX) === 0) { paths.push(k.slice(PREFIX.length)); }
    }
    return paths.filter(function (p) { return formFor(p) !== null; });
  }

  function showState() {
    if (!state) { return; }
    var n = pendingPaths().length;
    state.textContent = n ? _("网络不畅:%(n)s 项已暂存在本机,恢复网络后自动保存", { n: n }) : "";
    state.className = n ? "save-state pending" : "save-state";
  }

  function markForm(form, text) {
    var el = form && form.querySelector(".save-state");
    if (el) { el.textContent = text; el.className = "save-state pending"; }
  }

  function restore(form, saved) {
    var names = {};
    saved.forEach(function (pair) { (names[pair[0]] = names[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "hidden") { return; }
      var values = names[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.name in names) {
        el.value = values[0];
      }
    });
  }

  function retryAll() {
    if (!window.htmx) { return; }
    pendingPaths().forEach(function (path) {
      var form = formFor(path);
      try { restore(form, JSON.parse(localStorage.getItem(PREFIX + path))); } catch (e) {
        localStorage.removeItem(PREFIX + path);
        return;
      }
      markForm(form, _("正在重新保存…"));
      htmx.trigger(form, "change");
    });
  }

  document.body.addEventListener("htmx:beforeRequest", function (evt) {
    var form = evt.detail.elt;
    var path = pathOf(evt.detail);
    if (path && form && form.hasAttribute && form.hasAttribute("data-autosave")) {
      // Kept until the server confirms: a request lost on the way is sent again later.
      localStorage.setItem(PREFIX + path, JSON.stringify(fields(form)));
    }
  });

  // After a swap htmx announces the request on the new card (the old form left the page), so the
  // request is recognised by its URL, not by its element.
  document.body.addEventListener("htmx:afterRequest", function (evt) {
    var path = pathOf(evt.detail);
    if (!path || localStorage.getItem(PREFIX + path) === null) { return; }
    var xhr = evt.detail.xhr;
    if (xhr && xhr.status >= 200 && xhr.status < 500) {
      localStorage.removeItem(PREFIX + path);
      var form = formFor(path);
      var note = form && form.querySelector("[data-autosave-state]");
      if (note && xhr.getResponseHeader("HX-Reswap") === "none") {
        var now = new Date();
        note.textContent = _("已自动保存 %(time)s", { time: String(now.getHours()).padStart(2, "0") + ":" +
          String(now.getMinutes()).padStart(2, "0") });
        note.className = "save-state saved";
      }
    } else {
      markForm(formFor(path), _("未能保存:已暂存在本机,恢复网络后自动保存"));
    }
    showState();
  });

  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    var active = document.activeElement;
    // The officer is still typing in this card: keep their text; the next change saves it.
    var typing = active && (active.tagName === "TEXTAREA" || (active.tagName === "INPUT" && active.type === "text"));
    if (target && typing && target.contains(active) && active.value !== active.defaultValue) {
      evt.detail.shouldSwap = false;
    }
  });

  window.addEventListener("online", retryAll);
  window.setInterval(function () { if (pendingPaths().length) { retryAll(); } }, 15000);
  // After htmx has wired the forms up (it does so on DOMContentLoaded).
  window.addEventListener("load", function () { retryAll(); showState(); });
})();
