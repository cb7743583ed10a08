package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File names regstack reads and its tools write.
const (
	TOMLFileName    = "regstack.toml"
	SecretsFileName = "regstack.secrets.env"
	// ConfigEnvVar locates regstack.toml; it is not a configuration key.
	ConfigEnvVar = "REGSTACK_CONFIG"
)

// ResolveConfigFile resolves a TOML path named explicitly, as read-only
// commands take `--config` (cli.md §1.3) and as Load treats
// LoadOptions.ConfigPath and REGSTACK_CONFIG: a directory means
// <dir>/regstack.toml, a file means itself. It returns *NotFoundError when
// the result is not an existing regular file.
func ResolveConfigFile(path string) (string, error) {
	info, err := os.Stat(path)
	if err == nil && info.IsDir() {
		path = filepath.Join(path, TOMLFileName)
		info, err = os.Stat(path)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &NotFoundError{Path: path}
		}
		return "", fmt.Errorf("config file %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return "", &NotFoundError{Path: path}
	}
	return path, nil
}

// ResolveWriteDir resolves `--config` for the commands that write
// configuration (init and the wizards, cli.md §1.3): no path means the
// current directory; an existing file, or any name ending in .toml, means
// its parent directory; anything else is the target directory itself, which
// the caller creates when writing. Files are always written there as
// regstack.toml and regstack.secrets.env.
func ResolveWriteDir(path string) string {
	if path == "" {
		return "."
	}
	if strings.HasSuffix(strings.ToLower(path), ".toml") {
		return filepath.Dir(path)
	}
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		return filepath.Dir(path)
	}
	return path
}

// locateTOML picks the regstack.toml to read (config.md §1.2, Go rules):
// the explicit path › REGSTACK_CONFIG › <dir>/regstack.toml › none. Only
// the last is allowed to be missing.
func locateTOML(explicit string, env map[string]string, dir string) (string, error) {
	if explicit != "" {
		return ResolveConfigFile(explicit)
	}
	if named, ok := env[ConfigEnvVar]; ok && named != "" {
		path, err := ResolveConfigFile(named)
		var nf *NotFoundError
		if errors.As(err, &nf) {
			nf.Via = ConfigEnvVar
		}
		return path, err
	}
	path := filepath.Join(dir, TOMLFileName)
	if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
		return path, nil
	}
	return "", nil
}

// locateSecrets picks the regstack.secrets.env to read (config.md §1.3, Go
// rules): the explicit path (used alone, as Python does) › the one beside
// the TOML file › <dir>/regstack.secrets.env › none. A missing file is never
// an error.
func locateSecrets(explicit, tomlPath, dir string) string {
	if explicit != "" {
		if isRegularFile(explicit) {
			return explicit
		}
		return ""
	}
	var candidates []string
	if tomlPath != "" {
		candidates = append(candidates, filepath.Join(filepath.Dir(tomlPath), SecretsFileName))
	}
	candidates = append(candidates, filepath.Join(dir, SecretsFileName))
	for _, c := range candidates {
		if isRegularFile(c) {
			return c
		}
	}
	return ""
}

func isRegularFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
