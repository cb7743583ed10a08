package serveproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// commandPackage is the import path of the regstack command.
const commandPackage = "github.com/regstack/regstack/cli/cmd/regstack"

// Build compiles the regstack command into dir and returns the binary's
// path. The go command runs in the repository root (the directory of the
// go.work that governs the current directory), so the workspace's modules
// are the ones built, not published versions.
func Build(ctx context.Context, dir string) (string, error) {
	root, err := RepoRoot(ctx)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "regstack")
	if _, err := goCommand(ctx, root, "build", "-o", bin, commandPackage); err != nil {
		return "", err
	}
	return bin, nil
}

// RepoRoot is the directory of the go.work in effect for the current
// directory.
func RepoRoot(ctx context.Context) (string, error) {
	out, err := goCommand(ctx, ".", "env", "GOWORK")
	if err != nil {
		return "", err
	}
	gowork := strings.TrimSpace(string(out))
	if gowork == "" || gowork == "off" {
		return "", errors.New("serveproc: no go.work in effect; run from inside the regstack repository")
	}
	return filepath.Dir(gowork), nil
}

// goCommand runs the go command found on PATH (go test puts its own first)
// and returns its standard output; a failure carries the command's stderr.
func goCommand(ctx context.Context, dir string, args ...string) ([]byte, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("serveproc: the go command is not on PATH: %w", err)
	}
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("serveproc: go %s: %w\n%s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}
