// Package ses is a regstack adapter (work in progress; see its issue).
package ses
