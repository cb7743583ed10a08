package oauth

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"

	"github.com/regstack/regstack/wizards/wizard"
)

// Window title and size of the wizard (cli.md §10.1).
const (
	Title  = "regstack — Google OAuth setup"
	Width  = 820
	Height = 720
)

//go:embed ui
var ui embed.FS

var index = template.Must(template.ParseFS(ui, "ui/index.html"))

// App is the wizard as the scaffold runs it: the page, its script and
// stylesheet, and the API over w.
func App(w Wizard) wizard.App {
	log := w.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	static, _ := fs.Sub(ui, "ui/static") // a literal, valid path
	return wizard.App{
		Title:  Title,
		Width:  Width,
		Height: Height,
		Index:  index,
		Static: static,
		API:    &api{wizard: w, log: log},
	}
}
