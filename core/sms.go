package regstack

import "context"

// SMSMessage is a rendered text message.
type SMSMessage struct {
	To   string
	From string // sms.from_number; "" when unset
	Body string
}

// SMSSender delivers SMS.
type SMSSender interface {
	Send(ctx context.Context, m SMSMessage) error
}
