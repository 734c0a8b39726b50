//go:build unix

package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunKillsTheProcessGroupAtTheDeadline runs a shell whose background
// child ignores SIGQUIT (as background jobs of sh do) and keeps the output
// pipe open: the shell dies of SIGQUIT, the child of SIGKILL a second later,
// and run returns then, not after WaitDelay.
func TestRunKillsTheProcessGroupAtTheDeadline(t *testing.T) {
	r := newRunner("", 1, nil, nil)
	start := time.Now()
	res, err := r.run(context.Background(), t.TempDir(), 300*time.Millisecond, "sh", "-c", "sleep 30 & echo $!; wait")
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); !res.Killed || res.ok() || elapsed > quitGrace+time.Second {
		t.Errorf("run(sleeping shell, 300ms) = killed %t after %v; want killed within %v", res.Killed, elapsed, quitGrace+time.Second)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(res.Output))
	if err != nil {
		t.Fatalf("run output = %q; want the child's pid", res.Output)
	}
	for deadline := time.Now().Add(2 * time.Second); alive(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the shell's child %d is still alive", pid)
		}
	}
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc: trust kill
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(after, "Z")
}
