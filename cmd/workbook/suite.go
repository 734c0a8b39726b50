package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// A suiteSpec says which tests of a test binary to run, and how.
type suiteSpec struct {
	bin     string        // the test binary
	dir     string        // its working directory: the lesson's folder
	tests   []string      // the top-level tests to run
	count   int           // -test.count
	shuffle bool          // -test.shuffle=on
	timeout time.Duration // -test.timeout of one run of the binary
	grace   time.Duration // how much longer the process may live before it is killed
}

// A suiteResult is the verdict on each test and on the run as a whole.
type suiteResult struct {
	tests    map[string]Outcome
	problems []Outcome // failures not tied to one test, such as a leak of the whole run
	seed     string    // the first -test.shuffle seed
}

// runSuite runs spec.tests from the binary and returns a verdict for each.
// A test that kills the binary (panic, timeout) hides the ones after it, so
// runSuite runs the binary again on the tests without a verdict until each
// has one. If goleak reports leaked goroutines after a run where every test
// passed, runSuite runs the tests one by one to find which leak.
func (r *runner) runSuite(ctx context.Context, spec suiteSpec) (suiteResult, error) {
	res := suiteResult{tests: map[string]Outcome{}}
	remaining := spec.tests
	for len(remaining) > 0 {
		pr, err := r.runTests(ctx, spec, remaining, spec.count, spec.shuffle)
		if err != nil {
			return res, err
		}
		log := parseRun(pr.Output)
		if res.seed == "" {
			res.seed = log.seed
		}
		var next []string
		allPassed := true
		for _, name := range remaining {
			o, done := tally(log, name, spec, pr)
			if !done {
				next = append(next, name)
				continue
			}
			res.tests[name] = o
			allPassed = allPassed && o.Kind == KindPass
		}
		if len(next) == len(remaining) || (len(next) > 0 && pr.ok()) {
			// No test got a verdict (the binary failed before running them), or
			// the binary ended well without running some (it does not have them).
			o := wholeRunOutcome(pr, spec)
			for _, name := range next {
				res.tests[name] = o
			}
			break
		}
		if len(next) > 0 {
			remaining = next // the binary died in a test: run the rest again
			continue
		}
		if !pr.ok() && allPassed {
			if log.leakText != "" {
				if err := r.attributeLeak(ctx, spec, remaining, log, &res); err != nil {
					return res, err
				}
			} else {
				res.problems = append(res.problems, Outcome{
					Kind:    KindCrash,
					Summary: fmt.Sprintf("every test passed but the test binary exited with status %d", pr.ExitCode),
					Detail:  lastLines(log.trailer+log.prelude, 10),
				})
			}
		}
		break
	}
	return res, nil
}

// runTests runs the binary once on tests.
func (r *runner) runTests(ctx context.Context, spec suiteSpec, tests []string, count int, shuffle bool) (procResult, error) {
	pattern := "^" + tests[0] + "$"
	if len(tests) > 1 {
		pattern = "^(" + strings.Join(tests, "|") + ")$"
	}
	args := []string{
		"-test.run", pattern,
		fmt.Sprintf("-test.count=%d", count),
		"-test.v",
		fmt.Sprintf("-test.timeout=%v", spec.timeout),
	}
	if shuffle {
		args = append(args, "-test.shuffle=on")
	}
	res, err := r.run(ctx, spec.dir, spec.timeout+spec.grace, spec.bin, args...)
	if err != nil {
		return res, fmt.Errorf("run tests of %s: %w", spec.bin, err)
	}
	return res, nil
}

// tally returns the verdict on one test from a run of the binary, and
// whether there is one: a test that only passed, but fewer times than
// asked, was cut short by another test and has none.
func tally(log runLog, name string, spec suiteSpec, pr procResult) (Outcome, bool) {
	var fails []Outcome
	runs, passes := 0, 0
	var elapsed time.Duration
	for _, it := range log.iters {
		if it.test != name {
			continue
		}
		elapsed = iterationElapsed(name, it.text)
		o := classifyIteration(name, it.text, pr.Killed, spec.timeout)
		if o.Kind == KindCrash && slices.Contains(log.running, name) {
			o = timeoutOutcome(name, pr.Output, false, spec.timeout) // a parallel test when time ran out
		}
		runs++
		if o.Kind == KindPass {
			passes++
		} else {
			fails = append(fails, o)
		}
	}
	if len(fails) == 0 {
		if runs > 0 && passes >= spec.count {
			return Outcome{Kind: KindPass, Summary: "passed", Runs: runs, Passes: passes, Elapsed: elapsed}, true
		}
		return Outcome{}, false
	}
	worst := fails[0]
	for _, f := range fails[1:] {
		if kindRank[f.Kind] < kindRank[worst.Kind] {
			worst = f
		}
	}
	worst.Runs, worst.Passes, worst.Elapsed = runs, passes, elapsed
	if passes > 0 && (worst.Kind == KindAssertion || worst.Kind == KindSkip) {
		return Outcome{
			Kind:    KindFlaky,
			Summary: fmt.Sprintf("passed %d of %d runs; a failing run: %s", passes, runs, worst.Summary),
			Detail:  worst.Detail,
			Runs:    runs,
			Passes:  passes,
			Elapsed: elapsed,
		}, true
	}
	return worst, true
}

// wholeRunOutcome describes a run of the binary in which no test got a
// verdict.
func wholeRunOutcome(pr procResult, spec suiteSpec) Outcome {
	switch {
	case pr.Killed:
		return Outcome{
			Kind:    KindTimeout,
			Summary: fmt.Sprintf("the test binary was killed after %v before any test finished", spec.timeout+spec.grace),
			Detail:  lastLines(pr.Output, 10),
		}
	case strings.Contains(pr.Output, "no tests to run"):
		return Outcome{Kind: KindMissing, Summary: "the test binary has no such test"}
	}
	o := classifyIteration("", pr.Output, false, spec.timeout)
	if o.Kind == KindCrash {
		o.Summary = fmt.Sprintf("the test binary exited with status %d before any test finished", pr.ExitCode)
	} else {
		o.Summary = "before any test finished: " + o.Summary
	}
	return o
}

// attributeLeak runs each test alone to find the ones that leak goroutines;
// if none does on its own, the leak is a problem of the whole run.
func (r *runner) attributeLeak(ctx context.Context, spec suiteSpec, tests []string, log runLog, res *suiteResult) error {
	leak := leakOutcome(log.leakText)
	if len(tests) == 1 {
		leak.Runs, leak.Passes = res.tests[tests[0]].Runs, res.tests[tests[0]].Passes
		res.tests[tests[0]] = leak
		return nil
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
		found    bool
	)
	for _, name := range tests {
		wg.Go(func() {
			pr, err := r.runTests(ctx, spec, []string{name}, 1, false)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = cmp.Or(firstErr, err)
				return
			}
			if l := parseRun(pr.Output); l.leakText != "" {
				o := leakOutcome(l.leakText)
				o.Runs, o.Passes = res.tests[name].Runs, res.tests[name].Passes
				res.tests[name], found = o, true
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if !found {
		leak.Summary = "the whole run leaked goroutines, though no test does on its own: " + leak.Summary
		res.problems = append(res.problems, leak)
	}
	return nil
}
