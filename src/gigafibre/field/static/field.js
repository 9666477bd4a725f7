/* The technician's phone: sends changes to /field/api and keeps them in an IndexedDB queue
   while there is no network. Every action gets its idempotency key when it is made, so sending
   it again (after a timeout, a reload, or from the queue) never does it twice on the server. */
(function () {
  "use strict";
  const TEXTS = JSON.parse(document.getElementById("field-texts").textContent);
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const DB_NAME = "gf-field";
  const STORE = "queue";

  function csrf() { return csrfMeta ? csrfMeta.content : ""; }
  function newKey() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function format(text, values) { return text.replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : "")); }

  function toast(message) {
    const body = document.getElementById("field-toast-body");
    const element = document.getElementById("field-toast");
    if (!body || !element) return;
    body.textContent = message;
    if (window.bootstrap) bootstrap.Toast.getOrCreateInstance(element, { delay: 4000 }).show();
  }

  // --- IndexedDB queue ---------------------------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function withStore(mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }
  const queue = {
    add: (action) => withStore("readwrite", (store) => store.put(action)),
    remove: (key) => withStore("readwrite", (store) => store.delete(key)),
    all: () => withStore("readonly", (store) => store.getAll()),
  };

  async function showPending() {
    const badge = document.getElementById("queue-badge");
    if (!badge) return;
    const pending = (await queue.all()).length;
    badge.textContent = format(TEXTS.pending, { n: pending });
    badge.classList.toggle("d-none", pending === 0);
  }
  function showOnline() {
    const badge = document.getElementById("offline-badge");
    if (badge) badge.classList.toggle("d-none", navigator.onLine);
  }

  // --- Sending -----------------------------------------------------------------------------
  function request(action) {
    const headers = { "Idempotency-Key": action.key, "X-CSRF-Token": csrf(), Accept: "application/json" };
    let body;
    if (action.file) {
      body = new FormData();
      body.append("file", action.file, action.filename || "photo.jpg");
      if (action.caption) body.append("caption", action.caption);
    } else if (action.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(action.json);
    }
    return fetch(action.url, { method: action.method, headers, body, credentials: "same-origin" });
  }
  async function errorMessage(response) {
    try { return (await response.json()).message || response.statusText; } catch (e) { return response.statusText; }
  }

  /* Send now; without network keep it for later. Resolves to the JSON answer, or null. */
  async function send(action) {
    action.key = action.key || newKey();
    action.queuedAt = action.queuedAt || Date.now();
    if (!navigator.onLine) return keep(action);
    let response;
    try {
      response = await request(action);
    } catch (networkError) {
      return keep(action);
    }
    if (!response.ok) {
      toast(format(TEXTS.failed, { message: await errorMessage(response) }));
      return null;
    }
    return response.json();
  }
  async function keep(action) {
    await queue.add(action);
    await showPending();
    toast(TEXTS.queued);
    return null;
  }

  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    let sent = 0;
    try {
      const actions = (await queue.all()).sort((a, b) => a.queuedAt - b.queuedAt);
      for (const action of actions) {
        let response;
        try {
          response = await request(action);
        } catch (networkError) {
          break;
        }
        if (response.status === 401 || response.status === 403) break; // sign in again first
        if (!response.ok) toast(format(TEXTS.failed, { message: await errorMessage(response) }));
        await queue.remove(action.key);
        sent += 1;
      }
    } finally {
      flushing = false;
      await showPending();
    }
    if (sent) {
      toast(TEXTS.sent);
      window.location.reload();
    }
  }

  // --- Job page ----------------------------------------------------------------------------
  const page = document.getElementById("field-job");
  const job = page ? page.dataset.job : null;
  const api = job ? "/field/api/jobs/" + encodeURIComponent(job) : null;

  async function act(action) {
    const answer = await send(action);
    if (answer) window.location.reload();
  }

  function position() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(
        (found) => resolve({ latitude: found.coords.latitude, longitude: found.coords.longitude }),
        () => resolve(null),
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-field-status]");
    if (!button || !api) return;
    button.disabled = true;
    const json = { status: button.dataset.fieldStatus };
    if (button.dataset.geolocate) {
      toast(TEXTS.locating);
      const found = await position();
      if (found) Object.assign(json, found); else toast(TEXTS.no_position);
    }
    await act({ method: "POST", url: api + "/status", json });
    button.disabled = false;
  });

  document.addEventListener("change", async (event) => {
    const target = event.target;
    if (!api) return;
    if (target.matches("[data-field-patch]")) {
      await act({ method: "PATCH", url: api, json: { [target.dataset.fieldPatch]: target.value } });
    } else if (target.matches("[data-field-check]")) {
      await send({ method: "POST", url: api + "/checklist/" + target.dataset.fieldCheck, json: { done: target.checked } });
    } else if (target.matches("[data-field-photo]") && target.files.length) {
      const file = target.files[0];
      await act({ method: "POST", url: api + "/photos", file, filename: file.name });
      target.value = "";
    } else if (target.matches("[data-field-scan]") && target.files.length) {
      await scan(target.files[0]);
      target.value = "";
    }
  });

  // Equipment: search (debounced; serial first, then MAC on the server), scanner, create.
  const results = document.getElementById("search-results");
  const queryInput = document.querySelector("[data-field-search]");
  let timer = null;
  let lastQuery = "";

  function resultItem(item) {
    const row = document.createElement("div");
    row.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
    row.dataset.result = item.name;
    const text = document.createElement("div");
    text.className = "small";
    const title = document.createElement("div");
    title.className = "fw-semibold";
    title.textContent = [item.vendor, item.model, item.name].filter(Boolean).join(" ");
    const codes = document.createElement("div");
    codes.className = "font-monospace";
    codes.textContent = [item.serial_number, item.mac_address].filter(Boolean).join(" · ");
    text.append(title, codes);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-primary";
    button.textContent = TEXTS.install;
    button.addEventListener("click", () => act({ method: "POST", url: api + "/equipment", json: { equipment: item.name } }));
    if (item.status === "installed") {
      const note = document.createElement("div");
      note.className = "text-warning";
      note.textContent = TEXTS.installed_elsewhere;
      text.append(note);
    }
    row.append(text, button);
    return row;
  }
  function note(container, message) {
    container.replaceChildren();
    const row = document.createElement("div");
    row.className = "list-group-item small text-body-secondary";
    row.textContent = message;
    container.append(row);
  }
  async function search(query) {
    lastQuery = query;
    if (query.trim().length < 3) { results.replaceChildren(); return; }
    note(results, TEXTS.searching);
    let response;
    try {
      response = await fetch("/field/api/equipment?q=" + encodeURIComponent(query), { credentials: "same-origin" });
    } catch (networkError) { note(results, TEXTS.offline); return; }
    if (query !== lastQuery) return; // a newer search is on its way
    if (!response.ok) { note(results, await errorMessage(response)); return; }
    const answer = await response.json();
    if (!answer.results.length) { note(results, TEXTS.no_match); return; }
    results.replaceChildren(...answer.results.map(resultItem));
  }
  if (queryInput) {
    queryInput.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => search(queryInput.value), 300);
    });
  }

  async function scan(file) {
    const container = document.getElementById("scan-results");
    note(container, TEXTS.reading);
    const body = new FormData();
    body.append("file", file, file.name || "label.jpg");
    let response;
    try {
      response = await fetch("/field/api/scan", { method: "POST", body, headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" });
    } catch (networkError) { note(container, TEXTS.offline); return; }
    if (!response.ok) { note(container, await errorMessage(response)); return; }
    const answer = await response.json();
    if (!answer.barcodes.length) { note(container, TEXTS.no_code); return; }
    container.replaceChildren(...answer.barcodes.map((code) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action font-monospace";
      button.textContent = code.text;
      button.addEventListener("click", () => {
        bootstrap.Tab.getOrCreateInstance(document.getElementById("tab-search")).show();
        queryInput.value = code.text;
        search(code.text);
      });
      return button;
    }));
  }

  const createForm = document.querySelector("[data-field-create]");
  if (createForm) {
    createForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!createForm.reportValidity()) return;
      const data = Object.fromEntries(new FormData(createForm).entries());
      if (!data.mac_address) delete data.mac_address;
      await act({ method: "POST", url: api + "/equipment/new", json: data });
    });
  }

  // --- Day page: keep every job page for offline reading -----------------------------------
  function keepDayForOffline() {
    if (!navigator.onLine || !("serviceWorker" in navigator)) return;
    document.querySelectorAll("[data-field-job]").forEach((link) => {
      fetch(link.getAttribute("href"), { credentials: "same-origin" }).catch(() => {});
    });
    fetch("/field/api/jobs", { credentials: "same-origin" }).catch(() => {});
  }

  function controlled() {
    if (navigator.serviceWorker.controller) return Promise.resolve();
    return new Promise((resolve) => {
      navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
      setTimeout(resolve, 3000);
    });
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/field/sw.js", { scope: "/" })
      .then(() => navigator.serviceWorker.ready)
      .then(controlled)
      .then(keepDayForOffline)
      .catch(() => {});
  }
  window.addEventListener("online", () => { showOnline(); flush(); });
  window.addEventListener("offline", showOnline);
  showOnline();
  showPending().then(flush);
  window.gfField = { send, flush, queue };
})();
