package ses

import "strings"

// Credential sources (cli.md §13.1): where the runtime mailer gets its AWS
// credentials.
const (
	// SourceProfile is a named profile of the shared AWS files; writes
	// [email].ses_profile.
	SourceProfile = "profile"
	// SourceExplicit is a static key pair; writes [email].ses_access_key_id
	// and the secret to regstack.secrets.env.
	SourceExplicit = "explicit"
	// SourceChain is the SDK's default chain (environment, shared files,
	// container or instance role); writes neither.
	SourceChain = "chain"
)

// defaultProbeRegion is where the AWS probes go while no region is known.
const defaultProbeRegion = "us-east-1"

// Inputs is the accumulated wizard state the UI posts on every call
// (cli.md §13.1). Headless mode builds one from flags.
type Inputs struct {
	ExistingSES        bool   `json:"existing_ses"`
	ReplaceExisting    bool   `json:"replace_existing"`
	SESRegion          string `json:"ses_region"`
	CredentialSource   string `json:"credential_source"`
	SESProfile         string `json:"ses_profile"`
	SESAccessKeyID     string `json:"ses_access_key_id"`
	SESSecretAccessKey string `json:"ses_secret_access_key"`
	FromAddress        string `json:"from_address"`
	AWSInSandbox       bool   `json:"aws_in_sandbox"`
	SandboxAttested    bool   `json:"sandbox_attested"`
	TestRecipient      string `json:"test_recipient"`
	SkipTestSend       bool   `json:"skip_test_send"`
}

// InputsFrom reads a posted JSON object leniently, as the wizard API must
// (cli.md §10.3): a field of the wrong type counts as absent — a
// non-string as "", anything but true as false — so the validators report
// it instead of the request failing.
func InputsFrom(obj map[string]any) Inputs {
	str := func(k string) string {
		s, _ := obj[k].(string)
		return s
	}
	flag := func(k string) bool {
		b, _ := obj[k].(bool)
		return b
	}
	return Inputs{
		ExistingSES:        flag("existing_ses"),
		ReplaceExisting:    flag("replace_existing"),
		SESRegion:          str("ses_region"),
		CredentialSource:   str("credential_source"),
		SESProfile:         str("ses_profile"),
		SESAccessKeyID:     str("ses_access_key_id"),
		SESSecretAccessKey: str("ses_secret_access_key"),
		FromAddress:        str("from_address"),
		AWSInSandbox:       flag("aws_in_sandbox"),
		SandboxAttested:    flag("sandbox_attested"),
		TestRecipient:      str("test_recipient"),
		SkipTestSend:       flag("skip_test_send"),
	}
}

// Target is what an AWS probe needs: where, and as whom.
type Target struct {
	// Region is the trimmed ses_region, or us-east-1 while none is set.
	Region string
	// Source is SourceProfile, SourceExplicit or SourceChain.
	Source string
	// Profile, AccessKeyID and SecretAccessKey are used by their source
	// only.
	Profile, AccessKeyID, SecretAccessKey string
}

// Target returns where and as whom the AWS probes of these inputs run.
func (in Inputs) Target() Target {
	region := strings.TrimSpace(in.SESRegion)
	if region == "" {
		region = defaultProbeRegion
	}
	return Target{
		Region:          region,
		Source:          in.CredentialSource,
		Profile:         strings.TrimSpace(in.SESProfile),
		AccessKeyID:     strings.TrimSpace(in.SESAccessKeyID),
		SecretAccessKey: strings.TrimSpace(in.SESSecretAccessKey),
	}
}

// recipient is who the step-6 test send goes to: test_recipient, else the
// sender itself.
func (in Inputs) recipient() string {
	if r := strings.TrimSpace(in.TestRecipient); r != "" {
		return r
	}
	return strings.TrimSpace(in.FromAddress)
}

// Settings returns what these inputs write (cli.md §13.5): trimmed region
// and sender, and the trimmed credential fields of the chosen source.
func (in Inputs) Settings() Settings {
	s := Settings{
		Region:      strings.TrimSpace(in.SESRegion),
		FromAddress: strings.TrimSpace(in.FromAddress),
		Source:      in.CredentialSource,
	}
	if s.Source == "" {
		s.Source = SourceChain
	}
	switch s.Source {
	case SourceProfile:
		s.Profile = strings.TrimSpace(in.SESProfile)
	case SourceExplicit:
		s.AccessKeyID = strings.TrimSpace(in.SESAccessKeyID)
		s.SecretAccessKey = strings.TrimSpace(in.SESSecretAccessKey)
	}
	return s
}
