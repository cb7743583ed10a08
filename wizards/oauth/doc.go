// Package oauth is the Google OAuth setup wizard (cli.md §11): twelve steps
// that walk the operator through registering a Google OAuth 2.0 client in
// the Google Cloud Console, a server-side validator for every step, and the
// writer that merges the result into regstack.toml (enable_oauth and the
// [oauth] table) and regstack.secrets.env (the client secret) without
// touching anything else. The same validators and writer serve the web UI
// and `regstack oauth setup --headless`.
package oauth
