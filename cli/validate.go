package cli

import (
	"errors"

	ucli "github.com/urfave/cli/v2"
)

// validateCommand is being written; it answers "not implemented" until then.
func validateCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "validate",
		Usage: "probe a deployed regstack server end to end",
		Action: func(*ucli.Context) error {
			return runtimeError(errors.New("validate: not implemented yet"))
		},
	}
}
