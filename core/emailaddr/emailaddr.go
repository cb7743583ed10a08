// Package emailaddr validates and normalises email addresses as
// http-api.md §3.2 says: domain lower-cased and IDNA-normalised, local part
// NFC with its case kept, special-use domains rejected.
package emailaddr

// Normalize returns the normalised form of s, or an error whose text says
// what is wrong (used as the 422 `msg`).
func Normalize(s string) (string, error) { panic("unimplemented") }
