package twilio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

// maxResponse caps how much of a reply is read: Twilio's are a few KiB.
const maxResponse = 1 << 20

// Sender is a regstack.SMSSender that sends through Twilio.
type Sender struct {
	accountSID string
	authToken  string
	from       string
	endpoint   string
	client     *http.Client
	logger     *slog.Logger
}

var _ regstack.SMSSender = (*Sender)(nil)

// New builds a Sender for the [sms] table cfg. It fails, with the messages
// of config.md §7, when twilio_account_sid, twilio_auth_token or
// from_number is missing.
func New(cfg config.SMSConfig, opts ...Option) (*Sender, error) {
	if empty(cfg.TwilioAccountSID) || empty(cfg.TwilioAuthToken) {
		return nil, errors.New("twilio: the Twilio backend needs both twilio_account_sid and twilio_auth_token")
	}
	if empty(cfg.FromNumber) {
		return nil, errors.New("twilio: the Twilio backend needs a from_number")
	}
	o := options{baseURL: defaultBaseURL, timeout: defaultTimeout, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	sid := *cfg.TwilioAccountSID
	return &Sender{
		accountSID: sid,
		authToken:  *cfg.TwilioAuthToken,
		from:       *cfg.FromNumber,
		endpoint:   o.baseURL + "/2010-04-01/Accounts/" + url.PathEscape(sid) + "/Messages.json",
		client:     &http.Client{Timeout: o.timeout},
		logger:     o.logger,
	}, nil
}

func empty(s *string) bool { return s == nil || *s == "" }

// Send creates one Twilio message: To = m.To, From = m.From (else
// sms.from_number), Body = m.Body. A refusal comes back as a wrapped
// *APIError.
func (s *Sender) Send(ctx context.Context, m regstack.SMSMessage) error {
	from := m.From
	if from == "" {
		from = s.from
	}
	form := url.Values{"To": {m.To}, "From": {from}, "Body": {m.Body}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("twilio: send SMS: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(s.accountSID, s.authToken)

	resp, err := s.client.Do(req)
	if err != nil {
		// The token travels in a header, so the *url.Error, which quotes
		// the URL, cannot reveal it.
		return fmt.Errorf("twilio: send SMS: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("twilio: send SMS: read the reply: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("twilio: send SMS: %w", s.apiError(resp.StatusCode, body))
	}
	var created struct {
		SID    string `json:"sid"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(body, &created); err != nil {
		return fmt.Errorf("twilio: send SMS: HTTP %d with an unreadable reply: %w", resp.StatusCode, err)
	}
	s.logger.DebugContext(ctx, "twilio: SMS accepted", "sid", created.SID, "status", created.Status)
	return nil
}

// apiError reads Twilio's JSON error body when there is one. Anything
// else in the body is left out of the error, which only says the status.
func (s *Sender) apiError(status int, body []byte) *APIError {
	e := &APIError{HTTPStatus: status}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Code = eb.Code
		// Twilio has no reason to quote the token back, but the error may
		// be logged, so make sure it never can.
		e.Message = strings.ReplaceAll(eb.Message, s.authToken, "[redacted]")
		e.MoreInfo = strings.ReplaceAll(eb.MoreInfo, s.authToken, "[redacted]")
	}
	return e
}
