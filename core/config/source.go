package config

import "strconv"

// Layer is one of the places a configuration value can come from
// (config.md §1.1), lowest priority first.
type Layer int

// The layers, lowest priority first: a later layer wins key by key.
const (
	LayerDefault  Layer = iota // built-in default (Default)
	LayerTOML                  // regstack.toml
	LayerSecrets               // regstack.secrets.env
	LayerEnv                   // process environment, REGSTACK_*
	LayerOverride              // programmatic override (LoadOptions.Overrides)
)

// String names the layer in messages and test names.
func (l Layer) String() string {
	switch l {
	case LayerTOML:
		return "toml"
	case LayerSecrets:
		return "secrets"
	case LayerEnv:
		return "environment"
	case LayerOverride:
		return "override"
	default:
		return "default"
	}
}

// Source says where a value came from, so messages can point at it.
type Source struct {
	Layer Layer
	// File is the TOML or secrets file; empty for the other layers.
	File string
	// Line is the 1-based line in File; 0 when unknown.
	Line int
	// Env is the variable name for the environment layer and for lines of
	// the secrets file (REGSTACK_EMAIL__SMTP_PORT).
	Env string
}

// String renders the source as a message prefix: "path:line",
// "environment variable NAME", "override", or "" for a default.
func (s Source) String() string {
	switch s.Layer {
	case LayerTOML, LayerSecrets:
		if s.Line > 0 {
			return s.File + ":" + strconv.Itoa(s.Line)
		}
		return s.File
	case LayerEnv:
		return "environment variable " + s.Env
	case LayerOverride:
		return "override"
	default:
		return ""
	}
}

// locate joins the non-empty parts of a "where: key: message" line.
func locate(src Source, key, msg string) string {
	out := ""
	for _, part := range []string{src.String(), key} {
		if part != "" {
			out += part + ": "
		}
	}
	return out + msg
}
