// Package pushdowntest holds the test of
// tools/ferretdb/sqlite-equality-pushdown.patch: it builds the stock and the
// patched FerretDB the way scripts/services.d/20-ferretdb.sh does, runs
// both, and checks that the patched one answers equality filters from its
// SQLite indexes with the same results as the stock one.
package pushdowntest
