package sqlite_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// ReadSession reads the time columns as text of its own, without the
// driver's parsing; whatever another tool wrote there, it must read the
// row as GetByID does.
func TestReadSessionReadsTimesAsGetByIDDoes(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"SQLAlchemy's layout", "2025-01-01 12:34:56.123456"},
		{"no fraction", "2025-01-01 12:34:56"},
		{"a T and a Z", "2025-01-01T12:34:56.5Z"},
		{"an offset", "2025-01-01 12:34:56.5+02:00"},
		{"minutes only", "2025-01-01 12:34"},
		{"minutes only with a T", "2025-01-01T12:34"},
		{"a bare date", "2025-01-01"},
		{"Go's time.String form", "2025-01-01 12:34:56.5 +0000 UTC"},
	}
	path := tempDBPath(t)
	st := installedStore(t, path, newClock(pyEpoch))
	sr, ok := st.(regstack.SessionReader)
	if !ok {
		t.Fatalf("%T is not a regstack.SessionReader", st)
	}
	db := rawDB(t, path)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &regstack.User{Email: tt.name + "@example.com", IsActive: true, LastLogin: ptr(pyEpoch)}
			if err := st.Users().Create(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(t.Context(),
				"UPDATE users SET created_at = ?1, updated_at = ?1, last_login = ?1, tokens_invalidated_after = ?1 WHERE id = ?2",
				tt.text, u.ID); err != nil {
				t.Fatal(err)
			}
			want, err := st.Users().GetByID(t.Context(), u.ID)
			if err != nil {
				t.Fatalf("GetByID: %v", err)
			}
			got, revoked, err := sr.ReadSession(t.Context(), u.ID, "jti")
			if err != nil || revoked {
				t.Fatalf("ReadSession = revoked %v, %v", revoked, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ReadSession =\n%+v\nGetByID =\n%+v", got, want)
			}
			if want.CreatedAt.Year() != 2025 || want.CreatedAt.Location() != time.UTC {
				t.Errorf("GetByID read created_at %q as %v", tt.text, want.CreatedAt)
			}
		})
	}
}

// The SQLite session query packs the flags into one integer and the times
// into one text; a row the packing cannot carry exactly is read the plain
// way, so it still reads as GetByID reads it, error or not.
func TestReadSessionReadsUnpackableRowsAsGetByIDDoes(t *testing.T) {
	tests := []struct {
		name, set string
		arg       any
	}{
		{"a flag that is neither 0 nor 1", "is_verified = ?1", 2},
		{"a flag held as text", "is_superuser = ?1", "yes"},
		{"a bar in an optional time", "last_login = ?1", "2025-01-01 12:34:56|t"},
		{"a bar in a required time", "created_at = ?1", "2025|01"},
		{"an empty optional time", "tokens_invalidated_after = ?1", ""},
		{"a time that is no time", "updated_at = ?1", "soon"},
	}
	path := tempDBPath(t)
	st := installedStore(t, path, newClock(pyEpoch))
	sr := st.(regstack.SessionReader)
	db := rawDB(t, path)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &regstack.User{Email: fmt.Sprintf("odd%d@example.com", i), IsActive: true, IsSuperuser: true}
			if err := st.Users().Create(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(t.Context(), "UPDATE users SET "+tt.set+" WHERE id = ?2", tt.arg, u.ID); err != nil {
				t.Fatal(err)
			}
			want, wantErr := st.Users().GetByID(t.Context(), u.ID)
			got, revoked, err := sr.ReadSession(t.Context(), u.ID, "jti")
			if (err != nil) != (wantErr != nil) || revoked {
				t.Fatalf("ReadSession = revoked %v, error %v; GetByID error %v", revoked, err, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ReadSession =\n%+v\nGetByID =\n%+v", got, want)
			}
		})
	}
}
