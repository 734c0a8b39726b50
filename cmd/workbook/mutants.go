package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// mutantsDir is where a lesson keeps its mutants, relative to its folder:
// testdata/mutants/<name>/<file>.go, each file a copy of the solution's
// file of the same name with one plausible mistake. The go tool ignores
// testdata, so mutants never build with the lesson.
var mutantsDir = filepath.Join("testdata", "mutants")

// mutantMarker starts the first line of every mutant file: what is wrong.
const mutantMarker = "// mutant:"

// A Mutant is a plausible wrong solution of a lesson: the solution with the
// Files laid over it.
type Mutant struct {
	Name  string
	What  string   // the mistake, from the mutant marker of its first file
	Files []string // absolute paths; each replaces the lesson file of the same base name
}

// discoverMutants returns the lesson's mutants by name, and the problems
// that make a mutant unusable (a file that replaces no lesson file, a file
// without its marker).
func discoverMutants(l *Lesson) ([]Mutant, []string, error) {
	root := filepath.Join(l.Dir, mutantsDir)
	entries, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read mutants of %s: %w", l.Name, err)
	}
	var (
		mutants  []Mutant
		problems []string
	)
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		m := Mutant{Name: e.Name()}
		files, err := filepath.Glob(filepath.Join(root, e.Name(), "*.go"))
		if err != nil {
			return nil, nil, err
		}
		if len(files) == 0 {
			problems = append(problems, fmt.Sprintf("mutant %s has no .go file", m.Name))
			continue
		}
		usable := true
		for _, f := range files {
			base := filepath.Base(f)
			if !slices.Contains(l.Sources, base) {
				problems = append(problems, fmt.Sprintf("mutant %s: %s replaces no file of the lesson (its files: %s)", m.Name, base, strings.Join(l.Sources, ", ")))
				usable = false
			}
			what, err := mutantWhat(f)
			if err != nil {
				return nil, nil, err
			}
			if what == "" {
				problems = append(problems, fmt.Sprintf("mutant %s: %s does not start with %q and a line saying what is wrong", m.Name, base, mutantMarker))
				usable = false
			}
			if m.What == "" {
				m.What = what
			}
		}
		m.Files = files
		if usable {
			mutants = append(mutants, m)
		}
	}
	return mutants, problems, nil
}

// mutantWhat returns the text after the mutant marker on the file's first
// line, or "".
func mutantWhat(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read mutant: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return "", sc.Err()
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), mutantMarker)
	if !ok {
		return "", nil
	}
	return strings.TrimSpace(rest), nil
}

// writeMutantOverlay writes the overlay that lays the solution, then the
// mutant's files, over the lesson.
func writeMutantOverlay(l *Lesson, m Mutant, path string) error {
	replace := solutionReplacements(l)
	for _, f := range m.Files {
		replace[filepath.Join(l.Dir, filepath.Base(f))] = f
	}
	data, err := json.MarshalIndent(map[string]any{"Replace": replace}, "", "\t")
	if err != nil {
		return fmt.Errorf("encode overlay of mutant %s/%s: %w", l.Name, m.Name, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write overlay of mutant %s/%s: %w", l.Name, m.Name, err)
	}
	return nil
}

// verifyMutants lays each mutant over the solution and runs the lesson's
// tests once, without the race detector: a mutant is caught when at least
// one test fails by assertion.
// A mutant that only crashes, times out or races is not caught (the tests
// must say what is wrong), and one that passes every test survived: a test
// is missing. Each mutant is one check.
func verifyMutants(ctx context.Context, r *runner, cfg verifyConfig, l *Lesson, tests []string, tmp string) ([]Check, error) {
	mutants, problems, err := discoverMutants(l)
	if err != nil || (len(mutants) == 0 && len(problems) == 0) {
		return nil, err
	}
	var checks []Check
	if len(problems) > 0 {
		checks = append(checks, fileCheck(l.Name, "mutants", problems))
	}
	results := make([]Check, len(mutants))
	errs := make([]error, len(mutants))
	var wg sync.WaitGroup
	for i, m := range mutants {
		wg.Go(func() { results[i], errs[i] = verifyMutant(ctx, r, cfg, l, m, tests, tmp) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return append(checks, results...), nil
}

func verifyMutant(ctx context.Context, r *runner, cfg verifyConfig, l *Lesson, m Mutant, tests []string, tmp string) (Check, error) {
	c := Check{Lesson: l.Name, Name: "mutant " + m.Name, Phase: "mutant", Status: statusFail}
	overlay := filepath.Join(tmp, l.Name+".mutant."+m.Name+".overlay.json")
	if err := writeMutantOverlay(l, m, overlay); err != nil {
		return c, err
	}
	bin := filepath.Join(tmp, l.Name+".mutant."+m.Name+".test")
	// Without -race: a mutant must be caught by an assertion, which needs no
	// race detector, and the build and the run take half the time.
	pr, err := r.goTool(ctx, buildDeadline, "test", "-c", "-overlay", overlay, "-o", bin, "./"+l.Name)
	if err != nil {
		return c, err
	}
	if !pr.ok() {
		c.Outcome = commandOutcome(pr)
		c.Summary = "the mutant does not compile, so it proves nothing: " + strings.TrimPrefix(c.Summary, "does not compile: ")
		return c, nil
	}
	res, err := r.runSuite(ctx, suiteSpec{bin: bin, dir: l.Dir, tests: tests, count: 1, timeout: cfg.timeout, grace: cfg.grace})
	if err != nil {
		return c, err
	}
	var caughtBy, otherKinds []string
	for _, t := range tests {
		switch o := res.tests[t]; o.Kind {
		case KindAssertion:
			caughtBy = append(caughtBy, t)
		case KindPass:
		default:
			otherKinds = append(otherKinds, fmt.Sprintf("%s: %s", t, o.Kind))
		}
	}
	switch {
	case len(caughtBy) > 0:
		c.Status = statusPass
		first := res.tests[caughtBy[0]]
		c.Outcome = Outcome{Kind: KindAssertion, Summary: fmt.Sprintf("caught by %s", strings.Join(caughtBy, ", "))}
		c.Detail = m.What + "\n" + caughtBy[0] + ": " + first.Summary
	case len(otherKinds) > 0:
		c.Outcome = Outcome{Kind: KindUncaught,
			Summary: "no test fails by assertion; only " + strings.Join(otherKinds, ", ") + ": a test must say what is wrong",
			Detail:  m.What}
	default:
		c.Outcome = Outcome{Kind: KindSurvived,
			Summary: "survived: every test passes with this mistake, so a test is missing",
			Detail:  m.What}
	}
	return c, nil
}

// mutantScore returns how many of the lesson's mutants were caught, of how
// many.
func (l *LessonReport) mutantScore() (caught, total int) {
	for _, c := range l.Mutants {
		if c.Phase != "mutant" {
			continue
		}
		total++
		if c.Status == statusPass {
			caught++
		}
	}
	return caught, total
}
