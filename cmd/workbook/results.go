package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// Results is the learner's progress for editors and for an instructor's
// script that gathers a room's progress, in the spirit of exercism's
// results.json: one entry per lesson and one per test.
type Results struct {
	Version int             `json:"version"`
	Status  string          `json:"status"` // "pass" when every test of every lesson passes, else "fail"
	Passing int             `json:"passing"`
	Total   int             `json:"total"`
	Lessons []LessonResults `json:"lessons"`
	Tests   []TestResult    `json:"tests"`
}

// LessonResults is one lesson's summary.
type LessonResults struct {
	Name    string `json:"name"`
	Passing int    `json:"passing"`
	Total   int    `json:"total"`
	Done    bool   `json:"done"`
	Next    string `json:"next,omitempty"`        // the first test, in task order, that does not pass
	Build   string `json:"build_error,omitempty"` // the compiler's message when the lesson does not compile
}

// TestResult is one test's verdict.
type TestResult struct {
	Name       string  `json:"name"`
	Lesson     string  `json:"lesson"`
	Task       int     `json:"task,omitempty"` // from 1, in lesson.json's order
	TaskTitle  string  `json:"task_title,omitempty"`
	README     string  `json:"readme,omitempty"`
	Status     string  `json:"status"`         // "pass" or "fail"
	Kind       Kind    `json:"kind,omitempty"` // how it failed: assertion, build, panic, timeout, race, leak...
	Message    string  `json:"message,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// results builds the Results of the given lessons' progress.
func results(lessons []*Lesson, ps []lessonProgress) Results {
	out := Results{Version: 1, Status: "pass", Lessons: []LessonResults{}, Tests: []TestResult{}}
	for i, p := range ps {
		l := lessons[i]
		lr := LessonResults{Name: p.Name, Passing: p.Passing, Total: p.Total, Done: p.done(), Next: p.Next}
		if p.Build != nil {
			lr.Build = p.Build.Message()
		}
		out.Lessons = append(out.Lessons, lr)
		out.Passing += p.Passing
		out.Total += p.Total
		if !lr.Done {
			out.Status = "fail"
		}
		for _, name := range l.testNames() {
			tr := TestResult{Name: name, Lesson: l.Name, Status: "fail"}
			if ti := l.Meta.taskOf(name); ti >= 0 {
				t := l.Meta.Tasks[ti]
				tr.Task, tr.TaskTitle, tr.README = ti+1, t.Title, t.README
			}
			o, ok := p.Results[name]
			switch {
			case p.Build != nil:
				tr.Kind, tr.Message = KindBuild, p.Build.Message()
			case !ok:
				tr.Kind, tr.Message = KindNotRun, "no verdict"
			case o.Kind == KindPass:
				tr.Status = "pass"
			default:
				tr.Kind, tr.Message = o.Kind, o.Message()
			}
			if ok {
				tr.DurationMS = float64(o.Elapsed.Microseconds()) / 1000
			}
			out.Tests = append(out.Tests, tr)
		}
	}
	return out
}

// writeResults writes r as indented JSON, or as one line if compact (the
// watch command's stream, one object per run).
func writeResults(w io.Writer, r Results, compact bool) error {
	enc := json.NewEncoder(w)
	if !compact {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
