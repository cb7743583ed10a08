package configfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/regstack/regstack/core/config"
)

// File modes of what Apply writes: a new regstack.toml is world-readable
// like any config file (an existing one keeps its mode); the secrets file
// is the owner's alone, always (cli.md §14.2 rule 5).
const (
	ConfigMode  fs.FileMode = 0o644
	SecretsMode fs.FileMode = 0o600
)

// Change is one file's planned edit.
type Change struct {
	Path string
	// Old is the file as read (nil when it did not exist), New what it
	// becomes.
	Old, New []byte
	Existed  bool
	// Mode is what the file is written with.
	Mode fs.FileMode
}

// Changed reports whether Apply writes the file: its bytes differ, or it
// does not exist yet and has content.
func (c Change) Changed() bool {
	if !c.Existed {
		return len(c.New) > 0
	}
	return !bytes.Equal(c.Old, c.New)
}

// Plan is one wizard write: both files of a target, read once, edited in
// memory, checked, then written together. A dry run builds the same Plan
// and never calls Apply.
type Plan struct {
	Target  Target
	Config  Change
	Secrets Change
}

// NewPlan reads the target's regstack.toml and regstack.secrets.env (a
// missing file reads as empty). A regstack.toml that is not valid TOML is
// an *InvalidTOMLError naming it: the wizards refuse to write over it
// (cli.md §14.1 rule 7).
func NewPlan(t Target) (*Plan, error) {
	p := &Plan{Target: t}
	var err error
	if p.Config, err = readChange(t.ConfigPath, ConfigMode); err != nil {
		return nil, err
	}
	p.Secrets, err = readChange(t.SecretsPath, SecretsMode)
	if err != nil {
		return nil, err
	}
	p.Secrets.Mode = SecretsMode // a looser existing mode is tightened
	if err := checkTOML(p.Config.Old); err != nil {
		return nil, named(err, filepath.Base(t.ConfigPath))
	}
	return p, nil
}

func readChange(path string, mode fs.FileMode) (Change, error) {
	c := Change{Path: path, Mode: mode}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c, nil
	case err != nil:
		return c, fmt.Errorf("read %s: %w", path, err)
	}
	if info, err := os.Stat(path); err == nil {
		c.Mode = info.Mode().Perm()
	}
	c.Old, c.New, c.Existed = data, data, true
	return c, nil
}

// named puts the file's name on an *InvalidTOMLError.
func named(err error, file string) error {
	var ie *InvalidTOMLError
	if errors.As(err, &ie) && ie.File == "" {
		cp := *ie
		cp.File = file
		return &cp
	}
	return err
}

// MergeTOML applies MergeTOML to the planned regstack.toml.
func (p *Plan) MergeTOML(settings []Setting) error {
	out, err := MergeTOML(p.Config.New, settings)
	if err != nil {
		return named(err, filepath.Base(p.Config.Path))
	}
	p.Config.New = out
	return nil
}

// ReplaceTable applies ReplaceTable to the planned regstack.toml.
func (p *Plan) ReplaceTable(table string, settings []Setting) error {
	out, err := ReplaceTable(p.Config.New, table, settings)
	if err != nil {
		return named(err, filepath.Base(p.Config.Path))
	}
	p.Config.New = out
	return nil
}

// MergeEnv applies MergeEnv to the planned secrets file.
func (p *Plan) MergeEnv(vars []EnvVar) error {
	out, err := MergeEnv(p.Secrets.New, vars)
	if err != nil {
		return err
	}
	p.Secrets.New = out
	return nil
}

// RemoveEnv applies RemoveEnv to the planned secrets file.
func (p *Plan) RemoveEnv(names []string) error {
	out, err := RemoveEnv(p.Secrets.New, names)
	if err != nil {
		return err
	}
	p.Secrets.New = out
	return nil
}

// HadTable reports whether the table was in regstack.toml before the
// edits: "replaced [oauth] table" rather than "added …".
func (p *Plan) HadTable(table string) bool {
	ok, _ := HasTable(p.Config.Old, table) // Old parsed in NewPlan
	return ok
}

// TableDiff is the config_diff of a wizard that writes one table:
// "replaced [<table>] table" when it existed before, else "added …"
// (cli.md §14.3, §14.4).
func (p *Plan) TableDiff(table string) string {
	if p.HadTable(table) {
		return "replaced [" + table + "] table"
	}
	return "added [" + table + "] table"
}

// EnvDiff is the secrets_diff for one variable: "added <name>",
// "replaced <name>" (its line existed, whatever its value), "removed
// <name>", or "no secrets change" (cli.md §14.3, §14.4).
func (p *Plan) EnvDiff(name string) string {
	before, after := HasEnv(p.Secrets.Old, name), HasEnv(p.Secrets.New, name)
	switch {
	case before && after:
		return "replaced " + name
	case after:
		return "added " + name
	case before:
		return "removed " + name
	default:
		return "no secrets change"
	}
}

// Check loads the planned files with core/config, as the server would.
// core/config reads only from disk, so the files are copied into a private
// temporary directory (mode 0700, removed before Check returns; the target
// is never touched), and its messages name the real files. It fails with
// the problems the edits add; problems the files already had are not the
// wizard's to fix and do not block it. The environment is not consulted.
func (p *Plan) Check() error {
	before, err := p.problems(p.Config.Old, p.Secrets.Old)
	if err != nil {
		return err
	}
	after, err := p.problems(p.Config.New, p.Secrets.New)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, pr := range before {
		seen[pr.Key+"\x00"+pr.Message] = true
	}
	var added []string
	for _, pr := range after {
		if !seen[pr.Key+"\x00"+pr.Message] {
			added = append(added, pr.String())
		}
	}
	if len(added) > 0 {
		return fmt.Errorf("the new configuration would not load: %s", strings.Join(added, "; "))
	}
	return nil
}

// problems loads one version of the two files, from memory, and lists
// what is wrong: a check touches no disk (a dry run writes nothing, not
// even a temporary copy of a secret).
func (p *Plan) problems(cfg, secrets []byte) ([]config.Problem, error) {
	opts := config.LoadOptions{
		Env: map[string]string{},
		// Nothing is looked up beside the files; the directory need not exist.
		Dir:         p.Target.Dir,
		SecretsPath: p.Secrets.Path,
		SecretsData: nonNil(secrets),
	}
	if len(cfg) > 0 {
		opts.ConfigPath, opts.TOMLData = p.Config.Path, cfg
	}
	_, _, err := config.Load(opts)
	var ce *config.Error
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &ce):
		return ce.Problems, nil
	default:
		return nil, fmt.Errorf("check configuration: %w", err)
	}
}

// nonNil is b, or an empty file's contents when b is nil.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// Apply checks the plan and writes each changed file atomically: a
// temporary file in the same directory, synced, then renamed over the old
// one, so a reader sees the old file or the new one, never half of either.
// The target directory is created when missing. An existing secrets file
// ends up mode 0600 even when its lines did not change. The secrets file is
// written first: a failure then leaves at worst an unused secret, never a
// config naming a secret that is not there.
func (p *Plan) Apply() error {
	if err := p.Check(); err != nil {
		return err
	}
	if !p.Secrets.Changed() && p.Secrets.Existed {
		// Nothing new to write, but a run of a wizard leaves the secrets
		// private all the same.
		if info, err := os.Stat(p.Secrets.Path); err == nil && info.Mode().Perm() != SecretsMode {
			if err := os.Chmod(p.Secrets.Path, SecretsMode); err != nil {
				return fmt.Errorf("chmod %s: %w", p.Secrets.Path, err)
			}
		}
	}
	if !p.Config.Changed() && !p.Secrets.Changed() {
		return nil
	}
	if err := os.MkdirAll(p.Target.Dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", p.Target.Dir, err)
	}
	for _, c := range []Change{p.Secrets, p.Config} {
		if !c.Changed() {
			continue
		}
		if err := WriteAtomic(c.Path, c.New, c.Mode); err != nil {
			return err
		}
	}
	return nil
}

// WriteAtomic replaces path with data through a temporary file in the
// same directory and a rename, so a reader never sees half a file; the
// file has mode from its first byte. A symbolic link is followed, so the
// link stays and its target changes. Every file regstack's commands write
// (init, the wizards, the theme designer) goes through it.
func WriteAtomic(path string, data []byte, mode fs.FileMode) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	// CreateTemp made it 0600, so a secret is never readable by others,
	// not even for a moment; the config file gets its mode before rename.
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	// Make the rename itself durable; a directory that cannot be synced
	// (some file systems) still has the file.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
