package http

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// bundledTemplates are the page templates of ui.md §4–7. "all:" keeps the
// shared fragment auth/_token_handoff.html, whose name starts with "_".
//
//go:embed all:ui/templates
var bundledTemplates embed.FS

// Names of the templates every page set holds besides the page itself: the
// layout whose blocks (title, extra_head, brand, content, footer) pages fill,
// and the fragment the verify and confirm-email-change pages share.
const (
	layoutTemplate   = "base.html"
	handoffTemplate  = "auth/_token_handoff.html"
	bundledTemplateD = "ui/templates"
)

// templateSet parses page templates by name from the host directories,
// then the bundle (ui.md §2).
type templateSet struct {
	dirs []string
	// shared is the layout and the fragment, parsed once and cloned per page.
	shared *template.Template
}

// newTemplateSet prepares the lookup over dirs (the first directory holding
// a name wins; a missing directory is skipped). staticURL builds the
// asset links the layout needs.
func newTemplateSet(dirs []string, staticURL func(string) string) (*templateSet, error) {
	s := &templateSet{dirs: dirs}
	funcs := template.FuncMap{
		// static links a bundled asset with its content hash (?v=), so
		// browsers may cache it for good and still see a new release.
		"static": staticURL,
		// capitalize spells a provider name for a button: "google" → "Google".
		"capitalize": capitalize,
		// dict passes named values to a shared fragment:
		// {{template "token_handoff" (dict "heading" "…" "ui_prefix" .ui_prefix)}}.
		"dict": dict,
	}
	root := template.New(layoutTemplate).Funcs(funcs)
	for _, name := range []string{layoutTemplate, handoffTemplate} {
		if err := s.parseInto(root, name); err != nil {
			return nil, err
		}
	}
	s.shared = root
	return s, nil
}

// render executes the page template name on top of the shared layout.
func (s *templateSet) render(name string, data map[string]any) ([]byte, error) {
	t, err := s.shared.Clone()
	if err != nil {
		return nil, fmt.Errorf("regstack/http: clone templates: %w", err)
	}
	if err := s.parseInto(t, name); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("regstack/http: render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// parseInto parses the template called name into t's set.
func (s *templateSet) parseInto(t *template.Template, name string) error {
	source, src, err := s.lookup(name)
	if err != nil {
		return err
	}
	target := t
	if t.Name() != name {
		target = t.New(name)
	}
	if _, err := target.Parse(string(src)); err != nil {
		return fmt.Errorf("regstack/http: parse %s: %w", source, err)
	}
	return nil
}

// lookup finds name in the first host directory holding it, else in the
// bundle; source says where it came from, for error messages.
func (s *templateSet) lookup(name string) (source string, src []byte, err error) {
	for _, dir := range s.dirs {
		path := filepath.Join(dir, filepath.FromSlash(name))
		src, err := os.ReadFile(path)
		if err == nil {
			return path, src, nil
		}
		// A directory that does not exist (or is not a directory) holds
		// nothing; any other failure is the host's to fix.
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return "", nil, fmt.Errorf("regstack/http: read template %s: %w", path, err)
		}
	}
	src, err = bundledTemplates.ReadFile(bundledTemplateD + "/" + name)
	if err != nil {
		// Every name looked up is bundled; reaching here is a build defect.
		return "", nil, fmt.Errorf("regstack/http: bundled template %s: %w", name, err)
	}
	return "bundled " + name, src, nil
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, errors.New("dict wants name, value pairs")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: name %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}
