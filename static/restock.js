/* The restock form: big +/- steppers, a fresh one-time key per page view, and offline saving. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-offline-form]");
  if (!form) { return; }

  function randomKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  // A page shown from the offline cache must not reuse the key it was cached with.
  form.elements.idempotency_key.value = randomKey();

  Array.prototype.forEach.call(form.querySelectorAll("input.stepper"), function (input) {
    // A text box (no browser spinner, full-width digits accepted): min and max are for number boxes only.
    input.type = "text";
    input.removeAttribute("min");
    input.removeAttribute("max");
    ["−", "+"].forEach(function (label, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "step";
      button.textContent = label;
      button.setAttribute("aria-label", label === "+" ? "+1" : "-1");
      button.addEventListener("click", function () {
        var value = parseInt(input.value.normalize("NFKC"), 10) || 0;
        input.value = Math.max(0, value + (index ? 1 : -1));
        input.dispatchEvent(new Event("input", {bubbles: true}));
      });
      if (index) { input.after(button); } else { input.before(button); }
    });
  });

  var counted = form.elements.counted, added = form.elements.added, touched = false;
  added.addEventListener("input", function (event) { if (event.isTrusted) { touched = true; } });
  counted.addEventListener("input", function () {
    if (touched) { return; }
    var target = parseInt(form.dataset.target, 10) || 0;
    var available = parseInt(form.dataset.storeroomAvailable, 10) || 0;
    var left = parseInt(counted.value.normalize("NFKC"), 10) || 0;
    added.value = Math.min(Math.max(target - left, 0), available);
  });

  var busy = false, TEN_MINUTES = 10 * 60 * 1000;
  var code = form.dataset.locationCode;

  function wholeNumber(input) {
    var value = (input.value || "").normalize("NFKC").trim();
    return /^\d+$/.test(value) ? parseInt(value, 10) : null;
  }
  // The last visit here that we know of: the one the page was drawn with, or one this phone saved.
  function lastVisit() {
    var times = [Date.parse(form.dataset.lastVisit || "")];
    var local = window.TsunagariQueue.lastLocalVisit(code);
    if (local) { times.push(local.getTime()); }
    times = times.filter(function (t) { return !isNaN(t); });
    return times.length ? new Date(Math.max.apply(null, times)) : null;
  }
  function status() { return document.getElementById("sync-status"); }
  function show(message, kind) {
    var el = status();
    el.hidden = false;
    el.className = "sync sync-" + kind;
    el.textContent = message;
    el.scrollIntoView({block: "center"});
  }

  // The visit stays on the form, which can no longer be sent again: a second tap would be a second visit.
  function keepOnPhone(entry) {
    window.TsunagariQueue.queue(entry);
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.type === "hidden") { return; }
      element.disabled = true;
    });
    form.classList.add("saved-offline");
    var el = status();
    el.hidden = false;
    el.scrollIntoView({block: "center"});
    el.focus({preventScroll: true});
    busy = false;
    if (navigator.onLine) { window.TsunagariQueue.flush(true); }  // e.g. signed out: says what is needed
  }

  form.addEventListener("submit", function (event) {
    if (!window.fetch || !window.TsunagariQueue) { return; }  // plain POST still works
    event.preventDefault();
    if (busy || form.classList.contains("saved-offline")) { return; }  // a double tap sends once
    var counted = wholeNumber(form.elements.counted), added = wholeNumber(form.elements.added);
    if (counted === null || added === null) {
      if (!navigator.onLine) { show(form.dataset.msgNumbers, "error"); return; }
    } else {
      var last = lastVisit();
      if (last && Math.abs(Date.now() - last.getTime()) < TEN_MINUTES) {
        var time = last.toLocaleTimeString(document.documentElement.lang || undefined, {hour: "2-digit", minute: "2-digit"});
        if (!window.confirm(form.dataset.msgDuplicate.replace("{time}", time))) { return; }
      }
    }
    busy = true;
    if (!form.elements.occurred_at.value) { form.elements.occurred_at.value = new Date().toISOString(); }
    var body = new URLSearchParams(new FormData(form)).toString();
    var flags = Array.prototype.map.call(form.querySelectorAll("input[name=flags]:checked"), function (box) { return box.value; });
    var entry = {key: form.elements.idempotency_key.value, location_code: code, location_name: form.dataset.locationName || "",
      counted: counted, added: added, flags: flags, note: form.elements.note ? form.elements.note.value : "",
      occurred_at: form.elements.occurred_at.value};
    // The storeroom the volunteer chose goes with the visit (the API's default is the location's).
    var storeroom = parseInt(form.elements.storeroom_id ? form.elements.storeroom_id.value : "", 10);
    if (storeroom > 0) { entry.storeroom_id = storeroom; }
    var offline = function () {
      if (counted === null || added === null) { busy = false; show(form.dataset.msgNumbers, "error"); return; }
      keepOnPhone(entry);
    };
    if (!navigator.onLine) { offline(); return; }
    fetch(form.action, {method: "POST", body: body, credentials: "same-origin", redirect: "follow",
      headers: {"Content-Type": "application/x-www-form-urlencoded"}}).then(function (response) {
      var path = new URL(response.url, window.location.href).pathname;
      // Server trouble, or signed out (a refused CSRF token, a redirect to sign in): keep it on the phone.
      if (response.status >= 500 || [400, 401, 403].indexOf(response.status) >= 0 || path.indexOf("/login") === 0) {
        offline();
        return;
      }
      return response.text().then(function (html) {
        if (response.redirected || response.ok && response.url !== form.action) {
          window.TsunagariQueue.rememberVisit(code, entry.occurred_at);
          window.location.assign(response.url);
        } else {
          document.open(); document.write(html); document.close();
        }
      });
    }, offline);
  });
}());
