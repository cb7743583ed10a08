package http_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
)

// problem is the part of a 422 entry the tests pin down.
type problem struct {
	Type string
	Loc  string // loc joined with "."
}

// problems parses a 422 body and checks every entry has the pydantic
// shape: type, msg, and a loc starting with "body".
func problems(t *testing.T, res response) []problem {
	t.Helper()
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422; body %s", res.Status, res.Body)
	}
	var body struct {
		Detail []struct {
			Type  string          `json:"type"`
			Loc   []any           `json:"loc"`
			Msg   string          `json:"msg"`
			Input json.RawMessage `json:"input"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil || len(body.Detail) == 0 {
		t.Fatalf("422 body is not a non-empty detail list: %v\n%s", err, res.Body)
	}
	var out []problem
	for _, d := range body.Detail {
		if d.Type == "" || d.Msg == "" || len(d.Loc) == 0 || d.Loc[0] != "body" {
			t.Errorf("entry lacks type, msg or a body loc: %+v", d)
		}
		parts := make([]string, len(d.Loc))
		for i, l := range d.Loc {
			switch v := l.(type) {
			case string:
				parts[i] = v
			default:
				parts[i] = "#" // an offset into malformed JSON
			}
		}
		out = append(out, problem{d.Type, strings.Join(parts, ".")})
	}
	return out
}

func TestValidation(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name string
		path string
		body string
		want []problem
	}{
		{"a missing body is one missing entry", "/register", "", []problem{{"missing", "body"}}},
		{"a null body is a missing body", "/register", "null", []problem{{"missing", "body"}}},
		{"an empty object lists every missing field", "/register", `{}`,
			[]problem{{"missing", "body.email"}, {"missing", "body.password"}}},
		{"malformed JSON is json_invalid", "/register", `{"email": `, []problem{{"json_invalid", "body.#"}}},
		{"trailing data is json_invalid", "/login", `{} {}`, []problem{{"json_invalid", "body.#"}}},
		{"invalid UTF-8 is json_invalid", "/login", "{\"email\": \"\xff\"}", []problem{{"json_invalid", "body.#"}}},
		{"a JSON array is not an object", "/register", `[]`, []problem{{"model_attributes_type", "body"}}},
		{"every problem is reported, extras last", "/register",
			`{"zzz": 1, "email": 5, "password": "short", "full_name": false}`,
			[]problem{{"string_type", "body.email"}, {"string_too_short", "body.password"}, {"string_type", "body.full_name"}, {"extra_forbidden", "body.zzz"}}},
		{"a password of 129 characters is too long", "/register",
			`{"email": "a@example.com", "password": "` + strings.Repeat("é", 129) + `"}`,
			[]problem{{"string_too_long", "body.password"}}},
		{"a full name of 201 characters is too long", "/register",
			`{"email": "a@example.com", "password": "long enough", "full_name": "` + strings.Repeat("n", 201) + `"}`,
			[]problem{{"string_too_long", "body.full_name"}}},
		{"an address without a dot in the domain is invalid", "/register",
			`{"email": "a@localhost", "password": "long enough"}`, []problem{{"value_error", "body.email"}}},
		{"a special-use domain is invalid", "/login",
			`{"email": "reachability@probe.invalid", "password": "not-a-real-pw"}`, []problem{{"value_error", "body.email"}}},
		{"a login password under 8 characters is a 422, not a 401", "/login",
			`{"email": "a@example.com", "password": "1234567"}`, []problem{{"string_too_short", "body.password"}}},
		{"an MFA code under 4 characters is too short", "/login/mfa-confirm",
			`{"mfa_pending_token": "t", "code": "123"}`, []problem{{"string_too_short", "body.code"}}},
		{"an MFA code over 10 characters is too long", "/login/mfa-confirm",
			`{"mfa_pending_token": "t", "code": "12345678901"}`, []problem{{"string_too_long", "body.code"}}},
		{"a token must be a string", "/verify", `{"token": 12}`, []problem{{"string_type", "body.token"}}},
		{"verify forbids extra fields", "/verify", `{"token": "t", "email": "a@example.com"}`, []problem{{"extra_forbidden", "body.email"}}},
		{"resend needs an email", "/resend-verification", `{"email": null}`, []problem{{"string_type", "body.email"}}},
		{"confirm-email-change needs a token", "/confirm-email-change", `{}`, []problem{{"missing", "body.token"}}},
		{"forgot-password validates the address", "/forgot-password", `{"email": "nope"}`, []problem{{"value_error", "body.email"}}},
		{"reset-password checks the new password length", "/reset-password",
			`{"token": "t", "new_password": "short"}`, []problem{{"string_too_short", "body.new_password"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(request{method: http.MethodPost, path: tt.path, body: tt.body})
			if got := problems(t, res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems = %v, want %v\n%s", got, tt.want, res.Body)
			}
		})
	}
}

func TestValidationOnAuthenticatedRoutes(t *testing.T) {
	e := newEnv(t, nil)
	_, tok := e.signedIn("val@example.com")
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		want   []problem
	}{
		{"PATCH /me rejects a long name", http.MethodPatch, "/me", `{"full_name": "` + strings.Repeat("n", 201) + `"}`, []problem{{"string_too_long", "body.full_name"}}},
		{"PATCH /me forbids extra fields", http.MethodPatch, "/me", `{"email": "x@example.com"}`, []problem{{"extra_forbidden", "body.email"}}},
		{"change-password lists both fields", http.MethodPost, "/change-password", `{}`, []problem{{"missing", "body.current_password"}, {"missing", "body.new_password"}}},
		{"change-email validates the new address", http.MethodPost, "/change-email", `{"new_email": "bad", "current_password": "x"}`, []problem{{"value_error", "body.new_email"}}},
		{"delete account needs a body", http.MethodDelete, "/account", "", []problem{{"missing", "body"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(request{method: tt.method, path: tt.path, body: tt.body, token: tok})
			if got := problems(t, res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems = %v, want %v\n%s", got, tt.want, res.Body)
			}
		})
	}
}

func TestValidationNeverEchoesPasswords(t *testing.T) {
	e := newEnv(t, nil)
	const secret = "s3cr"
	for _, body := range []string{
		`{"email": "a@example.com", "password": "` + secret + `"}`,
		`{"email": "a@example.com", "password": "` + strings.Repeat(secret, 40) + `"}`,
		`{"email": "a@example.com", "password": ["` + secret + `"]}`,
		`{"email": "a@example.com", "password": "long enough", "passwd_password": "` + secret + `"}`,
	} {
		res := e.do(request{method: http.MethodPost, path: "/register", body: body})
		problems(t, res)
		if strings.Contains(string(res.Body), secret) {
			t.Errorf("422 echoes a password: %s", res.Body)
		}
	}
}

func TestValidationCountsCodePoints(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.RequireVerification = false })
	tests := []struct {
		name     string
		password string
		status   int
	}{
		{"8 four-byte characters are long enough", strings.Repeat("😀", 8), http.StatusCreated},
		{"128 two-byte characters are not too long", strings.Repeat("é", 128), http.StatusCreated},
		{"7 four-byte characters are too short", strings.Repeat("😀", 7), http.StatusUnprocessableEntity},
		{"surrounding spaces are kept and counted", "  pass  ", http.StatusCreated},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			email := "cp" + string(rune('a'+i)) + "@example.com"
			res := e.post("/register", map[string]any{"email": email, "password": tt.password})
			expect(t, res, tt.status, "")
		})
	}
}

func TestEmailIsNormalised(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.RequireVerification = false })
	res := e.post("/register", map[string]any{"email": "  Ada <Ada@Example.COM> ", "password": password})
	expect(t, res, http.StatusCreated, "")
	if got := res.JSON(t)["email"]; got != "Ada@example.com" {
		t.Errorf("email = %v, want Ada@example.com", got)
	}
	e.login("Ada@EXAMPLE.com", password)
}

// An address that fails validation is explained once, in pydantic's words:
// the prefix in msg, the bare reason in ctx.reason.
func TestInvalidEmailMessageSaysItOnce(t *testing.T) {
	e := newEnv(t, nil)
	res := e.post("/register", map[string]any{"email": "nope", "password": password})
	var body struct {
		Detail []struct {
			Msg string         `json:"msg"`
			Ctx map[string]any `json:"ctx"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil || len(body.Detail) != 1 {
		t.Fatalf("want one 422 entry: %v\n%s", err, res.Body)
	}
	msg := body.Detail[0].Msg
	const prefix = "value is not a valid email address: "
	if !strings.HasPrefix(msg, prefix) || strings.Count(msg, prefix) != 1 {
		t.Errorf("msg = %q, want the prefix exactly once", msg)
	}
	reason, _ := body.Detail[0].Ctx["reason"].(string)
	if reason == "" || strings.HasPrefix(reason, prefix) || msg != prefix+reason {
		t.Errorf("ctx.reason = %q, want the bare reason that follows the prefix in %q", reason, msg)
	}
}
