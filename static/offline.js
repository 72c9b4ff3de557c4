/* The outbox of restock visits saved on this phone. A visit leaves it only when the server has
   confirmed its one-time key (201 recorded, 200 already recorded): it is sent through the JSON
   API with a CSRF token fetched fresh, and no redirect is ever followed. Signed out (401, 403, a
   redirect to sign in, a refused CSRF token): kept until the volunteer signs in again. Refused
   (409, 422): kept under "needs attention" on the outbox page until discarded on purpose.
   Server errors and no signal: kept and tried again with a growing pause. No framework, no CDN. */
(function () {
  "use strict";
  var STORE = "tsunagari.outbox";
  var LEGACY = "tsunagari.pending-visits";  // the form-body queue of earlier versions
  var RECENT = "tsunagari.recent-visits";   // location code -> when this phone last recorded it
  var FIRST_DELAY = 1000, MAX_DELAY = 5 * 60 * 1000;
  var root = document.documentElement;

  function text(name) { return root.getAttribute("data-" + name) || ""; }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function wholeNumber(value) { return typeof value === "number" && isFinite(value) && Math.floor(value) === value && value >= 0; }
  function isVisit(entry) {
    return !!entry && typeof entry === "object" && !entry.damaged && typeof entry.key === "string" &&
      entry.key.length >= 8 && entry.key.length <= 100 && typeof entry.location_code === "string" &&
      entry.location_code !== "" && wholeNumber(entry.counted) && wholeNumber(entry.added);
  }

  // --- storage: every change re-reads the list first, so another tab's changes are kept ---
  function readList() {
    var raw = localStorage.getItem(STORE);
    if (!raw) { return []; }
    var list;
    try { list = JSON.parse(raw); } catch (e) { list = null; }
    if (!Array.isArray(list)) {
      // Unreadable as a whole: keep the text as one damaged entry rather than losing it.
      list = [{damaged: true, raw: raw}];
      localStorage.setItem(STORE, JSON.stringify(list));
    }
    return list;
  }
  function writeList(list) { localStorage.setItem(STORE, JSON.stringify(list)); }
  function update(change) { var list = change(readList()); writeList(list); return list; }
  function sameEntry(a, b) { return isVisit(a) && isVisit(b) ? a.key === b.key : JSON.stringify(a) === JSON.stringify(b); }

  function migrateLegacy() {
    var raw = localStorage.getItem(LEGACY);
    if (!raw) { return; }
    var old;
    try { old = JSON.parse(raw); } catch (e) { old = null; }
    var moved = (Array.isArray(old) ? old : [{raw: raw}]).map(function (item) {
      try {
        var form = new URLSearchParams(item.body), match = /\/l\/([^/]+)\/visit/.exec(item.url || "");
        var number = function (name) {
          var value = (form.get(name) || "").normalize("NFKC").trim();
          return /^\d+$/.test(value) ? parseInt(value, 10) : NaN;
        };
        var entry = {key: item.key, location_code: match ? decodeURIComponent(match[1]) : "", location_name: "",
          counted: number("counted"), added: number("added"), flags: form.getAll("flags"), note: form.get("note") || "",
          occurred_at: form.get("occurred_at") || item.savedAt || null, saved_at: item.savedAt || null, state: "queued"};
        return isVisit(entry) ? entry : {damaged: true, raw: JSON.stringify(item)};
      } catch (e) { return {damaged: true, raw: JSON.stringify(item)}; }
    });
    update(function (list) {
      moved.forEach(function (entry) { if (!list.some(function (other) { return sameEntry(other, entry); })) { list.push(entry); } });
      return list;
    });
    localStorage.removeItem(LEGACY);
  }

  function recent() {
    try { var map = JSON.parse(localStorage.getItem(RECENT) || "{}"); return map && typeof map === "object" ? map : {}; }
    catch (e) { return {}; }
  }
  function rememberVisit(code, when) {
    var map = recent(), dayAgo = Date.now() - 86400000;
    map[code] = when || new Date().toISOString();
    Object.keys(map).forEach(function (name) { if (!(Date.parse(map[name]) > dayAgo)) { delete map[name]; } });
    localStorage.setItem(RECENT, JSON.stringify(map));
  }
  // When this phone last recorded (or saved) a visit at this location, as a Date, or null.
  function lastLocalVisit(code) {
    var times = readList().filter(function (entry) { return isVisit(entry) && entry.location_code === code; })
      .map(function (entry) { return Date.parse(entry.occurred_at || entry.saved_at); });
    times.push(Date.parse(recent()[code]));
    times = times.filter(function (t) { return !isNaN(t); });
    return times.length ? new Date(Math.max.apply(null, times)) : null;
  }

  // --- what the volunteer sees ---
  function say(message, kind, link) {
    var el = document.getElementById("sync-status") || document.getElementById("outbox-status");
    if (!el) { return; }
    el.hidden = false;
    el.className = "sync sync-" + kind;
    el.textContent = message;
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.label;
      el.appendChild(document.createTextNode(" "));
      el.appendChild(a);
    }
  }
  function renderBadge() {
    var bar = document.getElementById("outbox-bar"), badge = document.getElementById("outbox-badge");
    if (!bar || !badge) { return; }
    var n = readList().length;
    bar.hidden = !n;
    badge.textContent = fill(text("msg-unsent"), {n: n});
  }
  function render() {
    renderBadge();
    if (window.TsunagariOutboxPage) { window.TsunagariOutboxPage.render(); }
  }

  // --- sending ---
  function retryLater(key) {
    update(function (list) {
      list.forEach(function (entry) {
        if (isVisit(entry) && entry.key === key) {
          entry.attempts = (entry.attempts || 0) + 1;
          entry.next_try = Date.now() + Math.min(FIRST_DELAY * Math.pow(2, entry.attempts - 1), MAX_DELAY);
        }
      });
      return list;
    });
  }
  function needsAttention(key, problem) {
    update(function (list) {
      list.forEach(function (entry) { if (isVisit(entry) && entry.key === key) { entry.state = "attention"; entry.problem = problem; } });
      return list;
    });
  }
  function confirmed(entry) {
    update(function (list) { return list.filter(function (other) { return !(isVisit(other) && other.key === entry.key); }); });
    rememberVisit(entry.location_code, entry.occurred_at);
  }
  function problemOf(status, body) {
    var error = body && body.error;
    if (status === 409) { return {kind: "conflict", message: error && error.message || ""}; }
    var fields = error && error.fields ? Object.keys(error.fields).map(function (name) { return name + ": " + error.fields[name]; }) : [];
    return {kind: "invalid", message: [error && error.message || ""].concat(fields).join(" ").trim()};
  }

  function fetchToken() {
    return fetch(text("csrf-url"), {credentials: "same-origin", redirect: "manual", cache: "no-store",
      headers: {"Accept": "application/json"}}).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) { return null; }
      if (!response.ok) { throw new Error("token " + response.status); }
      return response.json().then(function (body) {
        if (!body || typeof body.csrf_token !== "string") { throw new Error("token"); }
        return body.csrf_token;
      });
    });
  }

  // Send one visit; resolves to false when this round of sending should stop.
  function sendOne(entry, token, result) {
    var body = {idempotency_key: entry.key, location_code: entry.location_code, counted: entry.counted,
      added: entry.added, flags: Array.isArray(entry.flags) ? entry.flags : [], note: entry.note || ""};
    if (entry.occurred_at) { body.occurred_at = entry.occurred_at; }
    if (entry.storeroom_id) { body.storeroom_id = entry.storeroom_id; }
    return fetch(text("visits-api"), {method: "POST", credentials: "same-origin", redirect: "manual", cache: "no-store",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(body)}).then(function (response) {
      var status = response.status;
      if (status === 201 || status === 200) {
        return response.json().then(function (answer) {
          if (!answer || typeof answer.visit_id !== "number") { throw new Error("no visit id"); }
          confirmed(entry);
          result.sent += 1;
          return true;
        }).catch(function () { retryLater(entry.key); result.retry = true; return true; });
      }
      if (response.type === "opaqueredirect" || status === 400 || status === 401 || status === 403) {
        result.signIn = true;
        return false;
      }
      if (status === 409 || status === 422) {
        return response.json().catch(function () { return null; }).then(function (answer) {
          needsAttention(entry.key, problemOf(status, answer));
          result.attention += 1;
          return true;
        });
      }
      retryLater(entry.key);  // 5xx, 429 and anything unexpected: keep it and try again later
      result.retry = true;
      return true;
    }, function () {
      retryLater(entry.key);  // no answer at all: the signal went again
      result.retry = true;
      return false;
    });
  }

  var flushing = null, timer = null;
  function schedule() {
    clearTimeout(timer);
    var next = readList().filter(function (entry) { return isVisit(entry) && entry.state !== "attention" && entry.next_try; })
      .map(function (entry) { return entry.next_try; });
    if (next.length) {
      timer = setTimeout(function () { flush(); }, Math.max(Math.min.apply(null, next) - Date.now(), 0) + 50);
    }
  }
  function report(result) {
    var list = readList(), queued = list.filter(function (entry) { return isVisit(entry) && entry.state !== "attention"; }).length;
    var attention = list.length - queued;
    if (result.signIn && queued) {
      say(fill(text("msg-sign-in"), {n: queued}), "pending", {href: text("login-url"), label: text("sign-in-label")});
    } else if (result.sent) {
      say(fill(text("msg-sent"), {n: result.sent}), "ok");
    } else if (result.retry && queued) {
      say(fill(text("msg-retry"), {n: queued}), "pending");
    } else if (queued && !navigator.onLine) {
      say(fill(text("msg-pending"), {n: queued}), "pending");
    }
    if (attention && (result.attention || !result.sent)) {
      var el = document.getElementById("outbox-status");
      if (el && !document.getElementById("outbox")) {
        el.hidden = false;
        el.className = "sync sync-error";
        el.textContent = fill(text("msg-attention"), {n: attention});
      }
    }
  }

  function flush(force) {
    if (flushing) { return flushing; }
    var now = Date.now();
    var due = readList().filter(function (entry) {
      return isVisit(entry) && entry.state !== "attention" && (force || !entry.next_try || entry.next_try <= now);
    });
    var result = {sent: 0, attention: 0, retry: false, signIn: false};
    if (!due.length || !navigator.onLine) {
      render();
      report(result);
      return Promise.resolve(result);
    }
    flushing = fetchToken().then(function (token) {
      if (token === null) { result.signIn = true; return; }
      return due.reduce(function (chain, entry) {
        return chain.then(function (go) { return go ? sendOne(entry, token, result) : false; });
      }, Promise.resolve(true));
    }).catch(function () {
      due.forEach(function (entry) { retryLater(entry.key); });
      result.retry = true;
    }).then(function () {
      flushing = null;
      render();
      report(result);
      schedule();
      return result;
    });
    return flushing;
  }

  // Keep a visit on this phone (the restock form calls this when it cannot send it now).
  function queue(entry) {
    entry.state = "queued";
    entry.saved_at = entry.saved_at || new Date().toISOString();
    update(function (list) { return list.filter(function (other) { return !sameEntry(other, entry); }).concat([entry]); });
    say(text("msg-saved"), "pending");
    render();
  }
  function discard(entry) {
    update(function (list) { return list.filter(function (other) { return !sameEntry(other, entry); }); });
    render();
  }
  function entries() {
    return readList().map(function (entry) {
      return {entry: entry, valid: isVisit(entry), attention: !isVisit(entry) || entry.state === "attention"};
    });
  }

  window.TsunagariQueue = {queue: queue, flush: flush, discard: discard, entries: entries,
    lastLocalVisit: lastLocalVisit, rememberVisit: rememberVisit, render: render, say: say};
  window.addEventListener("online", function () { flush(true); });
  window.addEventListener("storage", function (event) { if (event.key === STORE) { render(); } });
  window.addEventListener("load", function () {
    try { migrateLegacy(); } catch (e) { /* the legacy list stays where it is */ }
    flush(true);  // a page load is the volunteer trying again: no waiting out the pause
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    }
  });
}());

/* The outbox page (/rounds/outbox): each visit waiting, and those that need attention. */
(function () {
  "use strict";
  var page = document.getElementById("outbox");
  if (!page) { return; }
  var lang = document.documentElement.lang || undefined;
  function msg(name) { return page.getAttribute("data-msg-" + name) || ""; }
  function when(iso) {
    var date = new Date(iso);
    return isNaN(date) ? "" : date.toLocaleString(lang, {month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit"});
  }
  function line(className, content) {
    var p = document.createElement("p");
    if (className) { p.className = className; }
    p.textContent = content;
    return p;
  }
  function item(row) {
    var li = document.createElement("li"), entry = row.entry;
    li.className = "outbox-item";
    if (row.valid) {
      li.setAttribute("data-key", entry.key);
      var head = document.createElement("strong");
      head.textContent = entry.location_name || entry.location_code;
      li.appendChild(head);
      li.appendChild(line("muted", entry.location_code + " · " + when(entry.occurred_at || entry.saved_at)));
      li.appendChild(line("", msg("counts").replace("{counted}", entry.counted).replace("{added}", entry.added)));
      if (entry.note) { li.appendChild(line("muted", entry.note)); }
      if (row.attention && entry.problem) {
        var problem = entry.problem.kind === "conflict" ? msg("conflict") : msg("invalid") + " " + (entry.problem.message || "");
        li.appendChild(line("error", problem));
      }
    } else {
      li.appendChild(line("error", msg("damaged")));
      var pre = document.createElement("pre");
      pre.className = "outbox-raw";
      pre.textContent = typeof entry.raw === "string" ? entry.raw : JSON.stringify(entry);
      li.appendChild(pre);
    }
    if (row.attention) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "danger";
      button.textContent = msg("discard");
      button.addEventListener("click", function () {
        if (!window.confirm(msg("discard-confirm"))) { return; }
        window.TsunagariQueue.discard(entry);
        window.TsunagariQueue.say(msg("discarded"), "ok");
      });
      li.appendChild(button);
    }
    return li;
  }
  function render() {
    var rows = window.TsunagariQueue.entries();
    var queued = rows.filter(function (row) { return !row.attention; });
    var attention = rows.filter(function (row) { return row.attention; });
    [["outbox-queued", queued], ["outbox-attention", attention]].forEach(function (pair) {
      var list = document.getElementById(pair[0]);
      list.textContent = "";
      pair[1].forEach(function (row) { list.appendChild(item(row)); });
      document.getElementById(pair[0] + "-section").hidden = !pair[1].length;
    });
    document.getElementById("outbox-empty").hidden = rows.length > 0;
  }
  window.TsunagariOutboxPage = {render: render};
  document.getElementById("outbox-send").addEventListener("click", function () { window.TsunagariQueue.flush(true); });
  render();
}());
