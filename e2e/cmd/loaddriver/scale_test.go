//go:build linux

package main

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestPickUserSpreadsOverEveryUser(t *testing.T) {
	for _, users := range []int{1, 7, 1000} {
		seen := make([]int, users)
		for i := range 50 * users {
			u := pickUser(i, users)
			if u < 0 || u >= users {
				t.Fatalf("pickUser(%d, %d) = %d, outside the users", i, users, u)
			}
			seen[u]++
		}
		if least := slices.Min(seen); least == 0 {
			t.Errorf("with %d users some user was never picked in %d operations", users, 50*users)
		}
		if most := slices.Max(seen); most > 150 {
			t.Errorf("with %d users one user was picked %d times of %d: not spread", users, most, 50*users)
		}
	}
}

func TestIntList(t *testing.T) {
	tests := []struct {
		name, in string
		want     []int
	}{
		{"ascending counts are read", "1000, 1000000", []int{1000, 1_000_000}},
		{"one count is a list", "5", []int{5}},
		{"a zero is refused", "0,10", nil},
		{"counts that do not ascend are refused", "10,10", nil},
		{"a word is refused", "ten", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			err := intList(&got)(tt.in)
			if tt.want == nil {
				if err == nil {
					t.Errorf("intList(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("intList(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestBackendRatios(t *testing.T) {
	block := func(users, nodes int, loginPerS, loginP99, mePerS, meP99 float64) blockReport {
		return blockReport{Users: users, Nodes: nodes,
			Login: phase{PerSecond: loginPerS, P99Ms: loginP99}, Me: phase{PerSecond: mePerS, P99Ms: meP99}}
	}
	tests := []struct {
		name                  string
		blocks                []blockReport
		loginGrowth, meGrowth float64
		loginNodes, meNodes   float64
		met                   bool
	}{
		{"flat latency and equal throughput meet the targets",
			[]blockReport{block(1000, 1, 60, 200, 9000, 4), block(1_000_000, 1, 58, 220, 8800, 4.4), block(1_000_000, 2, 57, 230, 8500, 5)},
			1.1, 1.1, 57.0 / 58, 8500.0 / 8800, true},
		{"p99 growing past 1.2 misses",
			[]blockReport{block(1000, 1, 60, 200, 9000, 4), block(1_000_000, 1, 58, 200, 8800, 5)},
			1, 1.25, 0, 0, false},
		{"two nodes slower than 0.9 of one miss",
			[]blockReport{block(1000, 1, 60, 200, 9000, 4), block(1_000_000, 1, 60, 200, 9000, 4), block(1_000_000, 2, 60, 200, 8000, 4)},
			1, 1, 1, 8000.0 / 9000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := backendReport{Backend: backendPostgres, Blocks: tt.blocks}
			br.ratios()
			near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
			if !near(br.LoginP99Growth, tt.loginGrowth) || !near(br.MeP99Growth, tt.meGrowth) {
				t.Errorf("p99 growth login %v, me %v; want %v, %v", br.LoginP99Growth, br.MeP99Growth, tt.loginGrowth, tt.meGrowth)
			}
			if !near(br.LoginNodeRatio, tt.loginNodes) || !near(br.MeNodeRatio, tt.meNodes) {
				t.Errorf("node ratios login %v, me %v; want %v, %v", br.LoginNodeRatio, br.MeNodeRatio, tt.loginNodes, tt.meNodes)
			}
			if br.Met != tt.met {
				t.Errorf("Met = %v, want %v", br.Met, tt.met)
			}
			var out bytes.Buffer
			(&scaleReport{Backends: []backendReport{br}}).writeText(&out)
			if want := map[bool]string{true: " ok", false: "MISSED"}[tt.met]; !strings.Contains(out.String(), want) {
				t.Errorf("the report does not say %q:\n%s", want, out.String())
			}
		})
	}
}
