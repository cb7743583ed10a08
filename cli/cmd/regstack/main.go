// Command regstack is the regstack operator CLI: serve, init, create-admin,
// migrate, reap, doctor, validate and the setup wizards.
package main

import (
	"os"

	"github.com/regstack/regstack/cli"
)

func main() {
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
