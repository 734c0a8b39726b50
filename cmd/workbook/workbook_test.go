package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The fixture module (testdata/fixture) has one lesson per way a lesson can
// go wrong, a lesson folder without lesson.json, and a two-package framework
// of which one package fails:
//
//	lesson1_good        the good case: skeleton tests fail by assertion, the solution passes;
//	                    its mutants: one caught, one surviving, one that only panics, one unusable
//	lesson2_build       the skeleton does not compile
//	lesson3_panic       the first skeleton test panics; the others must still be reported
//	lesson4_deadlock    a skeleton test waits forever on a channel
//	lesson5_leak        the solution leaves a goroutine running
//	lesson6_race        the solution has a data race
//	lesson7_solved      a skeleton test already passes
//	lesson8_nosolution  the solution folder misses a file
//	lesson9_badjson     lesson.json names a missing test, misses a test, has an empty hint
//
// Building and running it takes about 20 s, so it runs once per test binary
// (whatever -count says) and not at all with -short.
var fixture struct {
	once         sync.Once
	err          error
	report       *Report
	text         string
	progress     map[string]lessonProgress
	progressText string
}

// fixtureTimeout is the test timeout the fixture runs with: the deadlock
// costs one of it.
const fixtureTimeout = time.Second

// loadFixture verifies the fixture module, and shows the progress of a
// learner who has not started, once.
func loadFixture(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the fixture lessons (about 20 s); skipped with -short")
	}
	fixture.once.Do(func() { fixture.err = runFixture() })
	if fixture.err != nil {
		t.Fatal(fixture.err)
	}
}

// fixtureEnv is the environment the fixture module's go commands run in:
// no network, no workspace, no 1 s sleep of the race detector at exit.
var fixtureEnv = []string{"GOPROXY=off", "GOWORK=off", "GORACE=atexit_sleep_ms=0"}

// newFixtureModule copies the fixture module (testdata/fixture) into a new
// temporary folder and returns its path.
func newFixtureModule() (string, error) {
	root, err := os.MkdirTemp("", "workbook-fixture-")
	if err != nil {
		return "", err
	}
	if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", "fixture"))); err != nil {
		return "", fmt.Errorf("copy fixture: %w", err)
	}
	// The fixture's lessons use goleak, as the project's do: take the
	// project's go.sum so that nothing is downloaded.
	gosum, err := os.ReadFile(filepath.Join("..", "..", "go.sum"))
	if err != nil {
		return "", err
	}
	gomod := "module example.com/fixture\n\ngo 1.25\n\nrequire go.uber.org/goleak v1.3.0\n"
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(gomod), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(root, "go.sum"), gosum, 0o644); err != nil {
		return "", err
	}
	return root, nil
}

func runFixture() error {
	root, err := newFixtureModule()
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	env := fixtureEnv
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	rep, err := verify(ctx, verifyConfig{
		root: root, jobs: 2 * runtime.NumCPU(), timeout: fixtureTimeout, grace: 5 * time.Second,
		framework: "./gstmini/...", env: env,
	})
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	var text strings.Builder
	if err := writeText(&text, rep); err != nil {
		return err
	}
	ps, notes, err := progress(ctx, progressConfig{
		root: root, lessons: []string{"lesson1", "lesson2", "lesson3", "lesson4_deadlock", "lesson7"},
		jobs: runtime.NumCPU(), timeout: fixtureTimeout, grace: 5 * time.Second, env: env,
	})
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	var ptext strings.Builder
	if err := writeProgress(&ptext, ps, notes); err != nil {
		return err
	}
	fixture.report, fixture.text, fixture.progressText = rep, text.String(), ptext.String()
	fixture.progress = map[string]lessonProgress{}
	for _, p := range ps {
		fixture.progress[p.Name] = p
	}
	return nil
}

// lessonReport returns the fixture's report on lesson name.
func lessonReport(t *testing.T, name string) *LessonReport {
	t.Helper()
	for _, l := range fixture.report.Lessons {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no report on %s; lessons: %v", name, fixture.report.Lessons)
	return nil
}

// TestVerifyClassifiesEachTest checks the verdict on every test of every
// fixture lesson, on the skeleton and on the solution.
func TestVerifyClassifiesEachTest(t *testing.T) {
	loadFixture(t)
	type verdict struct {
		status string
		kind   Kind
		says   string // part of the message
	}
	ok := verdict{status: statusPass, kind: KindAssertion}
	passes := verdict{status: statusPass, kind: KindPass}
	want := map[string]map[string][2]verdict{ // lesson -> test -> {skeleton, solution}
		"lesson1_good": {
			"TestAddSmall": {ok, passes}, "TestAddNegative": {ok, passes}, "TestDouble": {ok, passes},
		},
		"lesson2_build": {
			"TestScale":     {{statusFail, KindBuild, "undefined: Scale"}, passes},
			"TestScaleZero": {{statusFail, KindBuild, "undefined: Scale"}, passes},
		},
		"lesson3_panic": {
			"TestRegisterThenLookup": {{statusFail, KindPanic, "nil pointer dereference at lesson3_panic.(*Registry).Register (lesson3_panic/registry.go:14)"}, passes},
			"TestCountStartsAtZero":  {ok, passes},
			"TestCountAfterRegister": {{statusPass, KindAssertion, "NewRegistry() = nil"}, passes},
		},
		"lesson4_deadlock": {
			"TestProduceWithWatchdog":    {ok, passes},
			"TestProduceWithoutWatchdog": {{statusFail, KindTimeout, "[chan receive] lesson4_deadlock.TestProduceWithoutWatchdog (lesson4_deadlock/produce_test.go:24)"}, passes},
		},
		"lesson5_leak": {
			"TestNewWorkerName": {ok, passes},
			"TestStartRuns":     {ok, {statusFail, KindLeak, "(*Worker).Start.func1 (lesson5_leak/worker.go:21), started by lesson5_leak.(*Worker).Start"}},
		},
		"lesson6_race": {
			"TestCountConcurrently": {ok, {statusFail, KindRace, "lesson6_race/count.go:14"}},
		},
		"lesson7_solved": {
			"TestGreet": {{statusFail, KindPass, "passes on the skeleton"}, passes},
			"TestShout": {ok, passes},
		},
		"lesson8_nosolution": {
			"TestFirst":  {ok, passes},
			"TestSecond": {ok, {statusFail, KindAssertion, "Second() = 0; want 2"}},
		},
		"lesson9_badjson": {
			"TestOne": {ok, passes}, "TestTwo": {ok, passes}, "TestOrphan": {ok, passes},
		},
	}
	for lesson, tests := range want {
		l := lessonReport(t, lesson)
		if len(l.Tests) != len(tests) {
			t.Errorf("%s: tests %q; want %d", lesson, l.Tests, len(tests))
		}
		for test, w := range tests {
			for i, c := range []Check{l.Skeleton[test], l.Solution[test]} {
				phase := [2]string{"skeleton", "solution"}[i]
				if c.Status != w[i].status || c.Kind != w[i].kind || !strings.Contains(c.Message(), w[i].says) {
					t.Errorf("%s %s on the %s: %s %s %q; want %s %s containing %q",
						lesson, test, phase, c.Status, c.Kind, c.Message(), w[i].status, w[i].kind, w[i].says)
				}
			}
		}
	}
}

// TestVerifyChecksLessonFiles checks the lesson-wide checks: lesson.json,
// layout, solution files, solution build and vet.
func TestVerifyChecksLessonFiles(t *testing.T) {
	loadFixture(t)
	failing := map[string]map[string][]string{ // lesson -> check -> parts of the message
		"lesson2_build":      {"vet": {"undefined: Scale"}},
		"lesson8_nosolution": {"solution files": {"solutions/lesson8_nosolution/second.go is missing"}},
		"lesson9_badjson": {"lesson.json": {
			`TestGhost, listed in task 1 (step 1 "One"), is not a test of the lesson`,
			`hint 1 of task 2 (step 2 "Two") is empty`,
			"TestOrphan (nums_test.go:17) belongs to no task",
		}},
	}
	for _, l := range fixture.report.Lessons {
		var names []string
		for _, c := range l.Checks {
			names = append(names, c.Name)
			says, shouldFail := failing[l.Name][c.Name]
			if shouldFail != (c.Status == statusFail) {
				t.Errorf("%s (%s): %s %q; want failed=%t", l.Name, c.Name, c.Status, c.Message(), shouldFail)
			}
			for _, s := range says {
				if !strings.Contains(c.Message(), s) {
					t.Errorf("%s (%s): message %q; want it to contain %q", l.Name, c.Name, c.Message(), s)
				}
			}
		}
		if got := strings.Join(names, ", "); got != "lesson.json, layout, solution files, solution build, vet" {
			t.Errorf("%s: checks %s", l.Name, got)
		}
	}
}

// TestVerifyRunsMutants checks the verdicts on the fixture's mutants: a
// mutant is caught only when a test fails by assertion.
func TestVerifyRunsMutants(t *testing.T) {
	loadFixture(t)
	l := lessonReport(t, "lesson1_good")
	want := map[string]struct {
		status string
		kind   Kind
		says   string
	}{
		"mutants":                      {statusFail, KindInvalid, "mutant nowhere: nowhere.go replaces no file of the lesson"},
		"mutant add-subtracts":         {statusPass, KindAssertion, "caught by TestAddSmall, TestAddNegative"},
		"mutant add-forgets-a-hundred": {statusFail, KindSurvived, "survived: every test passes"},
		"mutant double-panics":         {statusFail, KindUncaught, "only TestDouble: panic"},
	}
	if len(l.Mutants) != len(want) {
		t.Errorf("lesson1_good: %d mutant checks; want %d: %+v", len(l.Mutants), len(want), l.Mutants)
	}
	for _, c := range l.Mutants {
		w, ok := want[c.Name]
		if !ok {
			t.Errorf("unexpected mutant check %q", c.Name)
			continue
		}
		if c.Status != w.status || c.Kind != w.kind || !strings.Contains(c.Message(), w.says) {
			t.Errorf("%s: %s %s %q; want %s %s containing %q", c.Name, c.Status, c.Kind, c.Message(), w.status, w.kind, w.says)
		}
	}
	if caught, total := l.mutantScore(); caught != 1 || total != 3 {
		t.Errorf("mutant score %d of %d; want 1 of 3", caught, total)
	}
	if !strings.Contains(fixture.text, "  mutants: 1 caught of 3\n") {
		t.Errorf("report lacks the mutant score:\n%s", fixture.text)
	}
	if !strings.Contains(fixture.text, "  survived: A mutant") {
		t.Errorf("report does not explain a surviving mutant:\n%s", fixture.text)
	}
}

func TestVerifyRunsTheFramework(t *testing.T) {
	loadFixture(t)
	var got []string
	for _, c := range fixture.report.Framework {
		got = append(got, fmt.Sprintf("%s %s %s", c.Name, c.Status, c.Kind))
	}
	want := "./gstmini pass pass; ./gstmini/broken fail assertion"
	if strings.Join(got, "; ") != want {
		t.Errorf("framework checks: %s; want %s", strings.Join(got, "; "), want)
	}
	if c := fixture.report.Framework[1]; !strings.Contains(c.Summary, "TestAnswer: broken_test.go:7: Answer() = 41; want 42") {
		t.Errorf("framework failure = %q", c.Summary)
	}
}

// TestVerifyReport checks the text and JSON reports: tables, notes,
// explanations, and the final count.
func TestVerifyReport(t *testing.T) {
	loadFixture(t)
	text := fixture.text
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "76 passed, 15 failed" {
		t.Errorf("last line = %q; want %q\n%s", last, "76 passed, 15 failed", text)
	}
	for _, s := range []string{
		"lesson1_good — Fixture: the good case\n  TEST ",
		"note: lesson10_draft has no lesson.json: skipped",
		"framework — go test -race -count=3 -shuffle=on",
		"What the failures mean:\n",
		"  passes on the skeleton: ",
		"  timeout: The test never finished",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("report lacks %q:\n%s", s, text)
		}
	}
	var buf bytes.Buffer
	if err := writeJSON(&buf, fixture.report); err != nil {
		t.Fatal(err)
	}
	var got jsonReport
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != "fail" || got.Passed != 76 || got.Failed != 15 || len(got.Tests) != 91 {
		t.Errorf("JSON report: status %s, %d passed, %d failed, %d entries; want fail, 76, 15, 91",
			got.Status, got.Passed, got.Failed, len(got.Tests))
	}
	found := false
	for _, c := range got.Tests {
		if c.Lesson == "lesson6_race" && c.Name == "TestCountConcurrently" && c.Phase == "solution" {
			found = c.Status == statusFail && c.Kind == KindRace && strings.Contains(c.Message, "data race")
		}
	}
	if !found {
		t.Errorf("JSON report lacks the race of lesson6_race:\n%s", buf.String())
	}
}

// TestProgressOnUntouchedLessons checks the learner's view of lessons they
// have not started: counts, the next test, its failure and the hint, and
// that a panic or a deadlock hides no other test.
func TestProgressOnUntouchedLessons(t *testing.T) {
	loadFixture(t)
	want := map[string]struct {
		passing, total int
		next           string
		kind           Kind
	}{
		"lesson1_good":     {0, 3, "TestAddSmall", KindAssertion},
		"lesson3_panic":    {0, 3, "TestRegisterThenLookup", KindPanic},
		"lesson4_deadlock": {0, 2, "TestProduceWithWatchdog", KindAssertion},
		"lesson7_solved":   {1, 2, "TestShout", KindAssertion},
	}
	for name, w := range want {
		p := fixture.progress[name]
		if p.Passing != w.passing || p.Total != w.total || p.Next != w.next || p.Outcome.Kind != w.kind {
			t.Errorf("%s: %d/%d passing, next %s (%s); want %d/%d, next %s (%s)",
				name, p.Passing, p.Total, p.Next, p.Outcome.Kind, w.passing, w.total, w.next, w.kind)
		}
		if len(p.Results) != p.Total {
			t.Errorf("%s: verdicts on %d tests; want all %d", name, len(p.Results), p.Total)
		}
	}
	if got := fixture.progress["lesson3_panic"].Results["TestCountAfterRegister"].Kind; got != KindAssertion {
		t.Errorf("lesson3_panic: TestCountAfterRegister, after the panicking test, = %s; want assertion", got)
	}
	if got := fixture.progress["lesson4_deadlock"].Results["TestProduceWithoutWatchdog"].Kind; got != KindTimeout {
		t.Errorf("lesson4_deadlock: TestProduceWithoutWatchdog = %s; want timeout", got)
	}
	if p := fixture.progress["lesson2_build"]; p.Build == nil || !strings.Contains(p.Build.Detail, "undefined: Scale") {
		t.Errorf("lesson2_build: build outcome %v; want the compiler's error", p.Build)
	}
	for _, s := range []string{
		"lesson1_good: 0/3 passing\n  next: TestAddSmall — task 1 \"Add\" (README: Step 1: First)\n" +
			"      calc_test.go:7: Add(2, 3) = 0; want 5\n",
		"  hint: Add returns a plus b.\n",
		"lesson2_build: does not compile (0/2 passing)\n",
		"  panic — The code panicked",
		"total: 1/12 tests passing\n",
	} {
		if !strings.Contains(fixture.progressText, s) {
			t.Errorf("progress lacks %q:\n%s", s, fixture.progressText)
		}
	}
}

func TestUsageAndBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"help"}, &out, &errOut); code != exitOK || !strings.Contains(out.String(), "usage:") {
		t.Errorf("workbook help = %d, %q; want 0 and the usage", code, out.String())
	}
	if code := run(context.Background(), []string{"verify", "-no-such-flag"}, &out, &errOut); code != exitError {
		t.Errorf("workbook verify -no-such-flag = %d; want %d", code, exitError)
	}
}
