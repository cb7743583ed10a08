package http_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
	rshttp "github.com/regstack/regstack/transport/http"
)

// uiEnv is an environment whose NewHandler mounts the pages and assets.
func uiEnv(t *testing.T, configure func(*config.Config)) *env {
	t.Helper()
	return newEnv(t, func(c *config.Config) {
		on := true
		c.EnableUIRouter = &on
		if configure != nil {
			configure(c)
		}
	})
}

// page fetches path (absolute) with method.
func (e *env) page(method, path string) response {
	e.t.Helper()
	return e.serve(httptest.NewRequest(method, path, nil))
}

// uiPages is every page route with its ui.md §4 title and heading and the
// form it holds ("" = none).
var uiPages = []struct {
	path, name, title, heading, form string
}{
	{"/account/login", "login", "Sign in — RegStack", "Sign in", "login"},
	{"/account/register", "register", "Create your RegStack account", "Create your account", "register"},
	{"/account/forgot", "forgot", "Forgot password — RegStack", "Reset your password", "forgot"},
	{"/account/reset", "reset", "Choose a new password — RegStack", "Choose a new password", "reset"},
	{"/account/reset-password", "reset", "Choose a new password — RegStack", "Choose a new password", "reset"},
	{"/account/verify", "verify", "Confirm your email — RegStack", "Confirming your email…", ""},
	{"/account/confirm-email-change", "confirm-email-change", "Confirm email change — RegStack", "Confirming your new email…", ""},
	{"/account/me", "me", "Your account — RegStack", "Your account", "change-password"},
	{"/account/mfa-confirm", "mfa-confirm", "Two-factor sign-in — RegStack", "Enter your sign-in code", "mfa-confirm"},
	{"/account/oauth-complete", "oauth-complete", "Signing you in — RegStack", "Signing you in…", ""},
}

func TestEveryPageRenders(t *testing.T) {
	e := uiEnv(t, nil)
	for _, p := range uiPages {
		t.Run(p.path+" renders its title, heading and form", func(t *testing.T) {
			res := e.page(http.MethodGet, p.path+"?token=ignored-by-the-server")
			if res.Status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", res.Status, res.Body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			html := string(res.Body)
			for _, want := range []string{
				"<!doctype html>",
				`<html lang="en" data-rs-page="` + p.name + `">`,
				"<title>" + p.title + "</title>",
				`<h1 class="rs-title">` + p.heading + "</h1>",
				`data-rs-api="/api/auth"`,
				`data-rs-ui="/account"`,
				`<body data-rs-api="/api/auth" data-rs-ui="/account" data-rs-page="` + p.name + `">`,
				`href="/regstack-static/css/core.css?v=`,
				`<p class="rs-message" id="rs-message" data-rs-message aria-live="polite" tabindex="-1" hidden></p>`,
				`<script src="/regstack-static/js/regstack.js?v=`,
			} {
				if !strings.Contains(html, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if p.form != "" && !strings.Contains(html, `data-rs-form="`+p.form+`"`) {
				t.Errorf("page lacks form %q", p.form)
			}
			core := strings.Index(html, "css/core.css")
			theme := strings.Index(html, "css/theme.css")
			if core < 0 || theme < core {
				t.Error("core.css is not linked before theme.css")
			}
		})
	}
}

func TestPageHeaders(t *testing.T) {
	e := uiEnv(t, nil)
	res := e.page(http.MethodGet, "/account/login")
	want := map[string]string{
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self'; " +
			"frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// Patterns that CSP default-src 'self' would block or that ui.md §4 forbids.
var (
	scriptTag   = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	styleTag    = regexp.MustCompile(`(?i)<style\b`)
	styleAttr   = regexp.MustCompile(`(?i)\sstyle\s*=`)
	handlerAttr = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	jsURL       = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*"\s*javascript:`)
)

func TestPagesNeedNoInlineScriptOrStyle(t *testing.T) {
	// Every optional part on, so every bundled line is checked.
	e := newOAuthEnv(t, func(c *config.Config) {
		on := true
		c.EnableUIRouter = &on
		c.EnableSMS2FA = true
		logo, tagline := "https://cdn.example.com/logo.png", "Accounts for everyone"
		c.BrandLogoURL, c.BrandTagline = &logo, &tagline
	})
	for _, p := range uiPages {
		t.Run(p.path+" has no inline script, style or handler", func(t *testing.T) {
			html := string(e.page(http.MethodGet, p.path).Body)
			scripts := scriptTag.FindAllStringSubmatch(html, -1)
			if len(scripts) != 1 {
				t.Errorf("%d script elements, want exactly regstack.js", len(scripts))
			}
			for _, s := range scripts {
				if !strings.Contains(s[1], "src=") || strings.TrimSpace(s[2]) != "" {
					t.Errorf("inline script: %q", s[0])
				}
			}
			for _, bad := range []*regexp.Regexp{styleTag, styleAttr, handlerAttr, jsURL} {
				if m := bad.FindString(html); m != "" {
					t.Errorf("page contains %q", m)
				}
			}
		})
	}
}

// inputTag and labelFor find form controls and the labels naming them.
var (
	inputTag = regexp.MustCompile(`<input\b[^>]*>`)
	idAttr   = regexp.MustCompile(`\sid="([^"]+)"`)
	labelFor = regexp.MustCompile(`<label\b[^>]*\sfor="([^"]+)"`)
	formTag  = regexp.MustCompile(`(?s)<form\b[^>]*data-rs-form="([^"]+)"[^>]*>(.*?)</form>`)
)

func TestPagesAreAccessible(t *testing.T) {
	e := newOAuthEnv(t, func(c *config.Config) {
		on := true
		c.EnableUIRouter = &on
		c.EnableSMS2FA = true
	})
	for _, p := range uiPages {
		t.Run(p.path+" names every input and has one submit button per form", func(t *testing.T) {
			html := string(e.page(http.MethodGet, p.path).Body)
			labelled := map[string]bool{}
			for _, m := range labelFor.FindAllStringSubmatch(html, -1) {
				labelled[m[1]] = true
			}
			ids := map[string]bool{}
			for _, m := range idAttr.FindAllStringSubmatch(html, -1) {
				if ids[m[1]] {
					t.Errorf("id %q is used twice", m[1])
				}
				ids[m[1]] = true
			}
			for _, in := range inputTag.FindAllString(html, -1) {
				if strings.Contains(in, `type="hidden"`) {
					continue
				}
				id := idAttr.FindStringSubmatch(in)
				if id == nil || !labelled[id[1]] {
					t.Errorf("input without a label[for]: %s", in)
				}
				if !strings.Contains(in, ` name="`) {
					t.Errorf("input without a name: %s", in)
				}
			}
			for _, f := range formTag.FindAllStringSubmatch(html, -1) {
				if n := strings.Count(f[2], `type="submit"`); n != 1 {
					t.Errorf("form %s has %d submit buttons", f[1], n)
				}
				for _, in := range inputTag.FindAllString(f[2], -1) {
					id := idAttr.FindStringSubmatch(in)
					name := regexp.MustCompile(`\sname="([^"]+)"`).FindStringSubmatch(in)
					if id != nil && name != nil && id[1] != "rs-"+f[1]+"-"+name[1] {
						t.Errorf("input id %q in form %s, want rs-%s-%s (ui/README.md)", id[1], f[1], f[1], name[1])
					}
				}
			}
		})
	}
}

func TestPagesFollowTheConfiguration(t *testing.T) {
	t.Run("with OAuth off the login page offers no provider and the account page no connected accounts", func(t *testing.T) {
		e := uiEnv(t, nil)
		login := string(e.page(http.MethodGet, "/account/login").Body)
		if strings.Contains(login, "Sign in with") || strings.Contains(login, "data-rs-oauth-block") {
			t.Error("the login page offers a provider")
		}
		me := string(e.page(http.MethodGet, "/account/me").Body)
		if strings.Contains(me, "Connected accounts") || strings.Contains(me, "data-rs-oauth-section") {
			t.Error("the account page has a connected-accounts section")
		}
	})
	t.Run("with Google configured the login page links its start and the account page lists connected accounts", func(t *testing.T) {
		e := newOAuthEnv(t, func(c *config.Config) { on := true; c.EnableUIRouter = &on })
		login := string(e.page(http.MethodGet, "/account/login").Body)
		for _, want := range []string{
			"Sign in with Google",
			`data-rs-oauth-link="google"`,
			`href="/api/auth/oauth/google/start"`,
			`<p class="rs-or"><span>or</span></p>`,
		} {
			if !strings.Contains(login, want) {
				t.Errorf("login page lacks %q", want)
			}
		}
		if strings.Index(login, "Sign in with Google") > strings.Index(login, `data-rs-form="login"`) {
			t.Error("the provider button comes after the password form")
		}
		me := string(e.page(http.MethodGet, "/account/me").Body)
		for _, want := range []string{"Connected accounts", "data-rs-oauth-section", "data-rs-oauth-list"} {
			if !strings.Contains(me, want) {
				t.Errorf("account page lacks %q", want)
			}
		}
		if !strings.Contains(string(e.page(http.MethodGet, "/account/oauth-complete?id=x").Body), "Signing you in") {
			t.Error("oauth-complete lacks its heading")
		}
	})
	t.Run("with OAuth on but no provider registered there is no button", func(t *testing.T) {
		e := uiEnv(t, func(c *config.Config) { c.EnableOAuth = true })
		if strings.Contains(string(e.page(http.MethodGet, "/account/login").Body), "Sign in with") {
			t.Error("a button for no provider")
		}
	})
	t.Run("optional sections of the account page follow their switches", func(t *testing.T) {
		off := uiEnv(t, func(c *config.Config) { c.EnableSMS2FA = false; c.EnableAccountDeletion = false })
		me := string(off.page(http.MethodGet, "/account/me").Body)
		for _, absent := range []string{"data-rs-mfa-section", `data-rs-form="delete-account"`} {
			if strings.Contains(me, absent) {
				t.Errorf("account page has %q while switched off", absent)
			}
		}
		on := uiEnv(t, func(c *config.Config) { c.EnableSMS2FA = true; c.EnableAccountDeletion = true })
		me = string(on.page(http.MethodGet, "/account/me").Body)
		for _, present := range []string{
			`id="rs-section-mfa" data-rs-mfa-section`, `data-rs-form="phone-setup-start"`,
			`data-rs-form="phone-setup-confirm" method="post" hidden`, `data-rs-form="mfa-disable"`,
			`id="rs-section-delete"`, `data-rs-form="delete-account"`, `data-rs-action="logout"`,
		} {
			if !strings.Contains(me, present) {
				t.Errorf("account page lacks %q", present)
			}
		}
	})
	t.Run("the login links follow allow_registration and enable_password_reset", func(t *testing.T) {
		e := uiEnv(t, func(c *config.Config) { c.AllowRegistration = false; c.EnablePasswordReset = false })
		login := string(e.page(http.MethodGet, "/account/login").Body)
		if strings.Contains(login, "/account/register") || strings.Contains(login, "/account/forgot") {
			t.Error("login links to a switched-off flow")
		}
		e = uiEnv(t, nil)
		login = string(e.page(http.MethodGet, "/account/login").Body)
		if !strings.Contains(login, `No account? <a href="/account/register">Create one</a>.<br><a href="/account/forgot">Forgot password?</a>`) {
			t.Error("login lacks the register and forgot links")
		}
	})
	t.Run("the MFA page says how many digits the code has", func(t *testing.T) {
		e := uiEnv(t, func(c *config.Config) { c.SMSCodeLength = 8 })
		if !strings.Contains(string(e.page(http.MethodGet, "/account/mfa-confirm").Body), "We just sent a 8-digit code") {
			t.Error("the MFA page does not use sms_code_length")
		}
	})
	t.Run("branding shows in the header, escaped", func(t *testing.T) {
		e := uiEnv(t, func(c *config.Config) {
			c.AppName = `<b>Acme</b>`
			logo, tagline := "/logo.png", "Ship & smile"
			c.BrandLogoURL, c.BrandTagline = &logo, &tagline
		})
		html := string(e.page(http.MethodGet, "/account/login").Body)
		for _, want := range []string{
			`<title>Sign in — &lt;b&gt;Acme&lt;/b&gt;</title>`,
			`<img class="rs-brand-logo" src="/logo.png" alt="">`,
			`<span class="rs-brand-tagline">Ship &amp; smile</span>`,
		} {
			if !strings.Contains(html, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(html, "<b>Acme</b>") {
			t.Error("app_name was not escaped")
		}
	})
	t.Run("custom prefixes reach the attributes, links and mounts", func(t *testing.T) {
		e := uiEnv(t, func(c *config.Config) {
			c.APIPrefix, c.UIPrefix, c.StaticPrefix = "/auth", "/users", "/assets"
		})
		res := e.page(http.MethodGet, "/users/login")
		if res.Status != http.StatusOK {
			t.Fatalf("status %d", res.Status)
		}
		html := string(res.Body)
		for _, want := range []string{`data-rs-api="/auth"`, `data-rs-ui="/users"`, `href="/assets/css/core.css?v=`, `href="/users/register"`} {
			if !strings.Contains(html, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if s := e.page(http.MethodGet, "/assets/js/regstack.js"); s.Status != http.StatusOK {
			t.Errorf("script at the custom static prefix: %d", s.Status)
		}
	})
}

func TestThemeCSSURL(t *testing.T) {
	e := uiEnv(t, func(c *config.Config) {
		u := "https://cdn.example.com/host-theme.css"
		c.ThemeCSSURL = &u
	})
	res := e.page(http.MethodGet, "/account/login")
	html := string(res.Body)
	host := strings.Index(html, `<link rel="stylesheet" href="https://cdn.example.com/host-theme.css">`)
	theme := strings.Index(html, "css/theme.css")
	if host < 0 || host < theme {
		t.Errorf("the host theme is not linked after theme.css:\n%s", html)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self' https://cdn.example.com;") {
		t.Errorf("CSP does not admit the theme's origin: %q", csp)
	}

	t.Run("without it there is no third stylesheet", func(t *testing.T) {
		html := string(uiEnv(t, nil).page(http.MethodGet, "/account/login").Body)
		if n := strings.Count(html, `rel="stylesheet"`); n != 2 {
			t.Errorf("%d stylesheets, want 2", n)
		}
	})
	t.Run("a brand logo on another origin is admitted as an image source", func(t *testing.T) {
		res := uiEnv(t, func(c *config.Config) {
			u := "https://img.example.net/logo.svg?x=1"
			c.BrandLogoURL = &u
		}).page(http.MethodGet, "/account/login")
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' https://img.example.net;") {
			t.Errorf("CSP = %q", csp)
		}
	})
}

// writeTemplate puts a host template under dir.
func writeTemplate(t *testing.T, dir, name, content string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestHostTemplates(t *testing.T) {
	t.Run("a host page replaces the bundled one byte for byte and the others stay bundled", func(t *testing.T) {
		dir := t.TempDir()
		writeTemplate(t, dir, "auth/login.html", "OVERRIDDEN-LOGIN-PAGE")
		e := uiEnv(t, func(c *config.Config) { c.ExtraTemplateDirs = []string{filepath.Join(t.TempDir(), "missing"), dir} })
		if got := string(e.page(http.MethodGet, "/account/login").Body); got != "OVERRIDDEN-LOGIN-PAGE" {
			t.Errorf("login = %q", got)
		}
		if !strings.Contains(string(e.page(http.MethodGet, "/account/register").Body), "Create your account") {
			t.Error("register is not the bundled page")
		}
	})
	t.Run("the first directory holding a name wins", func(t *testing.T) {
		first, second := t.TempDir(), t.TempDir()
		writeTemplate(t, first, "auth/forgot.html", "FIRST")
		writeTemplate(t, second, "auth/forgot.html", "SECOND")
		e := uiEnv(t, func(c *config.Config) { c.ExtraTemplateDirs = []string{first, second} })
		if got := string(e.page(http.MethodGet, "/account/forgot").Body); got != "FIRST" {
			t.Errorf("forgot = %q", got)
		}
	})
	t.Run("a host page can fill the blocks of the bundled layout", func(t *testing.T) {
		dir := t.TempDir()
		writeTemplate(t, dir, "auth/register.html", `{{template "base.html" .}}`+
			`{{define "title"}}Join {{.app_name}}{{end}}{{define "content"}}<p class="host">Invitation only.</p>{{end}}`+
			`{{define "footer"}}Host footer{{end}}`)
		html := string(uiEnv(t, func(c *config.Config) { c.ExtraTemplateDirs = []string{dir} }).page(http.MethodGet, "/account/register").Body)
		for _, want := range []string{"<title>Join RegStack</title>", `<p class="host">Invitation only.</p>`, "Host footer", `data-rs-page="register"`, "rs-message"} {
			if !strings.Contains(html, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
	t.Run("a host base.html lays out every page", func(t *testing.T) {
		dir := t.TempDir()
		writeTemplate(t, dir, "base.html", `<html><title>{{block "title" .}}{{end}}</title><body data-rs-api="{{.api_prefix}}" data-rs-ui="{{.ui_prefix}}" data-rs-page="{{.page}}">HOST-LAYOUT {{block "content" .}}{{end}}<script src="{{static "js/regstack.js"}}"></script></body></html>`)
		e := uiEnv(t, func(c *config.Config) { c.ExtraTemplateDirs = []string{dir} })
		for _, p := range []string{"/account/login", "/account/me", "/account/verify"} {
			html := string(e.page(http.MethodGet, p).Body)
			if !strings.HasPrefix(html, "<html><title>") || !strings.Contains(html, "HOST-LAYOUT") || !strings.Contains(html, `<h1 class="rs-title">`) {
				t.Errorf("%s is not in the host layout:\n%s", p, html)
			}
		}
	})
	t.Run("the shared token hand-off fragment can be overridden once for both pages", func(t *testing.T) {
		dir := t.TempDir()
		writeTemplate(t, dir, "auth/_token_handoff.html", `{{define "token_handoff"}}<h1>{{.heading}}</h1><p data-rs-status>HOST {{.pending}}</p>{{end}}`)
		e := uiEnv(t, func(c *config.Config) { c.ExtraTemplateDirs = []string{dir} })
		if !strings.Contains(string(e.page(http.MethodGet, "/account/verify").Body), "HOST Hold on while we verify your account.") {
			t.Error("verify does not use the host fragment")
		}
		if !strings.Contains(string(e.page(http.MethodGet, "/account/confirm-email-change").Body), "HOST One moment while we update your account.") {
			t.Error("confirm-email-change does not use the host fragment")
		}
	})
	t.Run("a broken host template is an error naming the file", func(t *testing.T) {
		dir := t.TempDir()
		writeTemplate(t, dir, "auth/me.html", "{{if}")
		rs := newRegStack(t, func() config.Config {
			c := testConfig()
			c.ExtraTemplateDirs = []string{dir}
			return c
		}())
		_, err := rshttp.NewUI(rs)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "auth", "me.html")) {
			t.Errorf("NewUI error = %v, want one naming the file", err)
		}
	})
}

func TestPageRouting(t *testing.T) {
	e := uiEnv(t, nil)
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"HEAD answers like GET", http.MethodHead, "/account/login", http.StatusOK},
		{"POST to a page is 405", http.MethodPost, "/account/login", http.StatusMethodNotAllowed},
		{"an unknown page is 404", http.MethodGet, "/account/nope", http.StatusNotFound},
		{"the prefix itself is 404", http.MethodGet, "/account/", http.StatusNotFound},
		{"a trailing slash is 404", http.MethodGet, "/account/login/", http.StatusNotFound},
		{"a template path is not a page", http.MethodGet, "/account/auth/login.html", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.page(tt.method, tt.path)
			if res.Status != tt.status {
				t.Fatalf("status = %d, want %d", res.Status, tt.status)
			}
			if tt.status == http.StatusMethodNotAllowed && res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q", res.Header.Get("Allow"))
			}
		})
	}
	t.Run("the reset page answers at both paths with the same page", func(t *testing.T) {
		a, b := e.page(http.MethodGet, "/account/reset"), e.page(http.MethodGet, "/account/reset-password?token=x")
		if a.Status != http.StatusOK || string(a.Body) != string(b.Body) {
			t.Error("/reset and /reset-password differ")
		}
	})
}

func TestUIMounting(t *testing.T) {
	off := false
	for _, tt := range []struct {
		name   string
		router *bool
	}{{"an unset enable_ui_router mounts nothing", nil}, {"enable_ui_router = false mounts nothing", &off}} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *config.Config) { c.EnableUIRouter = tt.router })
			for _, p := range []string{"/account/login", "/regstack-static/css/core.css"} {
				if s := e.page(http.MethodGet, p).Status; s != http.StatusNotFound {
					t.Errorf("%s = %d, want 404", p, s)
				}
			}
		})
	}
	t.Run("colliding prefixes are refused", func(t *testing.T) {
		for _, c := range []struct{ api, ui, static string }{
			{"/api/auth", "/x", "/x"},
			{"/x", "/x", "/regstack-static"},
			{"/x", "/account", "/x"},
		} {
			cfg := testConfig()
			cfg.APIPrefix, cfg.UIPrefix, cfg.StaticPrefix = c.api, c.ui, c.static
			if err := rshttp.MountUI(http.NewServeMux(), newRegStack(t, cfg)); err == nil {
				t.Errorf("MountUI accepted api %q, ui %q, static %q", c.api, c.ui, c.static)
			}
		}
	})
	t.Run("MountUI on a host mux serves the pages and the assets", func(t *testing.T) {
		mux := http.NewServeMux()
		if err := rshttp.MountUI(mux, newRegStack(t, testConfig())); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/account/me", "/regstack-static/css/theme.css"} {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
			if rec.Code != http.StatusOK {
				t.Errorf("%s = %d", p, rec.Code)
			}
		}
	})
}
