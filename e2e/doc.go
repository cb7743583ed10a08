// Package e2e holds black-box tests of the built regstack binary, and the
// load driver (e2e/cmd/loaddriver).
package e2e
