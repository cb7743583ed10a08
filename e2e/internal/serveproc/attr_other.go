//go:build !linux

package serveproc

import "syscall"

// childAttr has nothing to add where the parent-death signal is missing;
// callers kill their children explicitly.
func childAttr() *syscall.SysProcAttr { return nil }
