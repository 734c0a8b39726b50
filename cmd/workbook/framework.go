package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// verifyFramework runs the reference framework's tests as the project's CI
// does, under go test -json, and returns one check per package with tests
// and the command it ran.
func verifyFramework(ctx context.Context, r *runner, cfg verifyConfig) ([]Check, string, error) {
	timeout := 10 * time.Minute
	if cfg.soak {
		timeout = 30 * time.Minute
	}
	flags := []string{"-race", fmt.Sprintf("-count=%d", cfg.solutionCount()), "-shuffle=on", "-timeout=" + timeout.String()}
	pkgs, err := frameworkPackages(ctx, r, cfg.framework)
	if err != nil {
		return nil, "", err
	}
	cmdline := "go test " + strings.Join(flags, " ") + " " + cfg.framework
	args := append(append([]string{"test", "-json"}, flags...), pkgs...)
	pr, err := r.runCapped(ctx, r.root, timeout+time.Minute, 256<<20, r.goCmd, args...)
	if err != nil {
		return nil, "", fmt.Errorf("test the framework: %w", err)
	}
	checks := frameworkChecks(pr, modulePath(r.root), timeout)
	if len(checks) == 0 {
		o := Outcome{Kind: KindCrash, Summary: "go test ran no framework package", Detail: lastLines(pr.Output, 10)}
		if pr.Killed {
			o.Kind, o.Summary = KindTimeout, "go test was killed at the hard deadline"
		}
		checks = []Check{{Name: cfg.framework, Phase: "framework", Status: statusFail, Outcome: o}}
	}
	return checks, cmdline, nil
}

// frameworkPackages lists the packages matched by the space-separated
// patterns, leaving out the lessons and their solutions, whose skeleton
// tests fail by design and are checked test by test instead.
func frameworkPackages(ctx context.Context, r *runner, patterns string) ([]string, error) {
	args := append([]string{"list", "-e", "-f", "{{.ImportPath}}"}, strings.Fields(patterns)...)
	pr, err := r.runCapped(ctx, r.root, 2*time.Minute, 16<<20, r.goCmd, args...)
	if err != nil {
		return nil, fmt.Errorf("list the framework packages: %w", err)
	}
	module := modulePath(r.root)
	var pkgs []string
	for _, pkg := range strings.Fields(pr.Output) {
		top, _, _ := strings.Cut(strings.TrimPrefix(pkg, module+"/"), "/")
		if top == "solutions" || isLesson(top) {
			continue
		}
		pkgs = append(pkgs, pkg)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no framework package matches %q", patterns)
	}
	return pkgs, nil
}

// isLesson reports whether a top-level folder name is a lesson's.
func isLesson(name string) bool {
	ok, _ := filepath.Match(lessonPattern, name)
	return ok
}

// A testEvent is one line of go test -json (cmd/test2json), including the
// build events of Go 1.24 and later.
type testEvent struct {
	Action      string
	Package     string
	Test        string
	Output      string
	Elapsed     float64
	ImportPath  string // build-output, build-fail
	FailedBuild string
}

// frameworkChecks reads go test -json output into one check per package
// that has tests.
func frameworkChecks(pr procResult, module string, timeout time.Duration) []Check {
	type pkgState struct {
		out         strings.Builder
		action      string
		elapsed     float64
		failedBuild string
	}
	var order []string
	pkgs := map[string]*pkgState{}
	build := map[string]*strings.Builder{}
	sc := bufio.NewScanner(strings.NewReader(pr.Output))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var ev testEvent
		if line := sc.Bytes(); len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			continue
		}
		if ev.ImportPath != "" { // build-output, build-fail
			if build[ev.ImportPath] == nil {
				build[ev.ImportPath] = &strings.Builder{}
			}
			build[ev.ImportPath].WriteString(ev.Output)
			continue
		}
		if ev.Package == "" {
			continue
		}
		p := pkgs[ev.Package]
		if p == nil {
			p = &pkgState{}
			pkgs[ev.Package] = p
			order = append(order, ev.Package)
		}
		switch {
		case ev.Action == "output":
			p.out.WriteString(ev.Output)
		case ev.Test == "" && (ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip"):
			p.action, p.elapsed, p.failedBuild = ev.Action, ev.Elapsed, ev.FailedBuild
		}
	}
	var checks []Check
	for _, pkg := range order {
		p := pkgs[pkg]
		c := Check{Name: displayPackage(pkg, module), Phase: "framework", Status: statusFail}
		out := p.out.String()
		switch {
		case p.action == "skip" || strings.Contains(out, "[no test files]"):
			continue
		case p.action == "pass":
			c.Status = statusPass
			c.Outcome = Outcome{Kind: KindPass, Summary: fmt.Sprintf("passed (%.1fs)", p.elapsed)}
		case p.failedBuild != "" || strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]"):
			text := out
			if b := build[p.failedBuild]; b != nil {
				text = b.String()
			}
			c.Outcome = buildOutcome(text)
		default:
			c.Outcome = packageFailure(out, p.action == "", timeout)
		}
		checks = append(checks, c)
	}
	return checks
}

// packageFailure classifies the failure of a package's tests from their
// -test.v output: the worst failing test, and how many failed.
func packageFailure(out string, killed bool, timeout time.Duration) Outcome {
	log := parseRun(out)
	var failed []string
	var worst Outcome
	for _, it := range log.iters {
		o := classifyIteration(it.test, it.text, killed, timeout)
		if o.Kind == KindPass || slices.Contains(failed, it.test) {
			continue
		}
		if o.Kind == KindCrash && slices.Contains(log.running, it.test) {
			o = timeoutOutcome(it.test, out, false, timeout)
		}
		failed = append(failed, it.test)
		if worst.Kind == "" || kindRank[o.Kind] < kindRank[worst.Kind] {
			worst = o
			worst.Summary = it.test + ": " + o.Summary
		}
	}
	switch {
	case worst.Kind == "" && log.leakText != "":
		return leakOutcome(log.leakText)
	case worst.Kind == "" && killed:
		return Outcome{Kind: KindTimeout, Summary: "go test was killed at the hard deadline", Detail: lastLines(out, 10)}
	case worst.Kind == "":
		return Outcome{Kind: KindCrash, Summary: "the package failed without a failing test", Detail: lastLines(out, 10)}
	}
	if len(failed) > 1 {
		worst.Detail += fmt.Sprintf("\nfailing tests: %s", strings.Join(failed, ", "))
	}
	return worst
}

var reModule = regexp.MustCompile(`(?m)^module\s+"?([^"\s]+)"?`)

// modulePath returns the module path declared in root/go.mod, or "".
func modulePath(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return ""
	}
	if m := reModule.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return ""
}

// displayPackage shows a package of the module as a relative path:
// "./gstmini/elements".
func displayPackage(pkg, module string) string {
	if module == "" {
		return pkg
	}
	if pkg == module {
		return "."
	}
	if rest, ok := strings.CutPrefix(pkg, module+"/"); ok {
		return "./" + rest
	}
	return pkg
}
