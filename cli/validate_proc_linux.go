package cli

import "syscall"

// dieWithParent has the kernel SIGKILL the command when validate ends,
// however it ends: its process group alone does not reach it then.
func dieWithParent(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
