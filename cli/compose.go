package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/regstack/regstack/adapters/google"
	"github.com/regstack/regstack/adapters/ses"
	"github.com/regstack/regstack/adapters/smtp"
	"github.com/regstack/regstack/adapters/sns"
	"github.com/regstack/regstack/adapters/twilio"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"

	// Storage adapters register their URL schemes.
	_ "github.com/regstack/regstack/adapters/mongo"
	_ "github.com/regstack/regstack/adapters/postgres"
	_ "github.com/regstack/regstack/adapters/sqlite"
)

// openStore opens the store that cfg.DatabaseURL names.
func openStore(ctx context.Context, cfg config.Config, logger *slog.Logger) (regstack.Store, error) {
	return regstack.OpenStore(ctx, cfg.DatabaseURL, regstack.StoreOptions{
		Logger:        logger,
		MongoDatabase: cfg.MongoDBDatabase,
		Collections: regstack.Collections{
			Users:           cfg.UserCollection,
			Pending:         cfg.PendingCollection,
			Blacklist:       cfg.BlacklistCollection,
			LoginAttempts:   cfg.LoginAttemptCollection,
			MFACodes:        cfg.MFACodeCollection,
			OAuthIdentities: cfg.OAuthIdentityCollection,
			OAuthStates:     cfg.OAuthStateCollection,
		},
		LoginLockoutWindow: time.Duration(cfg.LoginLockoutWindowSeconds) * time.Second,
	})
}

// newMailer builds the email backend cfg.Email.Backend names.
func newMailer(cfg config.Config, logger *slog.Logger) (regstack.Mailer, error) {
	switch cfg.Email.Backend {
	case "console":
		return regstack.NewConsoleMailer(logger, cfg.Email.LogBodies != nil && *cfg.Email.LogBodies), nil
	case "smtp":
		m, err := smtp.New(cfg.Email, cfg.EmailFromName(), logger)
		if err != nil {
			return nil, err
		}
		return m, nil
	case "ses":
		// Loading the AWS configuration reads only local files; the
		// credentials themselves are resolved at the first send.
		m, err := ses.New(context.Background(), cfg.Email, ses.WithLogger(logger))
		if err != nil {
			return nil, err
		}
		return m, nil
	default:
		return nil, fmt.Errorf("email.backend = %q is not available in this build (supported: console, smtp, ses)", cfg.Email.Backend)
	}
}

// newSMSSender builds the SMS backend cfg.SMS.Backend names.
func newSMSSender(cfg config.Config, logger *slog.Logger) (regstack.SMSSender, error) {
	switch cfg.SMS.Backend {
	case "null":
		return regstack.NewNullSMS(logger, cfg.SMS.LogBodies != nil && *cfg.SMS.LogBodies), nil
	case "sns":
		// As for SES: local files only; credentials come at the first send.
		s, err := sns.New(context.Background(), cfg.SMS, sns.WithLogger(logger))
		if err != nil {
			return nil, err
		}
		return s, nil
	case "twilio":
		s, err := twilio.New(cfg.SMS, twilio.WithLogger(logger))
		if err != nil {
			return nil, err
		}
		return s, nil
	default:
		return nil, fmt.Errorf("sms.backend = %q is not available in this build (supported: null, sns, twilio)", cfg.SMS.Backend)
	}
}

// build composes a RegStack from cfg: store, mailer, SMS sender. The caller
// closes it.
func build(ctx context.Context, cfg config.Config, logger *slog.Logger) (*regstack.RegStack, error) {
	mailer, err := newMailer(cfg, logger)
	if err != nil {
		return nil, err
	}
	sms, err := newSMSSender(cfg, logger)
	if err != nil {
		return nil, err
	}
	// Google is registered when enable_oauth and both credentials are
	// set (domain.md §10.1); it reaches Google only at the first sign-in.
	var providers []regstack.OAuthProvider
	if google.Configured(cfg) {
		g, err := google.New(cfg.OAuth, google.WithLogger(logger))
		if err != nil {
			return nil, err
		}
		providers = append(providers, g)
	}
	store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	rs, err := regstack.New(cfg, regstack.Options{Store: store, Mailer: mailer, SMS: sms, Logger: logger, Providers: providers})
	if err != nil {
		store.Close()
		return nil, err
	}
	return rs, nil
}
