package ses

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/regstack/regstack/wizards/configfile"
)

// NumSteps is how many steps the wizard has (cli.md §13.2), numbered 0–8.
const NumSteps = 9

// Steps that carry a rule or a probe (cli.md §13.2).
const (
	stepExisting    = 1
	stepRegion      = 2
	stepCredentials = 3
	stepSender      = 4
	stepSandbox     = 5
	stepTestSend    = 6
	stepReview      = 7
	stepWrite       = 8
)

// FormField is the field name of an error or warning about a whole step.
const FormField = "_form"

// Exact messages of cli.md §13.3 and §14.2.
const (
	msgReplace         = "Confirm you want to replace the existing SES configuration."
	msgRegionRequired  = "Region is required."
	msgRegionUnknown   = "'%s' is not a known SES region. Pick from us-east-1, eu-west-1, etc."
	msgSourceInvalid   = "Credential source must be one of profile, explicit, chain."
	msgProfileRequired = "Profile name is required."
	msgKeyIDRequired   = "Access key ID is required."
	msgSecretRequired  = "Secret access key is required."
	msgLineBreaks      = "Must not contain line breaks."
	msgSenderRequired  = "Sender address is required."
	msgSenderShape     = "Sender must look like noreply@your-domain.example."
	msgAttest          = "Tick the checkbox to confirm you understand the sandbox limitations."
	msgNoRecipient     = "Provide a recipient or tick 'skip test send'."
	msgRecipientShape  = "Recipient must be a valid email address."
)

// emailShape is the cheap address pre-filter of cli.md §13.3: it rejects
// the empty and the clearly wrong, and leaves the rest to SES.
var emailShape = regexp.MustCompile(`^[^@\s]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$`)

// FieldError is one message about one input; Field is FormField for the
// whole step.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Result is the outcome of the synchronous rules of a step or of the whole
// wizard. JumpTo, when not nil, is the step whose rule failed (full
// validation only).
type Result struct {
	Errors []FieldError
	JumpTo *int
}

// OK reports whether no rule failed.
func (r Result) OK() bool { return len(r.Errors) == 0 }

func fail(field, message string) Result {
	return Result{Errors: []FieldError{{Field: field, Message: message}}}
}

// ValidateStep runs the synchronous rules of step (0 to NumSteps-1) on in
// (cli.md §13.3); steps 7 and 8 run the full validation. The AWS probes of
// steps 3–6 are Check's business and run only when these rules pass. A step
// outside the range is reported on FormField.
func ValidateStep(step int, in Inputs) Result {
	switch step {
	case 0:
		return Result{}
	case stepExisting:
		return validateExisting(in)
	case stepRegion:
		return validateRegion(in)
	case stepCredentials:
		return validateCredentials(in)
	case stepSender:
		return validateSender(in)
	case stepSandbox:
		return validateSandbox(in)
	case stepTestSend:
		return validateTestSend(in)
	case stepReview, stepWrite:
		return ValidateAll(in)
	default:
		return fail(FormField, fmt.Sprintf("Unknown wizard step: %d.", step))
	}
}

// ValidateAll is the full validation the review and write steps, /api/write
// and headless mode run: the replace gate, the region, the credential
// shape, the sender and the test recipient, stopping at the first step
// that fails and naming it in JumpTo. It makes no AWS call, and it does not
// replay the sandbox attestation, whose input only a probe sets.
func ValidateAll(in Inputs) Result {
	for _, step := range []int{stepExisting, stepRegion, stepCredentials, stepSender, stepTestSend} {
		if r := ValidateStep(step, in); !r.OK() {
			r.JumpTo = &step
			return r
		}
	}
	return Result{}
}

func validateExisting(in Inputs) Result {
	if in.ExistingSES && !in.ReplaceExisting {
		return fail("replace_existing", msgReplace)
	}
	return Result{}
}

func validateRegion(in Inputs) Result {
	region := strings.TrimSpace(in.SESRegion)
	if region == "" {
		return fail("ses_region", msgRegionRequired)
	}
	if !KnownRegion(region) {
		return fail("ses_region", fmt.Sprintf(msgRegionUnknown, region))
	}
	return Result{}
}

// validateCredentials is the shape of step 3; the STS call comes after.
func validateCredentials(in Inputs) Result {
	switch in.CredentialSource {
	case SourceChain:
		return Result{}
	case SourceProfile:
		if strings.TrimSpace(in.SESProfile) == "" {
			return fail("ses_profile", msgProfileRequired)
		}
		return Result{}
	case SourceExplicit:
		// Both fields are reported together, so one Next shows both.
		var r Result
		if strings.TrimSpace(in.SESAccessKeyID) == "" {
			r.Errors = append(r.Errors, FieldError{"ses_access_key_id", msgKeyIDRequired})
		}
		switch {
		case strings.TrimSpace(in.SESSecretAccessKey) == "":
			r.Errors = append(r.Errors, FieldError{"ses_secret_access_key", msgSecretRequired})
		case configfile.HasLineBreak(strings.TrimSpace(in.SESSecretAccessKey)):
			// The secrets file is line based: a line break would smuggle
			// a second variable into it (cli.md §14.2 rule 6). The writer
			// gets the trimmed value and refuses exactly these.
			r.Errors = append(r.Errors, FieldError{"ses_secret_access_key", msgLineBreaks})
		}
		return r
	default:
		return fail("credential_source", msgSourceInvalid)
	}
}

func validateSender(in Inputs) Result {
	from := strings.TrimSpace(in.FromAddress)
	if from == "" {
		return fail("from_address", msgSenderRequired)
	}
	if !emailShape.MatchString(from) {
		return fail("from_address", msgSenderShape)
	}
	return Result{}
}

func validateSandbox(in Inputs) Result {
	if in.AWSInSandbox && !in.SandboxAttested {
		return fail("sandbox_attested", msgAttest)
	}
	return Result{}
}

func validateTestSend(in Inputs) Result {
	if in.SkipTestSend {
		return Result{}
	}
	to := in.recipient()
	if to == "" {
		return fail("test_recipient", msgNoRecipient)
	}
	if !emailShape.MatchString(to) {
		return fail("test_recipient", msgRecipientShape)
	}
	return Result{}
}
