package ses

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	regstack "github.com/regstack/regstack/core"
	rsconfig "github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/message"
)

// charset labels every part of the message: templates render UTF-8.
const charset = "UTF-8"

// Mailer is a regstack.Mailer that sends through Amazon SES.
type Mailer struct {
	client  *sesv2.Client
	timeout time.Duration
	logger  *slog.Logger
}

var _ regstack.Mailer = (*Mailer)(nil)

// New builds a Mailer for the [email] table cfg: region ses_region and the
// credentials of ses_access_key_id/ses_secret_access_key, else ses_profile,
// else the default AWS chain. It reads the shared AWS configuration files
// and fails when the named profile does not exist; the default chain is
// only resolved at the first Send.
func New(ctx context.Context, cfg rsconfig.EmailConfig, opts ...Option) (*Mailer, error) {
	o := options{timeout: defaultTimeout, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	load := append([]func(*config.LoadOptions) error{
		config.WithRegion(cfg.SESRegion),
		// Mailers never retry (regstack.Mailer): a failure goes straight
		// back to the request, within the timeout.
		config.WithRetryMaxAttempts(1),
	}, credentialOptions(cfg)...)
	awsCfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("ses: load AWS configuration: %w", err)
	}
	client := sesv2.NewFromConfig(awsCfg, func(so *sesv2.Options) {
		if o.baseEndpoint != "" {
			so.BaseEndpoint = aws.String(o.baseEndpoint)
		}
	})
	return &Mailer{client: client, timeout: o.timeout, logger: o.logger}, nil
}

// Send delivers m with one SendEmail call: Source (FromEmailAddress) is
// the From header, subject, text and HTML are UTF-8. A recipient, sender or
// subject holding a control character is refused before anything is sent
// (config.md §5).
func (s *Mailer) Send(ctx context.Context, m regstack.EmailMessage) error {
	if err := message.CheckHeaderValues(m.To, m.FromName, m.FromAddress, m.Subject); err != nil {
		return fmt.Errorf("ses: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	body := &types.Body{}
	if m.Text != "" {
		body.Text = &types.Content{Data: aws.String(m.Text), Charset: aws.String(charset)}
	}
	if m.HTML != "" {
		body.Html = &types.Content{Data: aws.String(m.HTML), Charset: aws.String(charset)}
	}
	out, err := s.client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(fromHeader(m)),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String(charset)},
			Body:    body,
		}},
	})
	if err != nil {
		return fmt.Errorf("ses: send email: %w", err)
	}
	s.logger.DebugContext(ctx, "ses: email accepted", "message_id", aws.ToString(out.MessageId))
	return nil
}

// fromHeader is m's From header as SES wants it: a display name outside
// printable ASCII must be MIME-encoded, and one with specials quoted, which
// net/mail does; without a name it is the bare address.
func fromHeader(m regstack.EmailMessage) string {
	if m.FromName == "" {
		return m.FromAddress
	}
	return (&mail.Address{Name: m.FromName, Address: m.FromAddress}).String()
}
