//go:build unix

package cli

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts cmd in a process group of its own, so stopping
// it also stops what it started (the tail under `sh -c`, ssh's children),
// and, where the system allows, has it killed when validate dies without
// stopping it (SIGKILL, a crash).
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
}

// signalProcessGroup sends SIGTERM, or SIGKILL when kill is set, to the
// process group cmd leads.
func signalProcessGroup(cmd *exec.Cmd, kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-cmd.Process.Pid, sig) // ESRCH: the group is gone already
}
