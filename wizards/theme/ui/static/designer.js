// regstack theme designer (cli.md §12): controls for every --rs-* property
// in a light and a dark scope, a live preview of the account pages styled by
// their own core.css, and Save / Reset to defaults / Copy CSS. The server
// validates and writes; this page only edits and previews.
(function () {
  "use strict";

  const TOKEN = document.body.dataset.wizardToken;
  const HEX6 = /^#[0-9a-fA-F]{6}$/;
  const BARE_NUMBER = /^\d+(?:\.\d+)?$/;

  const state = {
    scope: "light",
    light: {},
    dark: {},
    defaults: { light: {}, dark: {} },
    schema: null,
    filename: "regstack-theme.css",
    errors: [], // the last save's field errors, {field, message, scope}
  };

  const $ = (id) => document.getElementById(id);

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
      setStatus("Network error.", "error");
      return null;
    }
    if (response.status === 401) {
      setStatus("Session expired. Restart the designer.", "error");
      return null;
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    return { status: response.status, data: data || {} };
  }

  function setStatus(text, tone) {
    const el = $("d-status");
    el.textContent = text;
    el.dataset.tone = tone || "";
  }

  // ---- Controls -----------------------------------------------------------

  function buildControls() {
    const groups = [
      ["d-colour-fields", state.schema.color_vars, true],
      ["d-font-fields", state.schema.font_vars, false],
      ["d-shape-fields", state.schema.radius_vars.concat(state.schema.shadow_vars || []), false],
    ];
    groups.forEach(([id, names, colour]) => {
      const root = $(id);
      root.replaceChildren();
      names.forEach((name) => root.appendChild(buildRow(name, colour)));
    });
    markErrors();
  }

  function buildRow(name, colour) {
    const row = document.createElement("div");
    row.className = "d-row";
    row.dataset.var = name;

    const label = document.createElement("label");
    label.className = "d-row-label";
    label.textContent = name;
    label.htmlFor = "d-input-" + name;
    row.appendChild(label);

    const controls = document.createElement("div");
    controls.className = "d-row-controls";
    const text = document.createElement("input");
    text.type = "text";
    text.id = "d-input-" + name;
    text.className = "d-text";
    text.spellcheck = false;
    text.autocomplete = "off";
    text.value = state[state.scope][name] || "";

    if (colour) {
      const picker = document.createElement("input");
      picker.type = "color";
      picker.className = "d-picker";
      picker.setAttribute("aria-label", name + " colour picker");
      syncPicker(picker, text.value);
      picker.addEventListener("input", () => {
        text.value = picker.value;
        setValue(name, picker.value);
      });
      text.addEventListener("input", () => {
        syncPicker(picker, text.value);
        setValue(name, text.value);
      });
      controls.appendChild(picker);
    } else {
      text.addEventListener("input", () => setValue(name, text.value));
    }
    controls.appendChild(text);
    row.appendChild(controls);

    const error = document.createElement("p");
    error.className = "d-row-error";
    error.hidden = true;
    row.appendChild(error);
    return row;
  }

  // The native picker speaks only #rrggbb; anything else is edited as text.
  function syncPicker(picker, value) {
    const hex = HEX6.test(value.trim());
    picker.disabled = !hex;
    picker.title = hex ? "Pick a colour" : "rgba() value — edit the text field";
    if (hex) picker.value = value.trim().toLowerCase();
  }

  function setValue(name, value) {
    state[state.scope][name] = value;
    // An edited value is no longer the one the server refused.
    state.errors = state.errors.filter((e) => !(e.scope === state.scope && e.field === name));
    markErrors();
    refreshPreview();
  }

  function selectScope(scope) {
    state.scope = scope;
    document.querySelectorAll(".d-tab").forEach((tab) => {
      tab.setAttribute("aria-selected", String(tab.dataset.scope === scope));
    });
    buildControls();
    refreshPreview();
  }

  function markErrors() {
    document.querySelectorAll(".d-row").forEach((row) => {
      const err = state.errors.find((e) => e.scope === state.scope && e.field === row.dataset.var);
      row.classList.toggle("has-error", !!err);
      row.querySelector(".d-text").setAttribute("aria-invalid", String(!!err));
      const p = row.querySelector(".d-row-error");
      p.hidden = !err;
      p.textContent = err ? err.message : "";
    });
  }

  // ---- Preview ------------------------------------------------------------

  // The value a page would show: the scope's own value, else (dark) the
  // light value the theme file re-declares, else the bundled default.
  function effective(name) {
    const pick = (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : "");
    const light = pick(state.light[name]) || pick(state.defaults.light[name]);
    if (state.scope === "light") return light;
    return pick(state.dark[name]) || pick(state.light[name]) || pick(state.defaults.dark[name]) || light;
  }

  function refreshPreview() {
    const frame = $("d-preview");
    const doc = frame.contentDocument;
    if (!doc || !doc.documentElement || !state.schema) return;
    const root = doc.documentElement;
    state.schema.all_vars.forEach((name) => {
      let value = effective(name);
      if (name === "--rs-radius" && BARE_NUMBER.test(value)) value += "px";
      root.style.setProperty(name, value);
    });
    root.style.setProperty("color-scheme", state.scope);
    root.dataset.scheme = state.scope;
  }

  // The preview is a picture: its buttons, links and form do nothing.
  function quietPreview() {
    const doc = $("d-preview").contentDocument;
    if (!doc) return;
    doc.addEventListener("click", (e) => {
      if (e.target.closest("a, button")) e.preventDefault();
    });
    doc.addEventListener("submit", (e) => e.preventDefault());
  }

  // ---- CSS text -----------------------------------------------------------

  // Exactly what Save writes for a new file (theme.NewFile on the server).
  function generateCss() {
    const clean = (values) => {
      const out = [];
      state.schema.all_vars.forEach((name) => {
        const raw = values[name];
        if (typeof raw !== "string") return;
        let v = raw.trim();
        if (v === "") return;
        if (state.schema.radius_vars.includes(name) && BARE_NUMBER.test(v)) v += "px";
        out.push([name, v]);
      });
      return out;
    };
    const light = clean(state.light);
    const dark = clean(state.dark);
    let css =
      "/* " + state.filename + " — generated by `regstack theme design`.\n" +
      "   Only the :root and dark-scheme blocks are rewritten by the designer. */\n\n";
    if (light.length === 0) {
      css += ":root { }\n";
    } else {
      css += ":root {\n" + light.map(([n, v]) => "  " + n + ": " + v + ";\n").join("") + "}\n";
    }
    if (dark.length > 0) {
      css += "\n@media (prefers-color-scheme: dark) {\n  :root {\n" +
        dark.map(([n, v]) => "    " + n + ": " + v + ";\n").join("") + "  }\n}\n";
    }
    return css;
  }

  // ---- Actions ------------------------------------------------------------

  async function save() {
    setStatus("Saving…", "");
    const result = await api("POST", "/api/save", { light: state.light, dark: state.dark });
    if (!result) return;
    const data = result.data;
    if (data.ok) {
      state.errors = [];
      markErrors();
      setStatus("Saved " + data.bytes_written + " bytes · " + data.light_count + " light · " + data.dark_count + " dark", "ok");
      return;
    }
    if (Array.isArray(data.errors)) {
      state.errors = data.errors;
      setStatus("Validation failed — see field errors", "error");
      const first = data.errors[0];
      if (first && first.scope && first.scope !== state.scope) {
        selectScope(first.scope);
      } else {
        markErrors();
      }
      return;
    }
    setStatus(data.detail || "Save failed.", "error");
  }

  function reset() {
    state.light = Object.assign({}, state.defaults.light);
    state.dark = Object.assign({}, state.defaults.dark);
    state.errors = [];
    buildControls();
    refreshPreview();
    setStatus("Reset to defaults — click Save to write.", "");
  }

  async function copy() {
    const css = generateCss();
    try {
      await navigator.clipboard.writeText(css);
      setStatus("Copied CSS to clipboard.", "ok");
    } catch (e) {
      setStatus("Clipboard not available.", "error");
    }
  }

  // ---- Boot ---------------------------------------------------------------

  async function boot() {
    const result = await api("GET", "/api/state");
    if (!result || result.status !== 200) {
      if (result) setStatus(result.data.detail || "Could not load the designer state.", "error");
      return;
    }
    const data = result.data;
    state.schema = data.schema;
    state.defaults = data.defaults;
    state.filename = data.filename;
    // Defaults overlaid with the saved file: re-running is non-destructive.
    state.light = Object.assign({}, data.defaults.light, data.existing.light);
    state.dark = Object.assign({}, data.defaults.dark, data.existing.dark);
    $("d-target-path").textContent = data.target_dir.replace(/\/+$/, "") + "/" + data.filename;

    document.querySelectorAll(".d-tab").forEach((tab) => {
      tab.addEventListener("click", () => selectScope(tab.dataset.scope));
    });
    $("d-save").addEventListener("click", save);
    $("d-reset").addEventListener("click", reset);
    $("d-copy").addEventListener("click", copy);

    buildControls();
    const frame = $("d-preview");
    const ready = () => {
      quietPreview();
      refreshPreview();
      document.body.dataset.ready = "true";
    };
    if (frame.contentDocument && frame.contentDocument.readyState === "complete" &&
        frame.contentDocument.querySelector(".rs-card")) {
      ready();
    } else {
      frame.addEventListener("load", ready, { once: true });
    }
  }

  boot();
})();
