package cli

import (
	"errors"

	ucli "github.com/urfave/cli/v2"
)

// sesCommand is being written; it answers "not implemented" until then.
func sesCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "ses",
		Usage: "Amazon SES set-up wizard",
		Action: func(*ucli.Context) error {
			return runtimeError(errors.New("ses: not implemented yet"))
		},
	}
}
