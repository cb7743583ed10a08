package config

import (
	"strings"
)

// Database kinds DatabaseKind reports (config.md §4).
const (
	KindSQLite   = "sqlite"
	KindPostgres = "postgres"
	KindMongoDB  = "mongodb"
)

// DatabaseKind names the backend database_url selects: KindSQLite,
// KindPostgres, KindMongoDB, or "" for an unrecognised scheme. Matching
// ignores case and any "+driver" suffix (sqlite+aiosqlite,
// postgresql+asyncpg, mongodb+srv).
func (c *Config) DatabaseKind() string {
	return databaseKind(c.DatabaseURL)
}

func databaseKind(url string) string {
	scheme, _, ok := strings.Cut(url, "://")
	if !ok {
		return ""
	}
	scheme, _, _ = strings.Cut(strings.ToLower(scheme), "+")
	switch scheme {
	case "sqlite":
		return KindSQLite
	case "postgresql", "postgres":
		return KindPostgres
	case "mongodb":
		return KindMongoDB
	}
	return ""
}

// MongoDatabase is the MongoDB database to use: the database_url path, else
// mongodb_database (§4). Empty means neither names one.
func (c *Config) MongoDatabase() string {
	if db := urlDatabase(c.DatabaseURL); db != "" {
		return db
	}
	return c.MongoDBDatabase
}

// urlDatabase is the path of a URL without its leading "/", up to "?".
func urlDatabase(url string) string {
	_, rest, ok := strings.Cut(url, "://")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "?")
	// The password may hold "/" when badly encoded; the host starts after
	// the last "@".
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = rest[at+1:]
	}
	_, path, _ := strings.Cut(rest, "/")
	return path
}

// mask replaces hidden parts of a URL.
const mask = "***"

// secretParams are query parameters whose values MaskURL hides.
var secretParams = []string{"password", "pass", "pwd", "secret", "token", "key"}

// MaskURL hides the credentials in a URL so it can be printed: the password
// of user:password@ (user names stay) and the value of query parameters such
// as password=… . A URL without credentials comes back unchanged. Text that
// is not a URL at all comes back as "***", since it may be a bare secret.
func MaskURL(u string) string {
	schemeEnd := strings.Index(u, "://")
	if schemeEnd < 0 {
		if u == "" {
			return ""
		}
		return mask
	}
	head, rest := u[:schemeEnd+3], u[schemeEnd+3:]
	query := ""
	if q := strings.IndexAny(rest, "?#"); q >= 0 {
		rest, query = rest[:q], rest[q:]
	}
	// SQLite URLs carry a file path, which may contain "@" and ":".
	if at := strings.LastIndex(rest, "@"); at >= 0 && databaseKind(u) != KindSQLite {
		if user, _, hasPassword := strings.Cut(rest[:at], ":"); hasPassword {
			rest = user + ":" + mask + rest[at:]
		}
	}
	return head + rest + maskQuery(query)
}

func maskQuery(query string) string {
	if !strings.HasPrefix(query, "?") {
		return query
	}
	body, fragment, hasFragment := strings.Cut(query[1:], "#")
	params := strings.Split(body, "&")
	for i, p := range params {
		name, _, hasValue := strings.Cut(p, "=")
		if !hasValue {
			continue
		}
		lower := strings.ToLower(name)
		for _, s := range secretParams {
			if strings.Contains(lower, s) {
				params[i] = name + "=" + mask
				break
			}
		}
	}
	out := "?" + strings.Join(params, "&")
	if hasFragment {
		out += "#" + fragment
	}
	return out
}
