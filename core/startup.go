package regstack

import (
	"errors"
	"fmt"

	"github.com/regstack/regstack/core/config"
)

// checkStartup refuses a configuration regstack cannot run with: every
// type, enum and range rule of config.md §2 (cfg.Validate, which also
// normalises base_url and email.from_address in place) and the jwt_secret
// check of §7. The other start-up checks of §7 (database_url, the SMTP and
// Twilio backends) are left to whoever builds the store, mailer and SMS
// sender, since they reach New ready-made through Options. No message
// holds a secret.
func checkStartup(cfg *config.Config) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("regstack: %w", err)
	}
	for _, err := range cfg.StartupErrors() {
		var se *config.StartupError
		if errors.As(err, &se) && se.Key == "jwt_secret" {
			return fmt.Errorf("regstack: %w", err)
		}
	}
	return nil
}
