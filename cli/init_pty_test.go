//go:build linux

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// screen is the operator's side of a pseudo-terminal: everything the
// program wrote to it, read continuously so the program never blocks.
type screen struct {
	t       *testing.T
	master  *os.File
	mu      sync.Mutex
	buf     bytes.Buffer
	seen    int           // buf offset up to which expect has consumed
	changed chan struct{} // signalled (non-blocking) after each read
}

func newScreen(t *testing.T, master *os.File) *screen {
	s := &screen{t: t, master: master, changed: make(chan struct{}, 1)}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := master.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			select {
			case s.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

// expect waits for want to appear after what was already consumed and
// returns the output before it.
func (s *screen) expect(want string) string {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		rest := s.buf.String()[s.seen:]
		if i := strings.Index(rest, want); i >= 0 {
			s.seen += i + len(want)
			s.mu.Unlock()
			return rest[:i]
		}
		s.mu.Unlock()
		select {
		case <-s.changed:
		case <-deadline:
			s.t.Fatalf("terminal never showed %q; it shows:\n%s", want, rest)
		}
	}
}

// typeLine types answer and Return, as an operator would.
func (s *screen) typeLine(answer string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(answer + "\r")); err != nil {
		s.t.Fatal(err)
	}
}

// waitEchoOff waits until the program has turned the terminal's echo off
// for a hidden answer. It prints the prompt first, so an operator typing
// at once could still be echoed; a test types only once it is safe.
func waitEchoOff(t *testing.T, tty *os.File) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatalf("read terminal modes: %v", err)
		}
		if tio.Lflag&unix.ECHO == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("echo was never turned off for a hidden answer")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestInitOnATerminal runs the wizard on a real pseudo-terminal: prompts
// appear on it, typed answers are echoed, hidden ones are not.
func TestInitOnATerminal(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	// Closing the master first hangs up the terminal, so a wizard still
	// waiting for input (after a failed expect) returns.
	t.Cleanup(func() { master.Close(); tty.Close() })
	dir := t.TempDir()
	exit := make(chan int, 1)
	go func() { exit <- Main([]string{"regstack", "init", "--config", dir}, tty, tty, tty) }()

	s := newScreen(t, master)
	const secret = "typed-on-a-terminal-0123456789-abcdef"
	const password = "smtp-pass-never-shown"
	for _, step := range []struct {
		prompt, answer string
		hidden         bool
	}{
		{"App name [MyApp]: ", "Shop Floor", false},
		{"Public base URL [http://localhost:8000]: ", "https://shop.example.com", false},
		{"Behind a reverse proxy (X-Forwarded-* headers)? [y/N]: ", "y", false},
		{"Database backend (sqlite, postgres, mongo) [sqlite]: ", "postgres", false},
		{"Postgres URL [postgresql+asyncpg://postgres@localhost/shop_floor]: ", "", false},
		{"Auto-generate a 64-byte JWT secret? [Y/n]: ", "n", false},
		{"JWT secret: ", secret, true},
		{"Repeat for confirmation: ", secret, true},
		{"JWT lifetime in seconds [7200]: ", "3600", false},
		{"Email backend (console, smtp, ses) [console]: ", "smtp", false},
		{"Sender email address [noreply@shop.example.com]: ", "", false},
		{"Sender display name [Shop Floor]: ", "", false},
		{"SMTP host: ", "mail.example.com", false},
		{"SMTP port [587]: ", "", false},
		{"Use STARTTLS? [Y/n]: ", "", false},
		{"SMTP username []: ", "mailer", false},
		{"SMTP password: ", password, true},
		{"Enable SMS-based 2FA? [y/N]: ", "y", false},
		{"SMS backend (sns, twilio) [sns]: ", "", false},
		{"Enable JSON admin router? [y/N]: ", "", false},
		{"Enable server-rendered UI pages? [y/N]: ", "y", false},
		{"Allow self-service registration? [Y/n]: ", "", false},
		{"Require email verification before login? [y/N]: ", "y", false},
		{"Run DNS sanity checks (MX / SPF / DMARC) for shop.example.com now? [y/N]: ", "n", false},
	} {
		before := s.expect(step.prompt)
		if strings.Contains(before, secret) || strings.Contains(before, password) {
			t.Fatalf("a hidden answer was echoed before %q: %q", step.prompt, before)
		}
		if step.hidden {
			waitEchoOff(t, tty)
		}
		s.typeLine(step.answer)
	}
	// The terminal echoes what was typed at visible prompts.
	s.expect("Next: run `regstack serve`")
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("init did not return")
	}
	s.mu.Lock()
	shown := s.buf.String()
	s.mu.Unlock()
	for _, want := range []string{"Shop Floor\r\n", "mail.example.com\r\n", filepath.Join(dir, "regstack.secrets.env") + "  (chmod 600)"} {
		if !strings.Contains(shown, want) {
			t.Errorf("terminal lacks %q:\n%s", want, shown)
		}
	}

	cfg, _, err := loadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	gotPassword := cfg.Email.SMTPPassword != nil && *cfg.Email.SMTPPassword == password
	ui := cfg.EnableUIRouter != nil && *cfg.EnableUIRouter
	if cfg.JWTSecret != secret || !gotPassword || cfg.JWTTTLSeconds != 3600 || !ui {
		t.Errorf("loaded: secret as typed %v, SMTP password as typed %v, ttl %d, ui %v",
			cfg.JWTSecret == secret, gotPassword, cfg.JWTTTLSeconds, ui)
	}
	if got := secretLines(t, dir)[2]; got != "REGSTACK_DATABASE_URL=postgresql+asyncpg://postgres@localhost/shop_floor" {
		t.Errorf("database line = %q", got)
	}
}
