package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// runSolution is the solution command: once every test of the lesson
// passes, it shows how the solution differs from the learner's files.
// Before that it says how many tests are left, unless -force.
func runSolution(c commandContext, args []string) int {
	fs := c.flags("solution")
	force := fs.Bool("force", false, "show the solution even though tests still fail")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(c.stderr, "usage: workbook solution [-force] lesson")
		return exitError
	}
	p, l, err := c.currentLesson(fs.Args())
	if err != nil {
		fmt.Fprintf(c.stderr, "workbook solution: %v\n", err)
		return exitError
	}
	if !l.hasSolution() {
		fmt.Fprintf(c.stderr, "workbook solution: %s has no solution folder\n", l.Name)
		return exitError
	}
	if !p.done() && !*force {
		left := p.Total - p.Passing
		fmt.Fprintf(c.stdout, "%s: %d of %d tests still fail. The solution is shown once they all pass: "+
			"the struggle is where the learning happens. Try `go run ./cmd/workbook hint %s`, "+
			"or use -force to see it anyway.\n", l.Name, left, p.Total, l.Name)
		return exitFailed
	}
	var b strings.Builder
	if p.done() {
		fmt.Fprintf(&b, "%s: done. How solutions/%s differs from your files (- yours, + the solution):\n\n", l.Name, l.Name)
	} else {
		fmt.Fprintf(&b, "%s: %d of %d tests still fail (-force). How solutions/%s differs from your files (- yours, + the solution):\n\n",
			l.Name, p.Total-p.Passing, p.Total, l.Name)
	}
	for _, f := range l.Sources {
		mine, sol := filepath.Join(l.Name, f), filepath.Join("solutions", l.Name, f)
		d, err := diffFiles(c.root, mine, sol)
		if err != nil {
			fmt.Fprintf(c.stderr, "workbook solution: %v\n", err)
			return exitError
		}
		if d == "" {
			fmt.Fprintf(&b, "%s: same as the solution\n\n", f)
			continue
		}
		b.WriteString(d)
		b.WriteString("\n")
	}
	if answers := filepath.Join("solutions", l.Name, "ANSWERS.md"); fileExists(filepath.Join(c.root, answers)) {
		fmt.Fprintf(&b, "The answers to the README's questions are in %s.\n", answers)
	}
	fmt.Fprint(c.stdout, b.String())
	return exitOK
}

// diffFiles returns a unified diff from a to b (paths relative to root),
// or "" if they are the same. It uses git's diff, which every learner who
// cloned the workbook has.
func diffFiles(root, a, b string) (string, error) {
	cmd := exec.Command("git", "diff", "--no-index", "--no-color", "--", a, b)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return string(out), nil // the files differ
	}
	if err != nil {
		return "", fmt.Errorf("diff %s %s: %v: %s", a, b, err, strings.TrimSpace(stderr.String()))
	}
	return "", nil
}
