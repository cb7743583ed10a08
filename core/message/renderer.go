package message

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	texttemplate "text/template"
)

//go:embed templates/*
var bundled embed.FS

// Kinds of email and SMS; each names its template files.
var (
	emailKinds = []string{"verification", "password_reset", "email_change"}
	smsKinds   = []string{"login_mfa", "phone_setup"}
)

// compiled is one parsed template and where it came from, so render errors
// name the file a host has to fix.
type compiled struct {
	source string
	exec   func(w *bytes.Buffer, data any) error
}

func (c compiled) render(data any) (string, error) {
	var b bytes.Buffer
	if err := c.exec(&b, data); err != nil {
		return "", fmt.Errorf("message: render %s: %w", c.source, err)
	}
	return b.String(), nil
}

// Renderer renders messages; safe for concurrent use, because every
// template is parsed once by NewRenderer and only executed afterwards.
type Renderer struct {
	templates map[string]compiled // by file name, e.g. "verification.html"
}

// NewRenderer parses the bundled templates, overridden by files of the same
// name in extraDirs (first directory wins). A directory that does not exist
// is skipped; a host file that cannot be read or parsed is an error naming
// it.
func NewRenderer(extraDirs []string) (*Renderer, error) {
	var names []string
	for _, k := range emailKinds {
		names = append(names, k+".subject.txt", k+".txt", k+".html")
	}
	for _, k := range smsKinds {
		names = append(names, "sms_"+k+".txt")
	}

	r := &Renderer{templates: make(map[string]compiled, len(names))}
	for _, name := range names {
		source, src, err := lookup(extraDirs, name)
		if err != nil {
			return nil, err
		}
		c, err := parse(name, source, src)
		if err != nil {
			return nil, err
		}
		r.templates[name] = c
	}
	return r, nil
}

// lookup finds name in the first of dirs that has it, else in the bundle.
func lookup(dirs []string, name string) (source string, src []byte, err error) {
	for _, dir := range dirs {
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err == nil {
			return path, src, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, fmt.Errorf("message: read template %s: %w", path, err)
		}
	}
	src, err = bundled.ReadFile("templates/" + name)
	if err != nil {
		// Every name asked for is bundled; reaching here is a build defect.
		return "", nil, fmt.Errorf("message: bundled template %s: %w", name, err)
	}
	return "bundled " + name, src, nil
}

// parse compiles src with html/template for *.html (so values are escaped)
// and text/template otherwise (subjects, plain text and SMS must stay
// verbatim).
func parse(name, source string, src []byte) (compiled, error) {
	c := compiled{source: source}
	if strings.HasSuffix(name, ".html") {
		t, err := htmltemplate.New(name).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return compiled{}, fmt.Errorf("message: parse %s: %w", source, err)
		}
		c.exec = func(w *bytes.Buffer, data any) error { return t.Execute(w, data) }
		return c, nil
	}
	t, err := texttemplate.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return compiled{}, fmt.Errorf("message: parse %s: %w", source, err)
	}
	c.exec = func(w *bytes.Buffer, data any) error { return t.Execute(w, data) }
	return c, nil
}

// Email renders kind (verification, password_reset, email_change): the
// subject (trimmed, CR/LF stripped), the text body and the HTML body.
func (r *Renderer) Email(kind string, d EmailData) (subject, text, html string, err error) {
	if !slices.Contains(emailKinds, kind) {
		return "", "", "", fmt.Errorf("message: unknown email kind %q", kind)
	}
	data := d.fields()
	if subject, err = r.templates[kind+".subject.txt"].render(data); err != nil {
		return "", "", "", err
	}
	if text, err = r.templates[kind+".txt"].render(data); err != nil {
		return "", "", "", err
	}
	if html, err = r.templates[kind+".html"].render(data); err != nil {
		return "", "", "", err
	}
	return cleanSubject(subject), text, html, nil
}

// SMS renders kind (login_mfa, phone_setup), trimmed.
func (r *Renderer) SMS(kind string, d SMSData) (string, error) {
	if !slices.Contains(smsKinds, kind) {
		return "", fmt.Errorf("message: unknown SMS kind %q", kind)
	}
	body, err := r.templates["sms_"+kind+".txt"].render(d.fields())
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(body), nil
}

// cleanSubject trims the rendered subject and drops CR and LF, which would
// otherwise end the Subject header and start an attacker-chosen one.
func cleanSubject(s string) string {
	s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
	return strings.TrimSpace(s)
}
