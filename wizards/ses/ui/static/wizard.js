// The SES setup wizard's page (cli.md §13). Every step's markup is in the
// page; this script shows one at a time, posts the accumulated inputs to
// the server on Next, and renders what the server answers. It builds no
// HTML from strings: text goes in through textContent, so nothing AWS or
// the operator typed is ever parsed as markup.
"use strict";

(function () {
  const TOKEN = document.body.dataset.token;
  const NUM_STEPS = Number(document.body.dataset.numSteps);
  // Steps whose Next asks AWS (3 STS, 4 identities, 5 sandbox, 6 test send).
  const AWS_STEPS = new Set([3, 4, 5, 6]);
  const REVIEW_STEP = 7;
  const WRITE_STEP = 8;

  // The accumulated inputs (cli.md §13.1), posted whole on every call so
  // the server can replay validation from scratch.
  const state = {
    existing_ses: false,
    replace_existing: false,
    ses_region: "us-east-1",
    credential_source: "chain",
    ses_profile: "",
    ses_access_key_id: "",
    ses_secret_access_key: "",
    from_address: "",
    aws_in_sandbox: false,
    sandbox_attested: false,
    test_recipient: "",
    skip_test_send: false,
  };

  // For each AWS step, the inputs its last passing probe saw: a second
  // Next with the same inputs moves on instead of asking AWS again (and
  // never sends a second test message).
  const passed = new Map();

  let step = 0;
  let busy = false;

  const $ = (id) => document.getElementById(id);
  const sections = Array.from(document.querySelectorAll("section[data-step]"));
  const btnBack = $("btn-back");
  const btnNext = $("btn-next");

  function section(n) {
    return sections.find((s) => Number(s.dataset.step) === n);
  }

  async function api(method, path, payload) {
    const init = { method: method, headers: { "X-Wizard-Token": TOKEN } };
    if (payload !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      return { status: 0, data: null };
    }
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    return { status: res.status, data: data };
  }

  // --- inputs <-> state ------------------------------------------------

  function bound() {
    return Array.from(document.querySelectorAll("[data-bind]"));
  }

  function fillForm() {
    for (const el of bound()) {
      const key = el.dataset.bind;
      if (el.type === "checkbox") el.checked = !!state[key];
      else if (el.type === "radio") el.checked = el.value === state[key];
      else el.value = state[key] || "";
    }
    document.getElementById("test_recipient").placeholder = state.from_address || "";
    showSourceFields();
  }

  function readForm() {
    for (const el of bound()) {
      const key = el.dataset.bind;
      if (el.type === "checkbox") state[key] = el.checked;
      else if (el.type === "radio") {
        if (el.checked) state[key] = el.value;
      } else state[key] = el.value;
    }
  }

  function snapshot() {
    return JSON.stringify(state);
  }

  function showSourceFields() {
    for (const div of document.querySelectorAll("[data-source]")) {
      div.hidden = div.dataset.source !== state.credential_source;
    }
  }

  // --- messages --------------------------------------------------------

  function setText(el, text) {
    el.textContent = text;
    el.hidden = text === "";
  }

  function clearMessages() {
    for (const el of document.querySelectorAll("[data-error-for], [data-warning-for]")) setText(el, "");
    setText($("form-error"), "");
    setText($("status"), "");
  }

  function showErrors(errors) {
    const here = section(step);
    for (const e of errors || []) {
      const slot = here && here.querySelector('[data-error-for="' + CSS.escape(e.field) + '"]');
      if (slot) setText(slot, e.message);
      else setText($("form-error"), ($("form-error").textContent ? $("form-error").textContent + " " : "") + e.message);
    }
  }

  function showWarnings(warnings) {
    const here = section(step);
    for (const w of warnings || []) {
      const slot = here && here.querySelector('[data-warning-for="' + CSS.escape(w.field) + '"]');
      if (slot) setText(slot, w.message);
    }
  }

  function para(text, cls) {
    const p = document.createElement("p");
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }

  // renderAws shows what a probe of step n found, in that step's box.
  function renderAws(n, aws) {
    const box = document.querySelector('[data-aws-for="' + n + '"]');
    if (!box) return;
    box.replaceChildren();
    box.hidden = true;
    box.className = "aws" + (aws.error ? " failed" : "");
    if (n === 3) {
      // A failure is the field's error, which quotes AWS already.
      if (!aws.credential_ok) return;
      box.append(para("Resolved: " + aws.arn, "ok"));
      if (aws.account_id) box.append(para("Account: " + aws.account_id));
    } else if (n === 4) {
      box.append(para("Address: " + aws.address_status + " · Domain: " + aws.domain_status, aws.verified ? "ok" : ""));
      if (aws.error) box.append(para("AWS: " + aws.error + " (not blocking: the test send will tell)"));
      $("verify-link").hidden = !!aws.verified || !!aws.error;
    } else if (n === 5) {
      $("sandbox-pending").hidden = true;
      if (aws.in_sandbox) box.append(para("In the SES sandbox (detected by " + detection(aws.detection) + ")."));
      else if (aws.detection === "unknown") box.append(para("AWS: " + aws.error));
      else box.append(para("Not in sandbox. Production sends are allowed.", "ok"));
      $("sandbox-attest").hidden = !aws.in_sandbox;
    } else if (n === 6) {
      if (!aws.send_ok) return;
      box.append(para("Test send accepted by SES. MessageId: " + aws.message_id, "ok"));
    }
    box.hidden = false;
  }

  function detection(d) {
    return d === "api" ? "GetAccount" : d === "quota_heuristic" ? "the send quota" : d;
  }

  // --- navigation ------------------------------------------------------

  function showStep(n) {
    step = n;
    for (const s of sections) s.hidden = Number(s.dataset.step) !== n;
    $("step-current").textContent = String(n + 1);
    btnBack.disabled = n === 0;
    btnNext.textContent = n === WRITE_STEP ? "Write" : n === REVIEW_STEP ? "Confirm" : "Next";
    $("existing-yes").hidden = !state.existing_ses;
    $("existing-no").hidden = state.existing_ses;
    $("sandbox-attest").hidden = !state.aws_in_sandbox;
    if (n === REVIEW_STEP) fillReview();
    clearMessages();
    if (AWS_STEPS.has(n) && passed.get(n) === snapshot()) {
      setText($("status"), "Checked. Click Next to continue.");
    }
    const first = section(n) && section(n).querySelector("input:not([type=hidden])");
    if (first && !first.closest("[hidden]")) first.focus();
  }

  function fillReview() {
    $("review-region").textContent = '"' + state.ses_region.trim() + '"';
    $("review-from").textContent = '"' + state.from_address.trim() + '"';
    $("review-source").textContent = '"' + state.credential_source + '"';
    const key = $("review-cred-key");
    const value = $("review-cred-value");
    key.hidden = value.hidden = true;
    let note = "";
    if (state.credential_source === "profile") {
      key.textContent = "ses_profile";
      value.firstElementChild.textContent = '"' + state.ses_profile.trim() + '"';
      key.hidden = value.hidden = false;
    } else if (state.credential_source === "explicit") {
      key.textContent = "ses_access_key_id";
      value.firstElementChild.textContent = '"' + state.ses_access_key_id.trim() + '"';
      key.hidden = value.hidden = false;
      note = "(secret goes to regstack.secrets.env)";
    } else {
      note = "(no credential keys written — default chain at runtime)";
    }
    $("review-cred-note").textContent = note;
  }

  function setBusy(on, message) {
    busy = on;
    btnNext.disabled = on;
    btnBack.disabled = on || step === 0;
    document.body.setAttribute("aria-busy", on ? "true" : "false");
    if (on) setText($("status"), message || "");
  }

  // next handles one click of the primary button; when it has finished,
  // body[data-handled] counts it, so a test driving the page knows the
  // answer is on show.
  let handled = 0;
  async function next() {
    if (busy) return;
    try {
      await advance();
    } finally {
      document.body.dataset.handled = String(++handled);
    }
  }

  async function advance() {
    readForm();
    clearMessages();
    if (AWS_STEPS.has(step) && passed.get(step) === snapshot()) {
      showStep(step + 1);
      return;
    }
    setBusy(true, AWS_STEPS.has(step) ? "Checking with AWS…" : "Checking…");
    const res = await api("POST", "/api/step/" + step + "/validate", state);
    setBusy(false);
    setText($("status"), "");
    const out = res.data;
    if (res.status !== 200 || !out) {
      setText($("form-error"), "The wizard server did not answer (" + (res.status || "no connection") + "). Check the terminal it runs in.");
      return;
    }
    if (out.aws) {
      if (step === 5) state.aws_in_sandbox = !!out.aws.in_sandbox;
      renderAws(step, out.aws);
    }
    if (!out.ok) {
      if (typeof out.jump_to === "number" && out.jump_to !== step) showStep(out.jump_to);
      showErrors(out.errors);
      showWarnings(out.warnings);
      return;
    }
    if (step === WRITE_STEP) {
      await write();
      return;
    }
    if (out.aws) {
      // Stay, so the operator reads what AWS said; Next again moves on.
      passed.set(step, snapshot());
      showWarnings(out.warnings);
      setText($("status"), "Checked. Click Next to continue.");
      return;
    }
    showStep(step + 1);
  }

  async function write() {
    setBusy(true, "Writing…");
    const res = await api("POST", "/api/write", state);
    setBusy(false);
    setText($("status"), "");
    const out = res.data;
    if (res.status === 200 && out && out.ok) {
      done(out);
      return;
    }
    if (out && typeof out.jump_to === "number") showStep(out.jump_to);
    if (out && out.errors) showErrors(out.errors);
    else setText($("form-error"), "Write failed (" + (res.status || "no connection") + "). Check the terminal the wizard runs in.");
  }

  function done(out) {
    for (const s of sections) s.hidden = true;
    $("nav").hidden = true;
    $("counter").hidden = true;
    $("done-config-diff").textContent = out.config_diff;
    $("done-secrets-diff").textContent = out.secrets_diff;
    $("done-config-path").textContent = out.config_path;
    $("done-secrets-path").textContent = out.secrets_path;
    $("done").hidden = false;
    $("btn-close").focus();
  }

  async function close() {
    $("btn-close").disabled = true;
    await api("POST", "/api/done", {});
    $("closed").hidden = false;
    // A window the page opened itself may close; a tab the operator
    // opened stays, showing the line above.
    window.close();
  }

  async function init() {
    btnBack.addEventListener("click", () => {
      if (!busy && step > 0) {
        readForm();
        showStep(step - 1);
      }
    });
    btnNext.addEventListener("click", next);
    $("btn-close").addEventListener("click", close);
    for (const radio of document.querySelectorAll('input[name="credential_source"]')) {
      radio.addEventListener("change", () => {
        readForm();
        showSourceFields();
      });
    }
    // Enter in a text field means Next.
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && ev.target instanceof HTMLInputElement && ev.target.type !== "checkbox" && ev.target.type !== "radio") {
        ev.preventDefault();
        next();
      }
    });

    const res = await api("GET", "/api/state");
    if (res.status === 200 && res.data) {
      state.existing_ses = !!res.data.existing_ses;
      if (res.data.from_address) state.from_address = res.data.from_address;
      $("target-dir").textContent = res.data.target_dir || "";
    } else {
      setText($("form-error"), "The wizard server did not answer (" + (res.status || "no connection") + "). Check the terminal it runs in.");
    }
    fillForm();
    showStep(0);
    document.body.dataset.ready = "true";
  }

  init();
})();
