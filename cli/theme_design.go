package cli

import (
	"errors"

	ucli "github.com/urfave/cli/v2"
)

// themeCommand is being written; it answers "not implemented" until then.
func themeCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "theme",
		Usage: "theme designer",
		Action: func(*ucli.Context) error {
			return runtimeError(errors.New("theme: not implemented yet"))
		},
	}
}
