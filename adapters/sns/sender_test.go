package sns_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/regstack/regstack/adapters/sns"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

const (
	region    = "ap-southeast-2"
	keyID     = "AKIASNSTEST"
	secretKey = "s3cr3t/DO-NOT-LEAK/0123456789abcdefghijkl"
)

const publishOK = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>
  <ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>
</PublishResponse>`

// request is what the fake SNS saw of one call.
type request struct {
	Method, Path, Authorization string
	Form                        url.Values
}

// fakeSNS speaks the SNS Query API: a form POST in, XML out. It answers
// every call with status and body.
type fakeSNS struct {
	URL string

	mu       sync.Mutex
	requests []request
}

func newFakeSNS(t *testing.T, status int, body string) *fakeSNS {
	t.Helper()
	f := &fakeSNS{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("fake SNS: parse form: %v", err)
		}
		f.mu.Lock()
		f.requests = append(f.requests, request{
			Method: r.Method, Path: r.URL.Path,
			Authorization: r.Header.Get("Authorization"), Form: r.PostForm,
		})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *fakeSNS) seen() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.requests...)
}

// awsEnv gives the default AWS chain exactly one source, keys in the
// environment, and hides the machine's own AWS files and settings.
func awsEnv(t *testing.T, withKeys bool) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_ACCESS_KEY", "AWS_SECRET_KEY",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SNS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	if withKeys {
		t.Setenv("AWS_ACCESS_KEY_ID", keyID)
		t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
	}
}

func smsConfig(from *string) config.SMSConfig {
	cfg := config.Default().SMS
	cfg.Backend = "sns"
	cfg.SNSRegion = region
	cfg.FromNumber = from
	return cfg
}

func ptr(s string) *string { return &s }

func TestPublish(t *testing.T) {
	const body = "Your Acme sign-in code is 123456. It expires in 5 minutes."
	tests := []struct {
		name       string
		fromNumber *string // sms.from_number
		msgFrom    string  // SMSMessage.From
		wantSender string  // "" = no SenderID attribute
	}{
		{name: "a message with a sender carries it as the SenderID attribute", fromNumber: ptr("AcmeInc"), msgFrom: "AcmeInc", wantSender: "AcmeInc"},
		{name: "sms.from_number stands in for a message without a sender", fromNumber: ptr("+15550100"), wantSender: "+15550100"},
		{name: "without any sender no attribute is sent", fromNumber: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			awsEnv(t, true)
			fake := newFakeSNS(t, http.StatusOK, publishOK)
			s, err := sns.New(t.Context(), smsConfig(tt.fromNumber), sns.WithBaseEndpoint(fake.URL))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := s.Send(t.Context(), regstack.SMSMessage{To: "+447700900123", From: tt.msgFrom, Body: body}); err != nil {
				t.Fatalf("Send: %v", err)
			}

			reqs := fake.seen()
			if len(reqs) != 1 {
				t.Fatalf("SNS saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != "/" {
				t.Errorf("request is %s %s, want POST /", r.Method, r.Path)
			}
			want := url.Values{
				"Action":      {"Publish"},
				"Version":     {"2010-03-31"},
				"PhoneNumber": {"+447700900123"},
				"Message":     {body},
			}
			if tt.wantSender != "" {
				want["MessageAttributes.entry.1.Name"] = []string{"AWS.SNS.SMS.SenderID"}
				want["MessageAttributes.entry.1.Value.DataType"] = []string{"String"}
				want["MessageAttributes.entry.1.Value.StringValue"] = []string{tt.wantSender}
			}
			if !maps.EqualFunc(r.Form, want, slices.Equal[[]string]) {
				t.Errorf("form = %v\nwant   %v", r.Form, want)
			}
			scope := "Credential=" + keyID + "/"
			if !strings.HasPrefix(r.Authorization, "AWS4-HMAC-SHA256 ") || !strings.Contains(r.Authorization, scope) ||
				!strings.Contains(r.Authorization, "/"+region+"/sns/aws4_request") {
				t.Errorf("Authorization = %q, want SigV4 by %s for sns in %s", r.Authorization, keyID, region)
			}
		})
	}
}

func TestPublishErrors(t *testing.T) {
	awsEnv(t, true)

	t.Run("an SNS InvalidParameter error is returned with its code and message", func(t *testing.T) {
		fake := newFakeSNS(t, http.StatusBadRequest, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: PhoneNumber Reason: +1 is not valid to publish to</Message></Error>
  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
</ErrorResponse>`)
		s, err := sns.New(t.Context(), smsConfig(nil), sns.WithBaseEndpoint(fake.URL))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		err = s.Send(t.Context(), regstack.SMSMessage{To: "+1", Body: "code 123456"})
		var ipe *types.InvalidParameterException
		if !errors.As(err, &ipe) {
			t.Fatalf("Send = %v, want a wrapped *types.InvalidParameterException", err)
		}
		if !strings.Contains(err.Error(), "+1 is not valid to publish to") || !strings.HasPrefix(err.Error(), "sns: ") {
			t.Errorf("error %q does not carry SNS's message under the sns: prefix", err)
		}
		assertNoSecret(t, err)
	})

	t.Run("an SNS 500 is returned after one attempt", func(t *testing.T) {
		fake := newFakeSNS(t, http.StatusInternalServerError, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error><Type>Receiver</Type><Code>InternalError</Code><Message>Internal failure</Message></Error>
  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
</ErrorResponse>`)
		s, err := sns.New(t.Context(), smsConfig(nil), sns.WithBaseEndpoint(fake.URL))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		err = s.Send(t.Context(), regstack.SMSMessage{To: "+447700900123", Body: "code 123456"})
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInternalServerError {
			t.Fatalf("Send = %v, want a wrapped HTTP 500 response error", err)
		}
		if n := len(fake.seen()); n != 1 {
			t.Errorf("SNS saw %d requests, want exactly 1 (senders never retry)", n)
		}
		assertNoSecret(t, err)
	})

	t.Run("a silent SNS is given up on at the timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		t.Cleanup(func() { close(release); srv.Close() })
		s, err := sns.New(t.Context(), smsConfig(nil), sns.WithBaseEndpoint(srv.URL), sns.WithTimeout(200*time.Millisecond))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		start := time.Now()
		err = s.Send(t.Context(), regstack.SMSMessage{To: "+447700900123", Body: "code 123456"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Send = %v, want a deadline error", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Send returned after %v, want about the 200ms timeout", d)
		}
	})
}

func TestPublishWithoutCredentialsSendsNothing(t *testing.T) {
	awsEnv(t, false)
	fake := newFakeSNS(t, http.StatusOK, publishOK)
	s, err := sns.New(t.Context(), smsConfig(nil), sns.WithBaseEndpoint(fake.URL))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Send(t.Context(), regstack.SMSMessage{To: "+447700900123", Body: "code 123456"}); err == nil {
		t.Fatal("Send succeeded without credentials")
	}
	if n := len(fake.seen()); n != 0 {
		t.Errorf("SNS saw %d unsigned requests, want none", n)
	}
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if strings.Contains(err.Error(), secretKey) {
		t.Errorf("error %q reveals the secret key", err)
	}
}
