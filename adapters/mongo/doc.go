// Package mongo is a regstack adapter (work in progress; see its issue).
package mongo
