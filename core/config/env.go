package config

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
)

const envPrefix = "REGSTACK_"

// processEnv snapshots the process environment as a map.
func processEnv() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if name, value, ok := strings.Cut(kv, "="); ok {
			env[name] = value
		}
	}
	return env
}

// readEnv turns the REGSTACK_* variables of env into settings. Other
// variables are not configuration and are skipped silently.
func readEnv(env map[string]string, report *Report) ([]setting, []Problem) {
	var lines []envLine
	for name, value := range env {
		if hasEnvPrefix(name) {
			lines = append(lines, envLine{name: name, value: value})
		}
	}
	// Map order is random; sort so that output and tie-breaks are stable.
	sort.Slice(lines, func(i, j int) bool { return lines[i].name < lines[j].name })
	return envSettings(lines, LayerEnv, "", report)
}

func hasEnvPrefix(name string) bool {
	return len(name) >= len(envPrefix) && strings.EqualFold(name[:len(envPrefix)], envPrefix)
}

// testEnvPrefix marks the variables of regstack's own test harness.
const testEnvPrefix = envPrefix + "TEST_"

func hasTestPrefix(name string) bool {
	return len(name) >= len(testEnvPrefix) && strings.EqualFold(name[:len(testEnvPrefix)], testEnvPrefix)
}

// envSettings maps environment-style names to keys (config.md §1.4):
// REGSTACK_ + key in upper case, `__` between a table and its key. Names
// are matched in any case, but an upper-case name wins over another
// spelling of the same key. A whole table may be given as one JSON object
// (REGSTACK_EMAIL='{"backend":"smtp"}'); `__` variables override its
// fields. Unknown names are warnings.
func envSettings(lines []envLine, layer Layer, file string, report *Report) ([]setting, []Problem) {
	type candidate struct {
		line  envLine
		upper bool
	}
	chosen := map[string]candidate{}
	var order []string
	for _, l := range lines {
		src := Source{Layer: layer, File: file, Line: l.line, Env: l.name}
		if !hasEnvPrefix(l.name) {
			// Only the secrets file gets here: `export REGSTACK_X=…` and
			// foreign names are ignored, as in Python.
			report.warn("", src, "ignored: "+l.name+" does not start with "+envPrefix)
			continue
		}
		if layer == LayerEnv && hasTestPrefix(l.name) {
			// REGSTACK_TEST_* point this project's tests at their servers;
			// they are not configuration.
			continue
		}
		if strings.EqualFold(l.name, ConfigEnvVar) {
			if layer != LayerEnv {
				report.warn("", src, "ignored: "+ConfigEnvVar+" only locates regstack.toml when set in the environment")
			}
			continue
		}
		rest := l.name[len(envPrefix):]
		if strings.Contains(rest, ".") {
			// Not a name the key scheme produces; a "." would otherwise
			// pass for the table separator.
			report.warn(strings.ToLower(rest), src, "unknown key; ignored")
			continue
		}
		key := strings.ToLower(strings.ReplaceAll(rest, "__", "."))
		upper := l.name == strings.ToUpper(l.name)
		prev, seen := chosen[key]
		if !seen {
			order = append(order, key)
		}
		if !seen || upper || !prev.upper {
			chosen[key] = candidate{line: l, upper: upper}
		}
	}

	var tables, leaves []setting
	var problems []Problem
	for _, key := range order {
		l := chosen[key].line
		src := Source{Layer: layer, File: file, Line: l.line, Env: l.name}
		switch {
		case registry.tables[key]:
			fields, problem := jsonTable(key, l.value, src, report)
			if problem != nil {
				problems = append(problems, *problem)
			}
			tables = append(tables, fields...)
		default:
			if _, known := registry.lookup(key); !known {
				report.warn(key, src, "unknown key; ignored")
				continue
			}
			leaves = append(leaves, setting{key: key, raw: l.value, src: src})
		}
	}
	// Whole-table JSON first, so the `__` variables after it win.
	return append(tables, leaves...), problems
}

// jsonTable expands REGSTACK_<TABLE>='{…}' into one setting per field.
func jsonTable(table, value string, src Source, report *Report) ([]setting, *Problem) {
	dec := json.NewDecoder(bytes.NewReader([]byte(value)))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, &Problem{Key: table, Source: src, Message: "expected a JSON object of [" + table + "] keys"}
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []setting
	for _, name := range names {
		key := table + "." + strings.ToLower(name)
		info, known := registry.lookup(key)
		if !known {
			report.warn(key, src, "unknown key; ignored")
			continue
		}
		out = append(out, setting{key: info.name, raw: fromJSON(fields[name]), src: src})
	}
	return out, nil
}

// fromJSON converts decoded JSON into the raw forms TOML gives.
func fromJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = fromJSON(item)
		}
		return out
	}
	return v
}
