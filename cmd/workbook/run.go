package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// A procResult is what a child process left behind.
type procResult struct {
	Output   string // stdout and stderr, interleaved as written, capped
	ExitCode int    // -1 if the process did not exit by itself
	Killed   bool   // killed at the hard deadline
	Elapsed  time.Duration
}

// ok reports whether the process exited with status 0.
func (r procResult) ok() bool { return r.ExitCode == 0 && !r.Killed }

// A runner runs child processes: at most cap(sem) at a time, each in its
// own process group, each with a hard deadline and capped output.
type runner struct {
	root     string        // module root: working dir of go commands, trimmed from paths in output
	goCmd    string        // the go command
	sem      chan struct{} // one token per running process
	maxBytes int           // output kept per process
	env      []string      // added to the environment of every process
	verbose  func(format string, args ...any)
}

// newRunner returns a runner for the module at root that runs at most jobs
// processes at once, with env added to their environment.
func newRunner(root string, jobs int, env []string, verbose func(string, ...any)) *runner {
	if jobs < 1 {
		jobs = 1
	}
	if verbose == nil {
		verbose = func(string, ...any) {}
	}
	return &runner{root: root, goCmd: "go", sem: make(chan struct{}, jobs), maxBytes: 1 << 20, env: env, verbose: verbose}
}

// run runs name with args in dir and waits for it, at most for deadline:
// then it stops the process group, with a goroutine dump if it can (see
// startInGroup). An error means that the process could not be run at all,
// or that ctx was cancelled; a non-zero exit is not an error.
func (r *runner) run(ctx context.Context, dir string, deadline time.Duration, name string, args ...string) (procResult, error) {
	return r.runCapped(ctx, dir, deadline, r.maxBytes, name, args...)
}

// runCapped is run with its own limit on the output kept.
func (r *runner) runCapped(ctx context.Context, dir string, deadline time.Duration, maxBytes int, name string, args ...string) (procResult, error) {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return procResult{}, ctx.Err()
	}
	defer func() { <-r.sem }()

	dctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	cmd := exec.CommandContext(dctx, name, args...)
	cmd.Dir = dir
	if len(r.env) > 0 {
		cmd.Env = append(os.Environ(), r.env...)
	}
	afterWait := startInGroup(cmd)
	var canceled atomic.Bool
	cancelGroup := cmd.Cancel
	cmd.Cancel = func() error { canceled.Store(true); return cancelGroup() }
	cmd.WaitDelay = 3 * time.Second // stop waiting for output held open by stray grandchildren
	out := newCappedBuffer(maxBytes)
	cmd.Stdout, cmd.Stderr = out, out

	start := time.Now()
	err := cmd.Run()
	afterWait()
	res := procResult{Output: r.trimPaths(out.String()), ExitCode: -1, Elapsed: time.Since(start)}
	r.verbose("%.1fs %s %s", res.Elapsed.Seconds(), r.trimPaths(name), r.trimPaths(strings.Join(args, " ")))
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if canceled.Load() {
		res.Killed = true
		return res, nil
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, exec.ErrWaitDelay) {
		return res, fmt.Errorf("run %s: %w", name, err)
	}
	return res, nil
}

// goTool runs the go command in the module root.
func (r *runner) goTool(ctx context.Context, deadline time.Duration, args ...string) (procResult, error) {
	res, err := r.run(ctx, r.root, deadline, r.goCmd, args...)
	if err != nil {
		return res, fmt.Errorf("go %s: %w", args[0], err)
	}
	return res, nil
}

// trimPaths makes the paths under the module root relative to it, so that
// messages read "lesson1_dataflow/pad.go:12".
func (r *runner) trimPaths(s string) string {
	if r.root == "" {
		return s
	}
	return strings.ReplaceAll(s, r.root+string(filepath.Separator), "")
}

// A cappedBuffer keeps the first and the last bytes written to it, up to a
// limit: a goroutine dump starts with what matters and a test binary ends
// with its verdict, so both ends are kept.
type cappedBuffer struct {
	head, tail []byte
	headMax    int
	tailMax    int
	dropped    int64
}

func newCappedBuffer(max int) *cappedBuffer {
	return &cappedBuffer{headMax: max * 3 / 4, tailMax: max - max*3/4}
}

// Write implements io.Writer. It never fails.
func (b *cappedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := b.headMax - len(b.head); room > 0 {
		k := min(room, len(p))
		b.head = append(b.head, p[:k]...)
		p = p[k:]
	}
	if len(p) > 0 {
		b.tail = append(b.tail, p...)
		if extra := len(b.tail) - b.tailMax; extra > b.tailMax { // compact now and then
			b.dropped += int64(extra)
			b.tail = append(b.tail[:0], b.tail[extra:]...)
		}
	}
	return n, nil
}

// String returns what was kept, marking the cut.
func (b *cappedBuffer) String() string {
	tail, dropped := b.tail, b.dropped
	if extra := len(tail) - b.tailMax; extra > 0 {
		tail, dropped = tail[extra:], dropped+int64(extra)
	}
	if dropped == 0 {
		return string(b.head) + string(tail)
	}
	return fmt.Sprintf("%s\n... [workbook: %d bytes of output cut] ...\n%s", b.head, dropped, tail)
}

// makeTempDir creates the directory for test binaries and overlays.
func makeTempDir() (string, error) {
	dir, err := os.MkdirTemp("", "workbook-")
	if err != nil {
		return "", fmt.Errorf("create temporary directory: %w", err)
	}
	return dir, nil
}
