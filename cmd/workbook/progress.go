package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A progressConfig holds the settings of the learner's progress command.
type progressConfig struct {
	root    string
	lessons []string
	jobs    int
	timeout time.Duration // -test.timeout of one run of a lesson's tests
	grace   time.Duration
	env     []string // added to the environment of every process
	verbose func(format string, args ...any)
}

// A lessonProgress is how far the learner is in one lesson.
type lessonProgress struct {
	Name     string
	Results  map[string]Outcome // by test
	Total    int
	Passing  int
	Build    *Outcome // set if the lesson does not compile
	Next     string   // the first test, in task order, that does not pass
	Outcome  Outcome  // how Next failed
	Task     *Task    // the task Next belongs to, if any
	TaskNum  int      // its number, from 1
	NotFound bool     // the lesson has no tests
}

// progress runs each lesson's tests on the learner's files (no overlay, no
// race detector) and reports how many pass and what to do next.
func progress(ctx context.Context, cfg progressConfig) ([]lessonProgress, []string, error) {
	lessons, notes, err := discoverLessons(cfg.root, cfg.lessons)
	if err != nil {
		return nil, nil, err
	}
	tmp, err := makeTempDir()
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	r := newRunner(cfg.root, cfg.jobs, cfg.env, cfg.verbose)
	out := make([]lessonProgress, len(lessons))
	errs := make([]error, len(lessons))
	var wg sync.WaitGroup
	for i, l := range lessons {
		wg.Go(func() { out[i], errs[i] = lessonProgressOf(ctx, r, cfg, l, tmp) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return out, notes, nil
}

// lessonProgressOf builds one lesson's tests and runs them all.
func lessonProgressOf(ctx context.Context, r *runner, cfg progressConfig, l *Lesson, tmp string) (lessonProgress, error) {
	p := lessonProgress{Name: l.Name}
	tests := l.testNames()
	p.Total = len(tests)
	if len(tests) == 0 {
		p.NotFound = true
		return p, nil
	}
	bin := filepath.Join(tmp, l.Name+".test")
	pr, err := r.goTool(ctx, buildDeadline, "test", "-c", "-o", bin, "./"+l.Name)
	if err != nil {
		return p, err
	}
	if !pr.ok() {
		o := commandOutcome(pr)
		p.Build = &o
		return p, nil
	}
	res, err := r.runSuite(ctx, suiteSpec{bin: bin, dir: l.Dir, tests: tests, count: 1, timeout: cfg.timeout, grace: cfg.grace})
	if err != nil {
		return p, err
	}
	p.Results = res.tests
	for _, t := range tests {
		o := res.tests[t]
		if o.Kind == KindPass {
			p.Passing++
			continue
		}
		if p.Next == "" {
			p.Next, p.Outcome = t, o
			if i := l.Meta.taskOf(t); i >= 0 {
				p.Task, p.TaskNum = &l.Meta.Tasks[i], i+1
			}
		}
	}
	if p.Next == "" && len(res.problems) > 0 {
		p.Next, p.Outcome = "(the lesson's whole run)", res.problems[0]
	}
	return p, nil
}

// writeProgress writes the learner's progress: one line per lesson and, for
// every unfinished one, the next test to make pass with its failure and the
// first hint of its task.
func writeProgress(w io.Writer, ps []lessonProgress, notes []string) error {
	var b strings.Builder
	total, passing := 0, 0
	for _, p := range ps {
		total += p.Total
		passing += p.Passing
		switch {
		case p.NotFound:
			fmt.Fprintf(&b, "%s: no tests yet\n", p.Name)
		case p.Build != nil:
			fmt.Fprintf(&b, "%s: does not compile (0/%d passing)\n", p.Name, p.Total)
			writeIndented(&b, p.Build.Detail, "      ")
			fmt.Fprintf(&b, "  %s\n", explanations[KindBuild])
		case p.Next == "":
			fmt.Fprintf(&b, "%s: %d/%d passing — done\n", p.Name, p.Passing, p.Total)
		default:
			fmt.Fprintf(&b, "%s: %d/%d passing\n", p.Name, p.Passing, p.Total)
			writeNext(&b, p)
		}
		b.WriteString("\n")
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	fmt.Fprintf(&b, "total: %d/%d tests passing\n", passing, total)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write progress: %w", err)
	}
	return nil
}

// writeNext writes the next test to make pass: its task, its failure, what
// that kind of failure means if it is not a plain assertion, and the hint.
func writeNext(b *strings.Builder, p lessonProgress) {
	fmt.Fprintf(b, "  next: %s", p.Next)
	if p.Task != nil {
		fmt.Fprintf(b, " — task %d %q (README: %s)", p.TaskNum, p.Task.Title, p.Task.README)
	}
	b.WriteString("\n")
	o := p.Outcome
	if o.Detail != "" {
		writeIndented(b, firstCase(p.Next, o.Detail), "      ")
	} else {
		writeIndented(b, o.Summary, "      ")
	}
	if o.Kind != KindAssertion {
		fmt.Fprintf(b, "  %s — %s\n", o.Kind, explanations[o.Kind])
	}
	if p.Task != nil && len(p.Task.Hints) > 0 {
		fmt.Fprintf(b, "  hint: %s\n", p.Task.Hints[0])
	}
	if strings.HasPrefix(p.Next, "Test") {
		fmt.Fprintf(b, "  run it: go test ./%s -run '^%s$'\n", p.Name, p.Next)
	}
}

func writeIndented(b *strings.Builder, text, indent string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line != "" {
			fmt.Fprintf(b, "%s%s\n", indent, line)
		}
	}
}

// firstCase keeps, of a failure message, the messages of the first failing
// subtest of test, and says if more failed: one case at a time is enough to
// work on.
func firstCase(test, detail string) string {
	var keep []string
	cases := 0
	for _, line := range strings.Split(detail, "\n") {
		if strings.HasPrefix(line, test+"/") && strings.HasSuffix(line, ":") {
			cases++
		}
		if cases > 1 {
			return strings.Join(keep, "\n") + "\n(more cases fail: run it to see them all)"
		}
		keep = append(keep, line)
	}
	return detail
}
