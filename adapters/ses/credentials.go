package ses

import (
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	rsconfig "github.com/regstack/regstack/core/config"
)

// credentialOptions picks the credential source the [email] table names
// (config.md §2.8): the explicit key pair, else the named profile, else
// nothing, which leaves the SDK's default chain (environment, shared
// files, container or instance role). The loader has already refused a
// table that sets both a profile and a key pair, or half a pair.
func credentialOptions(cfg rsconfig.EmailConfig) []func(*config.LoadOptions) error {
	switch {
	case set(cfg.SESAccessKeyID) && set(cfg.SESSecretAccessKey):
		return []func(*config.LoadOptions) error{config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(*cfg.SESAccessKeyID, *cfg.SESSecretAccessKey, ""))}
	case set(cfg.SESProfile):
		return []func(*config.LoadOptions) error{config.WithSharedConfigProfile(*cfg.SESProfile)}
	default:
		return nil
	}
}

func set(s *string) bool { return s != nil && *s != "" }
