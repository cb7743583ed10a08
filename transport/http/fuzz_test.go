package http

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
)

// FuzzDecodeJSON feeds arbitrary bodies to the decoder of every route: it
// must never panic, and every rejection must be a well-formed 422 (or 413),
// never a 500, that never echoes a secret field's value.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `"x"`, `1`, `{"email": "a@example.com", "password": "long enough"}`,
		`{"email": 5, "password": null, "full_name": "` + strings.Repeat("é", 201) + `", "extra": {"a": [1, 2]}}`,
		`{"token": "t", "new_password": "short", "token": 1}`, `{"code": "1234", "mfa_pending_token": "x"}`,
		`{"email": "Ada <Ada@Example.COM>"}`, `{"email": "a@probe.invalid"}`, "{\"email\": \"\xff\"}", `{} {}`, `{"a":`,
		`{"full_name": null}`, `{"current_password": ""}`, `{"new_email": "x@y.z", "current_password": [1]}`,
	} {
		f.Add([]byte(seed))
	}
	a := &api{cfg: config.Default()}
	var schemas []schema
	for _, sub := range a.subRouters() {
		for _, rt := range sub.routes {
			if rt.body != nil {
				schemas = append(schemas, rt.body)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range schemas {
			b, err := s.decode(data)
			if err == nil {
				for _, fd := range s {
					if fd.required && !b[fd.name].Set {
						t.Fatalf("required %s missing from an accepted body %q", fd.name, data)
					}
				}
				continue
			}
			rec := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			writeError(rec, r, slog.New(slog.DiscardHandler), err)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d for %q: %s", rec.Code, data, rec.Body)
			}
			var out struct {
				Detail []validationError `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Detail) == 0 {
				t.Fatalf("bad 422 body for %q: %v %s", data, err, rec.Body)
			}
			secret := map[string]bool{}
			for _, fd := range s {
				secret[fd.name] = fd.secret
			}
			for _, d := range out.Detail {
				if len(d.Loc) == 0 || d.Loc[0] != "body" || d.Type == "" || d.Msg == "" {
					t.Fatalf("malformed entry %+v for %q", d, data)
				}
				if len(d.Loc) == 2 {
					if name, _ := d.Loc[1].(string); secret[name] && d.Input != nil {
						t.Fatalf("secret field %s echoed for %q", name, data)
					}
				}
			}
		}
	})
}
