// Package sns is the `sns` SMS backend (config.md §6): each message is one
// Amazon SNS Publish to a phone number in sms.sns_region, signed with the
// default AWS credential chain, carrying sms.from_number as the sender id.
package sns
