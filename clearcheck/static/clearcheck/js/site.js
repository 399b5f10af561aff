/* ClearCheck on every page (plain JS, no library).
   1. Tables: label each cell with its column's header, so that on a phone a row reads as a card ("状态:已批准";
      site.css stacks the cells under 600 px). Runs again after an htmx swap.
   2. Limits shown before sending (issue 19): every text field with a maxlength gets a counter ("已输入 n / 4000
      字"). The browser's own maxlength would cut a pasted text without a word, so the limit becomes a soft one:
      nothing is cut, the counter says how much is over and the form is not sent until it fits (the server
      refuses an over-long text with a field error anyway).
   3. Drafts (issue 19): a form marked data-draft keeps what is typed in localStorage, filed under the signed-in
      user's draft key (<meta name="clearcheck-forms">, not the username) and the form's page. When the session
      expired and the send was refused (the login page or the CSRF-failure page), the login returns to the
      form and the form, still empty, is filled in again. The draft is dropped once a send succeeded (the next
      signed-in page no longer shows the form), at logout (all drafts: officers share phones), when another
      user signs in on the same browser, and after a week. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="clearcheck-forms"]');
  var DRAFT_KEY = meta ? meta.content : "";
  var PREFIX = "clearcheck:draft:";
  var PENDING = "clearcheck:draft-pending";
  var MAX_AGE = 7 * 24 * 3600 * 1000;

  function text(name, fallback, values) {
    var s = (meta && meta.getAttribute("data-" + name)) || fallback;
    return s.replace(/%\((\w+)\)s/g, function (whole, key) { return values && key in values ? String(values[key]) : whole; });
  }

  // --- 1. Tables read as cards on a phone ----------------------------------------------------------------
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

  // --- 2. Counters against a field's limit ---------------------------------------------------------------
  var TEXT_TYPES = ["text", "search", "tel", "url", "email"];
  var counters = 0;

  function length(value) { return Array.from(value).length; }  // characters, as the server counts them

  function showCount(field) {
    var max = parseInt(field.getAttribute("data-maxlength"), 10);
    var out = document.getElementById(field.getAttribute("data-counter"));
    if (!out || !(max > 0)) { return; }
    var n = length(field.value);
    if (n > max) {
      out.textContent = text("over", "超出 %(n)s 字,请删减后再提交", { n: n - max });
      out.className = "char-count badge bad";
      field.setCustomValidity(out.textContent);
    } else {
      out.textContent = text("count", "已输入 %(n)s / %(max)s 字", { n: n, max: max });
      out.className = "char-count muted small";
      field.setCustomValidity("");
    }
  }

  function count(root) {
    root.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(function (field) {
      if (field.tagName === "INPUT" && TEXT_TYPES.indexOf((field.getAttribute("type") || "text").toLowerCase()) === -1) { return; }
      // A search box (a GET form) keeps its plain limit: a search term is not something to lose.
      if (field.form && (field.form.getAttribute("method") || "get").toLowerCase() === "get" && !field.form.hasAttribute("hx-post")) { return; }
      // A code (one-time password, recovery code) is not prose: no counter ("data-no-counter").
      if (field.hasAttribute("data-no-counter")) { return; }
      var max = parseInt(field.getAttribute("maxlength"), 10);
      if (!(max > 0) || field.hasAttribute("data-counter")) { return; }
      var out = document.createElement("span");
      out.id = "char-count-" + (++counters);
      out.setAttribute("data-counter-for", field.name || "");
      field.setAttribute("data-maxlength", String(max));
      field.removeAttribute("maxlength");
      field.setAttribute("data-counter", out.id);
      field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + out.id).trim());
      field.insertAdjacentElement("afterend", out);
      field.addEventListener("input", function () { showCount(field); });
      showCount(field);
    });
  }

  // --- 3. Drafts of forms ------------------------------------------------------------------------------
  function storage(kind) {
    try { return window[kind]; } catch (e) { return null; }  // storage refused (private mode, policy)
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");
  var SKIPPED = ["hidden", "password", "file", "submit", "button", "reset", "image"];

  function draftId(form) {
    return form.getAttribute("data-draft") || (location.pathname + "#" + (form.id || ""));
  }
  function draftStoreKey(form) { return PREFIX + DRAFT_KEY + ":" + draftId(form); }

  function kept(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && !el.disabled && SKIPPED.indexOf(el.type) === -1;
    });
  }
  function typed(el) { return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type !== "checkbox" && el.type !== "radio"); }
  function isEmpty(form) {
    return kept(form).every(function (el) { return !typed(el) || !el.value.trim(); });
  }

  function fieldsOf(form) {
    var out = [];
    kept(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { out.push([el.name, el.value]); }
      } else if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { out.push([el.name, o.value]); });
      } else {
        out.push([el.name, el.value]);
      }
    });
    return out;
  }

  function save(form) {
    var key = draftStoreKey(form);
    if (isEmpty(form)) { local.removeItem(key); return; }
    try { local.setItem(key, JSON.stringify({ t: Date.now(), f: fieldsOf(form) })); } catch (e) { /* full: keep typing */ }
  }

  function fill(form, pairs) {
    var values = {};
    pairs.forEach(function (p) { (values[p[0]] = values[p[0]] || []).push(p[1]); });
    kept(form).forEach(function (el) {
      var list = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = list.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = list.indexOf(o.value) !== -1; });
      } else if (el.name in values) {
        el.value = list.shift();
        values[el.name] = list;
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function clearForm(form) {
    kept(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { el.checked = false; } else if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function notice(form) {
    var note = document.createElement("p");
    note.className = "draft-note muted small";
    note.setAttribute("role", "status");
    note.textContent = text("restored", "已填回上次未提交的内容(保存在本机,提交后清除)") + " ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = text("discard", "清空重填");
    discard.addEventListener("click", function () {
      clearForm(form);
      local.removeItem(draftStoreKey(form));
      note.remove();
    });
    note.appendChild(discard);
    form.insertBefore(note, form.firstChild);
  }

  function dropDrafts(keep) {
    var drop = [];
    for (var i = 0; i < local.length; i++) {
      var key = local.key(i);
      if (key && key.indexOf(PREFIX) === 0 && !keep(key)) { drop.push(key); }
    }
    drop.forEach(function (key) { local.removeItem(key); });
  }

  function fresh(key) {
    try { return Date.now() - JSON.parse(local.getItem(key)).t < MAX_AGE; } catch (e) { return false; }
  }

  function isLogout(form) {
    var logout = meta && meta.getAttribute("data-logout");
    try { return Boolean(logout) && new URL(form.action, location.href).pathname === logout; } catch (e) { return false; }
  }

  // Whether this page came from following a link or sending a form (not Back, Forward or a reload, after
  // which a send that never reached the server must not count as received).
  function arrived() {
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return !entries.length || entries[0].type === "navigate";
  }

  function drafts() {
    if (!local || !session) { return; }
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (isLogout(form)) {
        dropDrafts(function () { return false; });
        session.removeItem(PENDING);
      } else if (DRAFT_KEY && form.hasAttribute("data-draft")) {
        save(form);
        session.setItem(PENDING, draftStoreKey(form));
      }
    });
    // Another user's drafts never reach this user; old ones go.
    dropDrafts(function (key) { return (!DRAFT_KEY || key.indexOf(PREFIX + DRAFT_KEY + ":") === 0) && fresh(key); });
    if (!DRAFT_KEY) { session.removeItem(PENDING); return; }  // signed out: the draft waits for the login
    var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-draft]"));
    var pending = session.getItem(PENDING);
    session.removeItem(PENDING);
    if (pending && arrived()) {
      // The page the send led to. Refused (an error page, a login form, an error message, or the form given
      // back with what was typed) keeps the draft; anything else means it was received. A form that leads
      // back to itself when received comes back empty.
      var refused = document.getElementById("error-page") || document.querySelector("input[type=password]") ||
        document.querySelector(".messages .error") ||
        forms.some(function (form) { return draftStoreKey(form) === pending && !isEmpty(form); });
      if (!refused) { local.removeItem(pending); }
    }
    forms.forEach(function (form) {
      var saved = null;
      try { saved = JSON.parse(local.getItem(draftStoreKey(form))); } catch (e) { saved = null; }
      if (saved && saved.f && isEmpty(form)) {
        fill(form, saved.f);
        notice(form);
      }
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    label(document);
    count(document);
    drafts();
  });
  // The browser may put back what was typed when the page is shown again (Back): count it.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-counter]").forEach(showCount);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.target.ownerDocument || document;
    label(root);
    count(root);
  });
}());
