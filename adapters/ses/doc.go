// Package ses is the `ses` email backend (config.md §5): each message goes
// out through one Amazon SES v2 SendEmail call in email.ses_region, signed
// with the credentials the [email] table chooses — an explicit key pair, a
// named profile from the shared AWS files, or the default AWS chain.
package ses
