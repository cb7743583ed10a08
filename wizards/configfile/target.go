package configfile

import (
	"fmt"
	"path/filepath"

	"github.com/regstack/regstack/core/config"
)

// Target is the directory a wizard writes into and the two files there.
type Target struct {
	Dir         string // absolute
	ConfigPath  string // <Dir>/regstack.toml
	SecretsPath string // <Dir>/regstack.secrets.env
}

// ResolveTarget turns the config-writing commands' --config value into a
// Target (cli.md §1.3, via config.ResolveWriteDir): empty means the current
// directory; an existing file, or a name ending in .toml, means its
// directory; anything else is the directory itself, created on Apply. The
// files there are always regstack.toml and regstack.secrets.env. The
// deprecated --target alias and its warning are the command's business
// (cli.md §1.3); it passes whichever path it took.
func ResolveTarget(configFlag string) (Target, error) {
	dir, err := filepath.Abs(config.ResolveWriteDir(configFlag))
	if err != nil {
		return Target{}, fmt.Errorf("resolve %s: %w", configFlag, err)
	}
	return Target{
		Dir:         dir,
		ConfigPath:  filepath.Join(dir, config.TOMLFileName),
		SecretsPath: filepath.Join(dir, config.SecretsFileName),
	}, nil
}
