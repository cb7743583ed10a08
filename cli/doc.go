// Package cli is the regstack operator command line: it composes core with
// every adapter by configuration. The binary is cli/cmd/regstack.
package cli
