package config

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
)

// LoadOptions say where Load looks. The zero value loads like Python's
// loader run in the current directory with the process environment.
type LoadOptions struct {
	// ConfigPath names regstack.toml explicitly: the CLI's --config or the
	// host program's choice. A directory means <dir>/regstack.toml. When
	// set it must resolve to an existing file (config.md §1.2).
	ConfigPath string
	// SecretsPath names regstack.secrets.env explicitly; when set, no other
	// secrets file is looked for. A missing file is not an error.
	SecretsPath string
	// Overrides are the highest layer: dotted key ("email.backend") →
	// value. Values are strings (parsed like environment values) or Go
	// values of the key's kind (bool, int, float64, []string); nil unsets an
	// optional key.
	Overrides map[string]any
	// Env is the environment to read REGSTACK_* and REGSTACK_CONFIG from.
	// Nil means the process environment; tests pass a map (empty for none)
	// so that loads neither read nor change the real one.
	Env map[string]string
	// Dir stands for the current working directory when looking for
	// ./regstack.toml and ./regstack.secrets.env. Empty means ".".
	Dir string
	// TOMLData and SecretsData, when not nil, are the contents of the files
	// named by ConfigPath and SecretsPath (which must then name files, not
	// directories), read instead of the disk: a tool checks what it is
	// about to write without writing it anywhere. Messages name the paths.
	TOMLData, SecretsData []byte
}

// Load builds the configuration from its layers, highest priority first
// (config.md §1): Overrides, the REGSTACK_* environment,
// regstack.secrets.env, regstack.toml, Default(). Each key is resolved on
// its own, so tables merge key by key. The merged values are then checked
// against every rule of §2 (Validate).
//
// The error is a *NotFoundError for an explicitly named TOML file that does
// not exist, or an *Error listing every bad key with the file, line or
// variable it came from; secret values never appear in it. The Report is
// never nil: on error it says as much as was found, and its warnings
// (unknown keys, secrets in the TOML, …) are worth printing either way. The
// start-up checks of §7 are not run here: call StartupErrors.
func Load(opts LoadOptions) (Config, *Report, error) {
	report := &Report{Sources: map[string]Source{}}
	env := opts.Env
	if env == nil {
		env = processEnv()
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}

	tomlPath := opts.ConfigPath
	if opts.TOMLData == nil {
		var err error
		if tomlPath, err = locateTOML(opts.ConfigPath, env, dir); err != nil {
			return Default(), report, err
		}
	}
	report.TOMLFile = tomlPath
	if opts.SecretsData != nil {
		report.SecretsFile = opts.SecretsPath
	} else {
		report.SecretsFile = locateSecrets(opts.SecretsPath, tomlPath, dir)
	}

	var layers [][]setting
	var problems []Problem

	var tomlSettings []setting
	if tomlPath != "" {
		data := opts.TOMLData
		if data == nil {
			var err error
			if data, err = os.ReadFile(tomlPath); err != nil {
				return Default(), report, fmt.Errorf("config: %w", err)
			}
		}
		var ps []Problem
		var err error
		tomlSettings, ps, err = readTOML(tomlPath, data, report)
		if err != nil {
			return Default(), report, err
		}
		problems = append(problems, ps...)
		layers = append(layers, tomlSettings)
	}
	if report.SecretsFile != "" {
		s, ps, err := readSecrets(report.SecretsFile, opts.SecretsData, report)
		if err != nil {
			return Default(), report, err
		}
		problems = append(problems, ps...)
		layers = append(layers, s)
	}
	envSettings, ps := readEnv(env, report)
	problems = append(problems, ps...)
	layers = append(layers, envSettings)
	overrideSettings, ps := readOverrides(opts.Overrides)
	problems = append(problems, ps...)
	layers = append(layers, overrideSettings)

	// Later layers, and later settings within a layer, win.
	effective := map[string]setting{}
	for _, layer := range layers {
		for _, s := range layer {
			effective[s.key] = s
		}
	}

	cfg := Default()
	target := valueOf(&cfg)
	failed := map[string]bool{}
	for _, key := range Keys() {
		s, ok := effective[key]
		if !ok {
			continue
		}
		report.Sources[key] = s.src
		info := registry.keys[key]
		v, err := parseValue(info, s.raw)
		if err != nil {
			failed[key] = true
			problems = append(problems, Problem{Key: key, Source: s.src, Message: parseMessage(info, s.raw, err)})
			continue
		}
		target.FieldByIndex(info.index).Set(reflect.ValueOf(v))
	}

	problems = append(problems, cfg.check(func(key string) Source { return report.Sources[key] }, failed)...)
	tomlValues := map[string]setting{}
	for _, s := range tomlSettings {
		tomlValues[s.key] = s
	}
	report.adviseMerged(&cfg, tomlValues)

	if len(problems) > 0 {
		sortProblems(problems)
		return cfg, report, &Error{Problems: problems}
	}
	return cfg, report, nil
}

// readOverrides turns LoadOptions.Overrides into settings. An unknown key
// here is a programming error, so it is a problem rather than a warning.
func readOverrides(overrides map[string]any) ([]setting, []Problem) {
	var out []setting
	var problems []Problem
	src := Source{Layer: LayerOverride}
	for name, value := range overrides {
		info, known := registry.lookup(name)
		if !known {
			msg := "unknown key"
			if registry.tables[strings.ToLower(name)] {
				msg = "is a table; override its keys one by one, e.g. " + strings.ToLower(name) + ".backend"
			}
			problems = append(problems, Problem{Key: name, Source: src, Message: msg})
			continue
		}
		raw, err := overrideRaw(value)
		if err != nil {
			problems = append(problems, Problem{Key: info.name, Source: src, Message: err.Error()})
			continue
		}
		out = append(out, setting{key: info.name, raw: raw, src: src})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, problems
}

// parseMessage words a parse failure, echoing the value only for keys that
// are not secret.
func parseMessage(info keyInfo, raw any, err error) string {
	if info.secret {
		return "invalid value: " + err.Error()
	}
	switch raw.(type) {
	case string, bool, int64, float64:
		return err.Error() + shown(info.name, raw)
	}
	return fmt.Sprintf("%v (got a %s)", err, tomlTypeName(raw))
}

func tomlTypeName(raw any) string {
	switch raw.(type) {
	case []any:
		return "list"
	case map[string]any:
		return "table"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", raw)
}

// sortProblems orders problems by where they were found, then by key, so
// the error reads like the file.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Layer != b.Layer {
			return a.Layer < b.Layer
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Key < b.Key
	})
}

func valueOf(c *Config) reflect.Value { return reflect.ValueOf(c).Elem() }
