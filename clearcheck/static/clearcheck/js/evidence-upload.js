/* Evidence upload on a phone (R18), plain JavaScript without libraries.
 *
 * The officer takes a photo or video (or picks a file), says what it proves; the page fills in the capture
 * time (the file's time), the place (navigator.geolocation; without it the evidence states 未取得位置)
 * and, for recordings, the span recorded. It computes the file's SHA-256, declares the upload to
 * /api/visits/<id>/evidence-uploads and sends the file in chunks (PATCH with Upload-Offset). When a chunk
 * fails (dropped connection, timeout, server restart) it waits, asks the server how far it got, and
 * continues from there; choosing the same file again after a reload also resumes. Without JavaScript the
 * form posts the file in one request.
 */
(function () {
  "use strict";

  // Messages come from Django's JavaScript catalogue (/i18n/js/, loaded by the page before this file);
  // without it the Chinese source text is shown.
  function _(message, values) {
    var text = window.gettext ? window.gettext(message) : message;
    return values ? text.replace(/%\((\w+)\)s/g, function (whole, name) { return String(values[name]); }) : text;
  }

  // ---------------------------------------------------------------- SHA-256, incremental (FIPS 180-4)
  // crypto.subtle has no streaming digest; a 2 GB video cannot be held in memory, so large files are
  // hashed block by block here.
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

  function Sha256() {
    this.h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.w = new Uint32Array(64);
    this.tail = new Uint8Array(64);
    this.tailLength = 0;
    this.total = 0;
  }

  Sha256.prototype.compress = function (bytes, at) {
    var w = this.w, h = this.h, i, s0, s1, t1, t2;
    for (i = 0; i < 16; i++) {
      w[i] = (bytes[at + 4 * i] << 24) | (bytes[at + 4 * i + 1] << 16) | (bytes[at + 4 * i + 2] << 8) | bytes[at + 4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
      s0 = ((w[i - 15] >>> 7) | (w[i - 15] << 25)) ^ ((w[i - 15] >>> 18) | (w[i - 15] << 14)) ^ (w[i - 15] >>> 3);
      s1 = ((w[i - 2] >>> 17) | (w[i - 2] << 15)) ^ ((w[i - 2] >>> 19) | (w[i - 2] << 13)) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (i = 0; i < 64; i++) {
      s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      t1 = (k + s1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  };

  Sha256.prototype.update = function (bytes) {
    var at = 0, n = bytes.length;
    this.total += n;
    if (this.tailLength) {
      var take = Math.min(64 - this.tailLength, n);
      this.tail.set(bytes.subarray(0, take), this.tailLength);
      this.tailLength += take;
      at = take;
      if (this.tailLength < 64) return;
      this.compress(this.tail, 0);
      this.tailLength = 0;
    }
    for (; at + 64 <= n; at += 64) this.compress(bytes, at);
    if (at < n) {
      this.tail.set(bytes.subarray(at), 0);
      this.tailLength = n - at;
    }
  };

  Sha256.prototype.hex = function () {
    var bits = this.total * 8;
    var pad = new Uint8Array(((this.tailLength + 9 + 63) >> 6) * 64 - this.tailLength);
    pad[0] = 0x80;
    var end = pad.length;
    var high = Math.floor(bits / 0x100000000), low = bits >>> 0;
    pad[end - 8] = high >>> 24; pad[end - 7] = high >>> 16; pad[end - 6] = high >>> 8; pad[end - 5] = high;
    pad[end - 4] = low >>> 24; pad[end - 3] = low >>> 16; pad[end - 2] = low >>> 8; pad[end - 1] = low;
    var total = this.total;
    this.update(pad);
    this.total = total;
    var out = "";
    for (var i = 0; i < 8; i++) out += ("00000000" + this.h[i].toString(16)).slice(-8);
    return out;
  };

  function toHex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var SUBTLE_MAX = 64 * 1024 * 1024; // beyond this, one ArrayBuffer of the whole file is too much for a phone
  var HASH_BLOCK = 4 * 1024 * 1024;

  async function sha256Incremental(blob, onProgress) {
    var hash = new Sha256();
    for (var at = 0; at < blob.size; at += HASH_BLOCK) {
      var part = new Uint8Array(await blob.slice(at, Math.min(at + HASH_BLOCK, blob.size)).arrayBuffer());
      hash.update(part);
      if (onProgress) onProgress(Math.min(at + HASH_BLOCK, blob.size), blob.size);
    }
    return hash.hex();
  }

  async function sha256Of(file, onProgress) {
    if (window.crypto && crypto.subtle && file.size <= SUBTLE_MAX) {
      return toHex(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
    }
    return sha256Incremental(file, onProgress);
  }

  // Exposed for checking the digest against the server's (browser tests).
  window.ClearCheckEvidence = { sha256Incremental: sha256Incremental };

  // ---------------------------------------------------------------- the page
  var form = document.getElementById("evidence-form");
  if (!form) return;
  var config = JSON.parse(form.dataset.config);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var el = function (id) { return document.getElementById(id); };
  var kind = el("evidence-kind"), picker = el("evidence-file"), camera = el("evidence-capture");
  var statusLine = el("evidence-status"), bar = el("evidence-progress"), submit = el("evidence-submit");
  var latitude = el("evidence-latitude"), longitude = el("evidence-longitude"), datum = el("evidence-datum");
  var place = el("evidence-place"), capturedAt = el("evidence-captured-at");
  var coversFrom = el("evidence-covers-from"), coversTo = el("evidence-covers-to");
  var chosen = null;

  function say(text, bad) {
    statusLine.textContent = text;
    statusLine.className = bad ? "error" : "";
  }

  function progress(done, total, label) {
    bar.hidden = false;
    bar.value = total ? Math.floor((done / total) * 100) : 0;
    if (label) say(label + " " + bar.value + "%");
  }

  function sizeText(size) {
    if (size >= 1073741824) return (size / 1073741824).toFixed(1) + " GB";
    if (size >= 1048576) return (size / 1048576).toFixed(1) + " MB";
    return Math.max(1, Math.round(size / 1024)) + " KB";
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function localInput(ms) { // a datetime-local value in the phone's time zone
    var d = new Date(ms);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function isoOf(input) { // datetime-local (phone time) → ISO 8601 in UTC
    if (!input.value) return null;
    var d = new Date(input.value);
    return isNaN(d.getTime()) ? null : d.toISOString();
  }

  function isAv(value) { return config.av.indexOf(value) >= 0; }

  function kindChanged() {
    var value = kind.value;
    picker.setAttribute("accept", config.accept[value] || "");
    camera.setAttribute("accept", value === "video" ? "video/*" : value === "audio" ? "audio/*" : "image/*");
    el("evidence-capture-row").hidden = value === "document";
    el("evidence-av").hidden = !isAv(value);
  }

  function locate() {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (pos) {
      latitude.value = pos.coords.latitude.toFixed(6);
      longitude.value = pos.coords.longitude.toFixed(6);
      datum.value = "wgs84"; // browsers give WGS-84
      place.textContent = _("采集地点:当前定位(%(lat)s, %(lon)s,精度约 %(m)s 米)",
        { lat: latitude.value, lon: longitude.value, m: Math.round(pos.coords.accuracy) });
    }, function () {
      // No position: the evidence states so (未取得位置); no other address stands in for it.
      latitude.value = "";
      longitude.value = "";
      place.textContent = _("未能取得当前定位:证据将注明未取得位置(可开启定位权限后重试)");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function mediaDuration(file) {
    return new Promise(function (resolve) {
      var media = document.createElement(file.type.indexOf("audio") === 0 ? "audio" : "video");
      var url = URL.createObjectURL(file), settled = false;
      function done(value) {
        if (settled) return;
        settled = true;
        URL.revokeObjectURL(url);
        resolve(value);
      }
      media.preload = "metadata";
      media.onloadedmetadata = function () { done(isFinite(media.duration) ? media.duration : null); };
      media.onerror = function () { done(null); };
      setTimeout(function () { done(null); }, 5000);
      media.src = url;
    });
  }

  async function fileChosen(file) {
    chosen = file;
    if (!file) return;
    el("evidence-chosen").textContent = _("已选择:%(name)s(%(size)s)", { name: file.name, size: sizeText(file.size) });
    var taken = file.lastModified || Date.now();
    capturedAt.value = localInput(Math.min(taken, Date.now()));
    if (isAv(kind.value)) {
      var seconds = await mediaDuration(file);
      coversTo.value = localInput(taken);
      if (seconds) {
        coversFrom.value = localInput(taken - seconds * 1000);
        capturedAt.value = coversFrom.value; // a recording is captured when it starts
      }
    }
    locate();
  }

  function problemText(problem) {
    if (!problem) return _("上传失败");
    var text = problem.detail || problem.title || _("上传失败");
    if (problem.errors && problem.errors.length) {
      text = problem.errors.map(function (e) { return e.message; }).join(";");
      if (problem.rule) text = problem.rule + ":" + text;
    }
    return text;
  }

  async function json(response) {
    try { return await response.json(); } catch (e) { return null; }
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  async function send(url, options, timeoutMs) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, timeoutMs) : null;
    try {
      return await fetch(url, Object.assign({ credentials: "same-origin", signal: controller && controller.signal }, options));
    } catch (e) {
      return null; // dropped connection or timeout: the caller asks the server where it stands
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  function Refused(text) { this.message = text; }

  async function upload(file, metadata) {
    say(_("正在计算文件校验值(SHA-256)…"));
    var digest = await sha256Of(file, function (done, total) { progress(done, total, _("正在计算校验值")); });
    var body = Object.assign({}, metadata, { size: file.size, sha256: digest, original_name: file.name });
    var created = await send(config.createUrl, {
      method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
    }, 60000);
    if (!created) throw new Refused(_("网络不通,证据尚未上传;请在网络恢复后重新上传"));
    var state = await json(created);
    if (!created.ok) throw new Refused(problemText(state));
    var url = "/api/evidence-uploads/" + state.id;
    var chunk = Math.max(1, Math.min(config.chunkBytes, state.chunk_max_bytes));
    var offset = state.offset, failures = 0;
    if (offset > 0) say(_("从上次中断处(%(n)s 字节)继续上传", { n: offset }));
    while (state.status === "receiving") {
      var end = Math.min(offset + chunk, file.size);
      var answer = await send(url, {
        method: "PATCH", body: file.slice(offset, end),
        headers: { "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream", "X-CSRFToken": csrf },
      }, 120000);
      if (answer && answer.ok) {
        state = await json(answer);
        offset = state.offset;
        failures = 0;
        progress(offset, file.size, _("正在上传"));
        continue;
      }
      var problem = answer ? await json(answer) : null;
      if (answer && answer.status === 409 && problem && typeof problem.offset === "number") {
        offset = problem.offset; // the server holds a different offset: continue from there
        if (offset >= file.size) state = await json(await send(url, { method: "GET" }, 30000)) || state;
        continue;
      }
      if (answer && answer.status >= 400 && answer.status < 500 && [408, 429].indexOf(answer.status) < 0) {
        throw new Refused(problemText(problem));
      }
      failures += 1;
      if (failures > 30) throw new Refused(_("网络多次中断,已上传的部分保留在服务器上;请稍后重新选择同一文件继续上传"));
      say(_("网络中断,正在重试(第 %(n)s 次)…", { n: failures }));
      await sleep(Math.min(30000, 1000 * Math.pow(2, Math.min(failures - 1, 5))));
      var asked = await send(url, { method: "GET", headers: { "Accept": "application/json" } }, 30000);
      if (asked && asked.ok) {
        state = await json(asked);
        offset = state.offset;
      }
    }
    if (state.status !== "complete") throw new Refused(_("本次上传已作废,请重新上传"));
    return state;
  }

  kind.addEventListener("change", function () { kindChanged(); if (chosen) fileChosen(chosen); });
  picker.addEventListener("change", function () { fileChosen(picker.files[0]); });
  camera.addEventListener("change", function () { fileChosen(camera.files[0]); });
  el("evidence-origin").addEventListener("change", function (event) {
    el("evidence-origin-hint").hidden = event.target.value !== "third_party";
  });
  picker.required = false; // the camera button may supply the file instead

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var file = chosen;
    var proves = el("evidence-proves").value.trim();
    if (!file) return say(_("请先拍摄或选择文件"), true);
    if (!proves) return say(_("请填写证明事项"), true);
    if (file.size > config.maxBytes[kind.value]) {
      return say(_("文件超过%(kind)s的大小上限 %(max)s", { kind: kind.options[kind.selectedIndex].text, max: config.maxText[kind.value] }), true);
    }
    var metadata = {
      kind: kind.value, proves: proves, origin: el("evidence-origin").value,
      captured_by: parseInt(el("evidence-captured-by").value, 10) || null, captured_at: isoOf(capturedAt),
      latitude: latitude.value || null, longitude: longitude.value || null, datum: datum.value || "wgs84",
      no_position: !(latitude.value && longitude.value),
    };
    if (isAv(kind.value)) {
      metadata.covers_from = isoOf(coversFrom);
      metadata.covers_to = isoOf(coversTo);
    }
    submit.disabled = true;
    try {
      var state = await upload(file, metadata);
      progress(file.size, file.size);
      say(_("已上传,登记为证据 #%(id)s", { id: state.evidence_id }));
      window.location.assign(window.location.pathname + "#evidence-" + state.evidence_id);
      window.location.reload();
    } catch (error) {
      say(error instanceof Refused ? error.message : _("上传失败:%(error)s", { error: String(error) }), true);
      submit.disabled = false;
    }
  });

  el("evidence-capture-row").hidden = false;  // hidden in the page (no style="": CSP), shown once scripts run
  kindChanged();
  locate();
})();
