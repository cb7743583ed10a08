package regstack

import (
	"context"

	"github.com/regstack/regstack/core/message"
)

// sendEmail renders an email of kind (EmailVerification, …) carrying link
// and hands it to the mailer. Any failure — a broken host template or the
// transport — is logged here, without the link (it holds a live token),
// and reported as ErrDelivery (http-api.md §10.6): the caller returns it,
// or swallows it where the endpoint must not reveal that it tried.
func (rs *RegStack) sendEmail(ctx context.Context, kind, to string, fullName *string, link string, ttlSeconds int) error {
	name := ""
	if fullName != nil {
		name = *fullName
	}
	subject, text, html, err := rs.messages.Email(kind, message.EmailData{
		AppName:    rs.cfg.AppName,
		FullName:   name,
		URL:        link,
		TTLMinutes: message.TTLMinutes(ttlSeconds),
		TTLHours:   message.TTLHours(ttlSeconds),
	})
	if err == nil {
		err = rs.mailer.Send(ctx, EmailMessage{
			Kind:        kind,
			To:          to,
			FromName:    rs.cfg.EmailFromName(),
			FromAddress: rs.cfg.Email.FromAddress,
			Subject:     subject,
			Text:        text,
			HTML:        html,
		})
	}
	if err != nil {
		rs.logger.ErrorContext(ctx, "email delivery failed", "kind", kind, "err", err)
		return ErrDelivery
	}
	return nil
}

// sendSMS renders an SMS of kind (MFAKindLoginMFA, MFAKindPhoneSetup)
// carrying code and hands it to the SMS sender, from sms.from_number.
// Failures are logged (never the body: it holds the code) and reported as
// ErrDelivery.
func (rs *RegStack) sendSMS(ctx context.Context, kind, to, code string) error {
	body, err := rs.messages.SMS(kind, message.SMSData{
		AppName:    rs.cfg.AppName,
		Code:       code,
		TTLMinutes: message.TTLMinutes(rs.cfg.SMSCodeTTLSeconds),
	})
	if err == nil {
		from := ""
		if rs.cfg.SMS.FromNumber != nil {
			from = *rs.cfg.SMS.FromNumber
		}
		err = rs.sms.Send(ctx, SMSMessage{To: to, From: from, Body: body})
	}
	if err != nil {
		rs.logger.ErrorContext(ctx, "SMS delivery failed", "kind", kind, "err", err)
		return ErrDelivery
	}
	return nil
}
