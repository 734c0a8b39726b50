package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// LessonJSON is a lesson's lesson.json: its title and its tasks in the
// order the README teaches them (docs/LESSON-FORMAT.md).
type LessonJSON struct {
	Title string `json:"title"`
	Tasks []Task `json:"tasks"`
}

// A Task is one step of a lesson: the tests it makes pass and hints from
// gentle to explicit.
type Task struct {
	Step   int      `json:"step"`
	Title  string   `json:"title"`
	README string   `json:"readme"` // the README section that teaches it
	Tests  []string `json:"tests"`
	Hints  []string `json:"hints"`
}

// label names the task in messages: `task 2 (step 2 "Link two pads")`.
func (t Task) label(i int) string {
	return fmt.Sprintf("task %d (step %d %q)", i+1, t.Step, t.Title)
}

// readLessonJSON reads and decodes a lesson.json, refusing unknown fields
// so that a misspelt key is not silently ignored.
func readLessonJSON(path string) (*LessonJSON, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read lesson.json: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m LessonJSON
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decode %s: data after the top-level object", path)
	}
	return &m, nil
}

// taskOf returns the index of the task that lists test, or -1.
func (m *LessonJSON) taskOf(test string) int {
	if m == nil {
		return -1
	}
	for i, t := range m.Tasks {
		for _, name := range t.Tests {
			if name == test {
				return i
			}
		}
	}
	return -1
}

// validate checks m against the lesson's tests and README text (empty if
// there is no README.md) and returns what is wrong, one sentence each: every
// test belongs to exactly one task, every named test exists, tasks come in
// step order, and every task has a title, a README section that exists, at
// least one test and at least one hint, none of them empty.
func (m *LessonJSON) validate(tests []TestFunc, readme string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(m.Title) == "" {
		add("the title is empty")
	}
	if len(m.Tasks) == 0 {
		add("there are no tasks")
	}
	exists := map[string]bool{}
	for _, t := range tests {
		exists[t.Name] = true
	}
	listedIn := map[string]string{}
	prevStep := 0
	for i, t := range m.Tasks {
		label := t.label(i)
		switch {
		case t.Step < 1:
			add("%s: step must be 1 or more", label)
		case t.Step < prevStep:
			add("%s comes after step %d: tasks must be in step order", label, prevStep)
		}
		prevStep = max(prevStep, t.Step)
		if strings.TrimSpace(t.Title) == "" {
			add("%s has no title", label)
		}
		switch {
		case strings.TrimSpace(t.README) == "":
			add("%s names no README section (\"readme\")", label)
		case readme != "" && !strings.Contains(strings.ToLower(readme), strings.ToLower(t.README)):
			add("%s points to README section %q, which README.md does not contain", label, t.README)
		}
		if len(t.Tests) == 0 {
			add("%s lists no tests", label)
		}
		for _, name := range t.Tests {
			if prev, ok := listedIn[name]; ok {
				add("%s is listed twice: in %s and in %s", name, prev, label)
				continue
			}
			listedIn[name] = label
			if !exists[name] {
				add("%s, listed in %s, is not a test of the lesson", name, label)
			}
		}
		if len(t.Hints) == 0 {
			add("%s has no hints", label)
		}
		for j, h := range t.Hints {
			if strings.TrimSpace(h) == "" {
				add("hint %d of %s is empty", j+1, label)
			}
		}
	}
	for _, t := range tests {
		if _, ok := listedIn[t.Name]; !ok {
			add("%s (%s:%d) belongs to no task", t.Name, t.File, t.Line)
		}
	}
	return problems
}
