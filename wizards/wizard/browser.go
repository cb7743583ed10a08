package wizard

import (
	"os/exec"
	"runtime"
)

// openBrowser asks the desktop to open url in the default browser and does
// not wait for it. The URL (and so the token) is briefly on the opener's
// command line, which local users can read; the terminal line printed
// before it carries the same token, as cli.md §10.2 accepts.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reap it; its exit status does not matter
	return nil
}
