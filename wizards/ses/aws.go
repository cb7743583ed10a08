package ses

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sesv1 "github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// defaultProbeTimeout bounds one probe, all its calls included: the
// operator is waiting on a Next button.
const defaultProbeTimeout = 20 * time.Second

// maxErrorLen caps an AWS error string (cli.md §13.3), so one long message
// cannot swamp the page.
const maxErrorLen = 400

// Sandbox quotas: an account still in the sandbox may send 200 messages a
// day at 1 a second; anything above means it has been moved out.
const (
	sandboxMax24HourSend = 200
	sandboxMaxSendRate   = 1
)

// charset labels the test message's parts.
const charset = "UTF-8"

// AWS is the Prober that calls Amazon Web Services through the SDK: STS
// GetCallerIdentity, SES v2 GetEmailIdentity, GetAccount and SendEmail, and
// SES v1 GetSendQuota for the sandbox fallback. Credentials come from the
// target's source: the named profile, the static key pair, or the default
// chain. Endpoints are the SDK's, so AWS_ENDPOINT_URL_STS,
// AWS_ENDPOINT_URL_SESV2 and AWS_ENDPOINT_URL_SES redirect them.
type AWS struct {
	// Timeout bounds each probe; zero means 20 s.
	Timeout time.Duration
}

var _ Prober = AWS{}

// load builds the SDK configuration for t. Every call is tried once: a
// wizard probe should answer fast, and the operator can press Next again.
func (a AWS) load(ctx context.Context, t Target) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(t.Region),
		config.WithRetryMaxAttempts(1),
	}
	switch t.Source {
	case SourceProfile:
		opts = append(opts, config.WithSharedConfigProfile(t.Profile))
	case SourceExplicit:
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(t.AccessKeyID, t.SecretAccessKey, "")))
	}
	return config.LoadDefaultConfig(ctx, opts...)
}

func (a AWS) timeout() time.Duration {
	if a.Timeout > 0 {
		return a.Timeout
	}
	return defaultProbeTimeout
}

// CallerIdentity implements Prober.
func (a AWS) CallerIdentity(ctx context.Context, t Target) CallerIdentity {
	ctx, cancel := context.WithTimeout(ctx, a.timeout())
	defer cancel()
	cfg, err := a.load(ctx, t)
	if err != nil {
		return CallerIdentity{Error: describe(err)}
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return CallerIdentity{Error: describe(err)}
	}
	return CallerIdentity{OK: true, AccountID: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}
}

// SenderIdentity implements Prober with one SES v2 GetEmailIdentity per
// identity: the address, then its lower-cased domain. An identity SES does
// not know (NotFoundException) is StatusUnknown, not an error.
func (a AWS) SenderIdentity(ctx context.Context, t Target, from string) SenderIdentity {
	ctx, cancel := context.WithTimeout(ctx, a.timeout())
	defer cancel()
	res := SenderIdentity{AddressStatus: StatusUnknown, DomainStatus: StatusUnknown}
	_, domain, ok := strings.Cut(from, "@")
	if !ok {
		res.Error = "InvalidParameterValue: the sender has no '@'"
		return res
	}
	cfg, err := a.load(ctx, t)
	if err != nil {
		res.Error = describe(err)
		return res
	}
	client := sesv2.NewFromConfig(cfg)
	lookup := func(identity string) string {
		out, err := client.GetEmailIdentity(ctx, &sesv2.GetEmailIdentityInput{EmailIdentity: aws.String(identity)})
		var notFound *types.NotFoundException
		switch {
		case errors.As(err, &notFound):
			return StatusUnknown
		case err != nil:
			if res.Error == "" {
				res.Error = describe(err)
			}
			return StatusUnknown
		}
		return verificationStatus(out.VerificationStatus)
	}
	res.AddressStatus = lookup(from)
	res.DomainStatus = lookup(strings.ToLower(domain))
	res.Verified = res.AddressStatus == StatusVerified || res.DomainStatus == StatusVerified
	return res
}

// verificationStatus maps SES v2's states onto the wizard's four. A
// temporary failure (a DNS lookup SES will retry) is still pending.
func verificationStatus(s types.VerificationStatus) string {
	switch s {
	case types.VerificationStatusSuccess:
		return StatusVerified
	case types.VerificationStatusPending, types.VerificationStatusNotStarted, types.VerificationStatusTemporaryFailure:
		return StatusPending
	case types.VerificationStatusFailed:
		return StatusFailed
	default:
		return StatusUnknown
	}
}

// Sandbox implements Prober: SES v2 GetAccount's ProductionAccessEnabled
// when the caller may read it, else the quota heuristic on SES v1
// GetSendQuota (least-privilege policies often allow that one), else
// undetermined with the GetAccount error. The SDK decodes an absent
// ProductionAccessEnabled as false, so an answer without the field counts
// as the sandbox, the safe side.
func (a AWS) Sandbox(ctx context.Context, t Target) Sandbox {
	ctx, cancel := context.WithTimeout(ctx, a.timeout())
	defer cancel()
	cfg, err := a.load(ctx, t)
	if err != nil {
		return Sandbox{Detection: DetectionUnknown, Error: describe(err)}
	}
	account, err := sesv2.NewFromConfig(cfg).GetAccount(ctx, &sesv2.GetAccountInput{})
	if err == nil {
		return Sandbox{InSandbox: !account.ProductionAccessEnabled, Detection: DetectionAPI}
	}
	accountErr := describe(err)
	quota, err := sesv1.NewFromConfig(cfg).GetSendQuota(ctx, &sesv1.GetSendQuotaInput{})
	if err != nil {
		return Sandbox{Detection: DetectionUnknown, Error: accountErr}
	}
	return Sandbox{
		InSandbox: quota.Max24HourSend <= sandboxMax24HourSend && quota.MaxSendRate <= sandboxMaxSendRate,
		Detection: DetectionQuota,
	}
}

// TestSend implements Prober with one SES v2 SendEmail of a short UTF-8
// text message.
func (a AWS) TestSend(ctx context.Context, t Target, from, to string) TestSend {
	ctx, cancel := context.WithTimeout(ctx, a.timeout())
	defer cancel()
	cfg, err := a.load(ctx, t)
	if err != nil {
		return TestSend{Error: describe(err)}
	}
	out, err := sesv2.NewFromConfig(cfg).SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(from),
		Destination:      &types.Destination{ToAddresses: []string{to}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(testSendSubject), Charset: aws.String(charset)},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(testSendTextBody), Charset: aws.String(charset)},
			},
		}},
	})
	if err != nil {
		return TestSend{Error: describe(err)}
	}
	return TestSend{OK: true, MessageID: aws.ToString(out.MessageId)}
}

// describe renders err as "<error type>: <message>" (cli.md §13.3): the
// AWS error code and message for an API error, a short name for the
// failures that happen before AWS answers. It never includes credentials:
// the SDK's errors name a profile or an endpoint, never a key.
func describe(err error) Nullable {
	var (
		api      smithy.APIError
		profile  config.SharedConfigProfileNotExistError
		send     *smithyhttp.RequestSendError
		op       *smithy.OperationError
		text     string
		typeName = "Error"
	)
	switch {
	case errors.As(err, &api):
		typeName, text = api.ErrorCode(), api.ErrorMessage()
	case errors.As(err, &profile):
		typeName, text = "ProfileNotFound", profile.Error()
	case errors.As(err, &send):
		typeName, text = "EndpointConnectionError", send.Err.Error()
	case errors.As(err, &op):
		// "operation error STS: GetCallerIdentity, " says nothing the
		// step does not.
		text = op.Err.Error()
	default:
		text = err.Error()
	}
	if rest, ok := strings.CutPrefix(text, "get identity: "); ok {
		// The SDK's wording when the chosen source yields no credentials.
		typeName, text = "NoCredentialsError", rest
	}
	s := fmt.Sprintf("%s: %s", typeName, text)
	if len(s) > maxErrorLen {
		s = s[:maxErrorLen]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return Nullable(s)
}
