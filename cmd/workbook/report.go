package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// writeText writes the verify report: a table per lesson, the details of
// each failure, the framework's table, what each kind of failure means, and
// the final line "N passed, M failed".
func writeText(w io.Writer, rep *Report) error {
	var b strings.Builder
	for _, l := range rep.Lessons {
		writeLesson(&b, l)
	}
	if len(rep.Framework) > 0 {
		writeFramework(&b, rep)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	writeExplanations(&b, rep.checks())
	passed, failed := rep.counts()
	fmt.Fprintf(&b, "%d passed, %d failed\n", passed, failed)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// writeLesson writes one lesson's table and the details of its failures.
func writeLesson(b *strings.Builder, l *LessonReport) {
	title := l.Name
	if l.Title != "" {
		title += " — " + l.Title
	}
	fmt.Fprintf(b, "%s\n", title)
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  TEST\tSKELETON\tSOLUTION\tFAILURE")
	var failures []Check
	for _, t := range l.Tests {
		sk, sol := l.Skeleton[t], l.Solution[t]
		var problems []string
		for _, c := range []Check{sk, sol} {
			if c.Status == statusFail {
				problems = append(problems, c.Phase+": "+oneLine(c.Summary, 80))
				failures = append(failures, c)
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t, skeletonCell(sk), solutionCell(sol), first(problems))
		for _, p := range problems[min(1, len(problems)):] {
			fmt.Fprintf(tw, "  \t\t\t%s\n", p)
		}
	}
	for _, c := range l.Checks {
		cell, problem := "ok", ""
		if c.Status == statusFail {
			cell, problem = "FAIL", oneLine(c.Summary, 80)
			failures = append(failures, c)
		}
		fmt.Fprintf(tw, "  (%s)\t%s\t\t%s\n", c.Name, cell, problem)
	}
	tw.Flush()
	if len(l.Mutants) > 0 {
		caught, total := l.mutantScore()
		fmt.Fprintf(b, "  mutants: %d caught of %d\n", caught, total)
		tw = tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		for _, c := range l.Mutants {
			cell := "ok"
			if c.Status == statusFail {
				cell = "FAIL"
				failures = append(failures, c)
			}
			fmt.Fprintf(tw, "  (%s)\t%s\t%s\n", c.Name, cell, oneLine(c.Summary, 100))
		}
		tw.Flush()
	}
	writeDetails(b, failures, l.Name)
	b.WriteString("\n")
}

// writeFramework writes the framework's table and its failures.
func writeFramework(b *strings.Builder, rep *Report) {
	fmt.Fprintf(b, "framework — %s\n", rep.FrameworkCmd)
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  PACKAGE\tRESULT\tFAILURE")
	var failures []Check
	for _, c := range rep.Framework {
		if c.Status == statusPass {
			fmt.Fprintf(tw, "  %s\tok  %s\t\n", c.Name, strings.TrimPrefix(c.Summary, "passed "))
			continue
		}
		failures = append(failures, c)
		fmt.Fprintf(tw, "  %s\tFAIL %s\t%s\n", c.Name, c.Kind, oneLine(c.Summary, 80))
	}
	tw.Flush()
	writeDetails(b, failures, "")
	b.WriteString("\n")
}

// writeDetails writes the full message of each failure.
func writeDetails(b *strings.Builder, failures []Check, lesson string) {
	for _, c := range failures {
		if c.Detail == "" || c.Detail == c.Summary {
			continue
		}
		where := c.Name
		if c.Phase == "skeleton" || c.Phase == "solution" {
			where += " on the " + c.Phase
		}
		fmt.Fprintf(b, "\n  %s — %s:\n", where, c.Kind)
		for _, line := range strings.Split(c.Detail, "\n") {
			fmt.Fprintf(b, "      %s\n", line)
		}
	}
}

// writeExplanations says in plain words what each kind of failure in the
// report means.
func writeExplanations(b *strings.Builder, checks []Check) {
	var kinds []Kind
	for _, c := range checks {
		if c.Status == statusFail && !slices.Contains(kinds, c.Kind) {
			kinds = append(kinds, c.Kind)
		}
	}
	if len(kinds) == 0 {
		return
	}
	slices.SortFunc(kinds, func(a, b Kind) int { return strings.Compare(string(a), string(b)) })
	b.WriteString("What the failures mean:\n")
	for _, k := range kinds {
		label := string(k)
		if k == KindPass {
			label = "passes on the skeleton"
		}
		fmt.Fprintf(b, "  %s: %s\n", label, explanations[k])
	}
	b.WriteString("\n")
}

// skeletonCell shows a skeleton test's verdict: "ok  assertion" is right.
func skeletonCell(c Check) string {
	switch c.Status {
	case statusPass:
		return "ok  assertion"
	case statusFail:
		if c.Kind == KindPass {
			return "FAIL passes"
		}
		return "FAIL " + string(c.Kind)
	}
	return "-"
}

// solutionCell shows a solution test's verdict and how many runs passed.
func solutionCell(c Check) string {
	switch c.Status {
	case statusPass:
		return fmt.Sprintf("ok  %d/%d", c.Passes, c.Runs)
	case statusFail:
		return "FAIL " + string(c.Kind)
	}
	return "- (" + c.Summary + ")"
}

// oneLine returns the first line of s, cut to n characters.
func oneLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// A jsonReport is the machine-readable verify report, shaped like
// exercism's results.json: an overall status and one entry per check.
type jsonReport struct {
	Version int         `json:"version"`
	Status  string      `json:"status"` // "pass" or "fail"
	Passed  int         `json:"passed"`
	Failed  int         `json:"failed"`
	Notes   []string    `json:"notes,omitempty"`
	Tests   []jsonCheck `json:"tests"`
}

type jsonCheck struct {
	Lesson  string `json:"lesson,omitempty"`
	Name    string `json:"name"`
	Phase   string `json:"phase"`  // skeleton, solution, lesson, mutant, framework
	Status  string `json:"status"` // pass, fail, not run
	Kind    Kind   `json:"kind,omitempty"`
	Runs    int    `json:"runs,omitempty"`
	Passes  int    `json:"passes,omitempty"`
	Message string `json:"message,omitempty"`
}

// writeJSON writes the report as JSON.
func writeJSON(w io.Writer, rep *Report) error {
	passed, failed := rep.counts()
	out := jsonReport{Version: 1, Status: "pass", Passed: passed, Failed: failed, Notes: rep.Notes, Tests: []jsonCheck{}}
	if failed > 0 {
		out.Status = "fail"
	}
	for _, c := range rep.checks() {
		jc := jsonCheck{Lesson: c.Lesson, Name: c.Name, Phase: c.Phase, Status: c.Status, Kind: c.Kind, Runs: c.Runs, Passes: c.Passes}
		if c.Status != statusPass {
			jc.Message = c.Message()
		}
		out.Tests = append(out.Tests, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}
