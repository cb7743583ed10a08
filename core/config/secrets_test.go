package config_test

import (
	"testing"

	"github.com/regstack/regstack/core/config"
)

func TestSecretsFileParsing(t *testing.T) {
	tests := []struct {
		name    string
		content string
		key     string // REGSTACK_ name the assertion reads through
		want    string
	}{
		{"a plain line is read", "REGSTACK_APP_NAME=Plain\n", "app_name", "Plain"},
		{"whitespace around key and value is stripped", "  REGSTACK_APP_NAME  =   Spaced out  \n", "app_name", "Spaced out"},
		{"double quotes are removed", `REGSTACK_APP_NAME="Quoted value"`, "app_name", "Quoted value"},
		{"single quotes are removed", `REGSTACK_APP_NAME='Single'`, "app_name", "Single"},
		{"only one pair of quotes is removed", `REGSTACK_APP_NAME=""twice""`, "app_name", `"twice"`},
		{"mismatched quotes are kept", `REGSTACK_APP_NAME="mixed'`, "app_name", `"mixed'`},
		{"a lone quote counts as a pair and leaves nothing", `REGSTACK_APP_NAME="`, "app_name", ""},
		{"there are no escape sequences", `REGSTACK_APP_NAME="a\nb"`, "app_name", `a\nb`},
		{"there is no variable expansion", `REGSTACK_APP_NAME=$HOME`, "app_name", "$HOME"},
		{"a # inside the value is kept", "REGSTACK_APP_NAME=pa#ss # not a comment\n", "app_name", "pa#ss # not a comment"},
		{"the value is split at the first =", "REGSTACK_APP_NAME=a=b=c\n", "app_name", "a=b=c"},
		{"a later line for the same key wins", "REGSTACK_APP_NAME=first\nREGSTACK_APP_NAME=second\n", "app_name", "second"},
		{"comment lines are skipped", "# REGSTACK_APP_NAME=commented\nREGSTACK_APP_NAME=live\n", "app_name", "live"},
		{"indented comment lines are skipped", "   # REGSTACK_APP_NAME=commented\n", "app_name", "RegStack"},
		{"lines without = are skipped", "REGSTACK_APP_NAME\nREGSTACK_APP_NAME=set\njunk\n", "app_name", "set"},
		{"an export prefix makes the line a different, ignored name", "export REGSTACK_APP_NAME=exported\n", "app_name", "RegStack"},
		{"CRLF line endings are handled", "REGSTACK_APP_NAME=crlf\r\nREGSTACK_BRAND_TAGLINE=t\r\n", "app_name", "crlf"},
		{"names without the REGSTACK_ prefix are ignored", "APP_NAME=nope\n", "app_name", "RegStack"},
		{"a table key uses a double underscore", "REGSTACK_EMAIL__FROM_NAME=Mailer\n", "email.from_name", "Mailer"},
		{"a secret may hold any characters", "REGSTACK_JWT_SECRET=' a=b #c \"d '\n", "jwt_secret", ` a=b #c "d `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := load(t, writeDir(t, map[string]string{config.SecretsFileName: tt.content}), nil, nil)
			var got string
			switch tt.key {
			case "app_name":
				got = cfg.AppName
			case "jwt_secret":
				got = cfg.JWTSecret
			case "email.from_name":
				got = cfg.EmailFromName()
			}
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestSecretsFileLayerSitsBetweenTOMLAndEnvironment(t *testing.T) {
	dir := writeDir(t, map[string]string{
		config.TOMLFileName:    "app_name = \"toml\"\nbrand_tagline = \"toml\"\n",
		config.SecretsFileName: "REGSTACK_APP_NAME=secrets\nREGSTACK_BRAND_TAGLINE=secrets\n",
	})
	cfg, _ := load(t, dir, map[string]string{"REGSTACK_BRAND_TAGLINE": "env"}, nil)
	if cfg.AppName != "secrets" || *cfg.BrandTagline != "env" {
		t.Errorf("app_name = %q (want secrets over toml), brand_tagline = %q (want env over secrets)", cfg.AppName, *cfg.BrandTagline)
	}
}
