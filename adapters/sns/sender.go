package sns

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	regstack "github.com/regstack/regstack/core"
	rsconfig "github.com/regstack/regstack/core/config"
)

// senderIDAttribute is the SMS message attribute naming the sender.
const senderIDAttribute = "AWS.SNS.SMS.SenderID"

// Sender is a regstack.SMSSender that publishes through Amazon SNS.
type Sender struct {
	client  *sns.Client
	from    string
	timeout time.Duration
	logger  *slog.Logger
}

var _ regstack.SMSSender = (*Sender)(nil)

// New builds a Sender for the [sms] table cfg: region sns_region and the
// default AWS credential chain (environment, shared files, container or
// instance role), resolved at the first Send.
func New(ctx context.Context, cfg rsconfig.SMSConfig, opts ...Option) (*Sender, error) {
	o := options{timeout: defaultTimeout, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	awsCfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(cfg.SNSRegion),
		// Senders never retry: a failure goes straight back to the
		// request, within the timeout.
		config.WithRetryMaxAttempts(1),
	)
	if err != nil {
		return nil, fmt.Errorf("sns: load AWS configuration: %w", err)
	}
	client := sns.NewFromConfig(awsCfg, func(so *sns.Options) {
		if o.baseEndpoint != "" {
			so.BaseEndpoint = aws.String(o.baseEndpoint)
		}
	})
	s := &Sender{client: client, timeout: o.timeout, logger: o.logger}
	if cfg.FromNumber != nil {
		s.from = *cfg.FromNumber
	}
	return s, nil
}

// Send publishes m.Body to the phone number m.To. The sender, m.From or
// else sms.from_number, goes along as the AWS.SNS.SMS.SenderID attribute
// when there is one.
func (s *Sender) Send(ctx context.Context, m regstack.SMSMessage) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	in := &sns.PublishInput{PhoneNumber: aws.String(m.To), Message: aws.String(m.Body)}
	from := m.From
	if from == "" {
		from = s.from
	}
	if from != "" {
		in.MessageAttributes = map[string]types.MessageAttributeValue{
			senderIDAttribute: {DataType: aws.String("String"), StringValue: aws.String(from)},
		}
	}
	out, err := s.client.Publish(ctx, in)
	if err != nil {
		return fmt.Errorf("sns: publish SMS: %w", err)
	}
	s.logger.DebugContext(ctx, "sns: SMS accepted", "message_id", aws.ToString(out.MessageId))
	return nil
}
