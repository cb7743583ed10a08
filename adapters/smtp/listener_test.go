package smtp_test

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regstack/regstack/adapters/smtp"
	"github.com/regstack/regstack/core/config"
)

// fakeServer is a TCP listener on loopback that hands each connection it
// accepts to serve and closes everything when the test ends.
type fakeServer struct {
	host string
	port int

	mu       sync.Mutex
	accepted int
	conns    []net.Conn
}

// startFake listens on a free loopback port; serve runs for every
// connection in a goroutine of its own.
func startFake(t *testing.T, serve func(net.Conn)) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	f := &fakeServer{host: addr.IP.String(), port: addr.Port}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // the listener closed
			}
			f.mu.Lock()
			f.accepted++
			f.conns = append(f.conns, c)
			f.mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
		wg.Wait()
	})
	return f
}

// acceptedSoFar is how many connections reached the server. It first
// makes a connection of its own and waits until the server has accepted
// it: connections are accepted in order, so every earlier one is counted.
func (f *fakeServer) acceptedSoFar(t *testing.T) int {
	t.Helper()
	f.mu.Lock()
	before := f.accepted
	f.mu.Unlock()
	c, err := net.Dial("tcp", net.JoinHostPort(f.host, strconv.Itoa(f.port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		f.mu.Lock()
		n := f.accepted
		f.mu.Unlock()
		if n > before {
			return n - 1 // not counting this probe
		}
	}
	t.Fatal("the fake server did not accept a probe connection within 5s")
	return 0
}

// mailerForFake builds a Mailer that delivers to f.
func mailerForFake(t *testing.T, f *fakeServer, mode string, timeoutSeconds float64) *smtp.Mailer {
	t.Helper()
	cfg := config.Default().Email
	cfg.Backend = "smtp"
	cfg.SMTPHost, cfg.SMTPPort = &f.host, f.port
	cfg.SMTPTLS = &mode
	cfg.SMTPTimeoutSeconds = timeoutSeconds
	m, err := smtp.New(cfg, "RegStack", nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

// holdSilent reads nothing and writes nothing: the connection stays open
// until the client or the test closes it.
func holdSilent(c net.Conn) {
	var buf [1]byte
	for {
		if _, err := c.Read(buf[:]); err != nil {
			return
		}
	}
}

// greetThenSilent sends the greeting and then answers nothing.
func greetThenSilent(c net.Conn) {
	if _, err := c.Write([]byte("220 stalled.example ESMTP\r\n")); err != nil {
		return
	}
	holdSilent(c)
}

// slowSMTP plays a minimal, well-behaved SMTP server that waits delay
// before every reply.
func slowSMTP(delay time.Duration) func(net.Conn) {
	return func(c net.Conn) {
		r := bufio.NewReader(c)
		reply := func(s string) bool {
			time.Sleep(delay)
			_, err := c.Write([]byte(s + "\r\n"))
			return err == nil
		}
		if !reply("220 slow.example ESMTP") {
			return
		}
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if inData {
				if line == "." {
					inData = false
					if !reply("250 queued") {
						return
					}
				}
				continue
			}
			verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
			var ok bool
			switch verb {
			case "EHLO", "HELO":
				ok = reply("250 slow.example")
			case "DATA":
				inData = true
				ok = reply("354 go ahead")
			case "QUIT":
				reply("221 bye")
				return
			default:
				ok = reply("250 ok")
			}
			if !ok {
				return
			}
		}
	}
}
