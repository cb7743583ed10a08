package sqlstore

import (
	"fmt"
	"time"

	"github.com/uptrace/bun/schema"
)

// textTimeLayout is the SQLite time encoding of domain.md §4.2, the one
// SQLAlchemy writes: UTC, a space between date and time, always six
// fractional digits, no offset. SQLite compares these as strings, so every
// stored value and every bound parameter must use exactly this layout.
const textTimeLayout = "2006-01-02 15:04:05.000000"

// readTimeLayouts are the text forms readers accept (domain.md §4.2):
// SQLAlchemy's own, and the same with a `T`, without a fraction or with an
// offset, as other tools may have written them. A missing offset means UTC.
var readTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02T15:04:05.999999999-07",
}

// FormatTime renders t in the SQLite text encoding: UTC, microseconds,
// e.g. "2025-01-01 00:00:00.000000". Digits beyond the microsecond are
// truncated, as the database keeps microseconds only.
func FormatTime(t time.Time) string {
	return t.UTC().Format(textTimeLayout)
}

// ParseTime reads a time stored as text in any of the accepted forms and
// returns it in UTC.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range readTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("sqlstore: unrecognised time text %q", s)
}

// sqlTime is the column type of every time column. It writes itself into
// queries in the dialect's encoding (appendTime) and reads whatever the
// driver returns (time.Time or text) as UTC.
type sqlTime time.Time

// newSQLTime drops digits the database cannot keep, so a value read back
// equals the one written.
func newSQLTime(t time.Time) sqlTime {
	return sqlTime(t.UTC().Truncate(time.Microsecond))
}

// nullTimeArg is a query argument for an optional time: SQL NULL or the
// encoded time. (A typed nil *sqlTime would reach AppendQuery and panic.)
func nullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return newSQLTime(*t)
}

// asStored returns an optional time as the database keeps it.
func asStored(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := newSQLTime(*t).Time()
	return &v
}

// Time returns the value as a UTC time.Time.
func (t sqlTime) Time() time.Time { return time.Time(t).UTC() }

// ptr returns the value of an optional column as a domain *time.Time.
func (t *sqlTime) ptr() *time.Time {
	if t == nil {
		return nil
	}
	v := t.Time()
	return &v
}

// AppendQuery implements schema.QueryAppender: bun formats every argument
// into the SQL text, so this is where a time becomes SQL.
func (t sqlTime) AppendQuery(gen schema.QueryGen, b []byte) ([]byte, error) {
	return appendTime(gen, b, time.Time(t)), nil
}

// Scan implements sql.Scanner.
func (t *sqlTime) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*t = sqlTime(v.UTC())
		return nil
	case string:
		p, err := ParseTime(v)
		if err != nil {
			return err
		}
		*t = sqlTime(p)
		return nil
	case []byte:
		return t.Scan(string(v))
	default:
		return fmt.Errorf("sqlstore: cannot read %T as a time", src)
	}
}
