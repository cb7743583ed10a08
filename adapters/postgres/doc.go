// Package postgres is regstack's PostgreSQL storage adapter: the shared SQL
// store of adapters/sql (package sqlstore) driven by bun's PostgreSQL
// dialect over pgx.
//
// Importing the package registers the postgresql:// and postgres:// URL
// schemes with regstack.OpenStore; a "+driver" suffix from a Python
// configuration (postgresql+asyncpg://) is ignored. The schema is the one
// Python regstack's Alembic migrations create, so a database either side
// made opens on the other (domain.md §4).
package postgres
