package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/regstack/regstack/core/config"
)

// location is a parsed postgresql:// URL.
type location struct {
	// connString is what pgx parses: a postgres:// URL with the Python
	// driver suffix gone and asyncpg's ssl parameter translated.
	connString string
	// masked is the URL as it may appear in messages.
	masked string
	// password holds the forms of the URL's password (as written,
	// decoded, re-encoded), kept only to scrub them from driver messages.
	password []string
	// params are the URL's query parameters.
	params url.Values
}

// parseURL reads postgresql://, postgres:// and postgresql+<driver>:// URLs.
// Its errors never echo the URL unmasked.
func parseURL(raw string) (location, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	base, _, _ := strings.Cut(strings.ToLower(scheme), "+")
	if !ok || (base != "postgresql" && base != "postgres") {
		return location{}, errors.New("postgres: not a postgresql:// URL")
	}
	loc := location{masked: config.MaskURL(raw)}
	authorityAndPath, query, _ := strings.Cut(rest, "?")
	authorityAndPath, loc.password = normaliseUserinfo(authorityAndPath)
	params, err := url.ParseQuery(query)
	if err != nil {
		return location{}, fmt.Errorf("postgres: database URL %s has a malformed query string", loc.masked)
	}
	// asyncpg spells libpq's sslmode "ssl" (ssl=require); a Python
	// configuration keeps working when it is translated. The server would
	// refuse ssl as an unknown setting, so it never reaches pgx.
	if ssl, ok := params["ssl"]; ok {
		if !params.Has("sslmode") {
			mode, err := sslMode(ssl[len(ssl)-1])
			if err != nil {
				return location{}, fmt.Errorf("postgres: database URL %s: %w", loc.masked, err)
			}
			params.Set("sslmode", mode)
		}
		params.Del("ssl")
		query = params.Encode()
	}
	loc.params = params
	if pw := params.Get("password"); len(pw) >= minScrubbed {
		loc.password = append(loc.password, pw)
	}
	loc.connString = "postgres://" + authorityAndPath
	if query != "" {
		loc.connString += "?" + query
	}
	return loc, nil
}

// sslMode maps asyncpg's ssl= values to libpq's sslmode.
func sslMode(v string) (string, error) {
	switch strings.ToLower(v) {
	case "true", "1", "yes", "on":
		return "require", nil
	case "false", "0", "no", "off":
		return "disable", nil
	case "disable", "allow", "prefer", "require", "verify-ca", "verify-full":
		return strings.ToLower(v), nil
	}
	return "", fmt.Errorf("ssl=%q is not an SSL mode (use sslmode=disable|allow|prefer|require|verify-ca|verify-full)", v)
}

// minScrubbed is the shortest password scrubbed from driver messages:
// shorter strings turn up in any text by chance, and replacing them would
// garble the message without hiding anything.
const minScrubbed = 4

// normaliseUserinfo reads the user and password of a URL remainder
// (after "://", before "?") the way config.MaskURL does: the password runs
// from the first ":" to the last "@", so one holding an unescaped "@", "/"
// or ":" is still read whole. It returns the remainder with the userinfo
// percent-encoded, which pgx parses unambiguously, and the password forms
// to scrub from messages.
func normaliseUserinfo(rest string) (string, []string) {
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return rest, nil
	}
	user, pw, hasPassword := strings.Cut(rest[:at], ":")
	user = unescape(user)
	if !hasPassword {
		return url.User(user).String() + rest[at:], nil
	}
	userinfo := url.UserPassword(user, unescape(pw)).String()
	_, escaped, _ := strings.Cut(userinfo, ":")
	var forms []string
	for _, f := range []string{pw, unescape(pw), escaped} {
		if len(f) >= minScrubbed && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	return userinfo + rest[at:], forms
}

// unescape percent-decodes s; text that is not valid percent-encoding is
// taken literally, as a password with a bare "%" is meant.
func unescape(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// redactedError is a driver error with the password scrubbed from its text
// and its lines joined. Unwrap keeps errors.Is/As working (context
// cancellation, *pgconn.PgError).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// wrap describes a failure to do what on the database at loc in one line
// that names the masked URL and never the password.
func (loc location) wrap(what string, err error) error {
	msg := cause(err)
	for _, pw := range loc.password {
		msg = strings.ReplaceAll(msg, pw, "***")
	}
	msg = strings.Join(strings.Fields(msg), " ")
	return &redactedError{msg: fmt.Sprintf("postgres: %s %s: %s", what, loc.masked, msg), err: err}
}

// cause is the part of a pgx error that names the problem. pgx reports
// every connection attempt (with TLS, then without, for each address), so
// its full text repeats itself; the server's refusal, or else the network
// error, says what went wrong. Parse errors lose their copy of the URL,
// which the caller prints masked already.
func cause(err error) string {
	var pgErr *pgconn.PgError
	var netErr *net.OpError
	var parseErr *pgconn.ParseConfigError
	switch {
	case errors.As(err, &pgErr):
		return pgErr.Error()
	case errors.As(err, &netErr):
		return netErr.Error()
	case errors.Is(err, context.Canceled):
		return context.Canceled.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out (" + context.DeadlineExceeded.Error() + ")"
	case errors.As(err, &parseErr):
		if _, rest, ok := strings.Cut(err.Error(), "`: "); ok {
			return rest
		}
	}
	return err.Error()
}
