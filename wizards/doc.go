// Package wizards holds regstack's three desktop setup wizards — Google
// OAuth setup (wizards/oauth), the theme designer (wizards/theme) and SES
// setup (wizards/ses) — and what they share once: the per-launch token, the
// loopback server, the window (wizards/wizard), and the non-clobbering
// writers for regstack.toml and regstack.secrets.env.
//
// Each wizard is an engine in plain Go (steps, server-side validators,
// writers), a small embedded web UI served over 127.0.0.1, and a window: a
// Wails v2 webview behind the `desktop` build tag, or the user's browser
// with --browser. --headless runs the same validators and writers from
// flags.
package wizards
