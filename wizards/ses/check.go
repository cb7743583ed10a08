package ses

import (
	"context"
	"fmt"
	"strings"
)

// Messages of the AWS checks (cli.md §13.3).
const (
	msgCredentials   = "Credentials did not resolve: %s"
	msgUnverified    = "Neither %s nor its domain is verified in SES in this region. Verify in the AWS console and retry."
	msgInSandbox     = "This account is in the SES sandbox. Tick the attestation checkbox to confirm you understand the limitations before continuing."
	msgUndetermined  = "Could not determine SES sandbox state (likely an IAM policy denying ses:GetAccount). The wizard will proceed; verify the account is graduated out of sandbox before relying on email in prod."
	msgSendRejected  = "SES rejected the send: %s"
	testSendSubject  = "regstack SES wizard — test send"
	testSendTextBody = "This is a test message from the `regstack ses setup` wizard.\nIf you can read it, your SES configuration is working.\n"
)

// Answer is the step-validate answer (cli.md §10.3): OK is false when a
// rule or a probe failed; AWS is the probe's result, when one ran.
type Answer struct {
	OK       bool         `json:"ok"`
	Errors   []FieldError `json:"errors"`
	JumpTo   *int         `json:"jump_to,omitempty"`
	Warnings []FieldError `json:"warnings,omitempty"`
	AWS      any          `json:"aws,omitempty"`
}

// Check validates step of the wizard for the UI's Next: the synchronous
// rules first and, only when they pass, the step's AWS probe through p —
// STS at step 3, the sender's identities at 4, the sandbox at 5 and the
// test send at 6 (unless skipped). A failed probe turns the answer's OK
// false with the message of cli.md §13.3, except where that table says it
// does not block: a failed identity lookup, and a sandbox state nobody
// could determine (a warning).
func Check(ctx context.Context, p Prober, step int, in Inputs) Answer {
	r := ValidateStep(step, in)
	a := Answer{OK: r.OK(), Errors: r.Errors, JumpTo: r.JumpTo}
	if a.Errors == nil {
		a.Errors = []FieldError{}
	}
	if !a.OK {
		return a
	}
	block := func(field, message string) {
		a.OK = false
		a.Errors = append(a.Errors, FieldError{Field: field, Message: message})
	}
	switch step {
	case stepCredentials:
		res := p.CallerIdentity(ctx, in.Target())
		a.AWS = res
		if !res.OK {
			block("credential_source", fmt.Sprintf(msgCredentials, res.Error))
		}
	case stepSender:
		from := strings.TrimSpace(in.FromAddress)
		res := p.SenderIdentity(ctx, in.Target(), from)
		a.AWS = res
		// A lookup AWS refused (AccessDenied) proves nothing either way:
		// it is shown, and the test send will tell.
		if !res.Verified && res.Error == "" {
			block("from_address", fmt.Sprintf(msgUnverified, from))
		}
	case stepSandbox:
		res := p.Sandbox(ctx, in.Target())
		a.AWS = res
		if res.Detection == DetectionUnknown {
			a.Warnings = append(a.Warnings, FieldError{Field: FormField, Message: msgUndetermined})
		}
		if res.InSandbox && !in.SandboxAttested {
			block("sandbox_attested", msgInSandbox)
		}
	case stepTestSend:
		if in.SkipTestSend {
			break
		}
		res := p.TestSend(ctx, in.Target(), strings.TrimSpace(in.FromAddress), in.recipient())
		a.AWS = res
		if !res.OK {
			block("test_recipient", fmt.Sprintf(msgSendRejected, res.Error))
		}
	}
	return a
}
