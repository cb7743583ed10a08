// Package sqlstore is regstack's storage on SQL databases, written once
// against bun's dialect-neutral API: table models, the seven stores and the
// Alembic-compatible migrations. Dialect modules (adapters/sqlite,
// adapters/postgres) supply the driver and the bun dialect.
package sqlstore
