// regstack Google OAuth setup wizard (cli.md §11): twelve steps addressed
// as #/step/<n>. Every Next is validated by the server; the server writes
// the files. The state survives a reload in sessionStorage — except the
// client secret, which stays in this page's memory only.
(function () {
  "use strict";

  const TOKEN = document.body.dataset.wizardToken;
  const NUM_STEPS = parseInt(document.body.dataset.numSteps || "12", 10);
  const STORAGE_KEY = "regstack.oauth-wizard.state";
  const NOT_STORED = ["client_secret"];
  const MAX_MASK = 12;

  const $ = (id) => document.getElementById(id);
  const state = loadState();
  let server = null; // the answer of GET /api/state
  let current = parseHash();
  let secretShown = false;

  // ---- Storage ------------------------------------------------------------

  function loadState() {
    try {
      const raw = sessionStorage.getItem(STORAGE_KEY);
      const parsed = raw ? JSON.parse(raw) : {};
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch (e) {
      return {};
    }
  }

  function saveState() {
    const kept = {};
    Object.keys(state).forEach((k) => {
      if (!NOT_STORED.includes(k)) kept[k] = state[k];
    });
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(kept));
    } catch (e) {
      // Storage full or disabled: the wizard still works until a reload.
    }
  }

  // ---- HTTP ---------------------------------------------------------------

  async function api(method, path, body) {
    const init = { method, headers: { "X-Wizard-Token": TOKEN } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      showFormError("Network error — is the wizard server still running?");
      return null;
    }
    if (response.status === 401) {
      showFormError("Wizard session expired. Restart `regstack oauth setup`.");
      return null;
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!data || (data.ok === undefined && data.detail)) {
      showFormError((data && data.detail) || "Unexpected answer from the wizard server (" + response.status + ").");
      return null;
    }
    return data;
  }

  // ---- Routing ------------------------------------------------------------

  function parseHash() {
    const m = /^#\/step\/(\d+)$/.exec(location.hash || "");
    const n = m ? parseInt(m[1], 10) : 0;
    return n >= 0 && n < NUM_STEPS ? n : 0;
  }

  // gotoStep renders step n at once; the hashchange that follows finds the
  // step already current and leaves the page (and any errors shown) alone.
  function gotoStep(n) {
    if (n < 0 || n >= NUM_STEPS) return;
    current = n;
    if (parseHash() !== n || location.hash !== "#/step/" + n) location.hash = "#/step/" + n;
    render();
  }

  // Browser back and forward.
  window.addEventListener("hashchange", () => {
    const n = parseHash();
    if (n === current) return;
    current = n;
    render();
  });

  // ---- Inputs -------------------------------------------------------------

  function bindInputs() {
    document.querySelectorAll(".wiz-step input[name]").forEach((el) => {
      const update = () => {
        state[el.name] = el.type === "checkbox" ? el.checked : el.value;
        saveState();
        if (el.name === "base_url") refreshRedirect();
      };
      el.addEventListener("input", update);
      el.addEventListener("change", update);
    });
  }

  function fillInputs() {
    document.querySelectorAll(".wiz-step input[name]").forEach((el) => {
      const v = state[el.name];
      if (el.type === "checkbox") el.checked = v === true;
      else el.value = typeof v === "string" ? v : "";
    });
  }

  // ---- Rendering ----------------------------------------------------------

  function redirectURI() {
    const custom = typeof state.custom_redirect_uri === "string" ? state.custom_redirect_uri.trim() : "";
    if (custom) return custom;
    const base = typeof state.base_url === "string" ? state.base_url.trim() : "";
    if (!base) return "—";
    const prefix = (server && server.api_prefix) || "/api/auth";
    return base.replace(/\/+$/, "") + prefix.replace(/\/+$/, "") + "/oauth/google/callback";
  }

  function refreshRedirect() {
    $("wiz-redirect-preview").textContent = redirectURI();
    $("wiz-redirect-copy").textContent = redirectURI();
  }

  function render() {
    document.querySelectorAll(".wiz-step").forEach((sec) => {
      sec.hidden = parseInt(sec.dataset.step, 10) !== current;
    });
    const cells = $("wiz-progress").children;
    for (let i = 0; i < cells.length; i++) {
      cells[i].className = "wiz-progress-cell" + (i < current ? " is-done" : i === current ? " is-current" : "");
      if (i === current) cells[i].setAttribute("aria-current", "step");
      else cells[i].removeAttribute("aria-current");
    }
    fillInputs();
    clearErrors();

    const existing = state.existing_oauth === true;
    document.querySelector('[data-step="1"] [data-when="no-existing"]').hidden = existing;
    document.querySelector('[data-step="1"] [data-when="existing"]').hidden = !existing;
    refreshRedirect();
    if (current === 10) renderReview();
    if (current === 11 && server) {
      $("wiz-write-target").textContent = server.target_dir.replace(/\/+$/, "") + "/" + server.config_file;
    }
    $("wiz-back").disabled = current === 0;
    $("wiz-next").hidden = current === NUM_STEPS - 1;
    const heading = document.querySelector('.wiz-step[data-step="' + current + '"] h2');
    if (heading) document.title = "regstack — Google OAuth setup · " + heading.textContent;
  }

  function masked(secret) {
    return secret ? "•".repeat(Math.min(secret.length, MAX_MASK)) : "—";
  }

  function renderReview() {
    $("wiz-rev-redirect").textContent = redirectURI();
    $("wiz-rev-client-id").textContent = (state.client_id || "").trim() || "—";
    const secret = state.client_secret || "";
    $("wiz-rev-client-secret").textContent = secretShown && secret ? secret : masked(secret);
    $("wiz-toggle-secret").textContent = secretShown ? "Hide" : "Show";
    $("wiz-rev-auto-link").textContent = state.auto_link_verified_emails === true ? "Yes" : "No";
    $("wiz-rev-mfa").textContent = state.enforce_mfa_on_oauth_signin === true ? "Yes" : "No";
  }

  // ---- Errors -------------------------------------------------------------

  function clearErrors() {
    document.querySelectorAll(".wiz-field-error").forEach((el) => el.remove());
    document.querySelectorAll(".wiz-field.has-error").forEach((el) => el.classList.remove("has-error"));
    document.querySelectorAll(".wiz-step input[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    $("wiz-errors").textContent = "";
  }

  function showFormError(message) {
    const el = $("wiz-errors");
    el.textContent = el.textContent ? el.textContent + " " + message : message;
  }

  function showErrors(errors) {
    clearErrors();
    errors.forEach((err) => {
      const input = document.querySelector('.wiz-step[data-step="' + current + '"] input[name="' + err.field + '"]');
      const field = input && input.closest(".wiz-field");
      if (!field) {
        showFormError(err.message);
        return;
      }
      field.classList.add("has-error");
      input.setAttribute("aria-invalid", "true");
      const msg = document.createElement("p");
      msg.className = "wiz-field-error";
      msg.textContent = err.message;
      field.appendChild(msg);
    });
  }

  // Shows a failed validation: on the step it names, if it names one.
  function reportFailure(result) {
    const errors = result.errors || [];
    if (typeof result.jump_to === "number" && result.jump_to !== current) gotoStep(result.jump_to);
    showErrors(errors);
  }

  // ---- Actions ------------------------------------------------------------

  function forServer() {
    const out = {};
    Object.keys(state).forEach((k) => (out[k] = state[k]));
    return out;
  }

  async function next() {
    const btn = $("wiz-next");
    btn.disabled = true;
    try {
      const result = await api("POST", "/api/step/" + current + "/validate", forServer());
      if (!result) return;
      if (result.ok) gotoStep(current + 1);
      else reportFailure(result);
    } finally {
      btn.disabled = false;
    }
  }

  async function write() {
    const btn = $("wiz-write");
    btn.disabled = true;
    try {
      const result = await api("POST", "/api/write", forServer());
      if (!result) return;
      if (!result.ok) {
        reportFailure(result);
        return;
      }
      document.querySelector('[data-step="11"] [data-when="pre-write"]').hidden = true;
      document.querySelector('[data-step="11"] [data-when="post-write"]').hidden = false;
      $("wiz-write-summary").textContent =
        result.config_diff + " in " + result.config_path + "; " + result.secrets_diff + " in " + result.secrets_path + ".";
      $("wiz-back").disabled = true;
    } finally {
      btn.disabled = false;
    }
  }

  async function close() {
    await api("POST", "/api/done", {});
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      // nothing stored
    }
    document.body.dataset.closed = "true";
    window.close();
  }

  async function copyRedirect() {
    const btn = $("wiz-copy-redirect");
    try {
      await navigator.clipboard.writeText(redirectURI());
    } catch (e) {
      showFormError("Clipboard not available — select the URI and copy it by hand.");
      return;
    }
    btn.textContent = "Copied";
    setTimeout(() => (btn.textContent = "Copy"), 1500);
  }

  // ---- Boot ---------------------------------------------------------------

  async function boot() {
    const progress = $("wiz-progress");
    for (let i = 0; i < NUM_STEPS; i++) {
      const cell = document.createElement("li");
      cell.className = "wiz-progress-cell";
      cell.title = "Step " + (i + 1) + " of " + NUM_STEPS;
      progress.appendChild(cell);
    }
    bindInputs();
    $("wiz-next").addEventListener("click", next);
    $("wiz-back").addEventListener("click", () => gotoStep(current - 1));
    $("wiz-write").addEventListener("click", write);
    $("wiz-close").addEventListener("click", close);
    $("wiz-copy-redirect").addEventListener("click", copyRedirect);
    $("wiz-toggle-secret").addEventListener("click", () => {
      secretShown = !secretShown;
      renderReview();
    });
    document.querySelectorAll("[data-goto]").forEach((btn) => {
      btn.addEventListener("click", () => gotoStep(parseInt(btn.dataset.goto, 10)));
    });
    render();

    server = await api("GET", "/api/state");
    if (!server) return;
    if (typeof state.base_url !== "string") state.base_url = server.base_url;
    state.existing_oauth = server.existing_oauth === true;
    document.querySelectorAll(".wiz-config-file").forEach((el) => (el.textContent = server.config_file));
    saveState();
    render();
    document.body.dataset.ready = "true";
  }

  boot();
})();
