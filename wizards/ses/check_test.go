package ses_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/regstack/regstack/wizards/ses"
	"github.com/regstack/regstack/wizards/ses/awstest"
)

// answerJSON is an Answer as the UI receives it.
func answerJSON(t *testing.T, a ses.Answer) map[string]any {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCheckRunsEachStepsProbeAfterItsRules(t *testing.T) {
	deniedAccount := "AccessDeniedException: User: " + awstest.DefaultARN +
		" is not authorized to perform: ses:GetAccount because no identity-based policy allows the ses:GetAccount action"
	tests := []struct {
		name    string
		b       awstest.Behaviour
		step    int
		in      ses.Inputs
		want    string // the answer's JSON
		wantOps []string
	}{
		{
			name:    "step 3 shows whom the credentials resolve to",
			step:    3,
			in:      valid(),
			want:    `{"ok":true,"errors":[],"aws":{"credential_ok":true,"account_id":"123456789012","arn":"arn:aws:iam::123456789012:user/regstack-wizard","error":null}}`,
			wantOps: []string{"GetCallerIdentity"},
		},
		{
			name: "step 3 blocks on credentials STS refuses",
			b:    awstest.Behaviour{CallerIdentity: awstest.InvalidClientTokenID()},
			step: 3,
			in:   valid(),
			want: `{"ok":false,"errors":[{"field":"credential_source","message":"Credentials did not resolve: InvalidClientTokenId: The security token included in the request is invalid."}],` +
				`"aws":{"credential_ok":false,"account_id":"","arn":"","error":"InvalidClientTokenId: The security token included in the request is invalid."}}`,
			wantOps: []string{"GetCallerIdentity"},
		},
		{
			name: "step 3 asks nothing of AWS while the shape is wrong",
			step: 3,
			in:   with(func(in *ses.Inputs) { in.CredentialSource = "profile" }),
			want: `{"ok":false,"errors":[{"field":"ses_profile","message":"Profile name is required."}]}`,
		},
		{
			name:    "step 4 passes a verified domain",
			b:       awstest.Behaviour{Identities: map[string]string{"app.example.com": "SUCCESS"}},
			step:    4,
			in:      valid(),
			want:    `{"ok":true,"errors":[],"aws":{"address_status":"unknown","domain_status":"verified","verified":true,"error":null}}`,
			wantOps: []string{"GetEmailIdentity", "GetEmailIdentity"},
		},
		{
			name: "step 4 blocks on a sender SES has not verified",
			b:    awstest.Behaviour{Identities: map[string]string{"app.example.com": "PENDING"}},
			step: 4,
			in:   with(func(in *ses.Inputs) { in.FromAddress = " noreply@app.example.com " }),
			want: `{"ok":false,"errors":[{"field":"from_address","message":"Neither noreply@app.example.com nor its domain is verified in SES in this region. Verify in the AWS console and retry."}],` +
				`"aws":{"address_status":"unknown","domain_status":"pending","verified":false,"error":null}}`,
			wantOps: []string{"GetEmailIdentity", "GetEmailIdentity"},
		},
		{
			name:    "step 4 shows but does not block on a lookup AWS denies",
			b:       awstest.Behaviour{EmailIdentity: awstest.AccessDeniedException("ses:GetEmailIdentity")},
			step:    4,
			in:      valid(),
			want:    `{"ok":true,"errors":[],"aws":{"address_status":"unknown","domain_status":"unknown","verified":false,"error":"AccessDeniedException: User: arn:aws:iam::123456789012:user/regstack-wizard is not authorized to perform: ses:GetEmailIdentity because no identity-based policy allows the ses:GetEmailIdentity action"}}`,
			wantOps: []string{"GetEmailIdentity", "GetEmailIdentity"},
		},
		{
			name: "step 4 asks nothing of AWS for a malformed sender",
			step: 4,
			in:   with(func(in *ses.Inputs) { in.FromAddress = "noreply" }),
			want: `{"ok":false,"errors":[{"field":"from_address","message":"Sender must look like noreply@your-domain.example."}]}`,
		},
		{
			name:    "step 5 passes an account with production access",
			step:    5,
			in:      valid(),
			want:    `{"ok":true,"errors":[],"aws":{"in_sandbox":false,"detection":"api","error":null}}`,
			wantOps: []string{"GetAccount"},
		},
		{
			name: "step 5 blocks on a sandboxed account until attested",
			b:    awstest.Behaviour{Sandbox: true},
			step: 5,
			in:   valid(),
			want: `{"ok":false,"errors":[{"field":"sandbox_attested","message":"This account is in the SES sandbox. Tick the attestation checkbox to confirm you understand the limitations before continuing."}],` +
				`"aws":{"in_sandbox":true,"detection":"api","error":null}}`,
			wantOps: []string{"GetAccount"},
		},
		{
			name:    "step 5 passes a sandboxed account once attested",
			b:       awstest.Behaviour{Sandbox: true},
			step:    5,
			in:      with(func(in *ses.Inputs) { in.AWSInSandbox, in.SandboxAttested = true, true }),
			want:    `{"ok":true,"errors":[],"aws":{"in_sandbox":true,"detection":"api","error":null}}`,
			wantOps: []string{"GetAccount"},
		},
		{
			name: "step 5 refuses an unticked attestation without asking AWS again",
			b:    awstest.Behaviour{Sandbox: true},
			step: 5,
			in:   with(func(in *ses.Inputs) { in.AWSInSandbox = true }),
			want: `{"ok":false,"errors":[{"field":"sandbox_attested","message":"Tick the checkbox to confirm you understand the sandbox limitations."}]}`,
		},
		{
			name:    "step 5 detects the sandbox from the quota when GetAccount is denied",
			b:       awstest.Behaviour{GetAccount: awstest.AccessDeniedException("ses:GetAccount"), Max24HourSend: 200, MaxSendRate: 1},
			step:    5,
			in:      valid(),
			want:    `{"ok":false,"errors":[{"field":"sandbox_attested","message":"This account is in the SES sandbox. Tick the attestation checkbox to confirm you understand the limitations before continuing."}],"aws":{"in_sandbox":true,"detection":"quota_heuristic","error":null}}`,
			wantOps: []string{"GetAccount", "GetSendQuota"},
		},
		{
			name: "step 5 proceeds with an advisory when AWS denies both ways of telling",
			b:    awstest.Behaviour{GetAccount: awstest.AccessDeniedException("ses:GetAccount"), GetSendQuota: awstest.AccessDenied("ses:GetSendQuota")},
			step: 5,
			in:   valid(),
			want: `{"ok":true,"errors":[],"warnings":[{"field":"_form","message":"Could not determine SES sandbox state (likely an IAM policy denying ses:GetAccount). The wizard will proceed; verify the account is graduated out of sandbox before relying on email in prod."}],` +
				`"aws":{"in_sandbox":false,"detection":"unknown","error":` + jsonString(deniedAccount) + `}}`,
			wantOps: []string{"GetAccount", "GetSendQuota"},
		},
		{
			name:    "step 6 sends the test message to the sender by default",
			step:    6,
			in:      valid(),
			want:    `{"ok":true,"errors":[],"aws":{"send_ok":true,"message_id":"0100018f-fake-0001-0000-000000000000-000000","error":null}}`,
			wantOps: []string{"SendEmail"},
		},
		{
			name: "step 6 blocks on a send SES rejects",
			b:    awstest.Behaviour{SendEmail: awstest.MessageRejected("me@example.org")},
			step: 6,
			in:   with(func(in *ses.Inputs) { in.TestRecipient = "me@example.org" }),
			want: `{"ok":false,"errors":[{"field":"test_recipient","message":"SES rejected the send: MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: me@example.org"}],` +
				`"aws":{"send_ok":false,"message_id":"","error":"MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: me@example.org"}}`,
			wantOps: []string{"SendEmail"},
		},
		{
			name: "step 6 sends nothing when skipped",
			step: 6,
			in:   with(func(in *ses.Inputs) { in.SkipTestSend = true }),
			want: `{"ok":true,"errors":[]}`,
		},
		{
			name: "step 2 never asks AWS",
			step: 2,
			in:   valid(),
			want: `{"ok":true,"errors":[]}`,
		},
		{
			name: "the review step never asks AWS",
			step: 7,
			in:   valid(),
			want: `{"ok":true,"errors":[]}`,
		},
		{
			name: "the write step reports where to go back to",
			step: 8,
			in:   with(func(in *ses.Inputs) { in.FromAddress = "" }),
			want: `{"ok":false,"errors":[{"field":"from_address","message":"Sender address is required."}],"jump_to":4}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeAWS(t, tt.b)
			got := ses.Check(t.Context(), ses.AWS{}, tt.step, tt.in)
			var want map[string]any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatalf("bad want: %v", err)
			}
			if g := answerJSON(t, got); !reflect.DeepEqual(g, want) {
				b, _ := json.Marshal(got)
				t.Errorf("answer =\n%s\nwant\n%s", b, tt.want)
			}
			if ops := srv.Operations(); !reflect.DeepEqual(ops, tt.wantOps) {
				t.Errorf("AWS operations = %v, want %v", ops, tt.wantOps)
			}
		})
	}
}

func TestCheckProbesTheRegionAskedFor(t *testing.T) {
	tests := []struct {
		name   string
		region string
		want   string
	}{
		{"a chosen region, trimmed", " ap-south-1 ", "ap-south-1"},
		{"us-east-1 while none is chosen", "", "us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeAWS(t, awstest.Behaviour{})
			in := valid()
			in.SESRegion = tt.region
			ses.Check(t.Context(), ses.AWS{}, 3, in)
			if c := srv.Calls(); len(c) != 1 || c[0].Region != tt.want {
				t.Errorf("calls = %+v, want one in %s", c, tt.want)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
