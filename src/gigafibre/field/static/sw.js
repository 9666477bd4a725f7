/* Service worker of the technician's phone. Registered with scope "/" (allowed by the
   Service-Worker-Allowed header) but it only answers for /field/ and /j/ and the shared
   vendored assets: everything else goes to the network untouched.
   Pages and job JSON: network first, the last copy kept for offline. Assets: cache first. */
const VERSION = "gf-field-v1";
const PAGES = VERSION + "-pages";
const ASSETS = VERSION + "-assets";
const PRECACHE = [
  "/field/offline",
  "/field/field.js",
  "/field/field.css",
  "/field/manifest.webmanifest",
  "/static/vendor/bootstrap/css/bootstrap.min.css",
  "/static/vendor/bootstrap-icons/bootstrap-icons.min.css",
  "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
  "/static/vendor/htmx/htmx.min.js",
  "/static/vendor/htmx/sse.min.js",
  "/static/app.css",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => !key.startsWith(VERSION)).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function isAsset(path) {
  return path.startsWith("/static/") || /^\/field\/(field\.(js|css)|icon-\d+\.png|manifest\.webmanifest)$/.test(path);
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    if (request.mode === "navigate") {
      const offline = await caches.match("/field/offline");
      if (offline) return offline;
    }
    throw error;
  }
}

async function cacheFirst(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) (await caches.open(ASSETS)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (isAsset(path)) {
    event.respondWith(cacheFirst(request));
  } else if (path.startsWith("/j/")) {
    // A one-time link: never kept; offline it shows the offline page.
    event.respondWith(fetch(request).catch(() => caches.match("/field/offline")));
  } else if (path.startsWith("/field/")) {
    event.respondWith(networkFirst(request));
  }
});
