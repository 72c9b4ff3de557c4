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
    input.type = "text";
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

  var busy = false;
  form.addEventListener("submit", function (event) {
    if (!window.fetch || !window.TsunagariQueue) { return; }  // plain POST still works
    event.preventDefault();
    if (busy) { return; }  // a double tap sends once (and the key would record once anyway)
    busy = true;
    if (!form.elements.occurred_at.value) { form.elements.occurred_at.value = new Date().toISOString(); }
    var body = new URLSearchParams(new FormData(form)).toString();
    var item = {url: form.action, body: body, key: form.elements.idempotency_key.value};
    var offline = function () {
      window.TsunagariQueue.queue(item.url, item.body, item.key);
      form.reset();
      form.elements.idempotency_key.value = randomKey();
      form.elements.occurred_at.value = "";
      busy = false;
    };
    if (!navigator.onLine) { offline(); return; }
    window.TsunagariQueue.send(item).then(function (response) {
      if (response.status >= 500) { offline(); return; }
      return response.text().then(function (html) {
        if (response.redirected || response.ok && response.url !== form.action) {
          window.location.assign(response.url);
        } else {
          document.open(); document.write(html); document.close();
        }
      });
    }, offline);
  });
}());
