package config_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/regstack/regstack/core/config"
)

func TestResolveConfigFile(t *testing.T) {
	dir := writeDir(t, map[string]string{config.TOMLFileName: "", "other.toml": "", "sub/readme.txt": ""})
	tests := []struct {
		name, in, want string
		missing        bool
	}{
		{"a file is itself", filepath.Join(dir, "other.toml"), filepath.Join(dir, "other.toml"), false},
		{"a directory means its regstack.toml", dir, filepath.Join(dir, config.TOMLFileName), false},
		{"a missing file is not found", filepath.Join(dir, "nope.toml"), filepath.Join(dir, "nope.toml"), true},
		{"a directory without regstack.toml is not found", filepath.Join(dir, "sub"), filepath.Join(dir, "sub", config.TOMLFileName), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.ResolveConfigFile(tt.in)
			var nf *config.NotFoundError
			switch {
			case tt.missing && (!errors.As(err, &nf) || nf.Path != tt.want):
				t.Errorf("ResolveConfigFile(%q) error = %v, want not found %q", tt.in, err, tt.want)
			case !tt.missing && (err != nil || got != tt.want):
				t.Errorf("ResolveConfigFile(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestResolveWriteDir(t *testing.T) {
	dir := writeDir(t, map[string]string{"existing.conf": "", "conf/regstack.toml": ""})
	tests := []struct{ name, in, want string }{
		{"no flag means the current directory", "", "."},
		{"an existing file means its directory", filepath.Join(dir, "existing.conf"), dir},
		{"an existing TOML file means its directory", filepath.Join(dir, "conf", "regstack.toml"), filepath.Join(dir, "conf")},
		{"a missing name ending in .toml means its directory", filepath.Join(dir, "new", "app.toml"), filepath.Join(dir, "new")},
		{"an existing directory is the target", filepath.Join(dir, "conf"), filepath.Join(dir, "conf")},
		{"a missing name is the target directory", filepath.Join(dir, "etc", "app"), filepath.Join(dir, "etc", "app")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := config.ResolveWriteDir(tt.in); got != tt.want {
				t.Errorf("ResolveWriteDir(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
