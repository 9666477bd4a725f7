// Sign-up wizard: address -> plan -> contact + code -> order -> slot -> contract (server page).
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const words = JSON.parse($("words").textContent);
  const state = { address: null, verification: null, order: null };
  const money = (n) => n.toLocaleString(document.documentElement.lang, { style: "currency", currency: "CAD" });
  const cents = (n) => Math.round(n * 100) / 100;
  const colon = document.documentElement.lang.startsWith("fr") ? " : " : ": ";

  function showError(body) {
    const box = $("error");
    if (!body) { box.hidden = true; box.textContent = ""; return; }
    const fields = Object.values(body.fields || {});
    box.textContent = fields.length ? fields.join(" ") : (body.message || words.error);
    box.hidden = false;
    box.scrollIntoView({ block: "center" });
  }

  async function call(method, url, data) {
    const response = await fetch(url, {
      method,
      headers: { "content-type": "application/json", accept: "application/json" },
      body: data ? JSON.stringify(data) : undefined,
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { showError(body); throw new Error(body.message || response.status); }
    showError(null);
    return body;
  }

  // 1. Address autocomplete (GET /api/address?q=)
  let timer = null;
  $("address").addEventListener("input", (event) => {
    clearTimeout(timer);
    state.address = null;
    $("fibre-status").textContent = "";
    refresh();
    const q = event.target.value.trim();
    if (q.length < 3) { $("suggestions").replaceChildren(); return; }
    timer = setTimeout(async () => {
      const body = await call("GET", `/api/address?q=${encodeURIComponent(q)}`).catch(() => ({ items: [] }));
      $("suggestions").replaceChildren(...body.items.map((match) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action";
        button.dataset.testid = "address-option";
        button.textContent = match.label;
        button.addEventListener("click", () => pick(match));
        return button;
      }));
    }, 200);
  });

  function pick(match) {
    $("address").value = match.label;
    $("suggestions").replaceChildren();
    state.address = match.fibre_available ? match : null;
    const status = $("fibre-status");
    status.className = "mt-2 fw-semibold " + (match.fibre_available ? "text-success" : "text-danger");
    status.textContent = match.fibre_available ? words.available : words.unavailable;
    refresh();
  }

  // 2. Cart (an estimate; the order's quotation is authoritative)
  function chosen() {
    return [...document.querySelectorAll("input[name=plan]:checked, input[name=option]:checked")];
  }
  function refresh() {
    let subtotal = 0;
    for (const input of chosen()) subtotal += Number(input.dataset.price);
    for (const fee of document.querySelectorAll("[data-fee]")) subtotal += Number(fee.dataset.price);
    const taxes = cents(subtotal * 0.05) + cents(subtotal * 0.09975);
    $("cart-total").textContent = money(cents(subtotal + taxes));
    $("place-order").disabled = !(state.address && state.verification && document.querySelector("input[name=plan]:checked"));
  }
  document.querySelectorAll("input[name=plan], input[name=option]").forEach((input) => input.addEventListener("change", refresh));
  refresh();

  // 3. Contact and one-time code (POST /api/otp/send, /api/otp/verify)
  const contact = () => (document.querySelector("input[name=channel]:checked").value === "sms" ? $("phone").value : $("email").value).trim();
  $("send-code").addEventListener("click", async () => {
    const body = await call("POST", "/api/otp/send", { contact: contact(), language: $("language").value });
    $("otp-status").textContent = body.message;
    $("code-row").hidden = false;
    $("code").focus();
  });
  $("verify-code").addEventListener("click", async () => {
    const body = await call("POST", "/api/otp/verify", { contact: contact(), code: $("code").value });
    state.verification = body.verification;
    $("otp-status").className = "mt-2 text-success fw-semibold";
    $("otp-status").textContent = words.verified;
    refresh();
  });
  $("referral").addEventListener("change", async () => {
    const code = $("referral").value.trim();
    $("referral-status").textContent = "";
    if (!code) return;
    const body = await call("GET", `/api/referral/${encodeURIComponent(code)}`).catch(() => null);
    if (body) $("referral-status").textContent = body.message;
  });

  // 4. Order (POST /api/order), then slots (GET /api/slots, POST /api/slots/hold)
  $("place-order").addEventListener("click", async () => {
    $("place-order").disabled = true;
    try {
      state.order = await call("POST", "/api/order", {
        full_name: $("full_name").value,
        email: $("email").value || null,
        phone: $("phone").value || null,
        language: $("language").value,
        address_id: state.address.id,
        unit: $("unit").value,
        plan: document.querySelector("input[name=plan]:checked").value,
        options: [...document.querySelectorAll("input[name=option]:checked")].map((i) => i.value),
        referral_code: $("referral").value.trim() || null,
        verification: state.verification,
      });
    } catch (error) { refresh(); return; }
    const order = state.order;
    const lines = order.lines.map((l) => `<li>${escape(l.description)} — ${money(Number(l.amount))}</li>`).join("");
    $("quote").innerHTML = `<ul class="list-unstyled">${lines}</ul><p><strong>${words.total}${colon}${money(Number(order.total))}</strong></p>`;
    $("step-slot").hidden = false;
    const found = await call("GET", `/api/slots?token=${encodeURIComponent(order.token)}`);
    if (!found.slots.length) { $("slots").textContent = words.none; return; }
    $("slots").replaceChildren(...found.slots.slice(0, 24).map((slot) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-primary";
      button.dataset.testid = "slot";
      button.textContent = slot.label;
      button.addEventListener("click", async () => {
        const held = await call("POST", "/api/slots/hold", { token: order.token, start: slot.start });
        location.href = held.accept_url;
      });
      return button;
    }));
    $("step-slot").scrollIntoView();
  });

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }
})();
