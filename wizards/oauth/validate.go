package oauth

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/regstack/regstack/wizards/configfile"
)

// NumSteps is the number of wizard steps, 0 to 11.
const NumSteps = 12

// Steps whose validator replays all the others.
const (
	stepReview = 10
	stepWrite  = 11
)

// Bounds of a Google client secret.
const (
	secretMin = 8
	secretMax = 128
)

// FormField is the error field that means the whole step, not one input.
const FormField = "_form"

// googleClientID is the shape of a Google OAuth client ID.
var googleClientID = regexp.MustCompile(`^[\w.\-]+\.apps\.googleusercontent\.com$`)

// FieldError is one refused input: Field names the input, Message is the
// exact text of cli.md §11.3.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Result is the outcome of validating a step. JumpTo is set by the full
// validation (steps 10 and 11): the step whose input is wrong, for the UI
// to go back to.
type Result struct {
	OK     bool         `json:"ok"`
	Errors []FieldError `json:"errors"`
	JumpTo *int         `json:"jump_to,omitempty"`
}

// Inputs is the accumulated wizard state as the UI posts it on every call
// (cli.md §11.1): a JSON object, so a validator can tell a missing field
// from one of the wrong type.
type Inputs map[string]any

// validators holds the rule of each step; nil means the step has no input
// (the console steps the wizard cannot check).
var validators = [NumSteps]func(Inputs) []FieldError{
	0: nil,
	1: validateReplace,
	2: validateBaseURL,
	3: nil, 4: nil, 5: nil, 6: nil,
	7: validateCredentials,
	8: boolField("auto_link_verified_emails"),
	9: boolField("enforce_mfa_on_oauth_signin"),
}

// ValidateStep validates the inputs of step n, which must be in
// [0, NumSteps). Steps 10 and 11 validate everything (ValidateAll).
func ValidateStep(n int, in Inputs) Result {
	if n == stepReview || n == stepWrite {
		return ValidateAll(in)
	}
	if v := validators[n]; v != nil {
		if errs := v(in); len(errs) > 0 {
			return Result{OK: false, Errors: errs}
		}
	}
	return Result{OK: true, Errors: []FieldError{}}
}

// ValidateAll runs the steps in order and returns the errors of the first
// one that fails, with JumpTo set to it.
func ValidateAll(in Inputs) Result {
	for n, v := range validators {
		if v == nil {
			continue
		}
		if errs := v(in); len(errs) > 0 {
			return Result{OK: false, Errors: errs, JumpTo: &n}
		}
	}
	return Result{OK: true, Errors: []FieldError{}}
}

func validateReplace(in Inputs) []FieldError {
	if truthy(in["existing_oauth"]) && !truthy(in["replace_existing"]) {
		return []FieldError{{"replace_existing", "Confirm you want to replace the existing OAuth configuration."}}
	}
	return nil
}

func validateBaseURL(in Inputs) []FieldError {
	s, _ := in["base_url"].(string)
	if strings.TrimSpace(s) == "" {
		return []FieldError{{"base_url", "Base URL is required."}}
	}
	if msg := checkURL(s); msg != "" {
		return []FieldError{{"base_url", msg}}
	}
	// A redirect URI the operator overrides must be as sound as the one
	// the wizard computes.
	switch v := in["custom_redirect_uri"].(type) {
	case nil:
	case string:
		if strings.TrimSpace(v) != "" {
			if msg := checkURL(v); msg != "" {
				return []FieldError{{"custom_redirect_uri", msg}}
			}
		}
	default:
		return []FieldError{{"custom_redirect_uri", "URL must start with http:// or https://."}}
	}
	return nil
}

// checkURL returns why s is not an absolute http(s) URL with a host, or "".
func checkURL(s string) string {
	s = strings.TrimSpace(s)
	scheme, _, _ := strings.Cut(s, ":")
	if scheme = strings.ToLower(scheme); scheme != "http" && scheme != "https" {
		return "URL must start with http:// or https://."
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || strings.ContainsAny(s, " \t\r\n") {
		return "URL is missing a host."
	}
	return ""
}

func validateCredentials(in Inputs) []FieldError {
	var errs []FieldError
	id, _ := in["client_id"].(string)
	switch id = strings.TrimSpace(id); {
	case id == "":
		errs = append(errs, FieldError{"client_id", "Client ID is required."})
	case !googleClientID.MatchString(id):
		errs = append(errs, FieldError{"client_id", "Client ID must end with .apps.googleusercontent.com."})
	}
	secret, _ := in["client_secret"].(string)
	switch n := utf8.RuneCountInString(secret); {
	case secret == "":
		errs = append(errs, FieldError{"client_secret", "Client secret is required."})
	case n < secretMin || n > secretMax:
		errs = append(errs, FieldError{"client_secret", "Client secret length must be 8 to 128 characters."})
	case configfile.HasLineBreak(secret):
		errs = append(errs, FieldError{"client_secret", "Must not contain line breaks."})
	}
	return errs
}

// boolField accepts a missing field or a JSON boolean.
func boolField(name string) func(Inputs) []FieldError {
	return func(in Inputs) []FieldError {
		v, present := in[name]
		if _, isBool := v.(bool); present && !isBool {
			return []FieldError{{name, "Must be true or false."}}
		}
		return nil
	}
}

// truthy is JSON truthiness as the original wizard judged it: false, null,
// 0, "" and empty arrays and objects are false.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	case map[string]any:
		return len(v) > 0
	default:
		return true
	}
}
