package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A verifyConfig holds the settings of the verify command.
type verifyConfig struct {
	root      string        // module root
	lessons   []string      // lessons to verify; all if empty
	soak      bool          // run solutions and the framework 20 times, skeleton tests 3 times
	jobs      int           // processes at once
	timeout   time.Duration // -test.timeout of one run of one test
	grace     time.Duration // time after the test timeout before the process is killed
	framework string        // package pattern of the reference framework; "" skips it
	env       []string      // added to the environment of every process
	verbose   func(format string, args ...any)
}

// skeletonCount is how many times each skeleton test runs: it must fail by
// assertion every time.
func (c verifyConfig) skeletonCount() int {
	if c.soak {
		return 3
	}
	return 1
}

// solutionCount is how many times the solution's tests run, shuffled.
func (c verifyConfig) solutionCount() int {
	if c.soak {
		return 20
	}
	return 3
}

// buildDeadline bounds a go build, vet or test -c command.
const buildDeadline = 10 * time.Minute

// Check statuses. A check that was not run is not counted.
const (
	statusPass   = "pass"
	statusFail   = "fail"
	statusNotRun = "not run"
)

// A Check is one verified fact about a lesson or the framework.
type Check struct {
	Lesson string // "" for the framework
	Name   string // a test, "lesson.json", "layout", "solution files", "solution build", "vet", "whole run", or a package
	Phase  string // "skeleton", "solution", "lesson" or "framework"
	Status string // statusPass, statusFail or statusNotRun
	Outcome
}

// A LessonReport is the result of verifying one lesson.
type LessonReport struct {
	Name     string
	Title    string
	Tests    []string         // in task order
	Skeleton map[string]Check // by test
	Solution map[string]Check // by test
	Checks   []Check          // lesson-wide checks, in report order
	Mutants  []Check          // one per mutant (phase "mutant"), after a "mutants" file check if some are unusable
	Seed     string           // shuffle seed of the first solution run
}

// A Report is the result of the verify command.
type Report struct {
	Lessons      []*LessonReport
	Framework    []Check
	FrameworkCmd string   // the command that ran the framework's tests
	Notes        []string // things skipped
}

// checks returns every check of the report, lessons first.
func (r *Report) checks() []Check {
	var all []Check
	for _, l := range r.Lessons {
		for _, t := range l.Tests {
			all = append(all, l.Skeleton[t], l.Solution[t])
		}
		all = append(all, l.Checks...)
		all = append(all, l.Mutants...)
	}
	return append(all, r.Framework...)
}

// counts returns how many checks passed and failed.
func (r *Report) counts() (passed, failed int) {
	for _, c := range r.checks() {
		switch c.Status {
		case statusPass:
			passed++
		case statusFail:
			failed++
		}
	}
	return passed, failed
}

// verify checks every lesson (its lesson.json and layout, each skeleton
// test alone, the solution's tests together and repeatedly, the solution's
// build and vet) and then the framework's tests.
func verify(ctx context.Context, cfg verifyConfig) (*Report, error) {
	lessons, notes, err := discoverLessons(cfg.root, cfg.lessons)
	if err != nil {
		return nil, err
	}
	tmp, err := makeTempDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	r := newRunner(cfg.root, cfg.jobs, cfg.env, cfg.verbose)
	rep := &Report{Notes: notes, Lessons: make([]*LessonReport, len(lessons))}
	errs := make([]error, len(lessons))
	var wg sync.WaitGroup
	for i, l := range lessons {
		wg.Go(func() { rep.Lessons[i], errs[i] = verifyLesson(ctx, r, cfg, l, tmp) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if cfg.framework != "" && len(cfg.lessons) == 0 {
		rep.Framework, rep.FrameworkCmd, err = verifyFramework(ctx, r, cfg)
		if err != nil {
			return nil, err
		}
	} else if cfg.framework != "" {
		rep.Notes = append(rep.Notes, "framework tests skipped: lessons were named")
	}
	return rep, nil
}

// verifyLesson runs every check of one lesson. The skeleton and the
// solution are built and run concurrently, within the runner's limit.
func verifyLesson(ctx context.Context, r *runner, cfg verifyConfig, l *Lesson, tmp string) (*LessonReport, error) {
	rep := &LessonReport{
		Name:     l.Name,
		Tests:    l.testNames(),
		Skeleton: map[string]Check{},
		Solution: map[string]Check{},
	}
	if l.Meta != nil {
		rep.Title = l.Meta.Title
	}
	var (
		mu        sync.Mutex
		wg        sync.WaitGroup
		errs      []error
		solBuild  *Check
		vet       Check
		wholeRuns []Outcome // failures of the solution's run not tied to one test
	)
	locked := func(f func()) { mu.Lock(); defer mu.Unlock(); f() }
	wg.Go(func() {
		err := verifySkeleton(ctx, r, cfg, l, rep.Tests, tmp, func(c Check) { locked(func() { rep.Skeleton[c.Name] = c }) })
		locked(func() { errs = append(errs, err) })
	})
	if l.hasSolution() {
		wg.Go(func() {
			seed, problems, err := verifySolution(ctx, r, cfg, l, rep.Tests, tmp, func(c Check) { locked(func() { rep.Solution[c.Name] = c }) })
			locked(func() { rep.Seed, wholeRuns, errs = seed, problems, append(errs, err) })
		})
		wg.Go(func() {
			mutants, err := verifyMutants(ctx, r, cfg, l, rep.Tests, tmp)
			locked(func() { rep.Mutants, errs = mutants, append(errs, err) })
		})
		wg.Go(func() {
			pr, err := r.goTool(ctx, buildDeadline, "build", "./solutions/"+l.Name)
			c := commandCheck(l.Name, "solution build", pr, KindBuild)
			locked(func() { solBuild, errs = &c, append(errs, err) })
		})
	} else {
		for _, t := range rep.Tests {
			rep.Solution[t] = Check{Lesson: l.Name, Name: t, Phase: "solution", Status: statusNotRun,
				Outcome: Outcome{Kind: KindNotRun, Summary: "no solution"}}
		}
	}
	wg.Go(func() {
		args := []string{"vet", "./" + l.Name}
		if l.hasSolution() {
			args = append(args, "./solutions/"+l.Name)
		}
		pr, err := r.goTool(ctx, buildDeadline, args...)
		locked(func() { vet, errs = commandCheck(l.Name, "vet", pr, KindVet), append(errs, err) })
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	rep.Checks = []Check{
		fileCheck(l.Name, "lesson.json", checkLessonJSON(l)),
		fileCheck(l.Name, "layout", checkLayout(l)),
		fileCheck(l.Name, "solution files", checkSolutionFiles(l)),
	}
	if solBuild != nil {
		rep.Checks = append(rep.Checks, *solBuild)
	}
	rep.Checks = append(rep.Checks, vet)
	for _, o := range wholeRuns {
		rep.Checks = append(rep.Checks, Check{Lesson: l.Name, Name: "whole run", Phase: "solution", Status: statusFail, Outcome: o})
	}
	return rep, nil
}

// fileCheck turns the problems found in a lesson's files into a check.
func fileCheck(lesson, name string, problems []string) Check {
	c := Check{Lesson: lesson, Name: name, Phase: "lesson", Status: statusPass, Outcome: Outcome{Kind: KindPass}}
	if len(problems) > 0 {
		c.Status = statusFail
		c.Outcome = Outcome{Kind: KindInvalid, Summary: problems[0], Detail: cutLines(problems, 20)}
	}
	return c
}

// commandCheck turns the result of a go command into a check.
func commandCheck(lesson, name string, pr procResult, kind Kind) Check {
	c := Check{Lesson: lesson, Name: name, Phase: "lesson", Status: statusPass, Outcome: Outcome{Kind: KindPass}}
	if !pr.ok() {
		c.Status = statusFail
		c.Outcome = commandOutcome(pr)
		if c.Kind == KindBuild && kind == KindVet {
			c.Kind, c.Summary = KindVet, strings.TrimPrefix(c.Summary, "does not compile: ")
		}
	}
	return c
}

// verifySkeleton builds the lesson's test binary once and runs each test
// alone from it: each must fail by assertion, every time.
func verifySkeleton(ctx context.Context, r *runner, cfg verifyConfig, l *Lesson, tests []string, tmp string, report func(Check)) error {
	if len(tests) == 0 {
		return nil
	}
	bin := filepath.Join(tmp, l.Name+".skel.test")
	pr, err := r.goTool(ctx, buildDeadline, "test", "-c", "-race", "-o", bin, "./"+l.Name)
	if err != nil {
		return err
	}
	check := func(test string, o Outcome) {
		c := Check{Lesson: l.Name, Name: test, Phase: "skeleton", Status: statusFail, Outcome: o}
		if o.Kind == KindAssertion && o.Passes == 0 {
			c.Status = statusPass
		}
		if o.Kind == KindPass {
			c.Summary = "passes on the skeleton: it must fail by assertion until the learner writes the code"
		}
		report(c)
	}
	if !pr.ok() {
		o := commandOutcome(pr)
		for _, t := range tests {
			check(t, o)
		}
		return nil
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for _, t := range tests {
		wg.Go(func() {
			count := cfg.skeletonCount()
			res, err := r.runSuite(ctx, suiteSpec{
				bin: bin, dir: l.Dir, tests: []string{t}, count: count,
				timeout: cfg.timeout * time.Duration(count), grace: cfg.grace,
			})
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				return
			}
			check(t, res.tests[t])
		})
	}
	wg.Wait()
	return firstErr
}

// verifySolution lays the solution over the lesson, builds the test binary
// once and runs all tests from it, repeatedly and shuffled: each must pass
// every time. It returns the shuffle seed and the failures of the run as a
// whole.
func verifySolution(ctx context.Context, r *runner, cfg verifyConfig, l *Lesson, tests []string, tmp string, report func(Check)) (string, []Outcome, error) {
	if len(tests) == 0 {
		return "", nil, nil
	}
	overlay := filepath.Join(tmp, l.Name+".overlay.json")
	ok, err := writeOverlay(l, overlay)
	if err != nil {
		return "", nil, err
	}
	all := func(o Outcome, status string) {
		for _, t := range tests {
			report(Check{Lesson: l.Name, Name: t, Phase: "solution", Status: status, Outcome: o})
		}
	}
	if !ok {
		all(Outcome{Kind: KindNotRun, Summary: "no solution file to lay over the lesson"}, statusNotRun)
		return "", nil, nil
	}
	bin := filepath.Join(tmp, l.Name+".sol.test")
	pr, err := r.goTool(ctx, buildDeadline, "test", "-c", "-race", "-overlay", overlay, "-o", bin, "./"+l.Name)
	if err != nil {
		return "", nil, err
	}
	if !pr.ok() {
		all(commandOutcome(pr), statusFail)
		return "", nil, nil
	}
	count := cfg.solutionCount()
	res, err := r.runSuite(ctx, suiteSpec{
		bin: bin, dir: l.Dir, tests: tests, count: count, shuffle: true,
		timeout: cfg.timeout * time.Duration(count), grace: cfg.grace,
	})
	if err != nil {
		return "", nil, err
	}
	for _, t := range tests {
		o := res.tests[t]
		c := Check{Lesson: l.Name, Name: t, Phase: "solution", Status: statusFail, Outcome: o}
		if o.Kind == KindPass {
			c.Status = statusPass
			report(c)
			continue
		}
		var notes []string
		if o.Passes > 0 && o.Kind != KindFlaky {
			notes = append(notes, fmt.Sprintf("passed %d of %d runs", o.Passes, o.Runs))
		}
		if res.seed != "" {
			notes = append(notes, "shuffle seed "+res.seed)
		}
		if len(notes) > 0 {
			c.Detail = strings.TrimLeft(c.Detail+"\n("+strings.Join(notes, "; ")+")", "\n")
		}
		report(c)
	}
	return res.seed, res.problems, nil
}
