package http

import (
	"net/http"
	"runtime/debug"
)

// coreModule is the module whose version GET /features reports.
const coreModule = "github.com/regstack/regstack/core"

// features is the body of GET /features (http-api.md §11.1).
type features struct {
	Service             string          `json:"service"`
	Version             string          `json:"version"`
	Routers             map[string]bool `json:"routers"`
	OAuthProviders      []string        `json:"oauth_providers"`
	RequireVerification bool            `json:"require_verification"`
	AllowRegistration   bool            `json:"allow_registration"`
	AccountDeletion     bool            `json:"account_deletion"`
}

func (a *api) featureRoutes() []route {
	return []route{{pattern: "GET /features", serve: a.features}}
}

// features tells `regstack validate` which optional routers are mounted.
// It carries no secrets, URLs, backend kinds, counts or rate limits.
func (a *api) features(w http.ResponseWriter, _ *http.Request, _ *call) error {
	providers := []string{}
	if a.mounted[routerOAuth] {
		providers = append(providers, a.rs.ProviderNames()...)
	}
	writeJSON(w, http.StatusOK, features{
		Service: "regstack",
		Version: a.version,
		Routers: map[string]bool{
			routerPasswordReset: a.mounted[routerPasswordReset],
			routerSMS2FA:        a.mounted[routerSMS2FA],
			routerAdmin:         a.mounted[routerAdmin],
			routerOAuth:         a.mounted[routerOAuth],
		},
		OAuthProviders:      providers,
		RequireVerification: a.cfg.RequireVerification,
		AllowRegistration:   a.cfg.AllowRegistration,
		AccountDeletion:     a.cfg.EnableAccountDeletion,
	})
	return nil
}

// serverVersion is the version of the regstack core module in this binary
// ("devel" when built from a checkout).
func serverVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	mods := append([]*debug.Module{&info.Main}, info.Deps...)
	for _, m := range mods {
		if m.Path != coreModule {
			continue
		}
		if m.Replace != nil && m.Replace.Version != "" {
			return m.Replace.Version
		}
		if m.Version != "" && m.Version != "(devel)" {
			return m.Version
		}
	}
	return "devel"
}
