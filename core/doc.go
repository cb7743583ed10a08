// Package regstack is the domain of regstack: user accounts, pending
// registrations, tokens and their revocation, login lockout, MFA codes,
// OAuth identities, and the ports (interfaces) every storage, mail, SMS and
// OAuth adapter implements.
//
// A host builds one *RegStack with New and calls its use cases (Register,
// Verify, Login, …). Each use case takes a context, reads time from the
// injected Clock and returns *Error values whose Message is the exact
// `detail` text of the HTTP contract; transport/http maps their Code to a
// status in one table.
//
// Nothing in this package imports an I/O library: adapters live in their own
// modules and register themselves by URL scheme (see RegisterStore), like
// database/sql drivers.
package regstack
