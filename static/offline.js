/* Offline queue for restock visits: a visit that cannot be sent is kept on the phone with its
   one-time key and sent when the connection returns. The server records each key once, so a
   replay that did get through before can never double-count. No framework, no CDN. */
(function () {
  "use strict";
  var STORE = "tsunagari.pending-visits";
  var status = function () { return document.getElementById("sync-status"); };

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(STORE, JSON.stringify(items)); }
  function say(text, kind) {
    var el = status();
    if (!el) { return; }
    el.hidden = false;
    el.className = "sync sync-" + kind;
    el.textContent = text;
  }
  function text(name) { return document.documentElement.getAttribute("data-" + name) || ""; }

  function send(item) {
    return fetch(item.url, {
      method: "POST", body: item.body, credentials: "same-origin", redirect: "follow",
      headers: {"Content-Type": "application/x-www-form-urlencoded"}
    });
  }

  var flushing = false;
  function flush() {
    var items = load();
    if (flushing || !items.length || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    var sent = 0;
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        return send(item).then(function (response) {
          // 5xx: keep and try again later; anything else is final for this key.
          if (response.status < 500) {
            save(load().filter(function (other) { return other.key !== item.key; }));
            if (response.ok) { sent += 1; }
          }
        }, function () { /* still offline: keep it */ });
      });
    });
    return chain.then(function () {
      flushing = false;
      var left = load().length;
      if (sent) { say(text("msg-sent").replace("{n}", sent), "ok"); }
      else if (left) { say(text("msg-pending").replace("{n}", left), "pending"); }
    });
  }

  function queue(url, body, key) {
    var items = load().filter(function (item) { return item.key !== key; });
    items.push({url: url, body: body, key: key, savedAt: new Date().toISOString()});
    save(items);
    say(text("msg-saved"), "pending");
  }

  window.TsunagariQueue = {queue: queue, flush: flush, send: send};
  window.addEventListener("online", flush);
  window.addEventListener("load", function () {
    flush();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    }
  });
}());
