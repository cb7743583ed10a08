package config

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"unicode"
)

// envLine is one NAME=value pair from the environment or the secrets file.
type envLine struct {
	name, value string
	line        int // 1-based line in the secrets file; 0 for the environment
}

// parseSecretsFile parses regstack.secrets.env with Python's own minimal
// rules (config.md §1.3): line by line, whitespace-stripped; blank lines,
// `#` lines and lines without `=` skipped; split at the first `=`; one pair
// of matching quotes removed; nothing else (no escapes, no expansion, no
// `export`, no inline comments). A later line for the same name wins when
// the caller merges in order.
func parseSecretsFile(data string) []envLine {
	var out []envLine
	for i, raw := range splitLines(data) {
		line := strings.TrimFunc(raw, isPythonSpace)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, found := strings.Cut(line, "=")
		if !found {
			continue
		}
		name = strings.TrimFunc(name, isPythonSpace)
		value = strings.TrimFunc(value, isPythonSpace)
		// Python tests startswith and endswith separately, so a lone quote
		// counts as a pair and leaves an empty value.
		if (strings.HasPrefix(value, `"`) && strings.HasSuffix(value, `"`)) ||
			(strings.HasPrefix(value, "'") && strings.HasSuffix(value, "'")) {
			if len(value) >= 2 {
				value = value[1 : len(value)-1]
			} else {
				value = ""
			}
		}
		out = append(out, envLine{name: name, value: value, line: i + 1})
	}
	return out
}

// splitLines splits at the line boundaries Python's str.splitlines uses.
func splitLines(s string) []string {
	var lines []string
	start := 0
	for i, r := range s {
		switch r {
		case '\n', '\v', '\f', '\x1c', '\x1d', '\x1e', '\u0085', '\u2028', '\u2029':
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				// "\r\n" is one boundary: the '\n' ends the line.
				continue
			}
		default:
			continue
		}
		lines = append(lines, s[start:i])
		start = i + len(string(r))
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// isPythonSpace matches str.strip(): Unicode white space plus the ASCII
// information separators Python also counts as space.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= '\x1c' && r <= '\x1f')
}

// readSecrets reads the secrets file as a configuration layer — data when
// not nil, else the file at path. Its values stay in the returned settings
// and are never copied into the process environment (§1.3).
func readSecrets(path string, data []byte, report *Report) ([]setting, []Problem, error) {
	if data == nil {
		info, err := os.Stat(path)
		if err != nil {
			return nil, nil, fmt.Errorf("config: %w", err)
		}
		if data, err = os.ReadFile(path); err != nil {
			return nil, nil, fmt.Errorf("config: %w", err)
		}
		if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
			report.warn("", Source{Layer: LayerSecrets, File: path},
				fmt.Sprintf("secrets file is accessible by group or others (mode %04o); run chmod 600 %s", info.Mode().Perm(), path))
		}
	}
	lines := parseSecretsFile(string(data))
	settings, problems := envSettings(lines, LayerSecrets, path, report)
	return settings, problems, nil
}
