package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateLogSourceParsing(t *testing.T) {
	tests := []struct {
		name    string
		spec    string
		want    logSpec
		wantErr string
	}{
		{name: "a file path is taken whole", spec: "file:/var/log/regstack.log", want: logSpec{"file", "/var/log/regstack.log"}},
		{name: "an ssh target keeps user, host and path", spec: "ssh:deploy@host:/var/log/a b.log", want: logSpec{"ssh", "deploy@host:/var/log/a b.log"}},
		{name: "an ssh target may leave the user to the ssh config", spec: "ssh:staging:/log", want: logSpec{"ssh", "staging:/log"}},
		{name: "a docker container is the target", spec: "docker:regstack-1", want: logSpec{"docker", "regstack-1"}},
		{name: "a command keeps its colons and spaces", spec: "cmd:journalctl -fu regstack.service --since=-1s", want: logSpec{"cmd", "journalctl -fu regstack.service --since=-1s"}},
		{name: "blanks around the kind are ignored", spec: " file :/x", want: logSpec{"file", "/x"}},
		{name: "a spec without a colon is refused", spec: "bogus",
			wantErr: "--log-source must be 'file:PATH', 'ssh:user@host:PATH', 'docker:CONTAINER', or 'cmd:<shell>'. Got: 'bogus'"},
		{name: "an unknown kind is refused", spec: "http://x",
			wantErr: "--log-source kind 'http' not one of ['cmd', 'docker', 'file', 'ssh']"},
		{name: "an empty target is refused", spec: "docker:",
			wantErr: "--log-source 'docker' requires a target after the colon"},
		{name: "an ssh target without a path is refused", spec: "ssh:deploy@host",
			wantErr: "--log-source ssh requires 'user@host:/path' (got 'deploy@host')"},
		{name: "an ssh target with an empty path is refused", spec: "ssh:deploy@host:",
			wantErr: "--log-source ssh requires 'user@host:/path' (got 'deploy@host:')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLogSource(tt.spec)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestValidateLogSourceCommands(t *testing.T) {
	since := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	noEnv := func(string) string { return "" }
	tests := []struct {
		name     string
		spec     logSpec
		getenv   func(string) string
		wantName string
		wantArgv []string
	}{
		{
			name: "docker follows the container from a second before the probe started",
			spec: logSpec{"docker", "web"}, getenv: noEnv, wantName: "docker",
			wantArgv: []string{"docker", "logs", "-f", "--since", "2026-01-02T03:04:04Z", "web"},
		},
		{
			name: "cmd runs the command through sh", spec: logSpec{"cmd", "journalctl -fu x"}, getenv: noEnv, wantName: "sh",
			wantArgv: []string{"sh", "-c", "journalctl -fu x"},
		},
		{
			// The path is quoted for sh, then the whole script for the
			// login shell, with no backslash left inside single quotes.
			name: "ssh runs the system client in batch mode, the remote script under sh with the path quoted",
			spec: logSpec{"ssh", "deploy@host:/var/log/it's a.log"}, getenv: noEnv, wantName: "ssh",
			wantArgv: []string{"ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", "deploy@host",
				`sh -c 'n=$(wc -c < '\''/var/log/it'\'''\\''\'''\''s a.log'\'' 2>/dev/null) || n=0; echo '\''` + sshReadyMarker +
					`'\''; exec tail -c +$((n + 1)) -F '\''/var/log/it'\'''\\''\'''\''s a.log'\'''`},
		},
		{
			name: "REGSTACK_SSH_COMMAND replaces ssh, with the ssh arguments appended",
			spec: logSpec{"ssh", "h:/l"},
			getenv: func(k string) string {
				if k == sshCommandEnv {
					return "ssh -F /etc/probe_config"
				}
				return ""
			},
			wantName: "ssh",
			wantArgv: []string{"sh", "-c", `ssh -F /etc/probe_config "$@"`, "ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", "h",
				`sh -c 'n=$(wc -c < '\''/l'\'' 2>/dev/null) || n=0; echo '\''` + sshReadyMarker + `'\''; exec tail -c +$((n + 1)) -F '\''/l'\'''`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, ok := openLogSource(tt.spec, since, tt.getenv).(commandSource)
			if !ok {
				t.Fatalf("%s opened %T, want a commandSource", tt.spec, src)
			}
			if src.name != tt.wantName || !slices.Equal(src.argv, tt.wantArgv) {
				t.Errorf("got %q %q\nwant %q %q", src.name, src.argv, tt.wantName, tt.wantArgv)
			}
		})
	}

	t.Run("the remote command survives the login shell with a space, a quote and a backslash in the path", func(t *testing.T) {
		// sshd runs the remote command as `$SHELL -c <command>`: run it
		// the same way with the POSIX shells at hand and follow the file.
		path := filepath.Join(t.TempDir(), `it's a \ log`)
		appendFile(t, path, "written before\n")
		src := openLogSource(logSpec{"ssh", "h:" + path}, since, noEnv).(commandSource)
		remote := src.argv[len(src.argv)-1]
		for _, shell := range []string{"sh", "bash"} {
			t.Run(shell, func(t *testing.T) {
				if _, err := exec.LookPath(shell); err != nil {
					t.Fatalf("no %s to run the remote command with: %v", shell, err)
				}
				tail := startTail(t, commandSource{name: shell, argv: []string{shell, "-c", remote}, marker: sshReadyMarker}, 5*time.Second)
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				defer cancel()
				tail.waitReady(ctx, 5*time.Second)
				if ctx.Err() != nil {
					t.Fatal("the remote command never printed the ready line")
				}
				appendFile(t, path, "written after "+shell+"\n")
				got, err := tail.expect(t.Context(), "a line", anyLine(""))
				if err != nil || got != "written after "+shell {
					t.Fatalf("first line = %q, %v; want only what was written after the ready line", got, err)
				}
			})
		}
	})

	t.Run("file is followed in-process", func(t *testing.T) {
		if _, ok := openLogSource(logSpec{"file", "/x"}, since, noEnv).(fileSource); !ok {
			t.Error("file: does not open a fileSource")
		}
	})
}

// startTail starts src with a short wait and stops it when the test ends.
func startTail(t *testing.T, src logSource, wait time.Duration) *logTail {
	t.Helper()
	tail := newLogTail("test:source", wait, nil)
	if err := src.start(t.Context(), tail); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tail.close)
	return tail
}

// anyLine matches every line that contains want.
func anyLine(want string) logMatcher {
	return func(msg, _ string) (string, bool) { return msg, strings.Contains(msg, want) }
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func TestValidateFileSource(t *testing.T) {
	t.Parallel()
	fast := func(path string) fileSource { return fileSource{path: path, poll: 5 * time.Millisecond} }

	t.Run("only lines written after the start are seen, in order", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "serve.log")
		appendFile(t, path, "old line 1\nold line 2\n")
		tail := startTail(t, fast(path), 5*time.Second)
		appendFile(t, path, "new line 1\nnew ")
		appendFile(t, path, "line 2\n")
		for _, want := range []string{"new line 1", "new line 2"} {
			got, err := tail.expect(t.Context(), want, anyLine("line"))
			if err != nil || got != want {
				t.Fatalf("got %q, %v; want %q", got, err, want)
			}
		}
	})

	t.Run("a rotated file is followed under its name from its start", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, "serve.log")
		appendFile(t, path, "before\n")
		tail := startTail(t, fast(path), 5*time.Second)
		appendFile(t, path, "last of the old file\n")
		if _, err := tail.expect(t.Context(), "old", anyLine("last of the old")); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path, path+".1"); err != nil {
			t.Fatal(err)
		}
		appendFile(t, path, "first of the new file\n")
		if _, err := tail.expect(t.Context(), "new", anyLine("first of the new")); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a truncated file is read again from its start", func(t *testing.T) {
		// The new content is shorter than what was read before: the
		// follower notices whether it polls before or after the write.
		t.Parallel()
		path := filepath.Join(t.TempDir(), "serve.log")
		appendFile(t, path, strings.Repeat("padding that makes the file long\n", 20))
		tail := startTail(t, fast(path), 5*time.Second)
		if err := os.Truncate(path, 0); err != nil {
			t.Fatal(err)
		}
		appendFile(t, path, "after truncation\n")
		if _, err := tail.expect(t.Context(), "after", anyLine("after truncation")); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a wait that sees nothing times out naming the source", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "serve.log")
		appendFile(t, path, "")
		tail := startTail(t, fast(path), 100*time.Millisecond)
		_, err := tail.expect(t.Context(), "verification URL", anyLine("never"))
		if !isTailTimeout(err) || err.Error() != "timed out after 0.1s waiting for verification URL on log-source test:source" {
			t.Fatalf("error = %v", err)
		}
	})

	t.Run("a missing file cannot be a source", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "missing.log")
		err := fast(path).start(t.Context(), newLogTail("x", time.Second, nil))
		if err == nil || !strings.Contains(err.Error(), "--log-source file: cannot read '"+path+"'") {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestValidateCommandSource(t *testing.T) {
	t.Parallel()

	t.Run("stdout and stderr lines are both queued", func(t *testing.T) {
		t.Parallel()
		tail := startTail(t, commandSource{name: "sh", argv: []string{"sh", "-c", "echo out; echo err >&2; sleep 30"}}, 5*time.Second)
		// The two pipes are read concurrently: either line may come first.
		var got []string
		for range 2 {
			line, err := tail.expect(t.Context(), "a line", anyLine(""))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, line)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"err", "out"}) {
			t.Errorf("lines = %q, want out and err", got)
		}
	})

	t.Run("a command that ends early fails the wait with its exit code and stderr", func(t *testing.T) {
		t.Parallel()
		tail := startTail(t, commandSource{name: "sh", argv: []string{"sh", "-c", "echo 'Permission denied (publickey).' >&2; exit 255"}}, 5*time.Second)
		_, err := tail.expect(t.Context(), "verification URL", anyLine("never"))
		want := "log-source 'sh' exited (code=255) before verification URL was seen. stderr: Permission denied (publickey)."
		if err == nil || err.Error() != want || isTailTimeout(err) {
			t.Fatalf("error = %v, want %q", err, want)
		}
	})

	t.Run("a silent early end says the stderr was empty", func(t *testing.T) {
		t.Parallel()
		tail := startTail(t, commandSource{name: "sh", argv: []string{"sh", "-c", "exit 3"}}, 5*time.Second)
		_, err := tail.expect(t.Context(), "a code", anyLine("never"))
		if want := "log-source 'sh' exited (code=3) before a code was seen. stderr: <empty>"; err == nil || err.Error() != want {
			t.Fatalf("error = %v, want %q", err, want)
		}
	})

	t.Run("a timeout quotes the command's last stderr line", func(t *testing.T) {
		t.Parallel()
		tail := startTail(t, commandSource{name: "sh", argv: []string{"sh", "-c", "echo 'tail: cannot open x' >&2; sleep 30"}}, 200*time.Millisecond)
		_, err := tail.expect(t.Context(), "a code", anyLine("never"))
		if !isTailTimeout(err) || !strings.HasSuffix(err.Error(), "(its last stderr line: tail: cannot open x)") {
			t.Fatalf("error = %v", err)
		}
	})

	t.Run("the ready marker is not a log line and marks the source ready", func(t *testing.T) {
		t.Parallel()
		src := commandSource{name: "sh", argv: []string{"sh", "-c", "echo '" + sshReadyMarker + "'; echo after; sleep 30"}, marker: sshReadyMarker}
		tail := startTail(t, src, 5*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		tail.waitReady(ctx, 5*time.Second)
		if ctx.Err() != nil {
			t.Fatal("the source never became ready")
		}
		got, err := tail.expect(t.Context(), "a line", anyLine(""))
		if err != nil || got != "after" {
			t.Fatalf("first line = %q, %v; want %q", got, err, "after")
		}
	})

	t.Run("a command that is not installed cannot be a source", func(t *testing.T) {
		t.Parallel()
		err := commandSource{name: "docker", argv: []string{"regstack-no-such-command"}}.start(t.Context(), newLogTail("x", time.Second, nil))
		want := "--log-source command not found: 'regstack-no-such-command' (is it installed and on PATH?)"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v, want %q", err, want)
		}
	})
}
