//go:build linux

package main

import (
	"context"
	"time"

	"golang.org/x/crypto/argon2"
)

// argonBaseline is the cost of one Argon2id hash at the run's parameters,
// measured in this process with nothing else running.
type argonBaseline struct {
	Hashes    int           `json:"hashes"`
	CPUPer    time.Duration `json:"-"`
	WallPer   time.Duration `json:"-"`
	CPUPerMs  float64       `json:"cpu_ms_per_hash"`
	WallPerMs float64       `json:"wall_ms_per_hash"`
}

// measureArgon2 hashes sequentially on one goroutine (the p lanes of each
// hash run in parallel inside argon2, as in the server) until minCPU of
// CPU time is spent, between 3 and 50 hashes after one warm-up hash, and
// divides this process's CPU time (getrusage) by the count.
func measureArgon2(ctx context.Context, p argonParams, minCPU time.Duration) (argonBaseline, error) {
	pw, salt := []byte("load-driver-baseline"), []byte("0123456789abcdef")
	hash := func() { argon2.IDKey(pw, salt, p.T, p.M, p.P, 32) }
	hash() // warm-up: the first run also pays for growing the heap
	cpu0, err := selfCPU()
	if err != nil {
		return argonBaseline{}, err
	}
	wall0 := time.Now()
	n := 0
	for ; n < 50 && ctx.Err() == nil; n++ {
		if n >= 3 {
			cpu, err := selfCPU()
			if err != nil {
				return argonBaseline{}, err
			}
			if cpu-cpu0 >= minCPU {
				break
			}
		}
		hash()
	}
	if err := ctx.Err(); err != nil {
		return argonBaseline{}, err
	}
	cpu1, err := selfCPU()
	if err != nil {
		return argonBaseline{}, err
	}
	b := argonBaseline{
		Hashes:  n,
		CPUPer:  (cpu1 - cpu0) / time.Duration(n),
		WallPer: time.Since(wall0) / time.Duration(n),
	}
	b.CPUPerMs, b.WallPerMs = ms(b.CPUPer), ms(b.WallPer)
	return b, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
