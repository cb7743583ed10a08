package oauth

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// valid is a complete, valid set of inputs; tests change one field.
func valid() Inputs {
	return Inputs{
		"existing_oauth":              false,
		"base_url":                    "http://localhost:8000",
		"client_id":                   "12345-abc.apps.googleusercontent.com",
		"client_secret":               "GOCSPX-secretvalue1234",
		"auto_link_verified_emails":   false,
		"enforce_mfa_on_oauth_signin": false,
	}
}

func with(changes Inputs) Inputs {
	in := valid()
	for k, v := range changes {
		if v == nil {
			delete(in, k)
			continue
		}
		in[k] = v
	}
	return in
}

func TestStepsWithoutInputsAlwaysPass(t *testing.T) {
	for _, n := range []int{0, 3, 4, 5, 6} {
		if res := ValidateStep(n, Inputs{}); !res.OK || len(res.Errors) != 0 {
			t.Errorf("step %d with no inputs = %+v, want ok", n, res)
		}
	}
}

func TestStepValidators(t *testing.T) {
	const (
		scheme  = "URL must start with http:// or https://."
		host    = "URL is missing a host."
		idShape = "Client ID must end with .apps.googleusercontent.com."
		length  = "Client secret length must be 8 to 128 characters."
	)
	tests := []struct {
		name  string
		step  int
		in    Inputs
		field string // "" = the step passes
		msg   string
	}{
		{"step 1 passes without an existing table", 1, Inputs{}, "", ""},
		{"step 1 passes when the existing table may be replaced", 1, Inputs{"existing_oauth": true, "replace_existing": true}, "", ""},
		{"step 1 refuses to replace an existing table unconfirmed", 1, Inputs{"existing_oauth": true}, "replace_existing", "Confirm you want to replace the existing OAuth configuration."},
		{"step 1 refuses an unticked confirmation", 1, Inputs{"existing_oauth": true, "replace_existing": false}, "replace_existing", "Confirm you want to replace the existing OAuth configuration."},

		{"step 2 accepts an http URL", 2, Inputs{"base_url": "http://localhost:8000"}, "", ""},
		{"step 2 accepts an https URL with a path and spaces around it", 2, Inputs{"base_url": "  https://app.example.com/base/  "}, "", ""},
		{"step 2 accepts an upper-case scheme", 2, Inputs{"base_url": "HTTPS://app.example.com"}, "", ""},
		{"step 2 requires a base URL", 2, Inputs{}, "base_url", "Base URL is required."},
		{"step 2 refuses a blank base URL", 2, Inputs{"base_url": "   "}, "base_url", "Base URL is required."},
		{"step 2 refuses a base URL that is not a string", 2, Inputs{"base_url": 8000.0}, "base_url", "Base URL is required."},
		{"step 2 refuses another scheme", 2, Inputs{"base_url": "ftp://example.com"}, "base_url", scheme},
		{"step 2 refuses a URL without a scheme", 2, Inputs{"base_url": "localhost:8000"}, "base_url", scheme},
		{"step 2 refuses a scheme-relative URL", 2, Inputs{"base_url": "//example.com"}, "base_url", scheme},
		{"step 2 refuses a URL without a host", 2, Inputs{"base_url": "http://"}, "base_url", host},
		{"step 2 refuses an opaque URL", 2, Inputs{"base_url": "https:example.com"}, "base_url", host},
		{"step 2 refuses a host with a space", 2, Inputs{"base_url": "http://exa mple.com"}, "base_url", host},
		{"step 2 accepts a sound custom redirect URI", 2, Inputs{"base_url": "http://a.example", "custom_redirect_uri": "https://b.example/cb"}, "", ""},
		{"step 2 ignores a blank custom redirect URI", 2, Inputs{"base_url": "http://a.example", "custom_redirect_uri": " "}, "", ""},
		{"step 2 refuses a custom redirect URI of another scheme", 2, Inputs{"base_url": "http://a.example", "custom_redirect_uri": "javascript:alert(1)"}, "custom_redirect_uri", scheme},
		{"step 2 refuses a custom redirect URI without a host", 2, Inputs{"base_url": "http://a.example", "custom_redirect_uri": "https://"}, "custom_redirect_uri", host},
		{"step 2 refuses a custom redirect URI that is not a string", 2, Inputs{"base_url": "http://a.example", "custom_redirect_uri": true}, "custom_redirect_uri", scheme},

		{"step 8 accepts true", 8, Inputs{"auto_link_verified_emails": true}, "", ""},
		{"step 8 accepts a missing value", 8, Inputs{}, "", ""},
		{"step 8 refuses a string", 8, Inputs{"auto_link_verified_emails": "yes"}, "auto_link_verified_emails", "Must be true or false."},
		{"step 8 refuses null", 8, Inputs{"auto_link_verified_emails": nil}, "auto_link_verified_emails", "Must be true or false."},
		{"step 9 accepts false", 9, Inputs{"enforce_mfa_on_oauth_signin": false}, "", ""},
		{"step 9 refuses a number", 9, Inputs{"enforce_mfa_on_oauth_signin": 1.0}, "enforce_mfa_on_oauth_signin", "Must be true or false."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ValidateStep(tt.step, tt.in)
			if tt.field == "" {
				if !res.OK || len(res.Errors) != 0 || res.JumpTo != nil {
					t.Errorf("ValidateStep(%d, %v) = %+v, want ok", tt.step, tt.in, res)
				}
				return
			}
			want := []FieldError{{tt.field, tt.msg}}
			if res.OK || !reflect.DeepEqual(res.Errors, want) || res.JumpTo != nil {
				t.Errorf("ValidateStep(%d, %v) = %+v, want errors %v", tt.step, tt.in, res, want)
			}
		})
	}
}

func TestCredentialsStep(t *testing.T) {
	const (
		idRequired     = "Client ID is required."
		idShape        = "Client ID must end with .apps.googleusercontent.com."
		secretRequired = "Client secret is required."
		length         = "Client secret length must be 8 to 128 characters."
	)
	tests := []struct {
		name   string
		id     any
		secret any
		want   []FieldError
	}{
		{"a Google client ID and secret pass", "12345-abc.apps.googleusercontent.com", "GOCSPX-secretvalue1234", nil},
		{"a client ID with spaces around it passes", "  1.2_3-x.apps.googleusercontent.com ", "12345678", nil},
		{"a secret of 128 characters passes", "a.apps.googleusercontent.com", strings.Repeat("s", 128), nil},
		{"a secret of 8 non-ASCII characters passes", "a.apps.googleusercontent.com", strings.Repeat("é", 8), nil},
		{"missing credentials are both reported", nil, nil, []FieldError{{"client_id", idRequired}, {"client_secret", secretRequired}}},
		{"a blank client ID is required", "   ", "GOCSPX-secretvalue1234", []FieldError{{"client_id", idRequired}}},
		{"a client ID that is not a string is required", 12345.0, "GOCSPX-secretvalue1234", []FieldError{{"client_id", idRequired}}},
		{"a client ID of another domain is refused", "12345.example.com", "GOCSPX-secretvalue1234", []FieldError{{"client_id", idShape}}},
		{"a bare suffix is refused", ".apps.googleusercontent.com", "GOCSPX-secretvalue1234", []FieldError{{"client_id", idShape}}},
		{"a client ID with a slash is refused", "a/b.apps.googleusercontent.com", "GOCSPX-secretvalue1234", []FieldError{{"client_id", idShape}}},
		{"a client ID with an inner space is refused", "a b.apps.googleusercontent.com", "GOCSPX-secretvalue1234", []FieldError{{"client_id", idShape}}},
		{"a secret of spaces is not empty and is counted", "a.apps.googleusercontent.com", "        ", nil},
		{"a secret that is not a string is required", "a.apps.googleusercontent.com", true, []FieldError{{"client_secret", secretRequired}}},
		{"a secret of 7 characters is refused", "a.apps.googleusercontent.com", "1234567", []FieldError{{"client_secret", length}}},
		{"a secret of 129 characters is refused", "a.apps.googleusercontent.com", strings.Repeat("s", 129), []FieldError{{"client_secret", length}}},
		{"a secret with a newline is refused", "a.apps.googleusercontent.com", "GOCSPX-abc\ndef", []FieldError{{"client_secret", "Must not contain line breaks."}}},
		{"a secret with a carriage return is refused", "a.apps.googleusercontent.com", "GOCSPX-abc\rdef", []FieldError{{"client_secret", "Must not contain line breaks."}}},
		{"a secret with a Unicode line separator is refused", "a.apps.googleusercontent.com", "GOCSPX-abc\u2028def", []FieldError{{"client_secret", "Must not contain line breaks."}}},
		{"both errors come together", "nope", "short", []FieldError{{"client_id", idShape}, {"client_secret", length}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Inputs{}
			if tt.id != nil {
				in["client_id"] = tt.id
			}
			if tt.secret != nil {
				in["client_secret"] = tt.secret
			}
			res := ValidateStep(7, in)
			if tt.want == nil {
				if !res.OK || len(res.Errors) != 0 {
					t.Errorf("ValidateStep(7) = %+v, want ok", res)
				}
				return
			}
			if res.OK || !reflect.DeepEqual(res.Errors, tt.want) {
				t.Errorf("ValidateStep(7) errors = %v, want %v", res.Errors, tt.want)
			}
		})
	}
}

func TestFullValidationJumpsToTheFirstFailingStep(t *testing.T) {
	tests := []struct {
		name   string
		in     Inputs
		jumpTo int
		errs   []FieldError
	}{
		{"an unconfirmed replacement goes back to step 1", with(Inputs{"existing_oauth": true}), 1,
			[]FieldError{{"replace_existing", "Confirm you want to replace the existing OAuth configuration."}}},
		{"a bad base URL goes back to step 2", with(Inputs{"base_url": "nope", "client_id": "bad"}), 2,
			[]FieldError{{"base_url", "URL must start with http:// or https://."}}},
		{"bad credentials go back to step 7 with both errors", with(Inputs{"client_id": "bad", "client_secret": "x"}), 7,
			[]FieldError{{"client_id", "Client ID must end with .apps.googleusercontent.com."}, {"client_secret", "Client secret length must be 8 to 128 characters."}}},
		{"a non-boolean linking policy goes back to step 8", with(Inputs{"auto_link_verified_emails": "true"}), 8,
			[]FieldError{{"auto_link_verified_emails", "Must be true or false."}}},
		{"a non-boolean MFA choice goes back to step 9", with(Inputs{"enforce_mfa_on_oauth_signin": "no"}), 9,
			[]FieldError{{"enforce_mfa_on_oauth_signin", "Must be true or false."}}},
	}
	for _, tt := range tests {
		for _, step := range []int{10, 11} {
			t.Run(fmt.Sprintf("%s (from step %d)", tt.name, step), func(t *testing.T) {
				res := ValidateStep(step, tt.in)
				if res.OK || res.JumpTo == nil || *res.JumpTo != tt.jumpTo || !reflect.DeepEqual(res.Errors, tt.errs) {
					t.Errorf("ValidateStep(%d) = ok %v, jump %v, errors %v; want jump %d, errors %v", step, res.OK, res.JumpTo, res.Errors, tt.jumpTo, tt.errs)
				}
			})
		}
	}
	if res := ValidateAll(valid()); !res.OK || res.JumpTo != nil || len(res.Errors) != 0 {
		t.Errorf("ValidateAll(valid inputs) = %+v, want ok", res)
	}
	if res := ValidateStep(11, with(Inputs{"existing_oauth": true, "replace_existing": true})); !res.OK {
		t.Errorf("a confirmed replacement fails full validation: %+v", res)
	}
}

func TestTruthinessFollowsTheOriginal(t *testing.T) {
	for _, v := range []any{true, 1.0, "x", []any{1}, map[string]any{"a": 1}} {
		if !truthy(v) {
			t.Errorf("truthy(%v) = false", v)
		}
	}
	for _, v := range []any{nil, false, 0.0, "", []any{}, map[string]any{}} {
		if truthy(v) {
			t.Errorf("truthy(%v) = true", v)
		}
	}
}

func TestRedirectURIIsTheServersComputation(t *testing.T) {
	tests := []struct{ base, prefix, want string }{
		{"http://localhost:8000", "/api/auth", "http://localhost:8000/api/auth/oauth/google/callback"},
		{"https://app.example.com/", "/api/auth/", "https://app.example.com/api/auth/oauth/google/callback"},
		{"https://app.example.com//", "/auth", "https://app.example.com/auth/oauth/google/callback"},
		{"https://app.example.com/base", "", "https://app.example.com/base/oauth/google/callback"},
	}
	for _, tt := range tests {
		if got := RedirectURI(tt.base, tt.prefix); got != tt.want {
			t.Errorf("RedirectURI(%q, %q) = %q, want %q", tt.base, tt.prefix, got, tt.want)
		}
	}
}
