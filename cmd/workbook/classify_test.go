package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readOutput returns a test binary's output captured from the fixture
// lessons (testdata/outputs), with paths already relative to the module.
func readOutput(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "outputs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestClassifyCapturedOutputs classifies real outputs of single-test runs.
func TestClassifyCapturedOutputs(t *testing.T) {
	tests := []struct {
		file, test string
		killed     bool
		want       Kind
		summary    []string // substrings of the summary
		detail     []string // substrings of the detail
	}{
		{file: "assertion.txt", test: "TestDouble", want: KindAssertion,
			summary: []string{"TestDouble/doubles: calc_test.go:21: Double(1) = 0; want 2 (README: Step 2)"},
			detail:  []string{"calc_test.go:21: Double(1) = 0; want 2", "TestDouble/doubles#01:", "Double(4) = 0; want 8"}},
		{file: "panic.txt", test: "TestRegisterThenLookup", want: KindPanic,
			summary: []string{"panic: runtime error: invalid memory address or nil pointer dereference",
				"lesson3_panic.(*Registry).Register (lesson3_panic/registry.go:14)"},
			detail: []string{"lesson3_panic.TestRegisterThenLookup (lesson3_panic/registry_test.go:7)"}},
		{file: "timeout.txt", test: "TestProduceWithoutWatchdog", want: KindTimeout,
			summary: []string{"TestProduceWithoutWatchdog still running after 1s",
				"[chan receive] lesson4_deadlock.TestProduceWithoutWatchdog (lesson4_deadlock/produce_test.go:24)"}},
		{file: "pass.txt", test: "TestGreet", want: KindPass},
		{file: "killed.txt", test: "TestProduceWithoutWatchdog", killed: true, want: KindTimeout,
			summary: []string{"TestProduceWithoutWatchdog did not finish and was killed at the hard deadline",
				"[chan receive] lesson4_deadlock.TestProduceWithoutWatchdog (lesson4_deadlock/produce_test.go:24)"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			log := parseRun(readOutput(t, tt.file))
			if len(log.iters) != 1 || log.iters[0].test != tt.test {
				t.Fatalf("parseRun(%s) found iterations %+v; want one of %s", tt.file, log.iters, tt.test)
			}
			got := classifyIteration(tt.test, log.iters[0].text, tt.killed, time.Second)
			if got.Kind != tt.want {
				t.Fatalf("classifyIteration(%s) = %s (%s); want %s", tt.file, got.Kind, got.Summary, tt.want)
			}
			for _, s := range tt.summary {
				if !strings.Contains(got.Summary, s) {
					t.Errorf("summary = %q; want it to contain %q", got.Summary, s)
				}
			}
			for _, s := range tt.detail {
				if !strings.Contains(got.Detail, s) {
					t.Errorf("detail = %q; want it to contain %q", got.Detail, s)
				}
			}
		})
	}
}

// TestTimeoutListsOnlyProjectGoroutines checks that the goroutine summary of
// a timeout leaves out the testing package's and goleak's goroutines.
// killed.txt is the dump a test binary prints on SIGQUIT, as sent at the
// hard deadline.
func TestTimeoutListsOnlyProjectGoroutines(t *testing.T) {
	want := "[chan receive] lesson4_deadlock.TestProduceWithoutWatchdog (lesson4_deadlock/produce_test.go:24)"
	for _, file := range []string{"timeout.txt", "killed.txt"} {
		if waits := waitingGoroutines(readOutput(t, file)); len(waits) != 1 || waits[0] != want {
			t.Errorf("waitingGoroutines(%s) = %q; want [%q]", file, waits, want)
		}
	}
	if got := timedOutTests(readOutput(t, "timeout.txt")); len(got) != 1 || got[0] != "TestProduceWithoutWatchdog" {
		t.Errorf("timedOutTests(timeout.txt) = %q; want [TestProduceWithoutWatchdog]", got)
	}
}

// TestRaceOnFirstOfThreeRuns checks a race that the detector reports once,
// on the first of three shuffled runs: the test is a race, not flaky.
func TestRaceOnFirstOfThreeRuns(t *testing.T) {
	out := readOutput(t, "race.txt")
	log := parseRun(out)
	if log.seed == "" {
		t.Errorf("parseRun(race.txt) found no shuffle seed")
	}
	spec := suiteSpec{count: 3, timeout: time.Second}
	got, done := tally(log, "TestCountConcurrently", spec, procResult{Output: out, ExitCode: 1})
	if !done || got.Kind != KindRace || got.Runs != 3 || got.Passes != 2 {
		t.Fatalf("tally(race.txt) = %s, %d/%d passed, done %t; want race, 2/3, done", got.Kind, got.Passes, got.Runs, done)
	}
	for _, s := range []string{"read by goroutine", "lesson6_race/count.go:14", "previous write by goroutine", "count.go:16"} {
		if !strings.Contains(got.Summary, s) {
			t.Errorf("summary = %q; want it to contain %q", got.Summary, s)
		}
	}
}

// TestLeakAfterPassingRun checks goleak's report after every test passed.
func TestLeakAfterPassingRun(t *testing.T) {
	out := readOutput(t, "leak.txt")
	log := parseRun(out)
	for _, name := range []string{"TestNewWorkerName", "TestStartRuns"} {
		if got, done := tally(log, name, suiteSpec{count: 2}, procResult{Output: out, ExitCode: 1}); !done || got.Kind != KindPass {
			t.Errorf("tally(leak.txt, %s) = %s, done %t; want pass: the leak belongs to the run", name, got.Kind, done)
		}
	}
	if log.leakText == "" || strings.Contains(log.iters[len(log.iters)-1].text, "goleak") {
		t.Fatalf("parseRun(leak.txt): leakText %q; want goleak's report, outside the last test", log.leakText)
	}
	got := leakOutcome(log.leakText)
	want := "2× [chan receive] lesson5_leak.(*Worker).Start.func1 (lesson5_leak/worker.go:21), started by lesson5_leak.(*Worker).Start"
	if got.Kind != KindLeak || !strings.Contains(got.Summary, "2 goroutine(s)") || !strings.Contains(got.Detail, want) {
		t.Errorf("leakOutcome(leak.txt) = %s %q\n%s\nwant leak, 2 goroutines, %q", got.Kind, got.Summary, got.Detail, want)
	}
}

func TestBuildOutcome(t *testing.T) {
	got := buildOutcome(readOutput(t, "build.txt"))
	if got.Kind != KindBuild || got.Summary != "does not compile: lesson2_build/scale_test.go:6:12: undefined: Scale" {
		t.Errorf("buildOutcome(build.txt) = %s %q", got.Kind, got.Summary)
	}
	if strings.Contains(got.Detail, "# example.com") {
		t.Errorf("buildOutcome(build.txt).Detail = %q; want it without the package header", got.Detail)
	}
}

// TestParseRunCases covers outputs that are easier to write than to capture.
func TestParseRunCases(t *testing.T) {
	tests := []struct {
		name   string
		out    string
		killed bool
		count  int
		want   map[string]Kind // verdicts; a missing test has none
	}{{
		name: "parallel tests interleave through CONT and NAME",
		out: `=== RUN   TestA
=== PAUSE TestA
=== RUN   TestB
=== PAUSE TestB
=== CONT  TestA
=== CONT  TestB
    b_test.go:3: B failed
=== NAME  TestA
    a_test.go:9: A failed
--- FAIL: TestB (0.00s)
--- FAIL: TestA (0.00s)
FAIL
`,
		count: 1,
		want:  map[string]Kind{"TestA": KindAssertion, "TestB": KindAssertion},
	}, {
		name: "assertion on one of three runs is flaky",
		out: `=== RUN   TestA
--- PASS: TestA (0.00s)
=== RUN   TestA
    a_test.go:9: got 1; want 2
--- FAIL: TestA (0.00s)
=== RUN   TestA
--- PASS: TestA (0.00s)
FAIL
`,
		count: 3,
		want:  map[string]Kind{"TestA": KindFlaky},
	}, {
		name: "a test that dies without result is a crash; the next has no verdict",
		out: `=== RUN   TestA
    a_test.go:9: about to exit
`,
		count: 1,
		want:  map[string]Kind{"TestA": KindCrash},
	}, {
		name: "killed at the hard deadline",
		out: `=== RUN   TestA
--- PASS: TestA (0.00s)
=== RUN   TestB
`,
		killed: true,
		count:  1,
		want:   map[string]Kind{"TestA": KindPass, "TestB": KindTimeout},
	}, {
		name: "skipped",
		out: `=== RUN   TestA
    a_test.go:4: not on this platform
--- SKIP: TestA (0.00s)
PASS
`,
		count: 1,
		want:  map[string]Kind{"TestA": KindSkip},
	}, {
		name: "a goroutine of the test panics: no FAIL line",
		out: `=== RUN   TestA
panic: send on closed channel

goroutine 7 [running]:
example.com/m/pkg.(*Queue).Push(...)
	pkg/queue.go:40 +0x29
created by example.com/m/pkg.Start in goroutine 6
	pkg/queue.go:12 +0x45
`,
		count: 1,
		want:  map[string]Kind{"TestA": KindPanic},
	}, {
		name: "runs that passed fewer times than asked have no verdict",
		out: `=== RUN   TestA
--- PASS: TestA (0.00s)
=== RUN   TestB
panic: boom [recovered]
`,
		count: 3,
		want:  map[string]Kind{"TestB": KindPanic},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := parseRun(tt.out)
			pr := procResult{Output: tt.out, ExitCode: 1, Killed: tt.killed}
			for _, name := range []string{"TestA", "TestB"} {
				got, done := tally(log, name, suiteSpec{count: tt.count, timeout: time.Second}, pr)
				want, ok := tt.want[name]
				switch {
				case ok && (!done || got.Kind != want):
					t.Errorf("%s: got %s (done %t, %s); want %s", name, got.Kind, done, got.Summary, want)
				case !ok && done:
					t.Errorf("%s: got verdict %s; want none", name, got.Kind)
				}
			}
		})
	}
}

func TestParallelMessagesLandWithTheirTest(t *testing.T) {
	log := parseRun("=== RUN   TestA\n=== PAUSE TestA\n=== RUN   TestB\n=== PAUSE TestB\n=== CONT  TestA\n" +
		"=== CONT  TestB\n    b_test.go:3: B failed\n=== NAME  TestA\n    a_test.go:9: A failed\n" +
		"--- FAIL: TestB (0.00s)\n--- FAIL: TestA (0.00s)\nFAIL\n")
	for _, it := range log.iters {
		o := assertionOutcome(it.test, it.text)
		want := map[string]string{"TestA": "a_test.go:9: A failed", "TestB": "b_test.go:3: B failed"}[it.test]
		if o.Detail != want {
			t.Errorf("%s: message %q; want %q", it.test, o.Detail, want)
		}
	}
}

func TestShortFunc(t *testing.T) {
	tests := map[string]string{
		"example.com/m/pkg.(*Registry).Register(...)":        "pkg.(*Registry).Register",
		"example.com/m/pkg.TestX(0xc0000a2488)":              "pkg.TestX",
		"example.com/m/pkg.CountConcurrently.func1()":        "pkg.CountConcurrently.func1",
		"github.com/gstmini/workbook/gstmini.(*Pad).Push":    "gstmini.(*Pad).Push",
		"testing.tRunner(0xc0000a2488, 0x65b9e0)":            "testing.tRunner",
		"example.com/m/pkg.Map[...].Get({0x1, 0x2}, 0xc000)": "pkg.Map[...].Get",
	}
	for in, want := range tests {
		if got := shortFunc(in); got != want {
			t.Errorf("shortFunc(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestAssertionOutcomeKeepsTheWholeMessage: an assertion's message and the
// diff it prints are shown whole, however many lines and however long they
// are; cutting them hid the differing line (issue 9).
func TestAssertionOutcomeKeepsTheWholeMessage(t *testing.T) {
	var b strings.Builder
	b.WriteString("=== RUN   TestLong\n    long_test.go:9: got:\n")
	for i := range 30 {
		fmt.Fprintf(&b, "        line %02d %s\n", i, strings.Repeat("x", 300))
	}
	b.WriteString("        the differing line\n--- FAIL: TestLong (0.00s)\n")
	got := classifyIteration("TestLong", b.String(), false, time.Second)
	if got.Kind != KindAssertion {
		t.Fatalf("kind = %s; want assertion", got.Kind)
	}
	for _, want := range []string{"line 00", "line 29 " + strings.Repeat("x", 300), "the differing line"} {
		if !strings.Contains(got.Detail, want) {
			t.Errorf("detail does not contain %.40q...; the whole message must be shown. Detail:\n%s", want, got.Detail)
		}
	}
	if strings.Contains(got.Detail, "more lines") {
		t.Errorf("detail was cut:\n%s", got.Detail)
	}
}
