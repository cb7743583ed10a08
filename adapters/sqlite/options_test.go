package sqlite

import (
	"log/slog"

	regstack "github.com/regstack/regstack/core"
)

func defaultTestOptions() regstack.StoreOptions {
	return regstack.StoreOptions{Logger: slog.New(slog.DiscardHandler)}
}
