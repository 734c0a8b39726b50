//go:build unix

package main

import (
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// quitGrace is how long a process group has to exit after SIGQUIT before it
// gets SIGKILL.
const quitGrace = time.Second

// startInGroup makes cmd start in a process group of its own, so that the
// children of a test binary or of the go command end with it, and sets its
// Cancel: when the context ends, the group gets SIGQUIT, on which a Go
// program prints the stacks of its goroutines and exits, and quitGrace
// later SIGKILL. Call the returned function once Wait has returned: if
// Cancel ran, it kills what is left of the group.
func startInGroup(cmd *exec.Cmd) (afterWait func()) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var (
		mu     sync.Mutex
		timer  *time.Timer
		waited bool
	)
	cmd.Cancel = func() error {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGQUIT)
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(quitGrace, func() {
			mu.Lock()
			defer mu.Unlock()
			if !waited {
				_ = syscall.Kill(-pgid, syscall.SIGKILL)
			}
		})
		return nil
	}
	return func() {
		mu.Lock()
		defer mu.Unlock()
		waited = true
		if timer != nil {
			timer.Stop()
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}
}
