// Command demo is the smallest wizard: a page that loads its script from
// /static/, asks /api/state for a greeting and shows it. The desktop tests
// run it in a window under Xvfb to check the scaffold on its own, apart
// from the three real wizards.
//
//	demo [--browser] [--port N]
//
// Exit status: 0 when the UI posted /api/done or the window was closed,
// 1 when no window can open or the port cannot be bound.
package main

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/regstack/regstack/wizards/wizard"
)

//go:embed index.html
var indexHTML string

//go:embed static
var staticFiles embed.FS

func main() {
	browser := flag.Bool("browser", false, "serve the UI for a browser instead of opening a window")
	port := flag.Int("port", 0, "loopback port (0 picks a free one)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *browser, *port); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, browser bool, port int) error {
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return err
	}
	api := http.NewServeMux()
	api.HandleFunc("GET /api/state", func(w http.ResponseWriter, r *http.Request) {
		wizard.WriteJSON(w, http.StatusOK, map[string]any{"greeting": "The wizard scaffold works."})
	})
	app := wizard.App{
		Title:  "regstack — scaffold demo",
		Width:  820,
		Height: 720,
		Index:  template.Must(template.New("index").Parse(indexHTML)),
		Static: static,
		API:    api,
	}
	mode := wizard.Window
	if browser {
		mode = wizard.Browser
	}
	return wizard.Launch(ctx, app, wizard.LaunchOptions{Mode: mode, Port: port, Out: os.Stdout})
}
