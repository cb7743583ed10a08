package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regstack/regstack/adapters/twilio"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "tok-DO-NOT-LEAK-0123456789abcdef"
	fromNumber = "+15550100"
)

const created = `{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","to":"+447700900123","from":"+15550100","body":"…"}`

// request is what the fake Twilio saw of one call.
type request struct {
	Method, Path, ContentType string
	User, Password            string
	BasicAuth                 bool
	Form                      url.Values
}

// fakeTwilio answers every call with status and body, noting each request.
type fakeTwilio struct {
	URL string

	mu       sync.Mutex
	requests []request
}

func newFakeTwilio(t *testing.T, status int, contentType, body string) *fakeTwilio {
	t.Helper()
	f := &fakeTwilio{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("fake Twilio: parse form: %v", err)
		}
		user, pass, ok := r.BasicAuth()
		f.mu.Lock()
		f.requests = append(f.requests, request{
			Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"),
			User: user, Password: pass, BasicAuth: ok, Form: r.PostForm,
		})
		f.mu.Unlock()
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *fakeTwilio) seen() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.requests...)
}

func ptr(s string) *string { return &s }

func smsConfig() config.SMSConfig {
	cfg := config.Default().SMS
	cfg.Backend = "twilio"
	cfg.TwilioAccountSID = ptr(accountSID)
	cfg.TwilioAuthToken = ptr(authToken)
	cfg.FromNumber = ptr(fromNumber)
	return cfg
}

func newSender(t *testing.T, baseURL string, opts ...twilio.Option) *twilio.Sender {
	t.Helper()
	s, err := twilio.New(smsConfig(), append([]twilio.Option{twilio.WithBaseURL(baseURL)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestSendCreatesOneMessage(t *testing.T) {
	const body = "Your Acme code is 123456 — valid for 5 minutes."
	tests := []struct {
		name     string
		msgFrom  string
		wantFrom string
	}{
		{name: "the message's sender is used", msgFrom: "+15550199", wantFrom: "+15550199"},
		{name: "sms.from_number stands in for a message without a sender", msgFrom: "", wantFrom: fromNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeTwilio(t, http.StatusCreated, "application/json", created)
			s := newSender(t, fake.URL)
			if err := s.Send(t.Context(), regstack.SMSMessage{To: "+447700900123", From: tt.msgFrom, Body: body}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			reqs := fake.seen()
			if len(reqs) != 1 {
				t.Fatalf("Twilio saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if want := "/2010-04-01/Accounts/" + accountSID + "/Messages.json"; r.Method != http.MethodPost || r.Path != want {
				t.Errorf("request is %s %s, want POST %s", r.Method, r.Path, want)
			}
			if !r.BasicAuth || r.User != accountSID || r.Password != authToken {
				t.Errorf("basic auth = %v %q, want the account SID and auth token", r.BasicAuth, r.User)
			}
			if r.ContentType != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q, want a form", r.ContentType)
			}
			want := url.Values{"To": {"+447700900123"}, "From": {tt.wantFrom}, "Body": {body}}
			if r.Form.Encode() != want.Encode() {
				t.Errorf("form = %v, want %v", r.Form, want)
			}
		})
	}
}

func TestSendReturnsTwilioErrors(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        twilio.APIError
		wantText    string
	}{
		{
			name: "an invalid number comes back with Twilio's code, message and link", status: http.StatusBadRequest,
			contentType: "application/json",
			body:        `{"code": 21211, "message": "The 'To' number +1 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`,
			want:        twilio.APIError{HTTPStatus: 400, Code: 21211, Message: "The 'To' number +1 is not a valid phone number.", MoreInfo: "https://www.twilio.com/docs/errors/21211"},
			wantText:    "twilio: send SMS: twilio: HTTP 400: error 21211: The 'To' number +1 is not a valid phone number. (https://www.twilio.com/docs/errors/21211)",
		},
		{
			name: "bad credentials come back as Twilio's 20003", status: http.StatusUnauthorized,
			contentType: "application/json",
			body:        `{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`,
			want:        twilio.APIError{HTTPStatus: 401, Code: 20003, Message: "Authenticate", MoreInfo: "https://www.twilio.com/docs/errors/20003"},
		},
		{
			name: "an error that quotes the auth token has it redacted", status: http.StatusBadRequest,
			contentType: "application/json",
			body:        `{"code": 20001, "message": "bad token ` + authToken + `", "more_info": "https://example.com/?t=` + authToken + `", "status": 400}`,
			want:        twilio.APIError{HTTPStatus: 400, Code: 20001, Message: "bad token [redacted]", MoreInfo: "https://example.com/?t=[redacted]"},
		},
		{
			name: "a non-JSON 502 from a proxy comes back as its status alone", status: http.StatusBadGateway,
			contentType: "text/html",
			body:        "<html><body>Bad gateway " + authToken + "</body></html>",
			want:        twilio.APIError{HTTPStatus: 502},
			wantText:    "twilio: send SMS: twilio: HTTP 502",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeTwilio(t, tt.status, tt.contentType, tt.body)
			err := newSender(t, fake.URL).Send(t.Context(), regstack.SMSMessage{To: "+1", Body: "code 123456"})
			var apiErr *twilio.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("Send = %v, want a wrapped *twilio.APIError", err)
			}
			if *apiErr != tt.want {
				t.Errorf("APIError = %+v, want %+v", *apiErr, tt.want)
			}
			if tt.wantText != "" && err.Error() != tt.wantText {
				t.Errorf("error text = %q\nwant         %q", err, tt.wantText)
			}
			assertNoToken(t, err)
		})
	}
}

func TestSendFails(t *testing.T) {
	t.Run("when Twilio does not answer within the timeout", func(t *testing.T) {
		s := newSender(t, silentServer(t), twilio.WithTimeout(200*time.Millisecond))
		start := time.Now()
		err := s.Send(t.Context(), regstack.SMSMessage{To: "+447700900123", Body: "code 123456"})
		var timeout interface{ Timeout() bool }
		if !errors.As(err, &timeout) || !timeout.Timeout() {
			t.Fatalf("Send = %v, want a timeout", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Send returned after %v, want about the 200ms timeout", d)
		}
		assertNoToken(t, err)
	})

	t.Run("when the caller's context ends first", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		err := newSender(t, silentServer(t)).Send(ctx, regstack.SMSMessage{To: "+447700900123", Body: "code 123456"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Send = %v, want the context's deadline error", err)
		}
	})

	t.Run("when a 2xx reply is not JSON", func(t *testing.T) {
		fake := newFakeTwilio(t, http.StatusCreated, "text/plain", "ok")
		err := newSender(t, fake.URL).Send(t.Context(), regstack.SMSMessage{To: "+447700900123", Body: "code 123456"})
		if err == nil {
			t.Fatal("Send accepted a reply that is not a Twilio message")
		}
		assertNoToken(t, err)
	})
}

func TestNewRequiresTheTwilioKeys(t *testing.T) {
	tests := []struct {
		name   string
		modify func(cfg *config.SMSConfig)
		want   string
	}{
		{"without an account SID", func(c *config.SMSConfig) { c.TwilioAccountSID = nil }, "needs both twilio_account_sid and twilio_auth_token"},
		{"with an empty auth token", func(c *config.SMSConfig) { c.TwilioAuthToken = ptr("") }, "needs both twilio_account_sid and twilio_auth_token"},
		{"without a from_number", func(c *config.SMSConfig) { c.FromNumber = nil }, "needs a from_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := smsConfig()
			tt.modify(&cfg)
			_, err := twilio.New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error saying it %s", err, tt.want)
			}
			assertNoToken(t, err)
		})
	}
}

// silentServer never answers: each request waits until its client gives
// up or the test ends.
func silentServer(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL
}

func assertNoToken(t *testing.T, err error) {
	t.Helper()
	if strings.Contains(err.Error(), authToken) {
		t.Errorf("error %q reveals the auth token", err)
	}
}
