//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is the kernel's USER_HZ (getconf CLK_TCK), the unit of the
// CPU times in /proc/<pid>/stat; 100 when getconf is missing.
func clockTicks(ctx context.Context) int64 {
	out, err := exec.CommandContext(ctx, "getconf", "CLK_TCK").Output()
	if err != nil {
		return 100
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil || n <= 0 {
		return 100
	}
	return n
}

// procCPU is the user+system CPU time a process (all its threads) has
// used, from /proc/<pid>/stat.
func procCPU(pid int, ticks int64) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// the numeric fields start after the last ')'. utime and stime are
	// fields 14 and 15, so the 12th and 13th after the state (field 3).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime/stime %q %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * time.Second / time.Duration(ticks), nil
}

// procStatusBytes reads one "Vm…: N kB" line of /proc/<pid>/status, in bytes.
func procStatusBytes(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/status %s: %w", pid, field, err)
		}
		return kib << 10, nil
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}

// resetPeakRSS sets a process's VmHWM back to its current RSS (writing 5
// to clear_refs, Linux ≥ 4.0), so the next reading is the peak of what
// follows rather than of the whole run.
func resetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// selfCPU is the user+system CPU time of this process so far.
func selfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// machineBusy is the CPU time every process on the machine has used (all
// but idle and iowait), from the first line of /proc/stat.
func machineBusy(ticks int64) (time.Duration, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, fmt.Errorf("/proc/stat is empty")
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 6 || fields[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", sc.Text())
	}
	var busy int64
	// user nice system idle iowait irq softirq steal (guest time is
	// already inside user and nice).
	for i, v := range fields[1:min(len(fields), 9)] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		if i != 3 && i != 4 {
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / time.Duration(ticks), nil
}

// cpuMeter reads the CPU time of the measured servers, of this process
// and of the whole machine, so a phase can tell what share went elsewhere.
type cpuMeter struct {
	ticks int64
	pids  []int // the measured servers
}

// cpuSample is one reading of a cpuMeter.
type cpuSample struct {
	server, self, machine time.Duration
}

func (m cpuMeter) sample() (cpuSample, error) {
	var s cpuSample
	for _, pid := range m.pids {
		cpu, err := procCPU(pid, m.ticks)
		if err != nil {
			return s, err
		}
		s.server += cpu
	}
	var err error
	if s.self, err = selfCPU(); err != nil {
		return s, err
	}
	s.machine, err = machineBusy(m.ticks)
	return s, err
}
