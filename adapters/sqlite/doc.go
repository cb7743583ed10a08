// Package sqlite is regstack's embedded default storage: adapters/sql on
// SQLite through the cgo-free modernc.org/sqlite driver. Importing it
// registers the sqlite:// URL scheme.
package sqlite
