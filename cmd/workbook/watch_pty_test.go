//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a new pseudo-terminal of 40 rows and 120
// columns: the program under test gets the terminal end, the test the
// other.
func openPTY(t *testing.T) (ptm, pts *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	pts, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(pts.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 120}); err != nil {
		t.Fatalf("pty size: %v", err)
	}
	return ptm, pts
}

// A terminal is what a person at the pty would see: everything the program
// wrote, of which the last screen counts.
type terminal struct {
	mu      sync.Mutex
	out     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newTerminal() *terminal { return &terminal{changed: make(chan struct{})} }

func (tm *terminal) Write(p []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.out.Write(p)
	close(tm.changed)
	tm.changed = make(chan struct{})
	return len(p), nil
}

// screen returns the text since the last clear-screen.
func (tm *terminal) screen() (string, <-chan struct{}) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	s := tm.out.String()
	if i := strings.LastIndex(s, "\x1b[2J"); i >= 0 {
		s = s[i+len("\x1b[2J"):]
	}
	return strings.ReplaceAll(s, "\r\n", "\n"), tm.changed
}

// waitFor waits until the screen shows every one of want, and fails the
// test with the screen if it does not within a generous watchdog (the
// watchdog only ends a test that went wrong; a right one returns as soon as
// the screen shows it).
func (tm *terminal) waitFor(t *testing.T, what string, want ...string) string {
	t.Helper()
	deadline := time.After(5 * time.Minute)
	for {
		s, changed := tm.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("watch never showed %s (%q); the screen:\n%s", what, want, s)
		}
	}
}

// TestWatchAsAPersonUsesIt runs `workbook watch` on the fixture's good
// lesson in a pseudo-terminal and uses it as a learner would: reads the
// first failing test, asks for the next hint, saves a file that does not
// compile, saves the solution, and quits.
func TestWatchAsAPersonUsesIt(t *testing.T) {
	oncePerBinary(t)
	root, err := newFixtureModule()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	ptm, pts := openPTY(t)
	defer ptm.Close()

	cmd := exec.Command(os.Args[0], "watch", "lesson1_good")
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), asWorkbook+"=1", "XDG_CACHE_HOME="+t.TempDir()), fixtureEnv...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close()
	var waitErr error
	exited := make(chan struct{}) // closed when watch has exited, waitErr set
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	term := newTerminal()
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			term.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	key := func(k string) {
		if _, err := ptm.Write([]byte(k)); err != nil {
			t.Fatalf("type %q: %v", k, err)
		}
	}
	save := func(content string) {
		if err := os.WriteFile(filepath.Join(root, "lesson1_good", "calc.go"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	term.waitFor(t, "the first failing test, its kind and the first hint",
		"watching lesson1_good", "0/3 tests passing", "next: TestAddSmall", "task 1 \"Add\" — README: Step 1: First",
		"failure: assertion", "Add(2, 3) = 0; want 5", "hint 1 of 2: Add returns a plus b.")
	key("h")
	term.waitFor(t, "the second hint after h", "hint 2 of 2: return a + b", "that was the last hint")

	save("package good\n\nfunc Add(a, b int) int { return a + }\n\nfunc Double(x int) int { return 0 }\n")
	term.waitFor(t, "the build error at once, with its file:line", "build error", "calc.go:3:")

	saved := time.Now()
	sol, err := os.ReadFile(filepath.Join(root, "solutions", "lesson1_good", "calc.go"))
	if err != nil {
		t.Fatal(err)
	}
	save(string(sol))
	s := term.waitFor(t, "the lesson done after saving the solution", "3/3 tests passing", "done: every test of lesson1_good passes", "(saved calc.go)")
	t.Logf("save to verdict, as the screen shows it: %v (the screen says: %s)", time.Since(saved).Round(time.Millisecond),
		strings.TrimSpace(s[strings.Index(s, "verdict in"):strings.Index(s, "(saved calc.go)")]))

	key("q")
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("watch exited with %v after q; want status 0", waitErr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not exit after q")
	}
	<-copied
}
