package ses

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"

	"github.com/regstack/regstack/wizards/configfile"
	"github.com/regstack/regstack/wizards/wizard"
)

// Window title and size (cli.md §10.1).
const (
	Title  = "regstack — SES setup"
	width  = 820
	height = 720
)

//go:embed ui/index.html ui/static
var uiFiles embed.FS

// index is the page; the token goes into <body data-token> (cli.md §10.1)
// and the region list into the region field's suggestions.
var index = template.Must(template.New("index.html").
	Funcs(template.FuncMap{"regions": Regions}).
	ParseFS(uiFiles, "ui/index.html"))

// NewApp returns the SES wizard for the scaffold: its page, its static
// files and its API writing into t, probing AWS through p (AWS{} in the
// command). log receives failures that are not the operator's.
func NewApp(t configfile.Target, p Prober, log *slog.Logger) wizard.App {
	static, err := fs.Sub(uiFiles, "ui/static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return wizard.App{
		Title:  Title,
		Width:  width,
		Height: height,
		Index:  index,
		Static: static,
		API:    NewAPI(t, p, log),
	}
}
