// Package awstest is an in-process fake of the few AWS operations the SES
// wizard calls, speaking their real wire protocols on loopback so the SDK
// is exercised end to end: STS GetCallerIdentity and SES v1 GetSendQuota
// (the Query protocol: a form POST, an XML answer, an XML ErrorResponse on
// failure) and SES v2 GetAccount, GetEmailIdentity and SendEmail (REST
// JSON; failures carry the x-amzn-ErrorType header and a JSON message).
//
// Point the SDK at it with the per-service endpoint variables of SDKEnv.
// Every request is recorded with the access key that signed it; every
// failure mode is a field of Behaviour. SendEmail can be forwarded to the
// SES v2 emulator that scripts/services.d/40-ses.sh starts, so the test
// message really lands somewhere.
package awstest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Fault is an error answer in AWS's own terms; the server renders it in
// the protocol of the operation it fails.
type Fault struct {
	// Status is the HTTP status, e.g. 403.
	Status int
	// Code is the AWS error code: "AccessDenied" in the Query APIs,
	// "AccessDeniedException" in SES v2.
	Code    string
	Message string
}

// AccessDenied is the Query APIs' (STS, SES v1) answer to a caller whose
// IAM policy does not allow action, e.g. "ses:GetSendQuota".
func AccessDenied(action string) *Fault {
	return &Fault{Status: http.StatusForbidden, Code: "AccessDenied", Message: denied(action)}
}

// AccessDeniedException is SES v2's answer to a caller whose IAM policy
// does not allow action, e.g. "ses:GetAccount".
func AccessDeniedException(action string) *Fault {
	return &Fault{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: denied(action)}
}

// InvalidClientTokenID is STS's answer to an access key it does not know.
func InvalidClientTokenID() *Fault {
	return &Fault{Status: http.StatusForbidden, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
}

// MessageRejected is SES v2's answer to a send from or to an address the
// account may not use, e.g. an unverified recipient in the sandbox.
func MessageRejected(address string) *Fault {
	return &Fault{
		Status:  http.StatusBadRequest,
		Code:    "MessageRejected",
		Message: "Email address is not verified. The following identities failed the check in region EU-WEST-1: " + address,
	}
}

func denied(action string) string {
	return "User: " + DefaultARN + " is not authorized to perform: " + action + " because no identity-based policy allows the " + action + " action"
}

// What a well-behaved fake answers.
const (
	DefaultAccount = "123456789012"
	DefaultARN     = "arn:aws:iam::123456789012:user/regstack-wizard"
	DefaultUserID  = "AIDAREGSTACKWIZARD0001"
)

// Behaviour scripts the fake; the zero value answers every call
// successfully: the caller is DefaultARN, no identity is known (SES v2
// answers NotFoundException), the account has production access, and
// sends are accepted with a made-up message id.
type Behaviour struct {
	// CallerIdentity fails GetCallerIdentity.
	CallerIdentity *Fault

	// Identities maps an SES identity (an address or a domain) to its
	// SES v2 VerificationStatus: "SUCCESS", "PENDING", "FAILED",
	// "TEMPORARY_FAILURE" or "NOT_STARTED". Others are not found.
	Identities map[string]string
	// EmailIdentity fails GetEmailIdentity.
	EmailIdentity *Fault

	// Sandbox makes GetAccount answer ProductionAccessEnabled false.
	Sandbox bool
	// OmitProductionAccess leaves ProductionAccessEnabled out of the
	// GetAccount answer.
	OmitProductionAccess bool
	// GetAccount fails GetAccount.
	GetAccount *Fault

	// Max24HourSend and MaxSendRate are GetSendQuota's answer; zero means
	// a production account's 50000 a day at 14 a second.
	Max24HourSend, MaxSendRate float64
	// GetSendQuota fails GetSendQuota.
	GetSendQuota *Fault

	// SendEmail fails SendEmail.
	SendEmail *Fault
	// Upstream, when set, is the SES v2 endpoint SendEmail is forwarded
	// to — the emulator of REGSTACK_TEST_SES_URL — whose answer is
	// passed back.
	Upstream string
}

// Call is one request the fake served.
type Call struct {
	// API is "sts", "ses" (v1) or "sesv2".
	API string
	// Operation is the AWS operation name, e.g. "GetCallerIdentity".
	Operation string
	// KeyID and Region come from the request's SigV4 signature.
	KeyID, Region string
	// Identity is GetEmailIdentity's identity.
	Identity string
}

// Message is one SendEmail request as the fake received it.
type Message struct {
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
}

// Server is a running fake.
type Server struct {
	// URL is the fake's origin, for every endpoint variable.
	URL string

	mu    sync.Mutex
	b     Behaviour
	calls []Call
	sent  []Message
	seq   int
}

// Start runs a fake with behaviour b until the test ends.
func Start(t testing.TB, b Behaviour) *Server {
	t.Helper()
	s := &Server{b: b}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// SetBehaviour replaces the behaviour for the calls that follow.
func (s *Server) SetBehaviour(b Behaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = b
}

// Calls returns the requests served so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Operations returns the operation names of Calls, in order.
func (s *Server) Operations() []string {
	var ops []string
	for _, c := range s.Calls() {
		ops = append(ops, c.Operation)
	}
	return ops
}

// Sent returns the SendEmail requests received so far, failed ones
// included.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.sent...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	keyID, region := signature(r.Header.Get("Authorization"))
	if r.Method == http.MethodPost && r.URL.Path == "/" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.serveQuery(w, form.Get("Action"), keyID, region)
		return
	}
	s.serveV2(w, r, body, keyID, region)
}

// serveQuery answers the Query protocol's operations.
func (s *Server) serveQuery(w http.ResponseWriter, action, keyID, region string) {
	s.mu.Lock()
	b := s.b
	call := Call{Operation: action, KeyID: keyID, Region: region}
	switch action {
	case "GetCallerIdentity":
		call.API = "sts"
	default:
		call.API = "ses"
	}
	s.calls = append(s.calls, call)
	s.mu.Unlock()

	switch action {
	case "GetCallerIdentity":
		const ns = "https://sts.amazonaws.com/doc/2011-06-15/"
		if b.CallerIdentity != nil {
			queryFault(w, ns, b.CallerIdentity)
			return
		}
		writeXML(w, fmt.Sprintf(`<GetCallerIdentityResponse xmlns="%s">
  <GetCallerIdentityResult>
    <Arn>%s</Arn>
    <UserId>%s</UserId>
    <Account>%s</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>%s</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`, ns, DefaultARN, DefaultUserID, DefaultAccount, requestID))
	case "GetSendQuota":
		const ns = "http://ses.amazonaws.com/doc/2010-12-01/"
		if b.GetSendQuota != nil {
			queryFault(w, ns, b.GetSendQuota)
			return
		}
		max24, rate := b.Max24HourSend, b.MaxSendRate
		if max24 == 0 && rate == 0 {
			max24, rate = 50000, 14
		}
		writeXML(w, fmt.Sprintf(`<GetSendQuotaResponse xmlns="%s">
  <GetSendQuotaResult>
    <SentLast24Hours>0.0</SentLast24Hours>
    <Max24HourSend>%.1f</Max24HourSend>
    <MaxSendRate>%.1f</MaxSendRate>
  </GetSendQuotaResult>
  <ResponseMetadata>
    <RequestId>%s</RequestId>
  </ResponseMetadata>
</GetSendQuotaResponse>
`, ns, max24, rate, requestID))
	default:
		queryFault(w, "https://sts.amazonaws.com/doc/2011-06-15/", &Fault{
			Status: http.StatusBadRequest, Code: "InvalidAction",
			Message: "Could not find operation " + action + " for version 2011-06-15",
		})
	}
}

// serveV2 answers SES v2's REST operations.
func (s *Server) serveV2(w http.ResponseWriter, r *http.Request, body []byte, keyID, region string) {
	call := Call{API: "sesv2", KeyID: keyID, Region: region}
	path := r.URL.EscapedPath()
	switch {
	case r.Method == http.MethodGet && path == "/v2/email/account":
		call.Operation = "GetAccount"
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v2/email/identities/"):
		call.Operation = "GetEmailIdentity"
		call.Identity, _ = url.PathUnescape(strings.TrimPrefix(path, "/v2/email/identities/"))
	case r.Method == http.MethodPost && path == "/v2/email/outbound-emails":
		call.Operation = "SendEmail"
	default:
		restFault(w, &Fault{Status: http.StatusNotFound, Code: "UnknownOperationException", Message: "Unknown operation " + r.Method + " " + path})
		return
	}
	s.mu.Lock()
	b := s.b
	s.calls = append(s.calls, call)
	s.mu.Unlock()

	switch call.Operation {
	case "GetAccount":
		if b.GetAccount != nil {
			restFault(w, b.GetAccount)
			return
		}
		account := map[string]any{
			"DedicatedIpAutoWarmupEnabled": false,
			"EnforcementStatus":            "HEALTHY",
			"SendingEnabled":               true,
			"SendQuota":                    map[string]float64{"Max24HourSend": 50000, "MaxSendRate": 14, "SentLast24Hours": 0},
		}
		if !b.OmitProductionAccess {
			account["ProductionAccessEnabled"] = !b.Sandbox
		}
		writeJSON(w, http.StatusOK, account)
	case "GetEmailIdentity":
		if b.EmailIdentity != nil {
			restFault(w, b.EmailIdentity)
			return
		}
		status, ok := b.Identities[call.Identity]
		if !ok {
			restFault(w, &Fault{Status: http.StatusNotFound, Code: "NotFoundException", Message: "Email identity " + call.Identity + " does not exist."})
			return
		}
		kind := "DOMAIN"
		if strings.Contains(call.Identity, "@") {
			kind = "EMAIL_ADDRESS"
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"IdentityType":             kind,
			"FeedbackForwardingStatus": true,
			"VerifiedForSendingStatus": status == "SUCCESS",
			"VerificationStatus":       status,
			"Policies":                 map[string]string{},
			"Tags":                     []any{},
		})
	case "SendEmail":
		s.record(body)
		switch {
		case b.SendEmail != nil:
			restFault(w, b.SendEmail)
		case b.Upstream != "":
			target, err := url.Parse(b.Upstream)
			if err != nil {
				restFault(w, &Fault{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, r)
		default:
			s.mu.Lock()
			s.seq++
			id := fmt.Sprintf("0100018f-fake-%04d-0000-000000000000-000000", s.seq)
			s.mu.Unlock()
			writeJSON(w, http.StatusOK, map[string]string{"MessageId": id})
		}
	}
}

// record notes a SendEmail request's message.
func (s *Server) record(body []byte) {
	var in struct {
		FromEmailAddress string
		Destination      struct{ ToAddresses []string }
		Content          struct {
			Simple struct {
				Subject struct{ Data string }
				Body    struct {
					Text struct{ Data string }
					HTML struct{ Data string } `json:"Html"`
				}
			}
		}
	}
	_ = json.Unmarshal(body, &in)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, Message{
		From:    in.FromEmailAddress,
		To:      in.Destination.ToAddresses,
		Subject: in.Content.Simple.Subject.Data,
		Text:    in.Content.Simple.Body.Text.Data,
		HTML:    in.Content.Simple.Body.HTML.Data,
	})
}

// requestID is the x-amzn-RequestId of every answer.
const requestID = "a1b2c3d4-0000-4000-8000-00000000f00d"

func writeXML(w http.ResponseWriter, doc string) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", requestID)
	_, _ = io.WriteString(w, doc)
}

// queryFault writes the Query protocol's ErrorResponse document.
func queryFault(w http.ResponseWriter, ns string, f *Fault) {
	var msg bytes.Buffer
	_ = xml.EscapeText(&msg, []byte(f.Message))
	kind := "Sender"
	if f.Status >= 500 {
		kind = "Receiver"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", requestID)
	w.WriteHeader(f.Status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="%s">
  <Error>
    <Type>%s</Type>
    <Code>%s</Code>
    <Message>%s</Message>
  </Error>
  <RequestId>%s</RequestId>
</ErrorResponse>
`, ns, kind, f.Code, msg.String(), requestID)
}

// restFault writes a REST JSON error as AWS does: the code in
// x-amzn-ErrorType (followed by a namespace the SDK strips), the message in
// the body.
func restFault(w http.ResponseWriter, f *Fault) {
	w.Header().Set("x-amzn-ErrorType", f.Code+":http://internal.amazon.com/coral/com.amazonaws.sesv2/")
	writeJSON(w, f.Status, map[string]string{"message": f.Message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", requestID)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// signature reads the access key id and region of "AWS4-HMAC-SHA256
// Credential=<key id>/<date>/<region>/<service>/aws4_request, …".
func signature(h string) (keyID, region string) {
	_, rest, ok := strings.Cut(h, "Credential=")
	if !ok {
		return "", ""
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(scope, "/")
	if len(parts) != 5 {
		return "", ""
	}
	return parts[0], parts[2]
}

// Tripwire starts a server that fails t on any request: point the SDK at
// it to prove a code path makes no AWS call.
func Tripwire(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected AWS call: %s %s", r.Method, r.URL.Path)
		http.Error(w, "tripwire", http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Shared file names SDKEnv points the SDK at, inside its directory.
const (
	ConfigFile      = "config"
	CredentialsFile = "credentials"
)

// SDKEnv returns the environment ("KEY=value") under which an AWS SDK sees
// only what a test sets up: the shared config and credentials files in
// dir (created empty when missing, for the test to fill), no instance
// metadata service, no credentials, profile, region or endpoint of the
// machine's own, and every STS, SES and SES v2 call sent to endpoint.
func SDKEnv(dir, endpoint string) ([]string, error) {
	cfg, creds := filepath.Join(dir, ConfigFile), filepath.Join(dir, CredentialsFile)
	for _, f := range []string{cfg, creds} {
		fh, err := os.OpenFile(f, os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("awstest: %w", err)
		}
		fh.Close()
	}
	env := []string{
		"AWS_CONFIG_FILE=" + cfg,
		"AWS_SHARED_CREDENTIALS_FILE=" + creds,
		// Without an instance to ask, the metadata lookup at the end of
		// the default chain would only slow a failing test down.
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_STS=" + endpoint,
		"AWS_ENDPOINT_URL_SES=" + endpoint,
		"AWS_ENDPOINT_URL_SESV2=" + endpoint,
	}
	// Empty counts as unset for the SDK.
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_ACCESS_KEY", "AWS_SECRET_KEY",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	} {
		env = append(env, k+"=")
	}
	return env, nil
}

// Setenv applies env ("KEY=value" entries) to t's environment for the
// rest of the test.
func Setenv(t testing.TB, env []string) {
	t.Helper()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}
