// Package smtp is the `smtp` email backend (config.md §5): each message is
// one multipart/alternative email (text first, then HTML) delivered over
// its own connection to email.smtp_host:smtp_port — in the clear, upgraded
// with a mandatory STARTTLS, or over implicit TLS (email.smtp_tls) — with
// SMTP AUTH when a username and password are configured.
//
// The whole send, connecting included, is bounded by
// email.smtp_timeout_seconds, so a server that accepts the connection and
// then stalls cannot hold a request. Servers are trusted through the
// system roots, which on Linux honour SSL_CERT_FILE and SSL_CERT_DIR.
package smtp
