package mongo

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/regstack/regstack/core/config"
)

// errNoDatabase is config.md §7's start-up error, word for word, as the
// configuration's own start-up check reports it.
func errNoDatabase() error {
	return &config.StartupError{
		Key:     "mongodb_database",
		Message: "MongoDB URL has no database path and config.mongodb_database is unset. Use mongodb://host:port/dbname or set mongodb_database.",
	}
}

// location is what Open needs from a database URL.
type location struct {
	// uri is the URL for the driver: the scheme lower-cased, the rest as
	// given (so pool settings such as maxPoolSize reach the driver).
	uri string
	// database is the URL's path, or the configured fallback.
	database string
	// password is the URL's password, raw and unescaped, kept only to
	// scrub it from the driver's error messages.
	password []string
}

// parseURL splits a mongodb:// or mongodb+srv:// URL the way the driver
// does (the user info ends at the first "@", the hosts at the next "/"),
// and takes the database name from its path, else from fallback
// (config.md §4). It makes no network call, also for mongodb+srv.
func parseURL(raw, fallback string) (location, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "mongodb" && scheme != "mongodb+srv") {
		return location{}, errors.New("mongo: not a mongodb:// or mongodb+srv:// URL")
	}
	loc := location{uri: scheme + "://" + rest}
	if at := strings.Index(rest, "@"); at >= 0 {
		if _, pw, found := strings.Cut(rest[:at], ":"); found && pw != "" {
			loc.password = append(loc.password, pw)
			if unescaped, err := url.PathUnescape(pw); err == nil && unescaped != pw {
				loc.password = append(loc.password, unescaped)
			}
		}
		rest = rest[at+1:]
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 && rest[i] == '/' {
		path, _, _ := strings.Cut(rest[i+1:], "?")
		db, err := url.QueryUnescape(path)
		if err != nil {
			return location{}, fmt.Errorf("mongo: database name in the URL is not properly escaped: %w", err)
		}
		loc.database = db
	}
	if loc.database == "" {
		loc.database = fallback
	}
	if loc.database == "" {
		return location{}, errNoDatabase()
	}
	return loc, nil
}

// scrub returns err, a driver error about the URL, as a new error whose
// text has the URL's password replaced by "xxxxx": the driver quotes parts
// of the URL it cannot parse, and credentials must not reach the logs.
func (loc location) scrub(err error) error {
	msg := err.Error()
	if len(loc.password) > 0 && strings.Contains(msg, "password") {
		// The driver quotes the bad escape, a piece of the password.
		return errors.New("the password in the database URL is not properly percent-encoded")
	}
	for _, pw := range loc.password {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	return errors.New(msg)
}
