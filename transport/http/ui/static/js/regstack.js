/*
 * regstack.js drives the account pages (spec/ui.md §5–7). It talks to the
 * JSON API through fetch, keeps the session token in localStorage under
 * "regstack.access_token" and the MFA-pending token in sessionStorage under
 * "regstack.mfa_pending", and writes API data into the page as text only.
 *
 * The page tells the script where things are through <body> attributes:
 * data-rs-api (JSON API prefix), data-rs-ui (pages prefix) and data-rs-page
 * (which page this is). The markup hooks it relies on are listed in
 * transport/http/ui/README.md.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "regstack.access_token";
  var MFA_KEY = "regstack.mfa_pending";
  var REDIRECT_DELAY_MS = 1200;

  var body = document.body;
  var apiPrefix = trimSlash(body.getAttribute("data-rs-api") || "/api/auth");
  var uiPrefix = trimSlash(body.getAttribute("data-rs-ui") || "/account");
  var pageName = body.getAttribute("data-rs-page") || "";
  var messageBox = document.querySelector("[data-rs-message]");

  function trimSlash(s) {
    return s.replace(/\/+$/, "");
  }

  // --- storage (private browsing may refuse it; the pages still work) ----

  function store(kind) {
    try {
      return kind === "session" ? window.sessionStorage : window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function getItem(kind, key) {
    var s = store(kind);
    try {
      return s ? s.getItem(key) : null;
    } catch (e) {
      return null;
    }
  }

  function setItem(kind, key, value) {
    var s = store(kind);
    try {
      if (s) s.setItem(key, value);
    } catch (e) {
      /* storage full or refused: the next page will ask to sign in again */
    }
  }

  function removeItem(kind, key) {
    var s = store(kind);
    try {
      if (s) s.removeItem(key);
    } catch (e) {
      /* nothing stored */
    }
  }

  function getToken() {
    return getItem("local", TOKEN_KEY);
  }

  function setToken(t) {
    setItem("local", TOKEN_KEY, t);
  }

  function clearToken() {
    removeItem("local", TOKEN_KEY);
  }

  // --- navigation --------------------------------------------------------

  function go(path) {
    window.location.assign(uiPrefix + path);
  }

  function goLater(path) {
    window.setTimeout(function () {
      go(path);
    }, REDIRECT_DELAY_MS);
  }

  function reloadLater() {
    window.setTimeout(function () {
      window.location.reload();
    }, REDIRECT_DELAY_MS);
  }

  function query(name) {
    return new URLSearchParams(window.location.search).get(name);
  }

  // isLocalPath accepts only a path on this origin: one leading slash, no
  // "//" (scheme-relative) and no backslash (which browsers treat as "/").
  function isLocalPath(p) {
    return (
      typeof p === "string" &&
      p.charAt(0) === "/" &&
      p.charAt(1) !== "/" &&
      p.indexOf("\\") < 0 &&
      !/[\u0000-\u001f]/.test(p)
    );
  }

  // --- the API -----------------------------------------------------------

  // api calls the JSON API and resolves to {ok, status, data, retryAfter};
  // a network failure resolves to status 0. With opts.auth and no stored
  // token it navigates to the sign-in page and never resolves.
  function api(method, path, payload, opts) {
    opts = opts || {};
    var headers = { "content-type": "application/json" };
    if (opts.auth) {
      var token = getToken();
      if (!token) {
        go("/login");
        return new Promise(function () {});
      }
      headers.authorization = "Bearer " + token;
    }
    var init = { method: method, headers: headers, credentials: "same-origin" };
    if (payload !== undefined) init.body = JSON.stringify(payload);
    return window.fetch(apiPrefix + path, init).then(
      function (res) {
        return res.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (e) {
            data = null;
          }
          return {
            ok: res.ok,
            status: res.status,
            data: data,
            retryAfter: res.headers.get("retry-after"),
          };
        });
      },
      function () {
        return { ok: false, status: 0, data: null, retryAfter: null };
      }
    );
  }

  // fieldLabel is the visible label of the form's input called name, or the
  // name made readable.
  function fieldLabel(form, name) {
    var input = form && form.querySelector('[name="' + cssEscape(name) + '"]');
    if (input && input.id) {
      var label = form.querySelector('label[for="' + cssEscape(input.id) + '"] .rs-label');
      if (label) {
        var text = label.firstChild && label.firstChild.nodeType === 3 ? label.firstChild.nodeValue : label.textContent;
        text = text.trim();
        if (text) return text;
      }
    }
    var s = String(name).replace(/_/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function cssEscape(s) {
    return window.CSS && window.CSS.escape ? window.CSS.escape(s) : String(s).replace(/["\\]/g, "\\$&");
  }

  // fieldOf is the body field a 422 entry is about, or "".
  function fieldOf(item) {
    var loc = item && item.loc;
    if (!Array.isArray(loc) || loc.length < 2 || loc[0] !== "body") return "";
    var last = loc[loc.length - 1];
    return typeof last === "string" ? last : "";
  }

  // errorText is what the user reads for a failed call: the API's detail
  // (a 422 list as "Label: msg; Label: msg"), else the fallback; a 429
  // says how long to wait when the detail does not already.
  function errorText(res, fallback, form) {
    var d = res.data && res.data.detail;
    var text = "";
    if (typeof d === "string" && d) {
      text = d;
    } else if (Array.isArray(d)) {
      text = d
        .map(function (item) {
          var msg = item && typeof item.msg === "string" ? item.msg : "";
          var field = fieldOf(item);
          return field && msg ? fieldLabel(form, field) + ": " + msg : msg;
        })
        .filter(Boolean)
        .join("; ");
    }
    if (!text) text = res.status === 0 ? fallback + " Check your connection and try again." : fallback;
    if (res.status === 429 && !/try again/i.test(text)) {
      var wait = parseInt(res.retryAfter, 10);
      if (!/[.!?]$/.test(text)) text += ".";
      text += wait > 0 ? " Try again in " + wait + (wait === 1 ? " second." : " seconds.") : " Try again later.";
    }
    return text;
  }

  // --- the message box ---------------------------------------------------

  function showMessage(text, tone) {
    if (!messageBox) return;
    messageBox.textContent = text;
    if (tone) messageBox.setAttribute("data-rs-tone", tone);
    else messageBox.removeAttribute("data-rs-tone");
    messageBox.hidden = false;
  }

  function clearMessage() {
    if (!messageBox) return;
    messageBox.hidden = true;
    messageBox.textContent = "";
    messageBox.removeAttribute("data-rs-tone");
  }

  function focusMessage() {
    if (messageBox && !messageBox.hidden) messageBox.focus();
  }

  // --- forms -------------------------------------------------------------

  function formNamed(name) {
    return document.querySelector('form[data-rs-form="' + name + '"]');
  }

  function clearInvalid(form) {
    var marked = form.querySelectorAll('[aria-invalid="true"]');
    for (var i = 0; i < marked.length; i++) {
      marked[i].removeAttribute("aria-invalid");
      marked[i].removeAttribute("aria-describedby");
    }
  }

  function markInvalid(input) {
    input.setAttribute("aria-invalid", "true");
    if (messageBox) input.setAttribute("aria-describedby", messageBox.id);
  }

  // openSection makes sure el is visible: a closed <details> around it is
  // opened, so focus can land on the field.
  function openSection(el) {
    for (var n = el; n; n = n.parentElement) {
      if (n.tagName === "DETAILS") n.open = true;
    }
  }

  // fail shows an action's error, marks the fields a 422 names and moves
  // focus to the first of them, or to the message box.
  function fail(form, res, fallback) {
    showMessage(errorText(res, fallback, form), "error");
    var first = null;
    var d = res.data && res.data.detail;
    if (form && Array.isArray(d)) {
      d.forEach(function (item) {
        var field = fieldOf(item);
        var input = field && form.querySelector('[name="' + cssEscape(field) + '"]');
        if (input && input.type !== "hidden") {
          markInvalid(input);
          if (!first) first = input;
        }
      });
    }
    if (first) {
      openSection(first);
      first.focus();
    } else {
      focusMessage();
    }
  }

  // failText shows a fixed error (no API call made) and focuses the box.
  function failText(text) {
    showMessage(text, "error");
    focusMessage();
  }

  // validate runs the browser's constraint validation itself (the forms are
  // novalidate) so the reason shows in the message box and focus lands on
  // the first invalid field.
  function validate(form) {
    var invalid = [];
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name && el.willValidate && !el.checkValidity()) invalid.push(el);
    }
    if (!invalid.length) return true;
    invalid.forEach(markInvalid);
    var text = invalid
      .map(function (el) {
        return fieldLabel(form, el.name) + ": " + el.validationMessage;
      })
      .join("; ");
    showMessage(text, "error");
    openSection(invalid[0]);
    invalid[0].focus();
    return false;
  }

  function values(form) {
    var out = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name) out[el.name] = String(el.value);
    }
    return out;
  }

  // bind wires form name to action(values, form), which returns a promise.
  // The submit button is disabled while the action runs.
  function bind(name, action) {
    var form = formNamed(name);
    if (!form) return;
    form.noValidate = true;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      clearMessage();
      clearInvalid(form);
      if (!validate(form)) return;
      var buttons = form.querySelectorAll('button[type="submit"]');
      setDisabled(buttons, true);
      form.setAttribute("aria-busy", "true");
      var done = function () {
        setDisabled(buttons, false);
        form.removeAttribute("aria-busy");
      };
      var p;
      try {
        p = Promise.resolve(action(values(form), form));
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(done, function () {
        done();
        failText("Something went wrong. Please try again.");
      });
    });
  }

  function setDisabled(buttons, on) {
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on;
  }

  function ready() {
    body.setAttribute("data-rs-ready", "");
  }

  // --- pages -------------------------------------------------------------

  var OAUTH_ERRORS = {
    oauth_failed: "OAuth sign-in failed. Please try again.",
    missing_code_or_state: "OAuth sign-in failed: missing parameters.",
    unknown_provider: "OAuth provider not configured.",
    bad_state: "OAuth sign-in expired or invalid. Please try again.",
    state_expired: "OAuth sign-in expired. Please try again.",
    token_exchange_failed: "OAuth provider rejected the sign-in code.",
    id_token_failed: "OAuth provider returned an invalid identity token.",
    email_in_use:
      "An account with that email already exists. Sign in with your password, then link this provider from your account page.",
    identity_in_use: "That account is already linked to another user.",
    already_linked: "That account is already linked to your profile.",
    user_inactive: "The matching account is inactive.",
    registration_disabled: "New accounts can't be created right now.",
  };

  function loginPage() {
    var code = query("error");
    if (code) {
      showMessage(
        Object.prototype.hasOwnProperty.call(OAUTH_ERRORS, code) ? OAUTH_ERRORS[code] : "Sign-in failed (" + code + ").",
        "error"
      );
    }
    if (getToken()) {
      go("/me");
      return;
    }
    bind("login", function (v, form) {
      return api("POST", "/login", { email: v.email, password: v.password }).then(function (res) {
        if (!res.ok) return fail(form, res, "Login failed.");
        var d = res.data || {};
        if (d.status === "mfa_required") {
          setItem("session", MFA_KEY, d.mfa_pending_token);
          go("/mfa-confirm");
          return;
        }
        setToken(d.access_token);
        go("/me");
      });
    });
    ready();
  }

  function registerPage() {
    if (getToken()) {
      go("/me");
      return;
    }
    bind("register", function (v, form) {
      var payload = { email: v.email, full_name: v.full_name || "", password: v.password };
      return api("POST", "/register", payload).then(function (res) {
        if (!res.ok) return fail(form, res, "Registration failed.");
        if (res.data && res.data.status === "pending_verification") {
          showMessage("Account created — please check " + (v.email || "your email") + " for a verification link.", "success");
        } else {
          showMessage("Account created. You can now sign in.", "success");
        }
        form.reset();
      });
    });
    ready();
  }

  function forgotPage() {
    bind("forgot", function (v, form) {
      return api("POST", "/forgot-password", { email: v.email }).then(function (res) {
        if (!res.ok) return fail(form, res, "Request failed.");
        showMessage("If an account exists for that email, a reset link has been sent.", "success");
      });
    });
    ready();
  }

  function resetPage() {
    var tokenInput = document.querySelector("[data-rs-token]");
    if (tokenInput) tokenInput.value = query("token") || "";
    bind("reset", function (v, form) {
      if (!v.token) {
        failText("Missing reset token. Use the link from your email.");
        return;
      }
      return api("POST", "/reset-password", { token: v.token, new_password: v.new_password }).then(function (res) {
        if (!res.ok) return fail(form, res, "Reset failed.");
        clearToken();
        showMessage("Password reset. Redirecting to sign in…", "success");
        goLater("/login");
      });
    });
    ready();
  }

  // tokenPage is the verify and confirm-email-change flow: post the link's
  // token on load and report in the status line and the message box.
  function tokenPage(path, texts) {
    var status = document.querySelector("[data-rs-status]");
    var setStatus = function (t) {
      if (status) status.textContent = t;
    };
    var token = query("token");
    var tokenInput = document.querySelector("[data-rs-token]");
    if (tokenInput) tokenInput.value = token || "";
    if (!token) {
      setStatus(texts.missing);
      showMessage("No token in URL.", "error");
      ready();
      return;
    }
    api("POST", path, { token: token }).then(function (res) {
      if (!res.ok) {
        var text = errorText(res, texts.fallback);
        setStatus(text);
        showMessage(text, "error");
      } else {
        if (texts.clearsSession) clearToken();
        setStatus(texts.status);
        showMessage(texts.success, "success");
      }
      ready();
    });
  }

  function verifyPage() {
    tokenPage("/verify", {
      missing: "Missing verification token.",
      fallback: "Verification failed.",
      status: "Email confirmed — you can sign in.",
      success: "Email confirmed.",
    });
  }

  function confirmEmailChangePage() {
    tokenPage("/confirm-email-change", {
      missing: "Missing token.",
      fallback: "Confirmation failed.",
      status: "Email updated — please sign in again.",
      success: "Email updated. Sign in with your new address.",
      clearsSession: true,
    });
  }

  function mfaConfirmPage() {
    var pending = getItem("session", MFA_KEY);
    if (!pending) {
      go("/login");
      return;
    }
    bind("mfa-confirm", function (v, form) {
      return api("POST", "/login/mfa-confirm", { mfa_pending_token: pending, code: v.code }).then(function (res) {
        if (!res.ok) return fail(form, res, "Code rejected.");
        removeItem("session", MFA_KEY);
        setToken(res.data.access_token);
        go("/me");
      });
    });
    ready();
  }

  function oauthCompletePage() {
    var status = document.querySelector("[data-rs-status]");
    var setStatus = function (t) {
      if (status) status.textContent = t;
    };
    var id = query("id");
    if (!id) {
      setStatus("Missing OAuth state id.");
      showMessage("OAuth callback was missing its state id.", "error");
      ready();
      return;
    }
    api("POST", "/oauth/exchange", { id: id }).then(function (res) {
      if (!res.ok) {
        var text = errorText(res, "OAuth sign-in failed.");
        setStatus(text);
        showMessage(text, "error");
        ready();
        return;
      }
      var d = res.data || {};
      if (d.status === "mfa_required" || d.mfa_required === true) {
        setItem("session", MFA_KEY, d.mfa_pending_token);
        go("/mfa-confirm");
        return;
      }
      setToken(d.access_token);
      setStatus("Signed in. Redirecting…");
      var target = isLocalPath(d.redirect_to) ? d.redirect_to : uiPrefix + "/me";
      window.location.assign(target);
    });
  }

  // --- the account page --------------------------------------------------

  function display(v) {
    return v === null || v === undefined || v === "" ? "—" : String(v);
  }

  function formatDateTime(v) {
    if (!v) return "—";
    var d = new Date(v);
    return isNaN(d.getTime()) ? String(v) : d.toLocaleString();
  }

  function formatDate(v) {
    if (!v) return "";
    var d = new Date(v);
    return isNaN(d.getTime()) ? String(v) : d.toLocaleDateString();
  }

  function capitalize(s) {
    s = String(s);
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function fillSummary(user) {
    var cells = document.querySelectorAll("[data-rs-account] [data-rs-field]");
    for (var i = 0; i < cells.length; i++) {
      var field = cells[i].getAttribute("data-rs-field");
      var v = user[field];
      if (field === "is_verified") v = v ? "yes" : "no";
      else if (field === "created_at") v = formatDateTime(v);
      else v = display(v);
      cells[i].textContent = v;
    }
    var nameInput = document.querySelector('form[data-rs-form="update-profile"] [name="full_name"]');
    if (nameInput) nameInput.value = user.full_name || "";
  }

  function mePage() {
    if (!getToken()) {
      go("/login");
      return;
    }
    api("GET", "/me", undefined, { auth: true }).then(function (res) {
      if (!res.ok) {
        clearToken();
        go("/login");
        return;
      }
      var user = res.data || {};
      fillSummary(user);
      bindAccountForms();
      setupMFA(user);
      loadProviders();
      ready();
    });
  }

  function bindAccountForms() {
    bind("update-profile", function (v, form) {
      return api("PATCH", "/me", { full_name: v.full_name || null }, { auth: true }).then(function (res) {
        if (!res.ok) return fail(form, res, "Update failed.");
        fillSummary(res.data || {});
        showMessage("Profile updated.", "success");
      });
    });

    bind("change-password", function (v, form) {
      var payload = { current_password: v.current_password, new_password: v.new_password };
      return api("POST", "/change-password", payload, { auth: true }).then(function (res) {
        if (!res.ok) return fail(form, res, "Change failed.");
        clearToken();
        form.reset();
        showMessage("Password changed. Redirecting to sign in…", "success");
        goLater("/login");
      });
    });

    bind("change-email", function (v, form) {
      var payload = { new_email: v.new_email, current_password: v.current_password };
      return api("POST", "/change-email", payload, { auth: true }).then(function (res) {
        if (!res.ok) return fail(form, res, "Change failed.");
        form.reset();
        showMessage("Confirmation sent to " + v.new_email + ". Click the link to finish.", "success");
      });
    });

    bind("delete-account", function (v, form) {
      if (!window.confirm("This permanently deletes your account. Continue?")) return;
      return api("DELETE", "/account", { current_password: v.current_password }, { auth: true }).then(function (res) {
        if (!res.ok) return fail(form, res, "Delete failed.");
        clearToken();
        go("/login");
      });
    });

    var logout = document.querySelector('[data-rs-action="logout"]');
    if (logout) {
      logout.addEventListener("click", function () {
        logout.disabled = true;
        var leave = function () {
          clearToken();
          go("/login");
        };
        api("POST", "/logout", undefined, { auth: true }).then(leave, leave);
      });
    }
  }

  function setupMFA(user) {
    var section = document.querySelector("[data-rs-mfa-section]");
    if (!section) return;
    var status = section.querySelector("[data-rs-mfa-status]");
    var enable = section.querySelector("[data-rs-mfa-enable]");
    var disable = section.querySelector("[data-rs-mfa-disable]");
    var on = user.is_mfa_enabled === true;
    if (status) {
      status.textContent = on
        ? "Enabled — sign-in codes go to " + (user.phone_number || "your phone") + "."
        : "Disabled. Add a phone number to enable.";
    }
    if (enable) enable.hidden = on;
    if (disable) disable.hidden = !on;

    // The setup token stays in memory only: a reload starts setup again.
    var pendingToken = null;
    bind("phone-setup-start", function (v, form) {
      var payload = { phone_number: v.phone_number, current_password: v.current_password };
      return api("POST", "/phone/start", payload, { auth: true }).then(function (res) {
        if (!res.ok) return fail(form, res, "Send failed.");
        pendingToken = (res.data && res.data.pending_token) || null;
        var confirmForm = formNamed("phone-setup-confirm");
        if (confirmForm) {
          confirmForm.hidden = false;
          var code = confirmForm.querySelector('[name="code"]');
          if (code) code.focus();
        }
        showMessage("Code sent — enter it below to enable 2FA.", "success");
      });
    });

    bind("phone-setup-confirm", function (v, form) {
      if (!pendingToken) {
        failText("Request a code first.");
        return;
      }
      return api("POST", "/phone/confirm", { pending_token: pendingToken, code: v.code }).then(function (res) {
        if (!res.ok) return fail(form, res, "Confirm failed.");
        showMessage("SMS 2FA enabled — sign in again to confirm.", "success");
        reloadLater();
      });
    });

    bind("mfa-disable", function (v, form) {
      return api("DELETE", "/phone", { current_password: v.current_password }, { auth: true }).then(function (res) {
        if (!res.ok) return fail(form, res, "Disable failed.");
        showMessage("SMS 2FA disabled.", "success");
        reloadLater();
      });
    });
  }

  function loadProviders() {
    var section = document.querySelector("[data-rs-oauth-section]");
    if (!section) return;
    var status = section.querySelector("[data-rs-oauth-status]");
    var list = section.querySelector("[data-rs-oauth-list]");
    var setStatus = function (t) {
      if (!status) return;
      status.textContent = t;
      status.hidden = !t;
    };
    api("GET", "/oauth/providers", undefined, { auth: true }).then(function (res) {
      if (!res.ok) {
        setStatus(errorText(res, "Could not load providers."));
        return;
      }
      var data = res.data || {};
      var linked = {};
      (data.linked || []).forEach(function (l) {
        linked[l.provider] = l;
      });
      if (list) {
        while (list.firstChild) list.removeChild(list.firstChild);
        (data.available || []).forEach(function (p) {
          list.appendChild(providerRow(p, linked[p]));
        });
      }
      setStatus(Object.keys(linked).length ? "" : "No external accounts linked yet.");
    });
  }

  function providerRow(p, link) {
    var li = document.createElement("li");
    li.className = "rs-oauth-row";
    li.setAttribute("data-rs-oauth-provider", p);
    var label = document.createElement("span");
    label.className = "rs-oauth-row-label";
    label.textContent = capitalize(p);
    li.appendChild(label);
    var button = document.createElement("button");
    button.type = "button";
    if (link) {
      var meta = document.createElement("span");
      meta.className = "rs-oauth-row-meta";
      meta.textContent = "linked " + formatDate(link.linked_at);
      li.appendChild(meta);
      button.className = "rs-btn rs-btn-ghost";
      button.textContent = "Unlink";
      button.setAttribute("data-rs-oauth-action", "unlink");
      button.setAttribute("aria-label", "Unlink " + capitalize(p));
      button.addEventListener("click", function () {
        if (!window.confirm("Unlink " + p + " from your account?")) return;
        clearMessage();
        button.disabled = true;
        api("DELETE", "/oauth/" + encodeURIComponent(p) + "/link", undefined, { auth: true }).then(function (res) {
          button.disabled = false;
          if (!res.ok) return fail(null, res, "Unlink failed.");
          showMessage("Unlinked " + p + ".", "success");
          loadProviders();
        });
      });
    } else {
      button.className = "rs-btn";
      button.textContent = "Connect";
      button.setAttribute("data-rs-oauth-action", "connect");
      button.setAttribute("aria-label", "Connect " + capitalize(p));
      button.addEventListener("click", function () {
        clearMessage();
        button.disabled = true;
        api("POST", "/oauth/" + encodeURIComponent(p) + "/link/start", undefined, { auth: true }).then(function (res) {
          if (!res.ok || !res.data || !res.data.authorization_url) {
            button.disabled = false;
            return fail(null, res, "Could not start link.");
          }
          window.location.assign(res.data.authorization_url);
        });
      });
    }
    li.appendChild(button);
    return li;
  }

  // --- dispatch ----------------------------------------------------------

  // No regstack form ever submits natively, even before its page has bound
  // it (the account page binds after GET /me): a native submit would put
  // passwords in a request to the page itself.
  document.addEventListener(
    "submit",
    function (ev) {
      if (ev.target && ev.target.matches && ev.target.matches("form[data-rs-form]")) ev.preventDefault();
    },
    true
  );

  var pages = {
    login: loginPage,
    register: registerPage,
    forgot: forgotPage,
    reset: resetPage,
    verify: verifyPage,
    "confirm-email-change": confirmEmailChangePage,
    me: mePage,
    "mfa-confirm": mfaConfirmPage,
    "oauth-complete": oauthCompletePage,
  };

  if (Object.prototype.hasOwnProperty.call(pages, pageName)) pages[pageName]();
})();
