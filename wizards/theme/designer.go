package theme

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/regstack/regstack/wizards/configfile"
)

// Designer is one theme file the designer reads and writes.
type Designer struct {
	// Dir is the directory holding the file; created on the first save.
	Dir string
	// Filename is the file's name inside Dir, DefaultFilename when empty.
	Filename string
}

// SaveResult says what a save wrote, or would have written on a dry run.
type SaveResult struct {
	// TargetPath is the absolute path of the theme file.
	TargetPath string `json:"target_path"`
	// LightCount and DarkCount are the variables emitted in each block.
	LightCount int `json:"light_count"`
	DarkCount  int `json:"dark_count"`
	// BytesWritten is the size of the whole file.
	BytesWritten int `json:"bytes_written"`
}

// Path returns the absolute path of the theme file.
func (d Designer) Path() (string, error) {
	name := d.Filename
	if name == "" {
		name = DefaultFilename
	}
	p, err := filepath.Abs(filepath.Join(d.Dir, name))
	if err != nil {
		return "", fmt.Errorf("theme file path: %w", err)
	}
	return p, nil
}

func (d Designer) filename() string {
	if d.Filename == "" {
		return DefaultFilename
	}
	return d.Filename
}

// Existing returns the values saved in the theme file; a missing or
// unreadable file gives two empty scopes, so the designer starts from the
// defaults.
func (d Designer) Existing() (light, dark Values) {
	path, err := d.Path()
	if err != nil {
		return Values{}, Values{}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Values{}, Values{}
	}
	return Read(string(b))
}

// Save writes light and dark into the theme file's managed blocks, keeping
// the rest of the file, atomically (a temporary file renamed over the old
// one, whose mode is kept). With dryRun it computes the same result and
// touches nothing — not even the directory. The values must have passed
// Validate and Clean.
func (d Designer) Save(light, dark Values, dryRun bool) (SaveResult, error) {
	path, err := d.Path()
	if err != nil {
		return SaveResult{}, err
	}
	var text string
	mode := fs.FileMode(0o644)
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if text, err = Update(string(old), d.filename(), light, dark); err != nil {
			return SaveResult{}, fmt.Errorf("%s: %w", path, err)
		}
		if info, err := os.Stat(path); err == nil {
			mode = info.Mode().Perm()
		}
	case errors.Is(err, fs.ErrNotExist):
		text = NewFile(d.filename(), light, dark)
	default:
		return SaveResult{}, fmt.Errorf("read %s: %w", path, err)
	}
	res := SaveResult{TargetPath: path, LightCount: len(light), DarkCount: len(dark), BytesWritten: len(text)}
	if dryRun {
		return res, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return SaveResult{}, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if err := configfile.WriteAtomic(path, []byte(text), mode); err != nil {
		return SaveResult{}, err
	}
	return res, nil
}
