package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestIsSourceSaveIgnoresEditorTemporaryFiles(t *testing.T) {
	for name, want := range map[string]bool{
		"pad.go": true, "dir/queue.go": true,
		".pad.go.swp": false, "pad.go~": false, "#pad.go#": false, ".#pad.go": false,
		"pad.go___jb_tmp___": false, "pad.go___jb_old___.go": false, "4913": false, "README.md": false,
	} {
		if got := isSourceSave(name); got != want {
			t.Errorf("isSourceSave(%q) = %t; want %t", name, got, want)
		}
	}
}

func TestHintStateShowsOneMoreEachTimeAndStopsAtTheLast(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for want := 1; want <= 3; want++ {
		st, err := loadHintState()
		if err != nil {
			t.Fatal(err)
		}
		got := st.nextHint(hintKey("/m", "lesson1", 2), 2)
		if err := st.save(); err != nil {
			t.Fatal(err)
		}
		if w := min(want, 2); got != w {
			t.Errorf("ask %d: %d hints shown; want %d", want, got, w)
		}
	}
	var b strings.Builder
	writeHints(&b, &Task{README: "Step 2", Hints: []string{"gentle", "explicit"}}, 1)
	if !strings.Contains(b.String(), "hint 1 of 2: gentle") || strings.Contains(b.String(), "explicit") ||
		!strings.Contains(b.String(), "1 more") {
		t.Errorf("writeHints(1 of 2) =\n%s", b.String())
	}
}

// TestScreenShowsWhatToDoForEachKindOfFailure renders the watch screen for
// a build error, an assertion with a long message, and a finished lesson.
func TestScreenShowsWhatToDoForEachKindOfFailure(t *testing.T) {
	task := &Task{Step: 2, Title: "Push", README: "Step 2: Push", Hints: []string{"nudge", "formula"}}
	l := &Lesson{Name: "lesson1_x", Meta: &LessonJSON{Title: "X"}}
	s := &watchSession{lessons: []*Lesson{l}, hints: &hintState{Shown: map[string]int{}}, out: &bytes.Buffer{}}
	long := strings.Repeat("a line of the diff\n", 100)
	cases := []struct {
		name string
		p    lessonProgress
		want []string
	}{
		{"build", lessonProgress{Name: l.Name, Total: 4, Build: &Outcome{Kind: KindBuild, Detail: "pad.go:12:3: undefined: peer"}},
			[]string{"0/4 tests passing", "build error", "pad.go:12:3: undefined: peer"}},
		{"assertion", lessonProgress{Name: l.Name, Total: 4, Passing: 1, Next: "TestPush", Task: task, TaskNum: 2,
			Outcome: Outcome{Kind: KindAssertion, Summary: "push_test.go:9: want ok", Detail: "push_test.go:9: want ok\n" + long}},
			[]string{"1/4 tests passing", "next: TestPush", `task 2 "Push" — README: Step 2: Push`, "failure: assertion",
				"more lines: go test ./lesson1_x -run '^TestPush$' shows them all", "hint 1 of 2: nudge"}},
		{"timeout", lessonProgress{Name: l.Name, Total: 4, Next: "TestPush", Task: task, TaskNum: 2,
			Outcome: Outcome{Kind: KindTimeout, Summary: "TestPush still running after 10s", Detail: "[chan send] Push (pad.go:40)"}},
			[]string{"failure: timeout — the test never finished, probably a deadlock", "[chan send] Push (pad.go:40)"}},
		{"done", lessonProgress{Name: l.Name, Total: 4, Passing: 4},
			[]string{"4/4 tests passing", "done: every test of lesson1_x passes", "workbook solution lesson1_x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.last = &tc.p
			got := s.screen()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("screen lacks %q:\n%s", w, got)
				}
			}
			if n := strings.Count(got, "\n"); n > 40 {
				t.Errorf("screen has %d lines; it must fit a 40-line terminal:\n%s", n, got)
			}
		})
	}
}

// slowOnce marks the tests that build fixture lessons as having run: they
// take seconds each, so they run once per test binary, whatever -count
// says, and not at all with -short.
var slowOnce sync.Map

func oncePerBinary(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds fixture lessons; skipped with -short")
	}
	if _, ran := slowOnce.LoadOrStore(t.Name(), true); ran {
		t.Skip("runs once per test binary, whatever -count says (it takes seconds)")
	}
}

// learnerModule is a fixture module under git, as a learner's clone is.
func learnerModule(t *testing.T) string {
	t.Helper()
	oncePerBinary(t)
	root, err := newFixtureModule()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=l", "-c", "user.email=l@example.com", "commit", "-qm", "shipped"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return root
}

// inModule runs the workbook with args in root, with stdin, and returns its
// status and output.
func inModule(t *testing.T, root, stdin string, args ...string) (int, string) {
	t.Helper()
	t.Chdir(root)
	for _, e := range fixtureEnv {
		k, v, _ := strings.Cut(e, "=")
		t.Setenv(k, v)
	}
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute) // a watchdog for a machine under load
	defer cancel()
	code := runWithInput(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String() + errOut.String()
}

func TestResetAsksThenRestoresTheSkeletonAsShipped(t *testing.T) {
	root := learnerModule(t)
	path := filepath.Join(root, "lesson1_good", "calc.go")
	shipped, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte("package good\n// my work\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := inModule(t, root, "n\n", "reset", "lesson1_good/calc.go"); code != exitFailed || !strings.Contains(out, "nothing reset") {
		t.Errorf("reset answered n = %d, %q; want %d and nothing reset", code, out, exitFailed)
	}
	if got, _ := os.ReadFile(path); !strings.Contains(string(got), "my work") {
		t.Fatal("reset discarded the learner's work without a yes")
	}
	if code, out := inModule(t, root, "y\n", "reset", "lesson1_good"); code != exitOK || !strings.Contains(out, "reset calc.go of lesson1_good") {
		t.Errorf("reset answered y = %d, %q", code, out)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, shipped) {
		t.Errorf("after reset calc.go =\n%s\nwant the skeleton as shipped", got)
	}
	if code, out := inModule(t, root, "", "reset", "-y", "lesson1_good"); code != exitOK || !strings.Contains(out, "already as shipped") {
		t.Errorf("reset -y of an untouched lesson = %d, %q", code, out)
	}
	if code, out := inModule(t, root, "", "reset", "-y", "lesson1_good/nope.go"); code != exitError || !strings.Contains(out, "nope.go is not a file of lesson1_good") {
		t.Errorf("reset of a missing file = %d, %q", code, out)
	}
}

func TestSolutionOnlyOnceEveryTestPasses(t *testing.T) {
	root := learnerModule(t)
	code, out := inModule(t, root, "", "solution", "lesson1_good")
	if code != exitFailed || !strings.Contains(out, "3 of 3 tests still fail") || strings.Contains(out, "return a + b") {
		t.Errorf("solution before done = %d, %q; want %d, the count and no solution", code, out, exitFailed)
	}
	code, out = inModule(t, root, "", "solution", "-force", "lesson1_good")
	if code != exitOK || !strings.Contains(out, "+func Add(a, b int) int { return a + b }") {
		t.Errorf("solution -force = %d, %q; want the diff", code, out)
	}
	sol, _ := os.ReadFile(filepath.Join(root, "solutions", "lesson1_good", "calc.go"))
	if err := os.WriteFile(filepath.Join(root, "lesson1_good", "calc.go"), sol, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = inModule(t, root, "", "solution", "lesson1_good")
	if code != exitOK || !strings.Contains(out, "lesson1_good: done") || !strings.Contains(out, "calc.go: same as the solution") {
		t.Errorf("solution once done = %d, %q", code, out)
	}
}

func TestHintCommandAndJSONResults(t *testing.T) {
	root := learnerModule(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	_, first := inModule(t, root, "", "hint", "lesson1_good")
	_, second := inModule(t, root, "", "hint", "lesson1_good")
	if !strings.Contains(first, "hint 1 of 2: Add returns a plus b.") || strings.Contains(first, "hint 2") {
		t.Errorf("first hint:\n%s", first)
	}
	if !strings.Contains(second, "hint 2 of 2: return a + b") {
		t.Errorf("second hint:\n%s", second)
	}
	code, out := inModule(t, root, "", "-json", "lesson1_good", "lesson2_build")
	var r Results
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK {
		t.Fatalf("workbook -json = %d, %v:\n%s", code, err, out)
	}
	if r.Status != "fail" || r.Total != 5 || len(r.Tests) != 5 || len(r.Lessons) != 2 {
		t.Errorf("results: %+v", r)
	}
	byName := map[string]TestResult{}
	for _, tr := range r.Tests {
		byName[tr.Lesson+"/"+tr.Name] = tr
	}
	if tr := byName["lesson1_good/TestAddSmall"]; tr.Status != "fail" || tr.Kind != KindAssertion || tr.Task != 1 ||
		tr.TaskTitle != "Add" || !strings.Contains(tr.Message, "Add(2, 3) = 0; want 5") {
		t.Errorf("TestAddSmall: %+v", tr)
	}
	if tr := byName["lesson2_build/TestScale"]; tr.Kind != KindBuild || !strings.Contains(tr.Message, "undefined: Scale") {
		t.Errorf("TestScale of a lesson that does not compile: %+v", tr)
	}
}
