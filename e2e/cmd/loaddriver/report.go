//go:build linux

package main

import (
	"fmt"
	"io"
)

// Targets of the three ratios.
const (
	targetR1 = 0.88 // login throughput vs. the hashing ceiling
	targetR2 = 0.5  // /me throughput vs. a bare net/http server
	targetR3 = 1.0  // peak RSS vs. the pool's Argon2 memory + 64 MiB
)

// report is the outcome of one run; -json prints it as is.
type report struct {
	Smoke        bool          `json:"smoke"`
	Cores        int           `json:"cores"`
	Argon2       argonParams   `json:"argon2"`
	PoolSize     int           `json:"hash_pool_size"`
	Users        int           `json:"users"`
	Concurrency  int           `json:"concurrency"`
	PhaseSeconds float64       `json:"phase_seconds"`
	Hash         argonBaseline `json:"argon2_baseline"`
	Register     phase         `json:"register"`
	Login        phase         `json:"login"`
	Me           phase         `json:"me"`
	Peak         phase         `json:"peak_logins"`
	BareMe       phase         `json:"bare_me"`
	PeakRSSBytes int64         `json:"peak_rss_bytes"`
	// IdleRSSBytes is the server's RSS just before the peak phase.
	IdleRSSBytes int64 `json:"rss_before_peak_bytes"`
	// IdealLoginsPerS = cores ÷ CPU seconds per hash: every core hashing
	// all the time, nothing else.
	IdealLoginsPerS float64 `json:"ideal_logins_per_s"`
	// RSSBudgetBytes = pool × Argon2 memory + 64 MiB.
	RSSBudgetBytes int64   `json:"rss_budget_bytes"`
	R1             float64 `json:"r1_login_vs_hash_ceiling"`
	R2             float64 `json:"r2_me_vs_bare"`
	R3             float64 `json:"r3_peak_rss_vs_budget"`
	// HashShare = CPU per hash ÷ server CPU per login: the part of a
	// login's server CPU that is the Argon2id hash. Unlike R1 it does not
	// depend on the machine being otherwise idle.
	HashShare float64 `json:"hash_share_of_login_cpu"`
	// MeCPURatio = bare CPU per /me ÷ server CPU per /me.
	MeCPURatio float64  `json:"me_cpu_bare_vs_server"`
	Met        bool     `json:"targets_met"`
	Notes      []string `json:"notes,omitempty"`
}

// ratios fills in the derived figures.
func (r *report) ratios() {
	if r.Hash.CPUPer > 0 {
		r.IdealLoginsPerS = float64(r.Cores) / r.Hash.CPUPer.Seconds()
		r.R1 = r.Login.PerSecond / r.IdealLoginsPerS
	}
	if r.BareMe.PerSecond > 0 {
		r.R2 = r.Me.PerSecond / r.BareMe.PerSecond
	}
	if r.Login.ServerCPUMsPerOp > 0 {
		r.HashShare = r.Hash.CPUPerMs / r.Login.ServerCPUMsPerOp
	}
	if r.Me.ServerCPUMsPerOp > 0 {
		r.MeCPURatio = r.BareMe.ServerCPUMsPerOp / r.Me.ServerCPUMsPerOp
	}
	r.RSSBudgetBytes = int64(r.PoolSize)*int64(r.Argon2.M)<<10 + 64*mib
	r.R3 = float64(r.PeakRSSBytes) / float64(r.RSSBudgetBytes)
	r.Met = r.R1 >= targetR1 && r.R2 >= targetR2 && r.R3 <= targetR3
}

func (r *report) writeText(w io.Writer) {
	mode := "full run"
	if r.Smoke {
		mode = "smoke run"
	}
	fmt.Fprintf(w, "regstack load report (%s): argon2id m=%d KiB t=%d p=%d, hash pool %d, %d cores, %d users, %d clients, %.0f s phases\n",
		mode, r.Argon2.M, r.Argon2.T, r.Argon2.P, r.PoolSize, r.Cores, r.Users, r.Concurrency, r.PhaseSeconds)
	fmt.Fprintf(w, "  argon2id in-process   %8.2f ms CPU/hash, %.2f ms wall (%d hashes) -> ceiling %.1f logins/s\n",
		r.Hash.CPUPerMs, r.Hash.WallPerMs, r.Hash.Hashes, float64(r.Cores)/(r.Hash.CPUPerMs/1000))
	fmt.Fprintf(w, "  %-12s %8s %10s %9s %9s %12s %23s %6s %5s\n",
		"phase", "ops", "ops/s", "p50 ms", "p99 ms", "srv CPU ms/op", "cores srv/driver/other", "errors", "503s")
	for _, p := range []phase{r.Register, r.Login, r.Me, r.Peak, r.BareMe} {
		if p.Name == "" {
			continue
		}
		fmt.Fprintf(w, "  %-12s %8d %10.1f %9.2f %9.2f %12.3f %11.2f/%.2f/%.2f %6d %5d\n",
			p.Name, p.Ops, p.PerSecond, p.P50Ms, p.P99Ms, p.ServerCPUMsPerOp,
			p.ServerCores, p.DriverCores, p.OtherCores, p.Errors, p.Busy)
	}
	if r.PeakRSSBytes > 0 {
		fmt.Fprintf(w, "  RSS %.1f MiB before, peak %.1f MiB during %d concurrent logins (budget %d x %.1f MiB + 64 MiB = %.1f MiB)\n",
			float64(r.IdleRSSBytes)/mib, float64(r.PeakRSSBytes)/mib, r.Peak.Clients,
			r.PoolSize, float64(r.Argon2.M)/1024, float64(r.RSSBudgetBytes)/mib)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if r.BareMe.Ops == 0 {
		fmt.Fprintln(w, "  ratios: not computed (the run did not finish)")
		return
	}
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "MISSED"
	}
	fmt.Fprintf(w, "  R1 login/s / hash ceiling  %6.3f  (target >= %.2f)  %s\n", r.R1, targetR1, verdict(r.R1 >= targetR1))
	fmt.Fprintf(w, "  R2 me/s / bare me/s        %6.3f  (target >= %.2f)  %s\n", r.R2, targetR2, verdict(r.R2 >= targetR2))
	fmt.Fprintf(w, "  R3 peak RSS / budget       %6.3f  (target <= %.2f)  %s\n", r.R3, targetR3, verdict(r.R3 <= targetR3))
	fmt.Fprintf(w, "  (CPU view, independent of other load: hash = %.0f%% of a login's server CPU; bare /me costs %.0f%% of the server's /me CPU)\n",
		100*r.HashShare, 100*r.MeCPURatio)
	if r.Login.OtherCores > 0.25 || r.Me.OtherCores > 0.25 || r.BareMe.OtherCores > 0.25 {
		fmt.Fprintln(w, "  warning: other processes kept the machine busy during the run (other cores column): throughput ratios read low")
	}
}
