// Command ferretdb runs FerretDB in-process on its SQLite backend, for the
// MongoDB adapter's tests (scripts/services.d/20-ferretdb.sh builds it into
// ./bin). It embeds FerretDB as a library because the released ferretdb
// command, installed from the module proxy, lacks the generated version
// file it insists on and panics at start.
//
// It listens on -listen until SIGINT or SIGTERM and keeps its data in
// -dir. Embedded FerretDB opens no debug HTTP listener and sends no
// telemetry (the ferretdb package disables it).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"syscall"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", "", "directory for the SQLite backend's files (required)")
	verbose := flag.Bool("v", false, "log at info level instead of errors only")
	reportVersion := flag.String("report-mongodb-version", "", "MAJOR.MINOR.PATCH for buildInfo's version string to report instead of the build's (doctor's CVE advisory test); versionArray keeps the build's")
	flag.Parse()
	if v := *reportVersion; v != "" {
		if !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(v) {
			return fmt.Errorf("-report-mongodb-version %q is not MAJOR.MINOR.PATCH", v)
		}
		// What FerretDB embeds (build/version/mongodb.txt) is fixed at
		// build time; its Info is a shared pointer read per command.
		version.Get().MongoDBVersion = v
	}
	if *dir == "" {
		return fmt.Errorf("-dir is required")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return err
	}
	// FerretDB logs every error reply (each duplicate key the tests
	// provoke on purpose) as a warning; errors and panics are what matter.
	level := slog.LevelError
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// The SQLite handler wants a file: URI naming a directory, with the
	// trailing slash.
	sqliteURL := (&url.URL{Scheme: "file", Path: abs + "/"}).String()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(os.Stderr, "ferretdb: listening on %s, data in %s\n", *listen, abs)
	return f.Run(ctx)
}
