package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/message"
)

// authPreference is the order SMTP AUTH mechanisms are tried in, among
// those the server offers. PLAIN and LOGIN refuse to send the password
// over a connection that is neither TLS nor to localhost.
var authPreference = []gomail.SMTPAuthType{
	gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5,
}

// Mailer is a regstack.Mailer that delivers through an SMTP server.
type Mailer struct {
	host     string
	port     int
	mode     Mode
	timeout  time.Duration
	username string
	password string
	fromName string
	fromAddr string
	logger   *slog.Logger
}

var _ regstack.Mailer = (*Mailer)(nil)

// New builds a Mailer for the [email] table cfg. fromName and
// cfg.FromAddress are the sender of messages that name none (the use
// cases always do). It fails when smtp_host is missing or a setting is out
// of range; it does not connect. A nil logger logs nothing.
func New(cfg config.EmailConfig, fromName string, logger *slog.Logger) (*Mailer, error) {
	if cfg.SMTPHost == nil || *cfg.SMTPHost == "" {
		return nil, errors.New("smtp: email.smtp_host is required for the SMTP backend")
	}
	if cfg.SMTPPort < 1 || cfg.SMTPPort > 65535 {
		return nil, fmt.Errorf("smtp: email.smtp_port = %d: want 1–65535", cfg.SMTPPort)
	}
	if !(cfg.SMTPTimeoutSeconds > 0) {
		return nil, fmt.Errorf("smtp: email.smtp_timeout_seconds = %v: want a number > 0", cfg.SMTPTimeoutSeconds)
	}
	mode, err := ModeOf(cfg)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := &Mailer{
		host:     *cfg.SMTPHost,
		port:     cfg.SMTPPort,
		mode:     mode,
		timeout:  time.Duration(cfg.SMTPTimeoutSeconds * float64(time.Second)),
		fromName: fromName,
		fromAddr: cfg.FromAddress,
		logger:   logger,
	}
	// AUTH needs both halves (config.md §5); a username alone is ignored.
	if cfg.SMTPUsername != nil && *cfg.SMTPUsername != "" && cfg.SMTPPassword != nil && *cfg.SMTPPassword != "" {
		m.username, m.password = *cfg.SMTPUsername, *cfg.SMTPPassword
	}
	return m, nil
}

// Send delivers msg over a connection of its own. A recipient, sender or
// subject holding a control character is refused before connecting
// (config.md §5). The whole send is bounded by email.smtp_timeout_seconds
// and by ctx; errors never carry the AUTH password.
func (m *Mailer) Send(ctx context.Context, msg regstack.EmailMessage) error {
	if msg.FromAddress == "" {
		msg.FromName, msg.FromAddress = m.fromName, m.fromAddr
	}
	if err := message.CheckHeaderValues(msg.To, msg.FromName, msg.FromAddress, msg.Subject); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	email, err := compose(msg, time.Now())
	if err != nil {
		return err
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	tlsConf := &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12}
	conn := &guardedDial{implicitTLS: m.mode == ModeImplicit, tls: tlsConf}
	// go-mail bounds each step; closing the connection when ctx ends
	// bounds the dialogue as a whole.
	stop := context.AfterFunc(ctx, conn.abort)
	defer stop()

	client, err := gomail.NewClient(m.host, m.clientOptions(conn, tlsConf)...)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, email); err != nil {
		if cerr := timedOut(ctx); cerr != nil {
			return fmt.Errorf("smtp: send via %s: gave up after %s: %w", m.addr(), time.Since(start).Round(time.Millisecond), cerr)
		}
		return fmt.Errorf("smtp: send via %s: %w", m.addr(), err)
	}
	m.logger.DebugContext(ctx, "smtp: message accepted", "server", m.addr(), "kind", msg.Kind,
		"message_id", email.GetMessageID(), "took", time.Since(start))
	return nil
}

// clientOptions configures one go-mail client to dial through conn and
// verify the server with tlsConf: the system roots, under the configured
// host name.
func (m *Mailer) clientOptions(conn *guardedDial, tlsConf *tls.Config) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(m.port),
		gomail.WithTimeout(m.timeout),
		gomail.WithTLSConfig(tlsConf),
		gomail.WithDialContextFunc(conn.dial),
		// Implicit TLS is done by conn.dial, so go-mail itself only ever
		// adds STARTTLS, and only when asked to.
		gomail.WithTLSPolicy(gomail.NoTLS),
	}
	if m.mode == ModeStartTLS {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.username != "" {
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(authPreference...),
			gomail.WithUsername(m.username),
			gomail.WithPassword(m.password),
		)
	}
	return opts
}

// timedOut is why ctx ended, or nil while it runs. go-mail's own I/O
// deadlines, set just after ctx's, can fire before ctx's timer has
// marked it done: past its deadline ctx counts as expired.
func timedOut(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

func (m *Mailer) addr() string {
	return net.JoinHostPort(m.host, strconv.Itoa(m.port))
}
