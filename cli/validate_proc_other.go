//go:build !unix

package cli

import "os/exec"

// ownProcessGroup has nothing to set where process groups are missing.
func ownProcessGroup(*exec.Cmd) {}

// signalProcessGroup can only end the command itself here.
func signalProcessGroup(cmd *exec.Cmd, _ bool) {
	_ = cmd.Process.Kill() // an exited process is fine
}
