package serveproc

import "syscall"

// childAttr makes the kernel kill the child if this process dies without
// cleaning up (a crash, SIGKILL), so no server outlives its driver.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
