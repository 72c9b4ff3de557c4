/* Keeps a whole round available without signal. Pages come from the network when it answers,
   from this cache when it does not (or when weak signal keeps a cached page waiting too long).

   - When the round plan (/rounds) loads with signal, the restock page of every location on it
     (the links marked data-offline-page) and the shell (CSS, JS) are cached, so any placard on
     the plan can be scanned later in airplane mode; the outbox page too.
   - Location pages are cached under one key per location: /L/abc, /l/ABC and /l/ＡＢＣ (the
     printed QR upper-cases the path; codes are case-insensitive, full-width allowed) all name
     the same cached /l/ABC, as they do on the server.
   - Signing out (or in) deletes every cache: a shared phone keeps nothing of the previous user.
     The offline outbox lives in localStorage and is not touched.
   A cached page's CSRF token may be stale; the outbox replays with a fresh one. */
var CACHE = "tsunagari-v2";
var PLAN = "/rounds";
var OUTBOX = "/rounds/outbox"; // the visits waiting on this phone: worth opening without signal
var SHELL = ["/static/style.css", "/static/offline.js", "/static/restock.js", OUTBOX];
var SLOW_MS = 8000; // weak signal: after this long a cached copy is shown instead of waiting
var MAX_PAGES = 300;
var LOCATION_PATH = /^\/l\/([^\/]+)$/i;

function normalizedCode(raw) {
  var code = raw;
  try { code = decodeURIComponent(raw); } catch (e) { /* keep it as it came */ }
  if (code.normalize) { code = code.normalize("NFKC"); }
  return code.trim().toUpperCase();
}

/* The cache key of a URL: one per location page, the path alone for static files. */
function cacheKey(href) {
  var url = new URL(href, self.location.origin);
  var match = LOCATION_PATH.exec(url.pathname);
  if (match) { return url.origin + "/l/" + encodeURIComponent(normalizedCode(match[1])); }
  if (url.pathname.indexOf("/static/") === 0) { return url.origin + url.pathname; }
  return url.origin + url.pathname + url.search;
}

function isPlan(url) { return url.pathname === PLAN; }
function isLocation(url) { return LOCATION_PATH.test(url.pathname); }
function isCacheable(url) {
  return isPlan(url) || isLocation(url) || url.pathname === OUTBOX || url.pathname.indexOf("/static/") === 0;
}

/* Only a page the signed-in user really got: not an error, not a redirect to the login page. */
function worthKeeping(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

function put(key, response) {
  return caches.open(CACHE).then(function (cache) { return cache.put(key, response); });
}

function lookup(url) {
  var key = cacheKey(url.href);
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key).then(function (hit) {
      // The plan with ticked locations (?location=…) falls back to the plain plan.
      if (hit || !isPlan(url)) { return hit; }
      return cache.match(url.origin + PLAN);
    });
  });
}

/* Fetch `href` with the user's cookies and keep it under its normalised key. */
function fetchAndKeep(href) {
  return fetch(href, {credentials: "same-origin"}).then(function (response) {
    if (worthKeeping(response)) { return put(cacheKey(response.url || href), response); }
  }).catch(function () { /* no signal now: nothing to keep */ });
}

/* The location pages the plan marks for offline use (data-offline-page="/L/CODE"). */
function pagesOfPlan(html) {
  var pages = [];
  var pattern = /data-offline-page="([^"]*)"/g;
  var match;
  while ((match = pattern.exec(html)) && pages.length < MAX_PAGES) {
    var url = new URL(match[1].replace(/&amp;/g, "&"), self.location.origin);
    if (url.origin === self.location.origin && isLocation(url)) { pages.push(url.href); }
  }
  return pages;
}

/* Cache the shell and every location page on the plan (a few at a time). */
function cacheRound(planResponse) {
  return planResponse.text().then(function (html) {
    var queue = SHELL.concat(pagesOfPlan(html));
    var workers = [];
    for (var i = 0; i < 4; i += 1) {
      workers.push((function next() {
        var href = queue.shift();
        return href ? fetchAndKeep(href).then(next) : Promise.resolve();
      })());
    }
    return Promise.all(workers);
  });
}

function clearAll() {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (key) { return caches.delete(key); }));
  });
}

self.addEventListener("install", function (event) {
  // The plan (and through it the round) if the user is signed in; the shell in any case.
  event.waitUntil(fetch(PLAN, {credentials: "same-origin"}).then(function (response) {
    if (!worthKeeping(response)) { return Promise.all(SHELL.map(fetchAndKeep)); }
    var copy = response.clone();
    return put(cacheKey(response.url), response).then(function () { return cacheRound(copy); });
  }).catch(function () {}));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "clear") {
    event.waitUntil(clearAll());
  } else if (data.type === "cache-pages" && Array.isArray(data.urls)) {
    event.waitUntil(Promise.all(data.urls.slice(0, MAX_PAGES).filter(function (href) {
      var url = new URL(href, self.location.origin);
      return url.origin === self.location.origin && isCacheable(url);
    }).map(fetchAndKeep)));
  }
});

/* The network's answer, or the cached copy when there is no signal (or it is very slow). */
function networkOrCache(network, url) {
  return new Promise(function (resolve) {
    var settled = false;
    function answer(response) {
      if (!settled) { settled = true; resolve(response); }
    }
    var timer = setTimeout(function () {
      lookup(url).then(function (hit) { if (hit) { answer(hit); } });
    }, SLOW_MS);
    network.then(function (response) {
      clearTimeout(timer);
      answer(response);
    }, function () {
      clearTimeout(timer);
      lookup(url).then(function (hit) { answer(hit || Response.error()); }, function () { answer(Response.error()); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && (url.pathname === "/logout" || url.pathname === "/login")) {
    // A user signs out or another signs in: nothing cached for the previous one may stay.
    // The request itself goes to the network untouched.
    event.waitUntil(clearAll());
    return;
  }
  if (request.method !== "GET" || !isCacheable(url)) { return; }
  var keeping = Promise.resolve();
  var network = fetch(request).then(function (response) {
    if (worthKeeping(response)) {
      var copy = response.clone();
      var plan = isPlan(url) ? response.clone() : null;
      keeping = put(cacheKey(request.url), copy).then(function () { return plan && cacheRound(plan); });
    }
    return response;
  });
  event.respondWith(networkOrCache(network, url));
  event.waitUntil(network.then(function () { return keeping; }, function () {}).catch(function () {}));
});
