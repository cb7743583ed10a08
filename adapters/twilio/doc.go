// Package twilio is the `twilio` SMS backend (config.md §6): each message
// is one call to Twilio's Messages API, authenticated with the account SID
// and auth token of the [sms] table and sent from sms.from_number. It needs
// nothing beyond net/http.
package twilio
