package ses

import (
	"context"
	"encoding/json"
)

// Prober asks AWS what the wizard needs to know (cli.md §13.3). AWS is the
// SDK implementation; the engine takes the interface so its tests can count
// and script the answers. A method never fails: what went wrong is in the
// result's Error, as "<error type>: <message>", at most 400 characters.
type Prober interface {
	// CallerIdentity resolves t's credentials with STS GetCallerIdentity.
	CallerIdentity(ctx context.Context, t Target) CallerIdentity
	// SenderIdentity reports the SES verification status of from and of
	// its lower-cased domain in t.Region.
	SenderIdentity(ctx context.Context, t Target, from string) SenderIdentity
	// Sandbox reports whether the account is in the SES sandbox in
	// t.Region.
	Sandbox(ctx context.Context, t Target) Sandbox
	// TestSend sends the wizard's test message from from to to.
	TestSend(ctx context.Context, t Target, from, to string) TestSend
}

// CallerIdentity is the step-3 probe's answer; it is the `aws` object of
// the step-validate answer as it is.
type CallerIdentity struct {
	OK        bool     `json:"credential_ok"`
	AccountID string   `json:"account_id"`
	ARN       string   `json:"arn"`
	Error     Nullable `json:"error"`
}

// Identity verification states (cli.md §13.3).
const (
	StatusVerified = "verified"
	StatusPending  = "pending"
	StatusFailed   = "failed"
	StatusUnknown  = "unknown"
)

// SenderIdentity is the step-4 probe's answer.
type SenderIdentity struct {
	// AddressStatus and DomainStatus are StatusVerified, StatusPending,
	// StatusFailed or StatusUnknown (no such identity, or the lookup
	// failed).
	AddressStatus string `json:"address_status"`
	DomainStatus  string `json:"domain_status"`
	// Verified is true when either is verified: SES sends from a
	// verified address, or from any address of a verified domain.
	Verified bool     `json:"verified"`
	Error    Nullable `json:"error"`
}

// How the sandbox state was learned.
const (
	// DetectionAPI: SES v2 GetAccount's ProductionAccessEnabled.
	DetectionAPI = "api"
	// DetectionQuota: GetSendQuota, a sandbox's 200 a day at 1 a second.
	DetectionQuota = "quota_heuristic"
	// DetectionUnknown: both calls failed; counted as not in sandbox,
	// with an advisory.
	DetectionUnknown = "unknown"
)

// Sandbox is the step-5 probe's answer.
type Sandbox struct {
	InSandbox bool     `json:"in_sandbox"`
	Detection string   `json:"detection"`
	Error     Nullable `json:"error"`
}

// TestSend is the step-6 probe's answer.
type TestSend struct {
	OK        bool     `json:"send_ok"`
	MessageID string   `json:"message_id"`
	Error     Nullable `json:"error"`
}

// Nullable is a string that is JSON null when empty: the UI tells "no
// error" from an error by it.
type Nullable string

// MarshalJSON writes null for "" and the string otherwise.
func (n Nullable) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(n))
}
