# regstack — build and test entry points. The work is done by scripts/*.sh
# (bash, set -euo pipefail) so CI and a developer run exactly the same thing.
#
#   make serve   run the standalone server (SQLite, console email)
#   make test    everything CI runs: deps, lint, unit (-race), fuzz, smoke
#   make lint    gofmt -l, go vet, staticcheck in every go.work module
#   make unit    go test -race -count=1 across every module
#   make fuzz    each Fuzz target for FUZZTIME
#   make smoke   load-driver smoke run against a real `regstack serve` (<= 60 s)
#   make bench   go benchmarks across every module, then the full load-driver runs
#   make fmt     gofmt -w every module
#   make tools   install the pinned Go tools into ./bin
#   make deps    install missing system packages (apt-get as root)
#
# Modules come from go.work; MODULES="core cli" narrows lint/unit/fuzz/bench/fmt.

SHELL := /usr/bin/env bash

# How long each fuzz target runs in `make test` / `make fuzz`.
FUZZTIME ?= 5s
# Upper bound for one test binary.
TEST_TIMEOUT ?= 10m
# Extra arguments for `regstack serve`, e.g. make serve ARGS='--config ./dev'.
ARGS ?=

export FUZZTIME TEST_TIMEOUT

.PHONY: test lint unit fuzz smoke bench fmt tools deps serve clean

test:
	@bash scripts/test.sh

lint: tools
	@bash scripts/lint.sh

unit: tools
	@bash scripts/unit.sh

fuzz:
	@bash scripts/fuzz.sh

# Hook: the load-driver smoke run against a real `regstack serve`.
smoke:
	@bash scripts/smoke.sh

bench:
	@bash scripts/bench.sh
	@bash scripts/load.sh bench

fmt:
	@bash scripts/fmt.sh

tools:
	@bash scripts/tools.sh

deps:
	@bash scripts/deps.sh

serve:
	go run ./cli/cmd/regstack serve $(ARGS)

clean:
	rm -rf bin
