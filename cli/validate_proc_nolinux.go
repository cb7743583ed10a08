//go:build unix && !linux

package cli

import "syscall"

// dieWithParent has nothing to set: a parent-death signal is Linux's.
func dieWithParent(*syscall.SysProcAttr) {}
