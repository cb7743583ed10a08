package theme

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"strings"

	coretheme "github.com/regstack/regstack/core/theme"
	"github.com/regstack/regstack/wizards/wizard"
)

// Window title and size of the designer (cli.md §10.1).
const (
	Title  = "regstack — theme designer"
	Width  = 1100
	Height = 720
)

//go:embed ui
var ui embed.FS

var index = template.Must(template.ParseFS(ui, "ui/index.html"))

// App is the designer as the wizard scaffold runs it: the page, its static
// files (the designer's own and, under rs/, the pages' stylesheets for the
// preview) and the API for d. log receives failures to write the file.
func App(d Designer, log *slog.Logger) wizard.App {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	own, _ := fs.Sub(ui, "ui/static")                  // a literal, valid path
	pages, _ := fs.Sub(coretheme.Stylesheets(), "css") // likewise
	return wizard.App{
		Title:  Title,
		Width:  Width,
		Height: Height,
		Index:  index,
		Static: staticFS{own: own, pages: pages},
		API:    &api{designer: d, log: log},
	}
}

// staticFS serves the designer's files, and the pages' stylesheets under
// rs/ — the preview links rs/core.css itself, not a copy.
type staticFS struct {
	own, pages fs.FS
}

func (s staticFS) Open(name string) (fs.File, error) {
	if rest, ok := strings.CutPrefix(name, "rs/"); ok {
		return s.pages.Open(rest)
	}
	return s.own.Open(name)
}
