package cli

import (
	"errors"

	ucli "github.com/urfave/cli/v2"
)

// oauthCommand is being written; it answers "not implemented" until then.
func oauthCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "oauth",
		Usage: "Google OAuth set-up wizard",
		Action: func(*ucli.Context) error {
			return runtimeError(errors.New("oauth: not implemented yet"))
		},
	}
}
