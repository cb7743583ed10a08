package ses_test

import (
	"reflect"
	"testing"

	"github.com/regstack/regstack/wizards/ses"
)

// valid is a complete, acceptable set of inputs for the chain source.
func valid() ses.Inputs {
	return ses.Inputs{
		SESRegion:        "eu-west-1",
		CredentialSource: ses.SourceChain,
		FromAddress:      "noreply@app.example.com",
	}
}

func with(edit func(*ses.Inputs)) ses.Inputs {
	in := valid()
	edit(&in)
	return in
}

func errs(pairs ...string) []ses.FieldError {
	var out []ses.FieldError
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, ses.FieldError{Field: pairs[i], Message: pairs[i+1]})
	}
	return out
}

func TestValidateStep(t *testing.T) {
	tests := []struct {
		name string
		step int
		in   ses.Inputs
		want []ses.FieldError // nil: accepted
	}{
		{"the welcome step accepts anything", 0, ses.Inputs{}, nil},

		{"no existing SES table needs no confirmation", 1, ses.Inputs{}, nil},
		{"an existing SES table with replace ticked is accepted", 1, ses.Inputs{ExistingSES: true, ReplaceExisting: true}, nil},
		{"an existing SES table without replace ticked is refused", 1, ses.Inputs{ExistingSES: true},
			errs("replace_existing", "Confirm you want to replace the existing SES configuration.")},

		{"a known region is accepted", 2, ses.Inputs{SESRegion: "eu-west-1"}, nil},
		{"a known region with surrounding blanks is accepted", 2, ses.Inputs{SESRegion: "  ap-northeast-3 \t"}, nil},
		{"an empty region is refused", 2, ses.Inputs{}, errs("ses_region", "Region is required.")},
		{"a blank region is refused as missing", 2, ses.Inputs{SESRegion: "   "}, errs("ses_region", "Region is required.")},
		{"an unknown region is refused, named trimmed", 2, ses.Inputs{SESRegion: " xx-nowhere-1 "},
			errs("ses_region", "'xx-nowhere-1' is not a known SES region. Pick from us-east-1, eu-west-1, etc.")},
		{"a region in capitals is not a known region", 2, ses.Inputs{SESRegion: "EU-WEST-1"},
			errs("ses_region", "'EU-WEST-1' is not a known SES region. Pick from us-east-1, eu-west-1, etc.")},
		{"a region SES does not serve is refused", 2, ses.Inputs{SESRegion: "cn-north-1"},
			errs("ses_region", "'cn-north-1' is not a known SES region. Pick from us-east-1, eu-west-1, etc.")},

		{"the default chain needs no fields", 3, ses.Inputs{CredentialSource: "chain"}, nil},
		{"a named profile is accepted", 3, ses.Inputs{CredentialSource: "profile", SESProfile: "dev"}, nil},
		{"a profile source without a name is refused", 3, ses.Inputs{CredentialSource: "profile"},
			errs("ses_profile", "Profile name is required.")},
		{"a profile source with a blank name is refused", 3, ses.Inputs{CredentialSource: "profile", SESProfile: "  "},
			errs("ses_profile", "Profile name is required.")},
		{"an explicit key pair is accepted", 3, ses.Inputs{CredentialSource: "explicit", SESAccessKeyID: "AKIAEXAMPLE", SESSecretAccessKey: "s3cr3t"}, nil},
		{"an explicit source missing both halves reports both", 3, ses.Inputs{CredentialSource: "explicit"},
			errs("ses_access_key_id", "Access key ID is required.", "ses_secret_access_key", "Secret access key is required.")},
		{"an explicit source missing the secret reports the secret", 3, ses.Inputs{CredentialSource: "explicit", SESAccessKeyID: "AKIAEXAMPLE"},
			errs("ses_secret_access_key", "Secret access key is required.")},
		{"an explicit source with a blank key id reports the key id", 3, ses.Inputs{CredentialSource: "explicit", SESAccessKeyID: " ", SESSecretAccessKey: "s3cr3t"},
			errs("ses_access_key_id", "Access key ID is required.")},
		{"a secret with a line break is refused", 3, ses.Inputs{CredentialSource: "explicit", SESAccessKeyID: "AKIAEXAMPLE", SESSecretAccessKey: "s3cr3t\nREGSTACK_JWT_SECRET=x"},
			errs("ses_secret_access_key", "Must not contain line breaks.")},
		{"a secret with a carriage return is refused", 3, ses.Inputs{CredentialSource: "explicit", SESAccessKeyID: "AKIAEXAMPLE", SESSecretAccessKey: "s3cr\rt3t"},
			errs("ses_secret_access_key", "Must not contain line breaks.")},
		{"a secret with a Unicode line separator is refused", 3, ses.Inputs{CredentialSource: "explicit", SESAccessKeyID: "AKIAEXAMPLE", SESSecretAccessKey: "s3cr\u2028t3t"},
			errs("ses_secret_access_key", "Must not contain line breaks.")},
		{"a secret with a vertical tab inside is refused", 3, ses.Inputs{CredentialSource: "explicit", SESAccessKeyID: "AKIAEXAMPLE", SESSecretAccessKey: "s3cr\vt3t"},
			errs("ses_secret_access_key", "Must not contain line breaks.")},
		{"a pasted secret with a trailing line break is accepted, as it is written trimmed", 3, ses.Inputs{CredentialSource: "explicit", SESAccessKeyID: "AKIAEXAMPLE", SESSecretAccessKey: "s3cr3t\r\n"}, nil},
		{"a missing source is refused", 3, ses.Inputs{},
			errs("credential_source", "Credential source must be one of profile, explicit, chain.")},
		{"an unknown source is refused", 3, ses.Inputs{CredentialSource: "instance-role"},
			errs("credential_source", "Credential source must be one of profile, explicit, chain.")},
		{"a source in capitals is refused", 3, ses.Inputs{CredentialSource: "Chain"},
			errs("credential_source", "Credential source must be one of profile, explicit, chain.")},

		{"a plain sender is accepted", 4, ses.Inputs{FromAddress: "noreply@app.example.com"}, nil},
		{"a sender with blanks around it is accepted", 4, ses.Inputs{FromAddress: " noreply@example.co.uk "}, nil},
		{"a sender with a plus and a hyphenated domain is accepted", 4, ses.Inputs{FromAddress: "no+reply@my-app.example.io"}, nil},
		{"an empty sender is refused", 4, ses.Inputs{}, errs("from_address", "Sender address is required.")},
		{"a blank sender is refused as missing", 4, ses.Inputs{FromAddress: " \t"}, errs("from_address", "Sender address is required.")},
		{"a sender without @ is refused", 4, ses.Inputs{FromAddress: "noreply.example.com"},
			errs("from_address", "Sender must look like noreply@your-domain.example.")},
		{"a sender without a dot in the domain is refused", 4, ses.Inputs{FromAddress: "noreply@localhost"},
			errs("from_address", "Sender must look like noreply@your-domain.example.")},
		{"a sender with a one-letter top-level domain is refused", 4, ses.Inputs{FromAddress: "noreply@example.c"},
			errs("from_address", "Sender must look like noreply@your-domain.example.")},
		{"a sender with a space inside is refused", 4, ses.Inputs{FromAddress: "no reply@example.com"},
			errs("from_address", "Sender must look like noreply@your-domain.example.")},
		{"a sender with two @ is refused", 4, ses.Inputs{FromAddress: "a@b@example.com"},
			errs("from_address", "Sender must look like noreply@your-domain.example.")},
		{"a display-name sender is refused", 4, ses.Inputs{FromAddress: "App <noreply@example.com>"},
			errs("from_address", "Sender must look like noreply@your-domain.example.")},

		{"outside the sandbox nothing needs attesting", 5, ses.Inputs{}, nil},
		{"in the sandbox an attestation is accepted", 5, ses.Inputs{AWSInSandbox: true, SandboxAttested: true}, nil},
		{"in the sandbox without attestation is refused", 5, ses.Inputs{AWSInSandbox: true},
			errs("sandbox_attested", "Tick the checkbox to confirm you understand the sandbox limitations.")},

		{"a skipped test send needs no recipient", 6, ses.Inputs{SkipTestSend: true}, nil},
		{"a skipped test send ignores a bad recipient", 6, ses.Inputs{SkipTestSend: true, TestRecipient: "nope"}, nil},
		{"the sender is the default recipient", 6, ses.Inputs{FromAddress: "noreply@example.com"}, nil},
		{"an explicit recipient is accepted", 6, ses.Inputs{TestRecipient: "me@example.org"}, nil},
		{"no recipient and no sender is refused", 6, ses.Inputs{},
			errs("test_recipient", "Provide a recipient or tick 'skip test send'.")},
		{"a blank recipient falls back to the sender", 6, ses.Inputs{TestRecipient: "  ", FromAddress: "noreply@example.com"}, nil},
		{"a malformed recipient is refused", 6, ses.Inputs{TestRecipient: "me@", FromAddress: "noreply@example.com"},
			errs("test_recipient", "Recipient must be a valid email address.")},
		{"a malformed sender as the default recipient is refused", 6, ses.Inputs{FromAddress: "noreply"},
			errs("test_recipient", "Recipient must be a valid email address.")},

		{"the review step accepts complete inputs", 7, valid(), nil},
		{"the write step accepts complete inputs", 8, valid(), nil},
		{"the review step reports the first failing step", 7, with(func(in *ses.Inputs) { in.SESRegion = "" }),
			errs("ses_region", "Region is required.")},

		{"a step past the last is reported on the form", 9, valid(), errs("_form", "Unknown wizard step: 9.")},
		{"a negative step is reported on the form", -1, valid(), errs("_form", "Unknown wizard step: -1.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ses.ValidateStep(tt.step, tt.in)
			if !reflect.DeepEqual(got.Errors, tt.want) {
				t.Errorf("ValidateStep(%d) errors = %+v, want %+v", tt.step, got.Errors, tt.want)
			}
			if got.OK() != (tt.want == nil) {
				t.Errorf("OK() = %v with errors %+v", got.OK(), got.Errors)
			}
		})
	}
}

func TestValidateAll(t *testing.T) {
	tests := []struct {
		name   string
		in     ses.Inputs
		want   []ses.FieldError
		jumpTo int // -1: accepted
	}{
		{"complete chain inputs pass", valid(), nil, -1},
		{"complete profile inputs pass", with(func(in *ses.Inputs) { in.CredentialSource, in.SESProfile = "profile", "dev" }), nil, -1},
		{"complete explicit inputs pass", with(func(in *ses.Inputs) {
			in.CredentialSource, in.SESAccessKeyID, in.SESSecretAccessKey = "explicit", "AKIAEXAMPLE", "s3cr3t"
		}), nil, -1},
		{"an unconfirmed replace jumps to step 1", with(func(in *ses.Inputs) { in.ExistingSES = true }),
			errs("replace_existing", "Confirm you want to replace the existing SES configuration."), 1},
		{"a bad region jumps to step 2", with(func(in *ses.Inputs) { in.SESRegion = "mars-1" }),
			errs("ses_region", "'mars-1' is not a known SES region. Pick from us-east-1, eu-west-1, etc."), 2},
		{"half a key pair jumps to step 3", with(func(in *ses.Inputs) { in.CredentialSource, in.SESAccessKeyID = "explicit", "AKIAEXAMPLE" }),
			errs("ses_secret_access_key", "Secret access key is required."), 3},
		{"a bad source jumps to step 3", with(func(in *ses.Inputs) { in.CredentialSource = "" }),
			errs("credential_source", "Credential source must be one of profile, explicit, chain."), 3},
		{"a bad sender jumps to step 4", with(func(in *ses.Inputs) { in.FromAddress = "noreply" }),
			errs("from_address", "Sender must look like noreply@your-domain.example."), 4},
		{"a bad recipient jumps to step 6", with(func(in *ses.Inputs) { in.TestRecipient = "me@" }),
			errs("test_recipient", "Recipient must be a valid email address."), 6},
		{"the earliest failing step wins", with(func(in *ses.Inputs) { in.SESRegion, in.FromAddress = "", "" }),
			errs("ses_region", "Region is required."), 2},
		{"an unattested sandbox is not replayed: only a probe sets it", with(func(in *ses.Inputs) { in.AWSInSandbox = true }), nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ses.ValidateAll(tt.in)
			if !reflect.DeepEqual(got.Errors, tt.want) {
				t.Errorf("errors = %+v, want %+v", got.Errors, tt.want)
			}
			switch {
			case tt.jumpTo < 0 && got.JumpTo != nil:
				t.Errorf("JumpTo = %d, want none", *got.JumpTo)
			case tt.jumpTo >= 0 && (got.JumpTo == nil || *got.JumpTo != tt.jumpTo):
				t.Errorf("JumpTo = %v, want %d", got.JumpTo, tt.jumpTo)
			}
		})
	}
}

func TestKnownRegions(t *testing.T) {
	want := []string{
		"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-south-1",
		"ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1",
		"eu-south-1", "il-central-1", "me-south-1", "sa-east-1",
	}
	if got := ses.Regions(); !reflect.DeepEqual(got, want) {
		t.Errorf("Regions() = %v, want the 21 of cli.md §13.4: %v", got, want)
	}
	for _, r := range want {
		if !ses.KnownRegion(r) {
			t.Errorf("KnownRegion(%q) = false", r)
		}
	}
	ses.Regions()[0] = "tampered"
	if !ses.KnownRegion("us-east-1") || ses.KnownRegion("tampered") {
		t.Error("editing the slice Regions returned changed the known regions")
	}
}

func TestInputsFromReadsThePostedObjectLeniently(t *testing.T) {
	got := ses.InputsFrom(map[string]any{
		"existing_ses":          true,
		"replace_existing":      "yes", // not a boolean: false
		"ses_region":            "eu-west-1",
		"credential_source":     42.0, // not a string: ""
		"ses_profile":           nil,
		"ses_access_key_id":     "AKIA",
		"ses_secret_access_key": "s3cr3t",
		"from_address":          "noreply@example.com",
		"aws_in_sandbox":        true,
		"sandbox_attested":      false,
		"test_recipient":        []any{"x"},
		"skip_test_send":        true,
		"unrelated":             "ignored",
	})
	want := ses.Inputs{
		ExistingSES: true, SESRegion: "eu-west-1", SESAccessKeyID: "AKIA", SESSecretAccessKey: "s3cr3t",
		FromAddress: "noreply@example.com", AWSInSandbox: true, SkipTestSend: true,
	}
	if got != want {
		t.Errorf("InputsFrom = %+v, want %+v", got, want)
	}
	if got := ses.InputsFrom(nil); got != (ses.Inputs{}) {
		t.Errorf("InputsFrom(nil) = %+v, want the zero Inputs", got)
	}
}

func TestSettingsKeepOnlyTheChosenSourcesFields(t *testing.T) {
	all := ses.Inputs{
		SESRegion: " eu-west-1 ", FromAddress: " noreply@example.com ",
		SESProfile: " dev ", SESAccessKeyID: " AKIA ", SESSecretAccessKey: " s3cr3t ",
	}
	tests := []struct {
		source string
		want   ses.Settings
	}{
		{"profile", ses.Settings{Region: "eu-west-1", FromAddress: "noreply@example.com", Source: "profile", Profile: "dev"}},
		{"explicit", ses.Settings{Region: "eu-west-1", FromAddress: "noreply@example.com", Source: "explicit", AccessKeyID: "AKIA", SecretAccessKey: "s3cr3t"}},
		{"chain", ses.Settings{Region: "eu-west-1", FromAddress: "noreply@example.com", Source: "chain"}},
		{"", ses.Settings{Region: "eu-west-1", FromAddress: "noreply@example.com", Source: "chain"}},
	}
	for _, tt := range tests {
		t.Run("source "+tt.source, func(t *testing.T) {
			in := all
			in.CredentialSource = tt.source
			if got := in.Settings(); got != tt.want {
				t.Errorf("Settings() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
