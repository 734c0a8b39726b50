// Command workbook shows a learner's progress through the gstmini lessons
// and verifies the lessons for maintainers and CI.
//
// Usage:
//
//	go run ./cmd/workbook [-json] [-timeout 10s] [lesson...]
//	go run ./cmd/workbook watch [-json] [lesson]
//	go run ./cmd/workbook hint [lesson]
//	go run ./cmd/workbook reset [-y] [-ref REV] lesson[/file.go]
//	go run ./cmd/workbook solution [-force] lesson
//	go run ./cmd/workbook verify [-soak] [-json file] [-j n] [-timeout 20s] [-framework ./...] [-v] [lesson...]
//
// Without a command it runs each lesson's tests on the learner's files and
// prints, per lesson, how many pass and the next failing test in task order,
// with its failure message and the task's first hint; -json prints the same
// as Results, per test, for editors and instructors' scripts.
//
// watch works on one lesson: it reruns the lesson's tests on every save of
// a Go file in it and keeps one screen up to date (progress, the next
// failing test, its kind of failure in plain words, the README step, the
// hints). hint prints one more hint each time it is asked (the count is
// kept in the user's cache directory). reset puts skeleton files back as
// committed, after asking. solution shows the solution as a diff once every
// test of the lesson passes.
//
// The verify command checks, for every lesson (docs/LESSON-FORMAT.md):
// lesson.json against the tests; the layout; that each test, run alone from a
// test binary built once with -race, fails by assertion on the skeleton (not
// by a build error, a panic, a timeout, a race or a leak); that all tests pass
// with the solution laid over the skeleton by go test -overlay, under -race,
// three times shuffled (twenty with -soak); that the solution builds on its
// own and vets clean; and that every mutant kept in the lesson's
// testdata/mutants (a plausible wrong solution) makes at least one test fail
// by assertion. Then it runs the framework's tests. It prints a table
// per lesson and ends with "N passed, M failed"; the exit status is 1 if any
// check failed.
//
// Every test binary runs with -test.timeout and a hard deadline after which
// its process group is killed, so a deadlocked lesson cannot hang the tool.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runWithInput(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // verify: some check failed
	exitError  = 2 // the tool could not do its job
)

// run runs the command line args with no standard input and returns the
// exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWithInput(ctx, args, strings.NewReader(""), stdout, stderr)
}

// runWithInput runs the command line args and returns the exit status.
func runWithInput(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "verify" {
		return runVerify(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		usage(stdout)
		return exitOK
	}
	root, err := findModuleRoot()
	if err != nil {
		fmt.Fprintf(stderr, "workbook: %v\n", err)
		return exitError
	}
	c := commandContext{ctx: ctx, root: root, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) > 0 {
		switch args[0] {
		case "hint":
			return runHint(c, args[1:])
		case "reset":
			return runReset(c, args[1:])
		case "solution":
			return runSolution(c, args[1:])
		case "watch":
			return runWatch(c, args[1:])
		}
	}
	return runProgress(c, args)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  go run ./cmd/workbook [-json] [-timeout 10s] [lesson...]
      show your progress: tests passing per lesson, the next one to make pass and a hint
      (-json: per test its lesson, task, status, kind of failure, message and duration)
  go run ./cmd/workbook watch [-json] [lesson]
      work on a lesson (the first unfinished one by default): its tests rerun on every save
      and one screen shows the next failing test, what kind of failure it is, the README
      step and the hints. Keys: h next hint, r rerun, n/p next/previous lesson, q quit
  go run ./cmd/workbook hint [lesson]
      print the next hint for the first failing test; one more each time you ask
  go run ./cmd/workbook reset [-y] lesson[/file.go]
      put the lesson's skeleton files (or one of them) back as shipped, after asking
  go run ./cmd/workbook solution [-force] lesson
      once every test of the lesson passes, show how the solution differs from your files
  go run ./cmd/workbook verify [flags] [lesson...]
      check the lessons, their solutions and the framework, as CI does

verify flags:
  -soak            run solutions and the framework 20 times (skeleton tests 3 times)
  -json FILE       also write per-check results as JSON to FILE ("-": stdout, instead of the tables)
  -j N             run at most N processes at once (default: number of CPUs)
  -timeout D       test timeout of one test run (default 20s)
  -framework PATS  package patterns of the framework (default ./..., less the lessons
                   and solutions; "" skips it)
  -v               log each command to stderr
Naming lessons ("lesson2" or "lesson2_timing") limits the work to them and skips the framework.
`)
}

// runVerify is the verify command.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(stderr) }
	soak := fs.Bool("soak", false, "run solutions and the framework 20 times")
	jsonOut := fs.String("json", "", "write per-check results as JSON to this file (\"-\": stdout)")
	jobs := fs.Int("j", runtime.NumCPU(), "processes at once")
	timeout := fs.Duration("timeout", 20*time.Second, "test timeout of one test run")
	framework := fs.String("framework", "./...", "package patterns of the framework, space-separated (lessons and solutions are left out)")
	verbose := fs.Bool("v", false, "log each command to stderr")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	root, err := findModuleRoot()
	if err != nil {
		fmt.Fprintf(stderr, "workbook: %v\n", err)
		return exitError
	}
	rep, err := verify(ctx, verifyConfig{
		root: root, lessons: fs.Args(), soak: *soak, jobs: *jobs,
		timeout: *timeout, grace: 10 * time.Second, framework: *framework,
		verbose: logger(*verbose, stderr),
	})
	if err != nil {
		fmt.Fprintf(stderr, "workbook verify: %v\n", err)
		return exitError
	}
	if *jsonOut != "-" {
		if err := writeText(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "workbook verify: %v\n", err)
			return exitError
		}
	}
	if *jsonOut != "" {
		if err := writeJSONFile(*jsonOut, rep, stdout); err != nil {
			fmt.Fprintf(stderr, "workbook verify: %v\n", err)
			return exitError
		}
	}
	if _, failed := rep.counts(); failed > 0 {
		return exitFailed
	}
	return exitOK
}

// writeJSONFile writes the JSON report to path, or to stdout for "-".
func writeJSONFile(path string, rep *Report, stdout io.Writer) (err error) {
	if path == "-" {
		return writeJSON(stdout, rep)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create JSON report: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return writeJSON(f, rep)
}

// runProgress is the learner's command: progress per lesson, as text or,
// with -json, as Results.
func runProgress(c commandContext, args []string) int {
	fs := c.flags("workbook")
	asJSON := fs.Bool("json", false, "print the results as JSON (per test: lesson, task, status, kind, message, duration)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	lessons, _, err := discoverLessons(c.root, fs.Args())
	if err != nil {
		fmt.Fprintf(c.stderr, "workbook: %v\n", err)
		return exitError
	}
	ps, notes, err := progress(c.ctx, c.progressConfig(fs.Args()))
	if err != nil {
		fmt.Fprintf(c.stderr, "workbook: %v\n", err)
		return exitError
	}
	if *asJSON {
		err = writeResults(c.stdout, results(lessons, ps), false)
	} else {
		err = writeProgress(c.stdout, ps, notes)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "workbook: %v\n", err)
		return exitError
	}
	return exitOK
}

// logger returns a function that logs a line to w if on, and does nothing
// otherwise. It is safe for concurrent use.
func logger(on bool, w io.Writer) func(string, ...any) {
	if !on {
		return nil
	}
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "workbook: "+format+"\n", args...)
	}
}

// findModuleRoot returns the directory of the go.mod that holds the current
// directory.
func findModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for {
		if fileExists(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find module root: no go.mod in the current directory or above it")
		}
		dir = parent
	}
}
