// Package configfile writes regstack.toml and regstack.secrets.env without
// clobbering them (cli.md §14): a wizard's settings replace values in
// place or are added where they belong, and every other byte — comments,
// blank lines, key order, quoting, unrelated tables and keys — stays as it
// was.
//
// No Go TOML library keeps comments when it re-encodes a document, so
// MergeTOML is a small line-level editor: the document is checked with a
// real TOML parser first, split into statements (comments, table headers,
// key/value pairs with their byte spans), and only the spans that change
// are rewritten. MergeEnv does the same for the KEY=VALUE secrets file.
//
// Plan reads both files of a target directory and holds the edits; Apply
// checks that the result still loads with core/config and writes each
// changed file atomically (temporary file and rename, the secrets file
// always mode 0600).
package configfile
