package ses_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/regstack/regstack/adapters/ses"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/message"
)

const (
	region       = "eu-central-1"
	secretKey    = "s3cr3t/DO-NOT-LEAK/0123456789abcdefghijkl"
	testPassword = "profile-secret-DO-NOT-LEAK"
)

func emailConfig() config.EmailConfig {
	return config.Default().Email
}

func ptr(s string) *string { return &s }

func testMessage(to string) regstack.EmailMessage {
	return regstack.EmailMessage{
		Kind:        regstack.EmailVerification,
		To:          to,
		FromName:    "Acme",
		FromAddress: "noreply@acme.example.com",
		Subject:     "Confirm your Acme account",
		Text:        "Open https://acme.example.com/verify?token=abc",
		HTML:        `<p><a href="https://acme.example.com/verify?token=abc">Confirm</a></p>`,
	}
}

func TestCredentialSources(t *testing.T) {
	emulator := emulatorURL(t)
	tests := []struct {
		name  string
		setup func(t *testing.T, configFile, credentialsFile string, cfg *config.EmailConfig)
		want  string
	}{
		{
			name: "an explicit key pair signs the request, whatever the environment holds",
			setup: func(t *testing.T, _, credentialsFile string, cfg *config.EmailConfig) {
				t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT")
				t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
				writeFile(t, credentialsFile, "[default]\naws_access_key_id = AKIADEFAULTPROFILE\naws_secret_access_key = "+secretKey+"\n")
				cfg.SESAccessKeyID = ptr("AKIAEXPLICIT")
				cfg.SESSecretAccessKey = ptr(secretKey)
			},
			want: "AKIAEXPLICIT",
		},
		{
			name: "a named profile from the shared credentials file signs the request, even with keys in the environment",
			setup: func(t *testing.T, _, credentialsFile string, cfg *config.EmailConfig) {
				t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT")
				t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
				writeFile(t, credentialsFile,
					"[default]\naws_access_key_id = AKIADEFAULTPROFILE\naws_secret_access_key = "+secretKey+"\n\n"+
						"[mailer]\naws_access_key_id = AKIANAMEDPROFILE\naws_secret_access_key = "+testPassword+"\n")
				cfg.SESProfile = ptr("mailer")
			},
			want: "AKIANAMEDPROFILE",
		},
		{
			name: "a named profile from the shared config file signs the request",
			setup: func(t *testing.T, configFile, _ string, cfg *config.EmailConfig) {
				writeFile(t, configFile, "[profile ops]\naws_access_key_id = AKIACONFIGPROFILE\naws_secret_access_key = "+testPassword+"\n")
				cfg.SESProfile = ptr("ops")
			},
			want: "AKIACONFIGPROFILE",
		},
		{
			name: "the default chain takes keys from the environment first",
			setup: func(t *testing.T, _, credentialsFile string, _ *config.EmailConfig) {
				t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT")
				t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
				writeFile(t, credentialsFile, "[default]\naws_access_key_id = AKIADEFAULTPROFILE\naws_secret_access_key = "+secretKey+"\n")
			},
			want: "AKIAENVIRONMENT",
		},
		{
			name: "the default chain falls back to the default profile of the shared files",
			setup: func(t *testing.T, _, credentialsFile string, _ *config.EmailConfig) {
				writeFile(t, credentialsFile, "[default]\naws_access_key_id = AKIADEFAULTPROFILE\naws_secret_access_key = "+secretKey+"\n")
			},
			want: "AKIADEFAULTPROFILE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			configFile, credentialsFile := awsHome(t)
			cfg := emailConfig()
			cfg.SESRegion = region
			tt.setup(t, configFile, credentialsFile, &cfg)
			rec := newRecorder(t, emulator)

			m, err := ses.New(t.Context(), cfg, ses.WithBaseEndpoint(rec.URL))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			to := recipient(t)
			if err := m.Send(t.Context(), testMessage(to)); err != nil {
				t.Fatalf("Send: %v", err)
			}

			want := []signature{{KeyID: tt.want, Region: region, Service: "ses"}}
			if got := rec.signatures(); !slices.Equal(got, want) {
				t.Errorf("requests were signed as %+v, want %+v", got, want)
			}
			if got := delivered(t, emulator, to); len(got) != 1 {
				t.Errorf("emulator holds %d messages for %s, want 1", len(got), to)
			}
		})
	}
}

func TestSendCarriesTheWholeMessage(t *testing.T) {
	emulator := emulatorURL(t)
	tests := []struct {
		name     string
		fromName string
		wantFrom string // the From header as SES receives it, when exact
	}{
		{name: "a plain display name is quoted", fromName: "Acme", wantFrom: `"Acme" <noreply@acme.example.com>`},
		{name: "a display name with specials stays one name", fromName: `Acme, Inc. "Accounts"`},
		{name: "a non-ASCII display name is MIME-encoded", fromName: "Café Ünïcode ✓"},
		{name: "without a display name the source is the bare address", fromName: "", wantFrom: "noreply@acme.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			awsHome(t)
			cfg := emailConfig()
			cfg.SESAccessKeyID = ptr("AKIAEXPLICIT")
			cfg.SESSecretAccessKey = ptr(secretKey)
			m, err := ses.New(t.Context(), cfg, ses.WithBaseEndpoint(emulator))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			to := recipient(t)
			msg := regstack.EmailMessage{
				To:          to,
				FromName:    tt.fromName,
				FromAddress: "noreply@acme.example.com",
				Subject:     "Bestätigen Sie Ihr Konto — ✓ 確認",
				Text:        "Grüße,\nöffnen Sie https://acme.example.com/verify?token=ä\n",
				HTML:        "<p>Grüße — <a href=\"https://acme.example.com/verify?token=ä\">bestätigen</a> 確認</p>",
			}
			if err := m.Send(t.Context(), msg); err != nil {
				t.Fatalf("Send: %v", err)
			}

			got := delivered(t, emulator, to)
			if len(got) != 1 {
				t.Fatalf("emulator holds %d messages for %s, want 1", len(got), to)
			}
			e := got[0]
			if e.Subject != msg.Subject || e.Body.Text != msg.Text || e.Body.HTML != msg.HTML {
				t.Errorf("delivered subject %q, text %q, html %q; want %q, %q, %q",
					e.Subject, e.Body.Text, e.Body.HTML, msg.Subject, msg.Text, msg.HTML)
			}
			if tt.wantFrom != "" && e.From != tt.wantFrom {
				t.Errorf("source = %q, want %q", e.From, tt.wantFrom)
			}
			from, err := (&mail.AddressParser{}).Parse(e.From)
			if err != nil {
				t.Fatalf("source %q is not an RFC 5322 address: %v", e.From, err)
			}
			if from.Name != tt.fromName || from.Address != msg.FromAddress {
				t.Errorf("source %q reads as name %q address %q, want %q %q",
					e.From, from.Name, from.Address, tt.fromName, msg.FromAddress)
			}
		})
	}
}

func TestHeaderInjectionIsRefusedBeforeSending(t *testing.T) {
	tests := []struct {
		name   string
		modify func(m *regstack.EmailMessage)
	}{
		{"a recipient with CRLF and a Bcc header", func(m *regstack.EmailMessage) { m.To = "ada@example.com\r\nBcc: eve@example.com" }},
		{"a sender address with a newline", func(m *regstack.EmailMessage) { m.FromAddress = "noreply@example.com\nX-Evil: 1" }},
		{"a display name with a carriage return", func(m *regstack.EmailMessage) { m.FromName = "Acme\rBcc: eve@example.com" }},
		{"a subject with a NUL", func(m *regstack.EmailMessage) { m.Subject = "Hello\x00world" }},
		{"a subject with a tab", func(m *regstack.EmailMessage) { m.Subject = "Hello\tworld" }},
	}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"MessageId":"never"}`))
	}))
	t.Cleanup(srv.Close)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			awsHome(t)
			cfg := emailConfig()
			cfg.SESAccessKeyID = ptr("AKIAEXPLICIT")
			cfg.SESSecretAccessKey = ptr(secretKey)
			m, err := ses.New(t.Context(), cfg, ses.WithBaseEndpoint(srv.URL))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			msg := testMessage("ada@example.com")
			tt.modify(&msg)
			err = m.Send(t.Context(), msg)
			if !errors.Is(err, message.ErrHeaderInjection) {
				t.Fatalf("Send = %v, want an error wrapping message.ErrHeaderInjection", err)
			}
			if n := requests.Load(); n != 0 {
				t.Errorf("%d requests reached SES, want none", n)
			}
		})
	}
}

func TestEmulatorErrorsAreReturned(t *testing.T) {
	emulator := emulatorURL(t)
	tests := []struct {
		name   string
		modify func(m *regstack.EmailMessage)
	}{
		{"an empty subject is rejected with 400", func(m *regstack.EmailMessage) { m.Subject = "" }},
		{"a message with neither text nor HTML is rejected with 400", func(m *regstack.EmailMessage) { m.Text, m.HTML = "", "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			awsHome(t)
			cfg := emailConfig()
			cfg.SESAccessKeyID = ptr("AKIAEXPLICIT")
			cfg.SESSecretAccessKey = ptr(secretKey)
			m, err := ses.New(t.Context(), cfg, ses.WithBaseEndpoint(emulator))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			to := recipient(t)
			msg := testMessage(to)
			tt.modify(&msg)
			err = m.Send(t.Context(), msg)
			var re *awshttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
				t.Fatalf("Send = %v, want an HTTP 400 response error", err)
			}
			assertNoSecret(t, err)
			if got := delivered(t, emulator, to); len(got) != 0 {
				t.Errorf("emulator holds %d messages for %s, want none", len(got), to)
			}
		})
	}
}

func TestSendFails(t *testing.T) {
	t.Run("when no credential source yields keys", func(t *testing.T) {
		awsHome(t)
		var requests atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
		t.Cleanup(srv.Close)
		m, err := ses.New(t.Context(), emailConfig(), ses.WithBaseEndpoint(srv.URL))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if err := m.Send(t.Context(), testMessage("ada@example.com")); err == nil {
			t.Fatal("Send succeeded without credentials")
		}
		if n := requests.Load(); n != 0 {
			t.Errorf("%d unsigned requests reached SES, want none", n)
		}
	})

	t.Run("when SES does not answer within the timeout", func(t *testing.T) {
		awsHome(t)
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		t.Cleanup(func() { close(release); srv.Close() })
		cfg := emailConfig()
		cfg.SESAccessKeyID = ptr("AKIAEXPLICIT")
		cfg.SESSecretAccessKey = ptr(secretKey)
		m, err := ses.New(t.Context(), cfg, ses.WithBaseEndpoint(srv.URL), ses.WithTimeout(200*time.Millisecond))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		start := time.Now()
		err = m.Send(t.Context(), testMessage("ada@example.com"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Send = %v, want a deadline error", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Send returned after %v, want about the 200ms timeout", d)
		}
		assertNoSecret(t, err)
	})

	t.Run("when SES answers 500, without retrying", func(t *testing.T) {
		awsHome(t)
		var requests atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			requests.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", "InternalFailure")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"message":"boom"}`))
		}))
		t.Cleanup(srv.Close)
		cfg := emailConfig()
		cfg.SESAccessKeyID = ptr("AKIAEXPLICIT")
		cfg.SESSecretAccessKey = ptr(secretKey)
		m, err := ses.New(t.Context(), cfg, ses.WithBaseEndpoint(srv.URL))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		err = m.Send(t.Context(), testMessage("ada@example.com"))
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInternalServerError {
			t.Fatalf("Send = %v, want an HTTP 500 response error", err)
		}
		if n := requests.Load(); n != 1 {
			t.Errorf("SES saw %d requests, want exactly 1 (mailers never retry)", n)
		}
		assertNoSecret(t, err)
	})
}

func TestNewRefusesAnUnknownProfile(t *testing.T) {
	awsHome(t)
	cfg := emailConfig()
	cfg.SESProfile = ptr("no-such-profile")
	_, err := ses.New(t.Context(), cfg)
	if err == nil {
		t.Fatal("New succeeded with a profile the shared files do not define")
	}
	if !strings.Contains(err.Error(), "no-such-profile") {
		t.Errorf("error %q does not name the profile", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{secretKey, testPassword} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q reveals a secret", err)
		}
	}
}
