package config_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
)

func TestValueParsing(t *testing.T) {
	tests := []struct {
		name string
		env  string // REGSTACK_ name
		val  string
		get  func(config.Config) any
		want any
	}{
		{"true is a boolean", "REGSTACK_BEHIND_PROXY", "true", func(c config.Config) any { return c.BehindProxy }, true},
		{"TRUE in capitals is a boolean", "REGSTACK_BEHIND_PROXY", "TRUE", func(c config.Config) any { return c.BehindProxy }, true},
		{"1 is true", "REGSTACK_BEHIND_PROXY", "1", func(c config.Config) any { return c.BehindProxy }, true},
		{"yes is true", "REGSTACK_BEHIND_PROXY", "Yes", func(c config.Config) any { return c.BehindProxy }, true},
		{"on is true", "REGSTACK_BEHIND_PROXY", "on", func(c config.Config) any { return c.BehindProxy }, true},
		{"t is true", "REGSTACK_BEHIND_PROXY", "t", func(c config.Config) any { return c.BehindProxy }, true},
		{"y is true", "REGSTACK_BEHIND_PROXY", "Y", func(c config.Config) any { return c.BehindProxy }, true},
		{"false is false", "REGSTACK_REQUIRE_VERIFICATION", "false", func(c config.Config) any { return c.RequireVerification }, false},
		{"0 is false", "REGSTACK_REQUIRE_VERIFICATION", "0", func(c config.Config) any { return c.RequireVerification }, false},
		{"no is false", "REGSTACK_REQUIRE_VERIFICATION", "NO", func(c config.Config) any { return c.RequireVerification }, false},
		{"off is false", "REGSTACK_REQUIRE_VERIFICATION", "off", func(c config.Config) any { return c.RequireVerification }, false},
		{"f is false", "REGSTACK_REQUIRE_VERIFICATION", "f", func(c config.Config) any { return c.RequireVerification }, false},
		{"n is false", "REGSTACK_REQUIRE_VERIFICATION", "n", func(c config.Config) any { return c.RequireVerification }, false},
		{"an integer may have surrounding whitespace", "REGSTACK_JWT_TTL_SECONDS", "  600\t", func(c config.Config) any { return c.JWTTTLSeconds }, 600},
		{"an integral decimal is an integer", "REGSTACK_JWT_TTL_SECONDS", "7200.0", func(c config.Config) any { return c.JWTTTLSeconds }, 7200},
		{"a number may be fractional", "REGSTACK_PASSWORD_HASH_WAIT_SECONDS", "0.25", func(c config.Config) any { return c.PasswordHashWaitSeconds }, 0.25},
		{"a string is taken verbatim, spaces included", "REGSTACK_APP_NAME", "  My App ", func(c config.Config) any { return c.AppName }, "  My App "},
		{"a list may be a JSON array", "REGSTACK_EXTRA_TEMPLATE_DIRS", `["/srv/tpl","/srv/tpl 2"]`, func(c config.Config) any { return c.ExtraTemplateDirs }, []string{"/srv/tpl", "/srv/tpl 2"}},
		{"a list may be comma-separated", "REGSTACK_EXTRA_TEMPLATE_DIRS", "/a, /b ,,/c", func(c config.Config) any { return c.ExtraTemplateDirs }, []string{"/a", "/b", "/c"}},
		{"an empty list value is an empty list", "REGSTACK_EXTRA_TEMPLATE_DIRS", "", func(c config.Config) any { return c.ExtraTemplateDirs }, []string{}},
		{"an optional string is set", "REGSTACK_THEME_CSS_URL", "/theme.css", func(c config.Config) any { return *c.ThemeCSSURL }, "/theme.css"},
		{"an optional bool is set", "REGSTACK_EMAIL__LOG_BODIES", "1", func(c config.Config) any { return *c.Email.LogBodies }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := load(t, t.TempDir(), map[string]string{tt.env: tt.val}, nil)
			if got := tt.get(cfg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s=%q gave %#v, want %#v", tt.env, tt.val, got, tt.want)
			}
		})
	}
}

func TestValueParsingErrors(t *testing.T) {
	tests := []struct {
		name, key, val, text string
	}{
		{"a word that is not a boolean", "behind_proxy", "maybe", "expected a boolean"},
		{"an empty value for a boolean", "behind_proxy", "", "expected a boolean"},
		{"a word for an integer", "jwt_ttl_seconds", "ten", `expected an integer (got "ten")`},
		{"a fraction for an integer", "jwt_ttl_seconds", "600.5", "expected an integer"},
		{"an empty value for an integer", "jwt_ttl_seconds", "", "expected an integer"},
		{"an empty value for a URL", "base_url", "", "must be an absolute http or https URL"},
		{"NaN for a number", "password_hash_wait_seconds", "NaN", "expected a number"},
		{"a broken JSON list", "extra_template_dirs", `["/a",`, "expected a list"},
		{"an enum in the wrong case", "email.backend", "SMTP", `must be one of "console", "smtp", "ses" (got "SMTP")`},
		{"an enum value unknown", "jwt_algorithm", "RS256", "must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			err := loadErr(t, config.LoadOptions{Dir: t.TempDir(), Env: map[string]string{config.EnvName(tt.key): tt.val}})
			if p := problemFor(t, err, tt.key); !strings.Contains(p.Message, tt.text) {
				t.Errorf("message = %q, want it to contain %q", p.Message, tt.text)
			}
		})
	}
}

func TestTOMLNativeTypes(t *testing.T) {
	t.Run("native values load", func(t *testing.T) {
		dir := writeDir(t, map[string]string{config.TOMLFileName: "jwt_ttl_seconds = 600\nbehind_proxy = true\npassword_hash_wait_seconds = 3\nextra_template_dirs = [\"templates\", \"/srv/more\"]\n"})
		cfg, _ := load(t, dir, nil, nil)
		if cfg.JWTTTLSeconds != 600 || !cfg.BehindProxy || cfg.PasswordHashWaitSeconds != 3 || !reflect.DeepEqual(cfg.ExtraTemplateDirs, []string{"templates", "/srv/more"}) {
			t.Errorf("cfg = %+v", cfg)
		}
	})
	tests := []struct{ name, toml, key, text string }{
		{"a list for a string", "app_name = [\"a\"]\n", "app_name", "expected a string (got a list)"},
		{"a table for a string", "[app_name]\nx = 1\n", "app_name", "expected a string (got a table)"},
		{"a fraction for an integer", "jwt_ttl_seconds = 1.5\n", "jwt_ttl_seconds", "expected an integer (got 1.5)"},
		{"an integer other than 0 or 1 for a boolean", "behind_proxy = 2\n", "behind_proxy", "expected a boolean"},
		{"a scalar for a table", "email = \"smtp\"\n", "email", "expected a table"},
		{"a list of tables for a list", "extra_template_dirs = [{a = 1}]\n", "extra_template_dirs", "expected a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			err := loadErr(t, config.LoadOptions{Dir: writeDir(t, map[string]string{config.TOMLFileName: tt.toml})})
			p := problemFor(t, err, tt.key)
			if !strings.Contains(p.Message, tt.text) || p.Line != 1 {
				t.Errorf("problem = %v, want line 1 and %q", p, tt.text)
			}
		})
	}
}
