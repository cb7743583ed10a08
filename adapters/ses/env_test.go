package ses_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// emulatorURL is the SES v2 emulator scripts/services.d/40-ses.sh started.
func emulatorURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("REGSTACK_TEST_SES_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("REGSTACK_TEST_SES_URL is not set; scripts/services.d/40-ses.sh starts the SES emulator")
		}
		t.Skip("REGSTACK_TEST_SES_URL is not set; run under scripts/services.sh to start the SES emulator")
	}
	return u
}

// awsHome points the AWS SDK at empty shared files in a temp dir and
// clears every environment variable that could hand it credentials, a
// profile, a region or an endpoint, so a test sees only what it sets up
// and never the machine's own AWS setup. It returns the paths of the
// shared config and credentials files for the test to fill.
func awsHome(t *testing.T) (configFile, credentialsFile string) {
	t.Helper()
	dir := t.TempDir()
	configFile = filepath.Join(dir, "config")
	credentialsFile = filepath.Join(dir, "credentials")
	for _, f := range []string{configFile, credentialsFile} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credentialsFile)
	// Without an instance to ask, the metadata lookup at the end of the
	// default chain would only slow a failing test down.
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_ACCESS_KEY", "AWS_SECRET_KEY",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SESV2", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return configFile, credentialsFile
}

// signature is what one request's SigV4 Authorization header says about
// who signed it and for where.
type signature struct {
	KeyID, Region, Service string
}

// recorder is a reverse proxy in front of the emulator that notes the
// signature of every request passing through it.
type recorder struct {
	URL string

	mu   sync.Mutex
	sigs []signature
}

func newRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.sigs = append(rec.sigs, parseSignature(r.Header.Get("Authorization")))
		rec.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rec.URL = srv.URL
	return rec
}

func (r *recorder) signatures() []signature {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]signature(nil), r.sigs...)
}

// parseSignature reads "AWS4-HMAC-SHA256 Credential=<key id>/<date>/
// <region>/<service>/aws4_request, SignedHeaders=…, Signature=…".
func parseSignature(h string) signature {
	_, rest, ok := strings.Cut(h, "Credential=")
	if !ok {
		return signature{}
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(scope, "/")
	if len(parts) != 5 {
		return signature{}
	}
	return signature{KeyID: parts[0], Region: parts[2], Service: parts[3]}
}

// storedEmail is one message as the emulator's GET /store reports it.
type storedEmail struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		HTML string `json:"html"`
		Text string `json:"text"`
	} `json:"body"`
}

// delivered returns the messages the emulator holds for recipient. The
// emulator is shared by every test, so each test uses its own recipient.
func delivered(t *testing.T, emulator, recipient string) []storedEmail {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(emulator + "/store")
	if err != nil {
		t.Fatalf("read the emulator's store: %v", err)
	}
	defer resp.Body.Close()
	var store struct {
		Emails []storedEmail `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		t.Fatalf("decode the emulator's store: %v", err)
	}
	var out []storedEmail
	for _, e := range store.Emails {
		for _, to := range e.Destination.To {
			if to == recipient {
				out = append(out, e)
			}
		}
	}
	return out
}

// recipient is an address no other test sends to.
func recipient(t *testing.T) string {
	t.Helper()
	slug := strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	return fmt.Sprintf("%s-%d@example.com", slug, time.Now().UnixNano())
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)
