package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// hintState remembers, per module and task, how many hints the learner has
// asked for. It lives in the user's cache directory, never in the tree, so
// that it survives a reset and is never committed.
type hintState struct {
	path  string
	Shown map[string]int `json:"shown"` // hintKey -> hints shown so far
}

// hintStatePath returns where the hint state is kept:
// $XDG_CACHE_HOME/gstmini-workbook/hints.json or the platform's equivalent.
func hintStatePath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("hint state: %w", err)
	}
	return filepath.Join(dir, "gstmini-workbook", "hints.json"), nil
}

// loadHintState reads the hint state; a missing or unreadable file is an
// empty state (the worst that happens is that hints start again at 1).
func loadHintState() (*hintState, error) {
	path, err := hintStatePath()
	if err != nil {
		return nil, err
	}
	st := &hintState{path: path, Shown: map[string]int{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read hint state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil || st.Shown == nil {
		st.Shown = map[string]int{}
	}
	return st, nil
}

// save writes the state back.
func (st *hintState) save() error {
	if err := os.MkdirAll(filepath.Dir(st.path), 0o755); err != nil {
		return fmt.Errorf("save hint state: %w", err)
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("save hint state: %w", err)
	}
	if err := os.WriteFile(st.path, data, 0o644); err != nil {
		return fmt.Errorf("save hint state: %w", err)
	}
	return nil
}

// hintKey names a task of a lesson of the module at root.
func hintKey(root, lesson string, task int) string {
	return fmt.Sprintf("%s|%s|task %d", root, lesson, task)
}

// nextHint records one more hint shown for the task and returns how many
// are shown now, never more than there are.
func (st *hintState) nextHint(key string, available int) int {
	n := min(st.Shown[key]+1, available)
	st.Shown[key] = n
	return n
}

// writeHints writes the first n hints of a task, numbered, and says whether
// more are left.
func writeHints(w io.Writer, t *Task, n int) {
	for i := range min(n, len(t.Hints)) {
		fmt.Fprintf(w, "  hint %d of %d: %s\n", i+1, len(t.Hints), t.Hints[i])
	}
	switch {
	case n < len(t.Hints):
		fmt.Fprintf(w, "  (%d more: ask again for the next one)\n", len(t.Hints)-n)
	default:
		fmt.Fprintf(w, "  (that was the last hint; the README's %q has the theory)\n", t.README)
	}
}

// runHint is the hint command: the next hint for the first failing test of
// the lesson named, or of the first unfinished lesson.
func runHint(ctx commandContext, args []string) int {
	fs := ctx.flags("hint")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(ctx.stderr, "workbook hint: name at most one lesson")
		return exitError
	}
	p, l, err := ctx.currentLesson(fs.Args())
	if err != nil {
		fmt.Fprintf(ctx.stderr, "workbook hint: %v\n", err)
		return exitError
	}
	if p == nil {
		fmt.Fprintln(ctx.stdout, "every lesson is done: no hint needed")
		return exitOK
	}
	if p.Next == "" {
		fmt.Fprintf(ctx.stdout, "%s is done: no hint needed\n", p.Name)
		return exitOK
	}
	if p.Task == nil || len(p.Task.Hints) == 0 {
		fmt.Fprintf(ctx.stdout, "%s: %s has no hints in lesson.json\n", p.Name, p.Next)
		return exitOK
	}
	st, err := loadHintState()
	if err != nil {
		fmt.Fprintf(ctx.stderr, "workbook hint: %v\n", err)
		return exitError
	}
	n := st.nextHint(hintKey(ctx.root, l.Name, p.TaskNum), len(p.Task.Hints))
	if err := st.save(); err != nil {
		fmt.Fprintf(ctx.stderr, "workbook hint: %v\n", err)
		return exitError
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: next: %s — task %d %q (README: %s)\n", p.Name, p.Next, p.TaskNum, p.Task.Title, p.Task.README)
	writeHints(&b, p.Task, n)
	io.WriteString(ctx.stdout, b.String())
	return exitOK
}
