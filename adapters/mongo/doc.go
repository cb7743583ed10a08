// Package mongo is regstack's MongoDB store (domain.md §4.4): it registers
// the mongodb:// and mongodb+srv:// schemes with regstack.RegisterStore, so
// a program that imports it for its side effect opens a MongoDB database
// with regstack.OpenStore.
//
// Documents keep Python regstack's layout, so both can share one database:
// the field names are the SQL column names, user ids are ObjectIds exposed
// as 24 lowercase hex characters, null optional fields are left out on
// insert, and user documents may carry fields of the host application,
// which every update preserves.
//
// The one-time operations (verifying an email, claiming a link, accepting
// an MFA code, completing and consuming an OAuth state) are built on the
// two primitives that stay atomic under concurrent clients even on
// wire-compatible servers that run each command as a read followed by a
// write (FerretDB v1): a deleteOne whose DeletedCount tells the one caller
// that removed the document, and an insert that a unique index refuses to
// every caller but one. Counting wrong MFA guesses uses a guarded $inc,
// which is atomic on MongoDB itself.
//
// The store never needs multi-document transactions, so a standalone
// server is enough.
package mongo
