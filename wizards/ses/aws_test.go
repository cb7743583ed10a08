package ses_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/regstack/regstack/wizards/ses"
	"github.com/regstack/regstack/wizards/ses/awstest"
)

// Keys the tests sign with; none is ever a real credential.
const (
	envKeyID      = "AKIAENVIRONMENT"
	profileKeyID  = "AKIANAMEDPROFILE"
	explicitKeyID = "AKIAEXPLICIT"
	secretKey     = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// fakeAWS starts a wire fake with behaviour b, points the SDK of this
// process at it, isolated from the machine's own AWS set-up, and makes
// the default chain find envKeyID in the environment. The shared files
// hold one profile, "dev", signing as profileKeyID.
func fakeAWS(t *testing.T, b awstest.Behaviour) *awstest.Server {
	t.Helper()
	srv := awstest.Start(t, b)
	home := t.TempDir()
	env, err := awstest.SDKEnv(home, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	awstest.Setenv(t, env)
	t.Setenv("AWS_ACCESS_KEY_ID", envKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
	creds := "[dev]\naws_access_key_id = " + profileKeyID + "\naws_secret_access_key = " + secretKey + "\n"
	if err := os.WriteFile(filepath.Join(home, awstest.CredentialsFile), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv
}

var (
	chain    = ses.Target{Region: "eu-west-1", Source: ses.SourceChain}
	profile  = ses.Target{Region: "eu-west-1", Source: ses.SourceProfile, Profile: "dev"}
	explicit = ses.Target{Region: "eu-west-1", Source: ses.SourceExplicit, AccessKeyID: explicitKeyID, SecretAccessKey: secretKey}
)

func TestAWSCallerIdentitySignsWithTheChosenSource(t *testing.T) {
	tests := []struct {
		name   string
		target ses.Target
		want   string
	}{
		{"the default chain signs with the environment's key", chain, envKeyID},
		{"a named profile signs with the profile's key", profile, profileKeyID},
		{"an explicit pair signs with that key, whatever the environment holds", explicit, explicitKeyID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeAWS(t, awstest.Behaviour{})
			got := ses.AWS{}.CallerIdentity(t.Context(), tt.target)
			want := ses.CallerIdentity{OK: true, AccountID: awstest.DefaultAccount, ARN: awstest.DefaultARN}
			if got != want {
				t.Errorf("CallerIdentity = %+v, want %+v", got, want)
			}
			calls := srv.Calls()
			if len(calls) != 1 || calls[0].Operation != "GetCallerIdentity" || calls[0].KeyID != tt.want || calls[0].Region != "eu-west-1" {
				t.Errorf("calls = %+v, want one GetCallerIdentity signed by %s in eu-west-1", calls, tt.want)
			}
		})
	}
}

func TestAWSCallerIdentityFailures(t *testing.T) {
	tests := []struct {
		name      string
		b         awstest.Behaviour
		target    ses.Target
		setup     func(t *testing.T)
		wantError string // prefix
		wantCalls int
	}{
		{
			name:      "a key STS does not know is its InvalidClientTokenId",
			b:         awstest.Behaviour{CallerIdentity: awstest.InvalidClientTokenID()},
			target:    explicit,
			wantError: "InvalidClientTokenId: The security token included in the request is invalid.",
			wantCalls: 1,
		},
		{
			name:      "a denied call is AccessDenied with AWS's message",
			b:         awstest.Behaviour{CallerIdentity: awstest.AccessDenied("sts:GetCallerIdentity")},
			target:    chain,
			wantError: "AccessDenied: User: " + awstest.DefaultARN + " is not authorized to perform: sts:GetCallerIdentity",
			wantCalls: 1,
		},
		{
			name:      "a profile the shared files lack fails before any call",
			target:    ses.Target{Region: "eu-west-1", Source: ses.SourceProfile, Profile: "nope"},
			wantError: "ProfileNotFound: ",
		},
		{
			name:   "a chain that finds no credentials fails before any call",
			target: chain,
			setup: func(t *testing.T) {
				t.Setenv("AWS_ACCESS_KEY_ID", "")
				t.Setenv("AWS_SECRET_ACCESS_KEY", "")
			},
			wantError: "NoCredentialsError: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeAWS(t, tt.b)
			if tt.setup != nil {
				tt.setup(t)
			}
			got := ses.AWS{}.CallerIdentity(t.Context(), tt.target)
			if got.OK || !strings.HasPrefix(string(got.Error), tt.wantError) {
				t.Errorf("CallerIdentity = %+v, want a failure starting %q", got, tt.wantError)
			}
			if n := len(srv.Calls()); n != tt.wantCalls {
				t.Errorf("%d calls reached AWS, want %d", n, tt.wantCalls)
			}
			if strings.Contains(string(got.Error), secretKey) {
				t.Error("the error names the secret key")
			}
		})
	}
}

func TestAWSCallerIdentityAnUnreachableEndpointIsAConnectionError(t *testing.T) {
	fakeAWS(t, awstest.Behaviour{})
	t.Setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1")
	got := ses.AWS{Timeout: 5 * time.Second}.CallerIdentity(t.Context(), chain)
	if got.OK || !strings.HasPrefix(string(got.Error), "EndpointConnectionError: ") {
		t.Errorf("CallerIdentity = %+v, want an EndpointConnectionError", got)
	}
}

func TestAWSSenderIdentity(t *testing.T) {
	tests := []struct {
		name       string
		b          awstest.Behaviour
		from       string
		want       ses.SenderIdentity
		wantLookup []string
	}{
		{
			name: "a verified address is verified though its domain is unknown",
			b:    awstest.Behaviour{Identities: map[string]string{"noreply@example.com": "SUCCESS"}},
			from: "noreply@example.com",
			want: ses.SenderIdentity{AddressStatus: "verified", DomainStatus: "unknown", Verified: true},
		},
		{
			name: "a verified domain verifies any of its addresses",
			b:    awstest.Behaviour{Identities: map[string]string{"example.com": "SUCCESS"}},
			from: "noreply@example.com",
			want: ses.SenderIdentity{AddressStatus: "unknown", DomainStatus: "verified", Verified: true},
		},
		{
			name:       "the domain is looked up in lower case",
			b:          awstest.Behaviour{Identities: map[string]string{"example.com": "SUCCESS"}},
			from:       "NoReply@Example.COM",
			want:       ses.SenderIdentity{AddressStatus: "unknown", DomainStatus: "verified", Verified: true},
			wantLookup: []string{"NoReply@Example.COM", "example.com"},
		},
		{
			name: "pending and failed identities are not verified",
			b:    awstest.Behaviour{Identities: map[string]string{"noreply@example.com": "PENDING", "example.com": "FAILED"}},
			from: "noreply@example.com",
			want: ses.SenderIdentity{AddressStatus: "pending", DomainStatus: "failed"},
		},
		{
			name: "a temporary DNS failure and a verification not started are pending",
			b:    awstest.Behaviour{Identities: map[string]string{"noreply@example.com": "TEMPORARY_FAILURE", "example.com": "NOT_STARTED"}},
			from: "noreply@example.com",
			want: ses.SenderIdentity{AddressStatus: "pending", DomainStatus: "pending"},
		},
		{
			name: "identities SES does not know are unknown, without an error",
			from: "noreply@example.com",
			want: ses.SenderIdentity{AddressStatus: "unknown", DomainStatus: "unknown"},
		},
		{
			name: "a denied lookup is unknown with AWS's error",
			b:    awstest.Behaviour{EmailIdentity: awstest.AccessDeniedException("ses:GetEmailIdentity")},
			from: "noreply@example.com",
			want: ses.SenderIdentity{
				AddressStatus: "unknown", DomainStatus: "unknown",
				Error: ses.Nullable("AccessDeniedException: User: " + awstest.DefaultARN +
					" is not authorized to perform: ses:GetEmailIdentity because no identity-based policy allows the ses:GetEmailIdentity action"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeAWS(t, tt.b)
			got := ses.AWS{}.SenderIdentity(t.Context(), chain, tt.from)
			if got != tt.want {
				t.Errorf("SenderIdentity = %+v, want %+v", got, tt.want)
			}
			if tt.wantLookup != nil {
				var looked []string
				for _, c := range srv.Calls() {
					looked = append(looked, c.Identity)
				}
				if !reflect.DeepEqual(looked, tt.wantLookup) {
					t.Errorf("looked up %q, want %q", looked, tt.wantLookup)
				}
			}
		})
	}
}

func TestAWSSandbox(t *testing.T) {
	tests := []struct {
		name    string
		b       awstest.Behaviour
		want    ses.Sandbox
		wantOps []string
	}{
		{
			name:    "production access from GetAccount is out of the sandbox",
			want:    ses.Sandbox{Detection: "api"},
			wantOps: []string{"GetAccount"},
		},
		{
			name:    "no production access from GetAccount is the sandbox",
			b:       awstest.Behaviour{Sandbox: true},
			want:    ses.Sandbox{InSandbox: true, Detection: "api"},
			wantOps: []string{"GetAccount"},
		},
		{
			name:    "an answer without ProductionAccessEnabled counts as the sandbox",
			b:       awstest.Behaviour{OmitProductionAccess: true},
			want:    ses.Sandbox{InSandbox: true, Detection: "api"},
			wantOps: []string{"GetAccount"},
		},
		{
			name:    "a denied GetAccount falls back to the quota: 200 a day at 1 a second is the sandbox",
			b:       awstest.Behaviour{GetAccount: awstest.AccessDeniedException("ses:GetAccount"), Max24HourSend: 200, MaxSendRate: 1},
			want:    ses.Sandbox{InSandbox: true, Detection: "quota_heuristic"},
			wantOps: []string{"GetAccount", "GetSendQuota"},
		},
		{
			name:    "a raised daily quota is out of the sandbox",
			b:       awstest.Behaviour{GetAccount: awstest.AccessDeniedException("ses:GetAccount"), Max24HourSend: 50000, MaxSendRate: 1},
			want:    ses.Sandbox{Detection: "quota_heuristic"},
			wantOps: []string{"GetAccount", "GetSendQuota"},
		},
		{
			name:    "a raised send rate is out of the sandbox",
			b:       awstest.Behaviour{GetAccount: awstest.AccessDeniedException("ses:GetAccount"), Max24HourSend: 200, MaxSendRate: 14},
			want:    ses.Sandbox{Detection: "quota_heuristic"},
			wantOps: []string{"GetAccount", "GetSendQuota"},
		},
		{
			name: "both calls denied is undetermined, with GetAccount's error",
			b: awstest.Behaviour{
				GetAccount:   awstest.AccessDeniedException("ses:GetAccount"),
				GetSendQuota: awstest.AccessDenied("ses:GetSendQuota"),
			},
			want: ses.Sandbox{Detection: "unknown", Error: ses.Nullable("AccessDeniedException: User: " + awstest.DefaultARN +
				" is not authorized to perform: ses:GetAccount because no identity-based policy allows the ses:GetAccount action")},
			wantOps: []string{"GetAccount", "GetSendQuota"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeAWS(t, tt.b)
			got := ses.AWS{}.Sandbox(t.Context(), profile)
			if got != tt.want {
				t.Errorf("Sandbox = %+v, want %+v", got, tt.want)
			}
			if ops := srv.Operations(); !reflect.DeepEqual(ops, tt.wantOps) {
				t.Errorf("operations = %v, want %v", ops, tt.wantOps)
			}
			for _, c := range srv.Calls() {
				if c.KeyID != profileKeyID || c.Region != "eu-west-1" {
					t.Errorf("%s signed by %s in %s, want %s in eu-west-1", c.Operation, c.KeyID, c.Region, profileKeyID)
				}
			}
		})
	}
}

func TestAWSTestSend(t *testing.T) {
	t.Run("an accepted send returns SES's message id and sends the wizard's message", func(t *testing.T) {
		srv := fakeAWS(t, awstest.Behaviour{})
		got := ses.AWS{}.TestSend(t.Context(), explicit, "noreply@example.com", "me@example.org")
		if !got.OK || got.MessageID == "" || got.Error != "" {
			t.Fatalf("TestSend = %+v, want accepted with a message id", got)
		}
		want := []awstest.Message{{
			From:    "noreply@example.com",
			To:      []string{"me@example.org"},
			Subject: "regstack SES wizard — test send",
			Text:    "This is a test message from the `regstack ses setup` wizard.\nIf you can read it, your SES configuration is working.\n",
		}}
		if sent := srv.Sent(); !reflect.DeepEqual(sent, want) {
			t.Errorf("sent %+v, want %+v", sent, want)
		}
		if c := srv.Calls(); len(c) != 1 || c[0].KeyID != explicitKeyID {
			t.Errorf("calls = %+v, want one SendEmail signed by %s", c, explicitKeyID)
		}
	})
	t.Run("a rejected send is SES's MessageRejected", func(t *testing.T) {
		fakeAWS(t, awstest.Behaviour{SendEmail: awstest.MessageRejected("me@example.org")})
		got := ses.AWS{}.TestSend(t.Context(), chain, "noreply@example.com", "me@example.org")
		want := ses.TestSend{Error: "MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: me@example.org"}
		if got != want {
			t.Errorf("TestSend = %+v, want %+v", got, want)
		}
	})
}

func TestAWSErrorsAreCappedAt400Characters(t *testing.T) {
	long := strings.Repeat("é", 500) // two bytes each: the cut must not split one
	fakeAWS(t, awstest.Behaviour{CallerIdentity: &awstest.Fault{Status: 400, Code: "ValidationError", Message: long}})
	got := ses.AWS{}.CallerIdentity(t.Context(), chain)
	if n := len(got.Error); n > 400 || n < 398 {
		t.Errorf("error is %d bytes, want at most 400 and not much less", n)
	}
	if !strings.HasPrefix(string(got.Error), "ValidationError: éé") {
		t.Errorf("error = %.40q…, want it to start with the code and the message", got.Error)
	}
	if !strings.HasSuffix(string(got.Error), "é") {
		t.Error("the cut split a character")
	}
}
