package config

import (
	"reflect"
	"strings"
)

// valueKind is how a key's value is written and parsed (config.md §1.4).
type valueKind int

const (
	kindString    valueKind = iota // string, taken verbatim
	kindOptString                  // *string: an empty value means unset
	kindBool                       // bool
	kindOptBool                    // *bool: an empty value means unset
	kindInt                        // int
	kindFloat                      // float64
	kindList                       // []string
)

// keyInfo describes one configuration key: where it lives in Config and how
// its value is parsed.
type keyInfo struct {
	name   string // dotted, e.g. "email.smtp_port"
	index  []int  // field path in Config
	kind   valueKind
	secret bool
}

// keyRegistry is every key of Config, derived from the `key` tags so the
// struct stays the one list of keys.
type keyRegistry struct {
	keys   map[string]keyInfo
	order  []string // struct order, for stable output
	tables map[string]bool
}

// registry is computed once from the Config type and never written after,
// so instances share nothing mutable.
var registry = buildRegistry()

func buildRegistry() keyRegistry {
	r := keyRegistry{keys: map[string]keyInfo{}, tables: map[string]bool{}}
	r.add(reflect.TypeFor[Config](), "", nil)
	return r
}

func (r *keyRegistry) add(t reflect.Type, prefix string, index []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("key")
		if name == "" {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct {
			r.tables[name] = true
			r.add(f.Type, name+".", idx)
			continue
		}
		info := keyInfo{name: prefix + name, index: idx, secret: f.Tag.Get("secret") == "true"}
		switch f.Type {
		case reflect.TypeFor[string]():
			info.kind = kindString
		case reflect.TypeFor[*string]():
			info.kind = kindOptString
		case reflect.TypeFor[bool]():
			info.kind = kindBool
		case reflect.TypeFor[*bool]():
			info.kind = kindOptBool
		case reflect.TypeFor[int]():
			info.kind = kindInt
		case reflect.TypeFor[float64]():
			info.kind = kindFloat
		case reflect.TypeFor[[]string]():
			info.kind = kindList
		default:
			panic("config: no parser for the type of key " + info.name)
		}
		r.keys[info.name] = info
		r.order = append(r.order, info.name)
	}
}

// lookup finds a key by its dotted name, ignoring case as Python's settings
// loader does.
func (r *keyRegistry) lookup(name string) (keyInfo, bool) {
	k, ok := r.keys[strings.ToLower(name)]
	return k, ok
}

// IsSecret reports whether the dotted key (e.g. "email.smtp_password") holds
// a secret that must never be logged or echoed (config.md §3).
func IsSecret(key string) bool {
	k, ok := registry.lookup(key)
	return ok && k.secret
}

// Keys lists every configuration key, dotted ("email.smtp_port"), in the
// order of the Config struct. Doctor and the docs use it.
func Keys() []string {
	return append([]string(nil), registry.order...)
}

// EnvName is the environment variable that sets the dotted key:
// "email.smtp_port" → "REGSTACK_EMAIL__SMTP_PORT" (config.md §1.4).
func EnvName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "__"))
}
